"""Open or closed: a closed document is held to every gate, as errors.

The STOP rule applies exactly when a document claims to leave Incident Mode
(its Status, its ticked Closure Approval boxes, or a dated approval), so
template text left in an open draft is a warning, in a closed one an error.
"""

from __future__ import annotations

import re

from aoslint.config import Config
from aoslint.model import Document

DEFAULT_CLOSED = ("RESOLVED", "CLOSED")


def status_word(document: Document) -> str | None:
    """The first word of the Status field, upper-cased (``Resolved, monitoring`` -> RESOLVED)."""
    status = document.field("status")
    if status is None or not isinstance(status.value, str) or not status.value.strip():
        return None
    word = re.match(r"[^A-Za-z]*([A-Za-z]+)", status.value)
    return word.group(1).upper() if word else None


def closure_reason(document: Document, config: Config) -> str | None:
    """Why the document claims to leave Incident Mode, or None while it is open.

    A resolved or closed Status, every Closure Approval box ticked, or a dated
    approval line: each is the document vouching that the STOP rule holds.
    """
    closed = {s.upper() for s in config.get("closed-statuses", DEFAULT_CLOSED)}
    word = status_word(document)
    if word in closed:
        return f"its Status is {word}"
    return document.closure.claim()


def claims_closure(document: Document, config: Config) -> bool:
    """True when the document claims the incident is closed."""
    return closure_reason(document, config) is not None
