"""Whole-process benchmark: aoslint against markdownlint-cli2 and pymarkdown.

One command (from the repository root):

    .venv/bin/python benchmarks/bench_check.py                   # 100, 1,000 and 10,000 documents
    .venv/bin/python benchmarks/bench_check.py --sizes 100,1000  # quicker

It writes corpora of postmortem-like documents (``benchmarks/corpus.py``) into
a temporary directory and times, side by side, each tool as a whole process:

- ``aoslint check --no-git``, cold: the cache directory removed before each run;
- ``aoslint check --no-git`` again with nothing changed (warm cache);
- ``markdownlint-cli2`` with only MD043 (required headings) enabled;
- ``pymarkdown scan`` with only its MD043 enabled;
- ``aoslint report --no-git`` cold (no cache), right after a check (warm cache,
  every document still rendered), and after a report (the documents' HTML kept
  too), writing the dashboard into a folder beside the corpus (target: within
  1.5x a cold check);
- one changed file the way pre-commit passes it: ``aoslint check --skip-unknown
  --no-git FILE`` (warm cache, the file's content changed before each run; and
  with no cache), and the other two tools on the same file.

It prints the median wall time of ``--repeat`` runs (a run slower than
``--slow`` seconds is not repeated), the ratios, and the peak memory (largest
resident set of the process and its children, from ``wait4``).

markdownlint-cli2 and pymarkdown are installed on first use under
``benchmarks/.tools/`` (git-ignored): ``npm install --prefix benchmarks/.tools
markdownlint-cli2`` and a virtual environment with ``pip install pymarkdownlnt``.
``--no-install`` skips a tool that is missing instead.

aoslint runs from this checkout (``PYTHONPATH`` is set to it) with the Python
that runs this script, which needs aoslint's dependencies (the README's
virtual environment has them).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TOOLS = HERE / ".tools"
MARKDOWNLINT = TOOLS / "node_modules" / "markdownlint-cli2" / "markdownlint-cli2-bin.mjs"
PYVENV = TOOLS / "pyvenv"
PYMARKDOWN = PYVENV / "bin" / "pymarkdown"

sys.path.insert(0, str(HERE))
from corpus import write_corpus  # noqa: E402

MARKDOWNLINT_CONFIG = {"config": {"default": False, "MD043": {"headings": ["*"]}}}
PYMARKDOWN_CONFIG = {
    "plugins": {"selectively_enable_rules": True, "md043": {"enabled": True, "headings": "*"}},
    "extensions": {"front-matter": {"enabled": True}, "markdown-tables": {"enabled": True}},
}


@dataclass
class Timing:
    """The runs of one measurement: wall seconds and peak resident set (KiB)."""

    label: str
    walls: list[float] = field(default_factory=list)
    peaks: list[int] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def peak_mb(self) -> float:
        return max(self.peaks) / 1024


def run_once(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int, int]:
    """Wall time, peak RSS (KiB, largest of the process tree) and exit code of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss, process.returncode


def measure(label: str, argv: list[str], cwd: Path, env: dict[str, str], repeat: int,
            slow: float, before: object = None) -> Timing:
    timing = Timing(label)
    for index in range(repeat):
        if callable(before):
            before()
        wall, peak, code = run_once(argv, cwd, env)
        if code not in (0, 1):
            raise SystemExit(f"{label}: exit code {code} from {' '.join(argv)}")
        timing.walls.append(wall)
        timing.peaks.append(peak)
        timing.codes.append(code)
        print(f"    {label}: run {index + 1}: {wall:.3f} s, {peak / 1024:.0f} MB",
              file=sys.stderr, flush=True)
        if wall > slow:
            break
    return timing


