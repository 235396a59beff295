"""The check families and the one table of every rule they report.

Each family module exposes ``check(context) -> Iterable[Diagnostic]`` (or a
repository-wide equivalent) and lists the rules it can report in ``RULES``;
:data:`RULES` below gathers those lists, family by family. A new rule is one
:func:`~aoslint.registry.rule` definition added to its family's ``RULES``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from aoslint import parse, source, suppress
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
from aoslint.registry import Rule, catalog

DOCUMENT_CHECKS: tuple[Callable[[CheckContext], Iterable[Diagnostic]], ...] = (
    structure.check,
    metadata.check,
    placeholder_check.check,
    action_items.check,
    timeline_checks.check,
)

# The problems of reading a document, its front matter and its directives are
# reported by the modules that find them.
_INPUT_RULES: tuple[Rule, ...] = (
    source.UNREADABLE_FILE,
    source.INVALID_ENCODING,
    source.BINARY_FILE,
    source.INTERNAL_ERROR,
    parse.INVALID_FRONT_MATTER,
    parse.DUPLICATE_FRONT_MATTER_KEY,
    suppress.UNUSED_SUPPRESSION,
)

RULES: dict[str, Rule] = catalog((
    *_INPUT_RULES,
    *structure.RULES,
    *metadata.RULES,
    *placeholder_check.RULES,
    *action_items.RULES,
    *timeline_checks.RULES,
    *cross_document.RULES,
    *hardening.RULES,
))


def all_rules() -> list[Rule]:
    """Every rule, in code order."""
    return sorted(RULES.values(), key=lambda r: r.code)


def find_rule(code_or_name: str) -> Rule | None:
    """Look a rule up by its code (``AOS101``) or its name (``missing-section``)."""
    wanted = code_or_name.strip()
    for candidate in all_rules():
        if candidate.code.upper() == wanted.upper() or candidate.name == wanted.lower():
            return candidate
    return None


__all__ = ["DOCUMENT_CHECKS", "RULES", "CheckContext", "all_rules", "cross_document",
           "find_rule", "hardening"]
