"""The repository index: each known file's stat, content digest and document summary.

It serves the cross-document checks of a one-file run (a pre-commit hook):
a document whose size, modification and change times and inode are unchanged
is taken from here instead of being read and parsed again.
"""

from __future__ import annotations

import os
import pickle
import time

import msgspec

from aoslint.checks.cross_document import Summary, usable_id
from aoslint.discovery.discover import Candidate
from aoslint.store.cache import stat_key
from aoslint.store.records import Analysis, File, IndexEntry, SchemaOutcome, Stat

STALE_LIMIT = 16  # a one-file run rewrites the index once more documents than this changed
RACY_NS = 3_000_000_000  # a file changed this recently may change again unseen (racy git)


class Related(msgspec.Struct, frozen=True):
    """The repository's other documents, as the cross-document checks need them."""

    summaries: list[Summary]  # the indexed ones that share a requested Incident ID
    plans_elsewhere: bool  # some indexed document is an incident plan
    missing: list[Candidate]  # not indexed, or changed: to be read


class Index:
    """The index of one run: entries by real path, and how much of it changed."""

    def __init__(self, entries: dict[str, IndexEntry]) -> None:
        self.entries = entries
        self.checked_changed = False  # a checked document's entry changed
        self.reread = 0  # other documents read again (not indexed, or changed)

    def last_schema(self, real: str) -> SchemaOutcome | None:
        known = self.entries.get(real)
        return known.schema if known is not None else None

    def record(self, analysis: Analysis) -> None:
        """Remember a checked file's stat, digest, summary and schema outcome."""
        if analysis.stat is not None:
            # A named file is checked whatever the index says; a full run
            # records every change.
            self.checked_changed |= self._remember(analysis)

    def record_other(self, analysis: Analysis) -> None:
        """Remember another document, read again for the cross-document checks."""
        if analysis.stat is not None:
            self.reread += self._remember(analysis)

    def changed(self, named: bool) -> bool:
        """Worth writing: many documents re-read (rewriting a large index costs more than
        re-reading a few documents), or a run over the configured documents changed it."""
        return (self.checked_changed and not named) or self.reread > STALE_LIMIT

    def _remember(self, analysis: Analysis) -> bool:
        """Record a summary and content digest, unless the file is so fresh that its
        times may not tell an edit."""
        stat, summary, content = analysis.stat, analysis.summary, analysis.content
        assert stat is not None
        if time.time_ns() - max(stat[1], stat[2]) < RACY_NS:
            return self.entries.pop(analysis.real, None) is not None
        known = self.entries.get(analysis.real)
        path = summary.path if summary is not None else None
        if (content is not None and known is not None and known.stat == stat
                and known.content == content and known.path == path):
            # The same bytes at the same path make the same summary (the run key
            # covers the rest): it need not be pickled again.
            return False
        entry = _entry(stat, summary, content, analysis.schema)
        if known == entry:
            return False
        self.entries[analysis.real] = entry
        return True

    def related(self, others: list[File], requested: list[Summary]) -> Related:
        """The indexed documents that can change the requested ones' cross-document
        findings (those that share a requested Incident ID), and the files to read."""
        wanted = set()
        for summary in requested:
            field = summary.field("incident_id")
            if field is not None and usable_id(field.value):
                wanted.add(field.value)
        found: list[Summary] = []
        has_plans = False
        missing: list[Candidate] = []
        for other in others:
            entry = self.entries.get(other.real)
            if entry is not None:
                try:
                    current: Stat | None = stat_key(os.stat(other.path))
                except OSError:
                    current = None
                if current == entry.stat:
                    if entry.summary is not None:
                        if entry.incident_id in wanted:
                            found.append(pickle.loads(entry.summary))
                        if (not has_plans and entry.type == "incident-plan"
                                and usable_id(entry.incident_id)):
                            has_plans = True
                    continue
            missing.append(other.candidate())
        return Related(found, has_plans, missing)


def _entry(stat: Stat, summary: Summary | None, content: str | None,
           schema: SchemaOutcome | None = None) -> IndexEntry:
    if summary is None:
        return IndexEntry(stat, content)
    incident_id = summary.field("incident_id")
    usable = incident_id is not None and usable_id(incident_id.value)  # lists are unhashable
    return IndexEntry(stat, content, summary.path, summary.type,
                      incident_id.value if usable and incident_id is not None else None,
                      pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL), schema)