def ensure_tools(wanted: set[str], install: bool) -> set[str]:
    """Install markdownlint-cli2 and pymarkdown locally if missing; return what is usable."""
    usable = {"aoslint"} & wanted
    if "markdownlint" in wanted:
        if not MARKDOWNLINT.is_file() and install and shutil.which("npm"):
            print("installing markdownlint-cli2 into benchmarks/.tools ...", file=sys.stderr)
            subprocess.run(["npm", "install", "--silent", "--prefix", str(TOOLS),
                            "markdownlint-cli2"], check=True)
        if MARKDOWNLINT.is_file() and shutil.which("node"):
            usable.add("markdownlint")
        else:
            print("markdownlint-cli2 not available (needs node and npm); skipped",
                  file=sys.stderr)
    if "pymarkdown" in wanted:
        if not PYMARKDOWN.is_file() and install:
            print("installing pymarkdownlnt into benchmarks/.tools/pyvenv ...", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "venv", str(PYVENV)], check=True)
            subprocess.run([str(PYVENV / "bin" / "pip"), "install", "-q", "pymarkdownlnt"],
                           check=True)
        if PYMARKDOWN.is_file():
            usable.add("pymarkdown")
        else:
            print("pymarkdown not available; skipped", file=sys.stderr)
    return usable


