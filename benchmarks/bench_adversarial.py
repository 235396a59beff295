"""Benchmark of hostile text: each pattern family's time on a 1 MB line.

Writes one postmortem per family whose body holds a line of ``--size`` bytes
built to make a backtracking pattern quadratic (a heading of ``[``, ``[x] ``
repeated, ``<!--`` without ``-->``, ``](`` without ``)``, ``{{`` without
``}}``, digits and colons that almost make a timestamp, ...), then times
``aoslint check --no-git`` on it in a fresh process. Prints figures; asserts
nothing (``tests/test_adversarial.py`` bounds each family by a timeout).

    PYTHONPATH=. python benchmarks/bench_adversarial.py [--size 1000000] [--family NAME]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.adversarial import FAMILIES, document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="bytes of the hostile line")
    parser.add_argument("--family", action="append", choices=sorted(FAMILIES),
                        help="only this family (repeatable)")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.family or FAMILIES:
            path = Path(tmp) / name / "postmortem.md"
            path.parent.mkdir()
            path.write_text(document(name, args.size), encoding="utf-8")
            start = time.perf_counter()
            try:
                done = subprocess.run([sys.executable, "-m", "aoslint", "check", "--no-git",
                                       "--no-cache", str(path)], capture_output=True,
                                      text=True, timeout=args.timeout, check=False)
                outcome = f"exit {done.returncode}"
            except subprocess.TimeoutExpired:
                outcome = "timeout"
            print(f"{name:<22} {time.perf_counter() - start:8.2f} s  {outcome}", flush=True)


if __name__ == "__main__":
    main()
