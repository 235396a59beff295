"""Schema outcomes remembered for one document, so jsonschema need not run again."""

from __future__ import annotations

from typing import Any

from aoslint.document.validation import Memo
from aoslint.store.records import SchemaOutcome


class SchemaMemo:
    """Schema outcomes for one document: its last one, from the index, and the cache's.

    The index keeps each document's last schema outcome under its memo key
    (which hashes the schema and the metadata it reads). An edit that leaves
    the metadata alone has the same key, so even the first one-file run
    after a whole-repository run needs no jsonschema. ``kept`` is this run's
    outcome, for the document's index entry.
    """

    def __init__(self, last: SchemaOutcome | None, store: Memo | None) -> None:
        self.last = last
        self.store = store
        self.kept: SchemaOutcome | None = None

    def get(self, key: str) -> Any:
        found = self.last[1] if self.last is not None and self.last[0] == key else None
        if found is None and self.store is not None:
            found = self.store.get(key)
        if found is not None:
            self.kept = (key, found)
        return found

    def put(self, key: str, value: Any) -> None:
        self.kept = (key, value)
        if self.store is not None:
            self.store.put(key, value)