def aoslint_has(option: str, env: dict[str, str]) -> bool:
    done = subprocess.run([sys.executable, "-m", "aoslint", "check", "--help"], env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        raise SystemExit(f"aoslint does not run with {sys.executable} ({last}); run this "
                         "script with the Python that has aoslint's dependencies, e.g. "
                         ".venv/bin/python benchmarks/bench_check.py")
    return option in done.stdout


def prepare(size: int, workdir: Path) -> tuple[Path, Path]:
    root = workdir / f"corpus-{size}"
    if not root.is_dir():
        print(f"writing {size} documents to {root} ...", file=sys.stderr, flush=True)
        paths = write_corpus(root, size)
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        (root / ".markdownlint-cli2.jsonc").write_text(json.dumps(MARKDOWNLINT_CONFIG))
        (root / ".pymarkdown.json").write_text(json.dumps(PYMARKDOWN_CONFIG))
    else:
        paths = sorted((root / "docs").rglob("*.md"))
    one = sorted(paths)[len(paths) // 2]
    return root, one


def bench_size(size: int, args: argparse.Namespace, tools: set[str], workdir: Path,
               env: dict[str, str]) -> dict[str, Timing]:
    root, one = prepare(size, workdir)
    relative = str(one.relative_to(root))
    cache = root / ".aoslint_cache"
    results: dict[str, Timing] = {}
    aoslint = [sys.executable, "-m", "aoslint", "check", "--no-git", *args.aoslint_arg]

    def clear_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    original = one.read_text(encoding="utf-8")
    edits = iter(range(1_000_000))

    def touch_one() -> None:  # the changed file of a commit: new content each time
        one.write_text(original + f"\nEdited for run {next(edits)}.\n", encoding="utf-8")

    print(f"{size} documents:", file=sys.stderr)
    if "aoslint" in tools:
        results["aoslint cold"] = measure("aoslint cold", aoslint, root, env, args.repeat,
                                          args.slow, clear_cache)
        results["aoslint warm"] = measure("aoslint rerun", aoslint, root, env, args.repeat,
                                          args.slow)
        report = [sys.executable, "-m", "aoslint", "report", "--no-git",
                  "--output", str(workdir / f"report-{size}")]
        results["aoslint report cold"] = measure("aoslint report cold", report, root, env,
                                                 args.repeat, args.slow, clear_cache)
        results["aoslint report warm"] = measure(
            "aoslint report after a check (warm cache)", report, root, env, args.repeat,
            args.slow, lambda: subprocess.run(aoslint, cwd=root, env=env, check=False,
                                              capture_output=True))
        results["aoslint report again"] = measure(
            "aoslint report after a report (warm cache, kept HTML)", report, root, env,
            args.repeat, args.slow)
        try:
            results["aoslint 1 file"] = measure(
                "aoslint one file (pre-commit, warm cache)",
                [*aoslint, "--skip-unknown", relative], root, env, args.repeat, args.slow,
                touch_one)
            results["aoslint 1 file cold"] = measure(
                "aoslint one file (no cache)", [*aoslint, "--skip-unknown", relative], root,
                env, args.repeat, args.slow, lambda: (clear_cache(), touch_one()))
        finally:
            one.write_text(original, encoding="utf-8")
            clear_cache()
    node_env = {**env, "NO_COLOR": "1"}
    if "markdownlint" in tools:
        results["markdownlint"] = measure(
            "markdownlint-cli2", ["node", str(MARKDOWNLINT), "docs/**/*.md"], root, node_env,
            args.repeat, args.slow)
        results["markdownlint 1 file"] = measure(
            "markdownlint-cli2 one file", ["node", str(MARKDOWNLINT), relative], root,
            node_env, args.repeat, args.slow)
    if "pymarkdown" in tools:
        pymarkdown = [str(PYMARKDOWN), "--config", ".pymarkdown.json", "scan"]
        results["pymarkdown"] = measure("pymarkdown", [*pymarkdown, "-r", "docs"], root, env,
                                        args.repeat, args.slow)
        results["pymarkdown 1 file"] = measure("pymarkdown one file", [*pymarkdown, relative],
                                               root, env, args.repeat, args.slow)
    return results


def ratio(slow: Timing | None, fast: Timing | None) -> str:
    if slow is None or fast is None:
        return "-"
    return f"{slow.median / fast.median:.1f}x"


def report(all_results: dict[int, dict[str, Timing]]) -> str:
    rows = ["| documents | tool | median wall | runs | peak memory |",
            "| ---: | --- | ---: | ---: | ---: |"]
    for size, results in all_results.items():
        for label, timing in results.items():
            rows.append(f"| {size:,} | {label} | {timing.median:.3f} s | {len(timing.walls)} "
                        f"| {timing.peak_mb:.0f} MB |")
    rows += ["", "| documents | markdownlint-cli2 / aoslint cold | pymarkdown / aoslint cold "
                 "| aoslint cold / rerun | report cold / check cold "
                 "| report after check / check cold | report again / check cold "
                 "| ms per document (aoslint cold) |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for size, results in all_results.items():
        cold = results.get("aoslint cold")
        per_doc = f"{cold.median / size * 1000:.2f}" if cold else "-"
        rows.append(f"| {size:,} | {ratio(results.get('markdownlint'), cold)} "
                    f"| {ratio(results.get('pymarkdown'), cold)} "
                    f"| {ratio(cold, results.get('aoslint warm'))} "
                    f"| {ratio(results.get('aoslint report cold'), cold)} "
                    f"| {ratio(results.get('aoslint report warm'), cold)} "
                    f"| {ratio(results.get('aoslint report again'), cold)} | {per_doc} |")
    return "\n".join(rows) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000",
                        help="comma-separated corpus sizes (default: 100,1000,10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--slow", type=float, default=60.0,
                        help="a run slower than this many seconds is not repeated")
    parser.add_argument("--tools", default="aoslint,markdownlint,pymarkdown",
                        help="which tools to run (comma-separated)")
    parser.add_argument("--no-install", action="store_true",
                        help="skip missing tools instead of installing them")
    parser.add_argument("--workdir", type=Path,
                        help="keep the corpora here (reused when present) instead of a "
                             "temporary directory")
    parser.add_argument("--aoslint-arg", action="append", default=[], metavar="ARG",
                        help="an extra argument for aoslint check (repeatable), e.g. --jobs=1")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the raw figures")
    args = parser.parse_args()

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("AOSLINT_DEBUG", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: modules compiled once
    tools = ensure_tools(set(args.tools.split(",")), install=not args.no_install)
    if "aoslint" in tools and not aoslint_has("--no-cache", env):
        print("note: this aoslint has no cache; the rerun is a second cold run",
              file=sys.stderr)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="aoslint-bench-") as temp:
        workdir = args.workdir or Path(temp)
        workdir.mkdir(parents=True, exist_ok=True)
        results = {size: bench_size(size, args, tools, workdir, env) for size in sizes}
    text = report(results)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(
            {str(size): {label: {"walls": t.walls, "peaks_kib": t.peaks, "codes": t.codes}
                         for label, t in res.items()} for size, res in results.items()},
            indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
