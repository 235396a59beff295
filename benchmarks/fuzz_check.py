"""Fuzz the check in-process: random structure-aware documents, counted, crashes printed.

Each input is a document of ``tests/fuzzdocs.py`` (front matter, headings,
timeline rows, tables, action items, comments, with random bytes spliced in),
checked in-process. An exception, an exit code other than 0 or 1, a finding
without path, line or code, or an internal error (AOS905) is a crash: its
seed is printed, and ``--keep DIR`` saves the input. Exit 1 when one crashed.

    PYTHONPATH=. python benchmarks/fuzz_check.py [--count 10000] [--seed 0] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzzdocs import check_bytes, random_document


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="inputs to run")
    parser.add_argument("--seed", type=int, default=0, help="first seed")
    parser.add_argument("--keep", type=Path, help="save each crashing input here")
    args = parser.parse_args()
    crashes = 0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(args.seed, args.seed + args.count):
            rnd = random.Random(seed)
            odds = rnd.random()  # half spliced: random bytes, or random text as UTF-8
            splice = b"" if odds < 0.5 else rnd.randbytes(rnd.randint(1, 16)) if odds < 0.75 \
                else "".join(chr(rnd.randint(1, 0x2FFFF)) for _ in range(rnd.randint(1, 16))
                             ).encode("utf-8", "replace")
            data = random_document(rnd, splice)
            problem = check_bytes(Path(folder), data)
            if problem is not None:
                crashes += 1
                print(f"seed {seed}: {problem}", flush=True)
                if args.keep is not None:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    (args.keep / f"crash-{seed}.md").write_bytes(data)
    elapsed = time.perf_counter() - start
    print(f"{args.count} inputs run in {elapsed:.1f} s ({args.count / elapsed:.0f}/s), "
          f"{crashes} crashed")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
