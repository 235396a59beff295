"""Benchmark of parsing: markdown-it's block parser against the block scanner.

Writes ``--count`` documents of the benchmark corpus (``corpus.py``) into a
temporary directory, reads them back and times, per document:

- markdown-it-py's block parse, configured as ``aoslint.document.parse`` configures it;
- ``aoslint.document.blockscan.scan_blocks`` (the decline rate is the share of documents
  it hands back to markdown-it; it is also given for the good test fixtures);
- the whole ``parse_source`` (headings, header fields, front matter YAML),
  with the scanner and with markdown-it alone.

Each figure is the best of ``--repeat`` passes over all documents, after one
warm-up pass; the four take turns pass by pass. Prints figures; asserts
nothing (``tests/test_blockscan.py`` checks that the scanner's tokens equal
markdown-it's).

    PYTHONPATH=. python benchmarks/bench_parse.py [--count 1000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from corpus import write_corpus

import aoslint.document.parse
from aoslint.document.blockscan import scan_blocks
from aoslint.document.parse import _markdown, parse_source
from aoslint.document.source import Source

GOOD_FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "good"


def best_ms_per_document(runs: dict[str, tuple[Callable[[Any], object], list[Any]]],
                         repeat: int) -> dict[str, float]:
    """Best wall time of ``repeat`` passes of each run, in milliseconds per item.

    The runs take turns pass by pass, so a busy moment of the machine slows
    them all rather than one.
    """
    for work, items in runs.values():  # warm-up: imports, caches, compiled patterns
        for item in items:
            work(item)
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for name, (work, items) in runs.items():
            start = time.perf_counter()
            for item in items:
                work(item)
            best[name] = min(best[name], (time.perf_counter() - start) * 1000 / len(items))
    return best


def markdown_it_only(source: Source) -> object:
    """``parse_source`` as it was before the scanner: markdown-it for every document."""
    scanner = aoslint.document.parse.scan_blocks
    aoslint.document.parse.scan_blocks = lambda text: None
    try:
        return parse_source(source)
    finally:
        aoslint.document.parse.scan_blocks = scanner


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="documents (default 1000)")
    parser.add_argument("--repeat", type=int, default=7, help="timed passes (default 7)")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        paths = write_corpus(Path(scratch), options.count)
        sources = [Source(p, str(p), p.read_text(encoding="utf-8")) for p in paths]
    texts = [s.text for s in sources]
    markdown = _markdown()

    declined = sum(scan_blocks(text) is None for text in texts)
    best = best_ms_per_document({
        "markdown-it": (markdown.parse, texts),
        "scanner": (scan_blocks, texts),
        "parse_source": (parse_source, sources),
        "parse_source, markdown-it only": (markdown_it_only, sources),
    }, options.repeat)
    mdit, scan = best["markdown-it"], best["scanner"]
    whole, whole_mdit = best["parse_source"], best["parse_source, markdown-it only"]

    size = sum(len(text) for text in texts) / len(texts)
    print(f"{len(texts)} corpus documents, {size / 1000:.1f} KB each on average, "
          f"best of {options.repeat} passes")
    print(f"markdown-it block parse   {mdit:7.3f} ms/doc")
    print(f"scan_blocks               {scan:7.3f} ms/doc   {mdit / scan:4.1f}x faster")
    print(f"scanner declines          {declined} of {len(texts)} "
          f"({100 * declined / len(texts):.1f}%)")
    fixtures = [p.read_text(encoding="utf-8") for p in sorted(GOOD_FIXTURES.glob("*.md"))]
    declined_fixtures = sum(scan_blocks(text) is None for text in fixtures)
    print(f"  good fixtures           {declined_fixtures} of {len(fixtures)}")
    print(f"parse_source, scanner     {whole:7.3f} ms/doc")
    print(f"parse_source, markdown-it {whole_mdit:7.3f} ms/doc   "
          f"{whole_mdit / whole:4.1f}x slower")


if __name__ == "__main__":
    main()
