"""Open or closed: a closed document is held to every gate, as errors.

The STOP rule applies exactly when a document claims to leave Incident Mode,
so template text left in an open draft is a warning, in a closed one an error.
"""

from __future__ import annotations

from aoslint.config import Config
from aoslint.diagnostics import Severity
from aoslint.model import Document

DEFAULT_CLOSED = ("RESOLVED", "CLOSED")


def status_word(document: Document) -> str | None:
    """The first word of the Status field, upper-cased (``Resolved, monitoring`` -> RESOLVED)."""
    status = document.field("status")
    if status is None or not isinstance(status.value, str) or not status.value.strip():
        return None
    return status.value.strip().split()[0].strip(",.;:()").upper()


def claims_closure(document: Document, config: Config) -> bool:
    """True when the Status says the incident is resolved or closed."""
    closed = {s.upper() for s in config.get("closed-statuses", DEFAULT_CLOSED)}
    return status_word(document) in closed


def gate_severity(document: Document, config: Config) -> Severity:
    """Errors for a closed document, warnings for an open one."""
    return Severity.ERROR if claims_closure(document, config) else Severity.WARNING
