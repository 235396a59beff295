"""CPU per document, stage by stage, of what ``aoslint check`` does with each file.

    PYTHONPATH=. python benchmarks/bench_stages.py [--count 1000] [--repeat 5] [--corpus DIR]

Writes a corpus (``benchmarks/corpus.py``) into a temporary directory, or reads
``--corpus``, reads every document once, then runs each stage over all of them
in turn: tokenisation alone (markdown-it), the whole of ``parse_source``,
type detection, ``build_document``, each document check family, the
hardening case and its git-free findings, ``Summary.of`` and
``find_directives``. Each figure is the best of ``--repeat`` passes, each
starting with empty memos (as a new process does), in milliseconds of CPU per
document. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from corpus import write_corpus

from aoslint.checks import DOCUMENT_CHECKS, CheckContext, document_hardening
from aoslint.checks.cross_document import Summary
from aoslint.checks.git_proof import GitOptions
from aoslint.discovery.discover import build_selector, collect
from aoslint.document.model import build_document
from aoslint.document.parse import _markdown, parse_source
from aoslint.document.source import Source, read_source
from aoslint.hardening_case import GateIndex, Subject, forget_paths, hardening_case
from aoslint.project import load_project
from aoslint.suppress import find_directives


def forget() -> None:
    """Empty every memo of aoslint, so each pass pays for its misses as a fresh run would."""
    forget_paths()
    for name, module in list(sys.modules.items()):
        if name == "aoslint" or name.startswith("aoslint."):
            for value in vars(module).values():
                if hasattr(value, "cache_clear") and hasattr(value, "cache_info"):
                    value.cache_clear()


def best(stage: Callable[[Any], Any], items: Sequence[Any],
         repeat: int) -> tuple[float, list[Any]]:
    """The least CPU seconds of ``repeat`` passes of ``stage`` over ``items``, and its results."""
    fastest = float("inf")
    results: list[Any] = []
    for _ in range(repeat):
        forget()
        started = time.process_time()
        results = [stage(item) for item in items]
        fastest = min(fastest, time.process_time() - started)
    return fastest, results


def measure(root: Path, repeat: int) -> list[tuple[str, float]]:
    """(stage, seconds for all documents) for every stage, in pipeline order."""
    os.chdir(root)
    project = load_project([])
    layout = project.layout
    candidates = collect(build_selector(project.config, layout), layout, ())
    sources = [s for c in candidates
               if isinstance(s := read_source(c.path, c.display, explicit=False), Source)]
    figures: list[tuple[str, float]] = [("documents", float(len(sources)))]

    markdown = _markdown()
    figures.append(("tokenise (markdown-it)", best(lambda s: markdown.parse(s.text), sources,
                                                    repeat)[0]))
    seconds, parsed = best(parse_source, sources, repeat)
    figures.append(("parse_source (all)", seconds))
    seconds, detected = best(lambda p: (p, project.detector.detect(
        p, layout.relative(p.source.path)).doctype), parsed, repeat)
    figures.append(("detect type", seconds))
    typed = [(p, doctype) for p, doctype in detected if doctype is not None]
    seconds, documents = best(lambda pair: build_document(*pair), typed, repeat)
    figures.append(("build_document", seconds))
    contexts = [CheckContext(document, p, doctype, project.config, project.extra_placeholders)
                for document, (p, doctype) in zip(documents, typed, strict=True)]
    for family in DOCUMENT_CHECKS:
        name = family.__module__.rsplit(".", 1)[-1]
        figures.append((f"check {name}", best(lambda c, run=family: list(run(c)), contexts,
                                              repeat)[0]))
    gate = GateIndex(layout.gate_file)
    options = GitOptions(enabled=False)

    def harden(context: CheckContext) -> list[Any]:
        subject = Subject(context.document, context.parsed.source.path, context.parsed.lines)
        case = hardening_case(subject, layout, gate, project.config, [])
        return document_hardening(case, layout, options) if case is not None else []

    figures.append(("hardening", best(harden, contexts, repeat)[0]))
    figures.append(("Summary.of", best(lambda c: Summary.of(c.document, project.config),
                                       contexts, repeat)[0]))
    figures.append(("find_directives", best(lambda c: find_directives(c.parsed), contexts,
                                            repeat)[0]))
    return figures


def report(figures: list[tuple[str, float]]) -> None:
    """Milliseconds per document; the total leaves out tokenisation, counted in parse_source."""
    count = int(figures[0][1])
    print(f"{count} documents, ms of CPU per document (best pass)")
    total = 0.0
    for name, seconds in figures[1:]:
        per_doc = seconds * 1000 / count
        if name != "tokenise (markdown-it)":
            total += per_doc
        print(f"  {name:<26} {per_doc:7.3f}")
    tokenise = next(s for n, s in figures if n.startswith("tokenise")) * 1000 / count
    print(f"  {'total':<26} {total:7.3f}")
    print(f"  {'total after tokenisation':<26} {total - tokenise:7.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", type=Path, help="an existing corpus (default: a new one)")
    options = parser.parse_args()
    if options.corpus is not None:
        report(measure(options.corpus.resolve(), options.repeat))
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_corpus(root, options.count)
        report(measure(root, options.repeat))


if __name__ == "__main__":
    main()
