"""Show that a change leaves what users see unchanged: JSON findings, byte for byte.

Runs ``aoslint check --format json`` from this checkout and from another commit
(a ``git archive`` of it in a temporary folder, run with ``PYTHONPATH``) on the
same inputs, and prints every input whose output differs:

- the example repository, with and without git;
- every fixture under ``tests/fixtures/`` on its own;
- optionally a folder of real postmortems (``--corpus DIR``), typed as
  postmortems and checked with the generic profile.

    python benchmarks/compare_output.py --ref main
    python benchmarks/compare_output.py --ref c2a0933 --corpus ../shared/realworld/corpus

Exit 0 when every output is identical, 1 when one differs.  Refactors run it;
a change meant to alter findings is expected to differ, and says so.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_CONFIG = (
    'profile = "generic"\ninclude = ["**/*.md"]\n\n[types]\npostmortem = ["**/*.md"]\n'
)


def export(ref: str, into: Path) -> Path:
    """Unpack the tree of ``ref`` (an ``aoslint`` source tree) into ``into``."""
    archive = into / "ref.tar"
    with archive.open("wb") as handle:
        subprocess.run(["git", "-C", str(ROOT), "archive", ref], stdout=handle, check=True)
    tree = into / "ref"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def cases(work: Path, corpus: Path | None) -> Iterator[tuple[str, list[str], Path]]:
    """(name, aoslint arguments, working folder) for every input compared."""
    example = ROOT / "examples" / "aos-repo"
    yield "example --no-git", ["check", "--no-git", "--no-cache", str(example)], ROOT
    yield "example", ["check", "--no-cache", str(example)], ROOT
    for fixture in sorted((ROOT / "tests" / "fixtures").rglob("*.md")):
        name = str(fixture.relative_to(ROOT))
        yield name, ["check", "--no-git", "--no-cache", str(fixture)], ROOT
    if corpus is not None:
        copy = work / "corpus"
        shutil.copytree(corpus, copy)
        (copy / ".aoslint.toml").write_text(CORPUS_CONFIG, encoding="utf-8")
        for document in sorted(copy.rglob("*.md")):
            name = "corpus/" + str(document.relative_to(copy))
            yield name, ["check", "--no-git", "--no-cache", str(document)], copy


def run(tree: Path, arguments: list[str], cwd: Path) -> str:
    """aoslint's JSON output and exit code, run from source ``tree`` (``-P``: not the cwd)."""
    env = dict(os.environ, PYTHONPATH=str(tree), NO_COLOR="1")
    done = subprocess.run(
        [sys.executable, "-P", "-m", "aoslint", *arguments, "--format", "json"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return f"exit {done.returncode}\n{done.stdout}{done.stderr}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="main", help="commit to compare with (default main)")
    parser.add_argument("--corpus", type=Path, help="also compare on these postmortems")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aoslint-compare-") as scratch:
        work = Path(scratch)
        old_tree = export(options.ref, work)
        differ = 0
        total = 0
        for name, arguments, cwd in cases(work, options.corpus):
            total += 1
            old, new = run(old_tree, arguments, cwd), run(ROOT, arguments, cwd)
            if old != new:
                differ += 1
                print(f"DIFFERS {name}")
                print(f"  {options.ref}: {old[:400]!r}")
                print(f"  this tree: {new[:400]!r}")
        print(f"{total} inputs compared with {options.ref}, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
