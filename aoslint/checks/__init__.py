"""The check families; importing this package registers every rule.

Each family module exposes ``check(context) -> Iterable[Diagnostic]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import aoslint.parse
import aoslint.source  # defines the bad-input rules
import aoslint.suppress  # noqa: F401  (defines unused-suppression)
from aoslint.checks import (
    action_items,
    cross_document,
    hardening,
    metadata,
    placeholder_check,
    structure,
    timeline_checks,
)
from aoslint.checks.context import CheckContext
from aoslint.diagnostics import Diagnostic

DOCUMENT_CHECKS: tuple[Callable[[CheckContext], Iterable[Diagnostic]], ...] = (
    structure.check,
    metadata.check,
    placeholder_check.check,
    action_items.check,
    timeline_checks.check,
)

__all__ = ["DOCUMENT_CHECKS", "CheckContext", "cross_document", "hardening"]
