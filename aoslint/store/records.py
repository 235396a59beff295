"""The typed records a run hands from step to step, and the store keeps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
from msgspec.structs import replace

from aoslint.checks.cross_document import Summary
from aoslint.diagnostics import Diagnostic
from aoslint.discovery.discover import Candidate
from aoslint.hardening_case import Case
from aoslint.suppress import Directive

Stat = tuple[int, int, int, int]  # see aoslint.store.cache.stat_key
SchemaOutcome = tuple[str, Any]  # a schema outcome's memo key and its errors


class File(msgspec.Struct, frozen=True, gc=False):
    """A file of the run, as discovery lists it: cheaper than a ``Candidate`` (no ``Path``)."""

    path: str
    display: str
    explicit: bool
    real: str

    def candidate(self) -> Candidate:
        return Candidate(Path(self.path), self.display, self.explicit, self.real)


# gc=False: a leaf record, never in a reference cycle; untracked, the cache loads it faster.
class Analysis(msgspec.Struct, frozen=True, gc=False):
    """One file's part in a run: all of its own findings, and what later steps read of it.

    The cache keeps the fields up to ``schema``; the ones after say where this
    run found the file and are never stored. The hardening findings read the
    tree as well as the document: ``probes`` lists each path looked up and
    whether it was a file, and a cached analysis is used only while every
    probe still holds (the rules tree's listing and the gate file are part of
    the run key).
    """

    findings: tuple[Diagnostic, ...]
    summary: Summary | None  # None: not an incident document (or bad input)
    directives: tuple[Directive, ...] = ()
    note: str = ""
    case: Case | None = None  # for the git checks, when they run
    probes: tuple[tuple[str, bool], ...] = ()
    schema: SchemaOutcome | None = None
    # -- this run's, never cached --
    real: str = ""  # the file's real path
    stat: Stat | None = None
    content: str | None = None  # the digest of the file's bytes, when a store keeps them
    partial: bool = False  # a check family was left out: never to be stored
    key: str | None = None  # set when just made and complete: to be stored under this key
    collected: Any = None  # what the run's collector made of the document

    def kept(self) -> Analysis:
        """What the cache stores: this run's fields left out."""
        return replace(self, real="", stat=None, content=None, partial=False, key=None,
                       collected=None)


class IndexEntry(msgspec.Struct, frozen=True, gc=False):
    """A file's entry in the repository index; the fields after ``content`` are a
    document's (``None`` for other files).

    The summary is pickled by itself: a one-file run unpickles only those that
    share a named document's Incident ID.
    """

    stat: Stat
    content: str | None  # the digest of its bytes
    path: str | None = None  # the display path
    type: str | None = None
    incident_id: Any = None  # only a usable (hashable) one
    summary: bytes | None = None  # the pickled Summary
    schema: SchemaOutcome | None = None  # the last schema outcome (see aoslint.store.memo)
