"""What the runner asks of the place that keeps results between runs, and the store
that keeps nothing (``--no-cache``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from aoslint.checks.cross_document import Summary
from aoslint.discovery.discover import FileSelector, Snapshot, snapshot
from aoslint.discovery.layout import Layout
from aoslint.store.index import Related
from aoslint.store.memo import SchemaMemo
from aoslint.store.records import Analysis, File

IsFile = Callable[[str], bool]  # os.path.isfile, as the run's memo answers it


class ResultStore(Protocol):
    """Looks analyses up, records new ones, and writes them out at the end of the run."""

    def scan(self, selector: FileSelector, layout: Layout) -> Snapshot:
        """The configured documents (remembered, and brought up to date, where it can)."""
        ...

    def lookup(self, file: File, is_file: IsFile) -> Analysis | None:
        """The file's stored analysis, while its bytes and every path it probed are unchanged."""
        ...

    def schema_memo(self, real: str, shared: bool) -> SchemaMemo:
        """Where one document's schema outcome is looked up; ``shared``: in the store too."""
        ...

    def keyed(self, analysis: Analysis, display: str, explicit: bool,
              data: bytes | None) -> Analysis:
        """A just-made analysis with its content digest and, unless it is partial, the
        key to store it under; asked in the worker that made it."""
        ...

    def record(self, analysis: Analysis) -> None:
        """Keep a checked file's analysis (stored only when it has a key)."""
        ...

    def related(self, others: list[File], requested: list[Summary]) -> Related:
        """The other documents the cross-document checks read: known ones, and the rest."""
        ...

    def record_other(self, analysis: Analysis) -> None:
        """Keep what was read of another document (its summary)."""
        ...

    def finish(self, *, named: bool, complete: bool) -> None:
        """Write what the run added; ``complete``: it covered every configured document."""
        ...


class NoStore:
    """Keeps nothing: every document is read and analysed, the tree walked anew."""

    def scan(self, selector: FileSelector, layout: Layout) -> Snapshot:
        return snapshot(selector, layout)

    def lookup(self, file: File, is_file: IsFile) -> Analysis | None:
        return None

    def schema_memo(self, real: str, shared: bool) -> SchemaMemo:
        return SchemaMemo(None, None)

    def keyed(self, analysis: Analysis, display: str, explicit: bool,
              data: bytes | None) -> Analysis:
        return analysis

    def record(self, analysis: Analysis) -> None:
        pass

    def related(self, others: list[File], requested: list[Summary]) -> Related:
        return Related([], False, [other.candidate() for other in others])

    def record_other(self, analysis: Analysis) -> None:
        pass

    def finish(self, *, named: bool, complete: bool) -> None:
        pass
