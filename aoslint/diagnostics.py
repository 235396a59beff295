"""The one finding type every check produces and every reporter prints."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import msgspec
from msgspec.structs import asdict


class Severity(StrEnum):
    """How a finding affects the exit code: only errors fail a run."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# gc=False: a leaf record, never in a reference cycle; untracked, the cache loads it faster.
class Diagnostic(msgspec.Struct, frozen=True, order=True, gc=False):
    """A finding at ``path:line:column``; fields are ordered for stable sorting."""

    path: str
    line: int
    column: int
    code: str
    name: str
    severity: Severity
    message: str
    hint: str = ""
    end_line: int | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        if data["end_line"] is None:
            data["end_line"] = self.line
        return data
