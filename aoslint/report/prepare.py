"""What the report keeps of each document, made where the check run loads it.

The report needs the document model (timeline, closure, title), its text and
its HTML. ``prepare`` is the check run's collector: it runs in the check's
workers on the document they just parsed, so no document is read twice and
rendering the Markdown (most of a report's cost) is spread over the workers.
"""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

from aoslint.document.model import Document
from aoslint.hardening_case import GateIndex, collect
from aoslint.project import Project
from aoslint.report.rendered import RenderedHtml
from aoslint.runner import Loaded


class Prepared(msgspec.Struct, frozen=True):
    """One document as the report uses it."""

    display: str
    document: Document
    text: str
    html: str
    digest: str  # of the Markdown, under which the HTML is kept for the next report
    fresh: bool  # rendered in this run, not taken from what the last report kept
    rule_files: tuple[str, ...] = ()  # the rule files its hardening cites, as named
    shas: tuple[str, ...] = ()  # the commits cited with them


def _rule_name(path: Path | None, cited: str, rules_dir: Path | None) -> str:
    if path is not None and rules_dir is not None:
        try:
            return path.resolve().relative_to(rules_dir.resolve()).as_posix()
        except ValueError:
            return os.path.relpath(path)
    return cited


def prepare(project: Project, loaded: Loaded, path: Path, gate: GateIndex,
            rendered: RenderedHtml) -> Prepared:
    """The check run's collector (with ``rendered`` bound): the report's view of a document
    it just loaded."""
    text = "\n".join(loaded.parsed.lines)
    names: list[str] = []
    shas: list[str] = []
    if loaded.document.type == "postmortem":
        hardening = collect(loaded.document, project.layout, gate, path, loaded.parsed.lines)
        for citation in hardening.rules:
            name = _rule_name(citation.path, citation.cited, project.layout.rules_dir)
            names.extend([name] if name not in names else [])
            shas.extend(s for s in citation.commits if s not in shas)
    key, html, fresh = rendered.html(project, text)
    return Prepared(loaded.document.path, loaded.document, text, html, key, fresh,
                    tuple(names), tuple(shas))
