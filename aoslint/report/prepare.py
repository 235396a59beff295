"""Each document read, modelled and rendered once, in forked workers for large runs.

The report needs the document model (timeline, closure, title), its text and
its HTML; rendering the Markdown is most of a report's cost, so like the check
it is spread over one worker per CPU when there are many documents.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import msgspec

from aoslint.diagnostics import Diagnostic
from aoslint.discover import Candidate
from aoslint.hardening_case import GateIndex, collect
from aoslint.model import Document
from aoslint.report.markdown import render_markdown
from aoslint.runner import PARALLEL_MIN_FILES, Project, default_jobs, load_document


class Prepared(msgspec.Struct, frozen=True):
    """One document as the report uses it."""

    display: str
    document: Document
    text: str
    html: str
    rule_files: tuple[str, ...] = ()  # the rule files its hardening cites, as named
    shas: tuple[str, ...] = ()  # the commits cited with them


_PROJECT: Project | None = None


def _rule_name(path: Path | None, cited: str, rules_dir: Path | None) -> str:
    if path is not None and rules_dir is not None:
        try:
            return path.resolve().relative_to(rules_dir.resolve()).as_posix()
        except ValueError:
            return os.path.relpath(path)
    return cited


def _prepare_one(project: Project, gate: GateIndex, display: str) -> Prepared | None:
    sink: list[Diagnostic] = []  # its findings come from the check run
    loaded = load_document(project, Candidate(Path(display), display, False), sink)
    if loaded is None:
        return None
    text = "\n".join(loaded.parsed.lines)
    names: list[str] = []
    shas: list[str] = []
    if loaded.document.type == "postmortem":
        hardening = collect(loaded.document, project.layout, gate, Path(display),
                            loaded.parsed.lines)
        for citation in hardening.rules:
            name = _rule_name(citation.path, citation.cited, project.layout.rules_dir)
            names.extend([name] if name not in names else [])
            shas.extend(s for s in citation.commits if s not in shas)
    return Prepared(display, loaded.document, text, render_markdown(text), tuple(names),
                    tuple(shas))


def _prepare_chunk(displays: Sequence[str]) -> list[Prepared | None]:
    assert _PROJECT is not None
    gate = GateIndex(_PROJECT.layout.gate_file)
    return [_prepare_one(_PROJECT, gate, display) for display in displays]


def prepare_all(project: Project, displays: Sequence[str], jobs: int | None = None
                ) -> list[Prepared]:
    """Every readable document, in the given order."""
    global _PROJECT
    workers = default_jobs() if jobs is None else max(1, jobs)
    _PROJECT = project
    try:
        import multiprocessing

        if (workers < 2 or len(displays) < PARALLEL_MIN_FILES
                or "fork" not in multiprocessing.get_all_start_methods()):
            found = _prepare_chunk(displays)
        else:
            from concurrent.futures import ProcessPoolExecutor

            size = max(8, len(displays) // (workers * 4) or 1)
            chunks = [displays[i:i + size] for i in range(0, len(displays), size)]
            with ProcessPoolExecutor(workers,
                                     mp_context=multiprocessing.get_context("fork")) as pool:
                found = [p for chunk in pool.map(_prepare_chunk, chunks) for p in chunk]
    finally:
        _PROJECT = None
    return [p for p in found if p is not None]
