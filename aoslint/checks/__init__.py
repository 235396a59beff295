"""The check families and the one table of every rule they report.

Each family module exposes ``check(context) -> Iterable[Diagnostic]`` (or a
repository-wide equivalent) and lists the rules it can report in ``RULES``;
:data:`RULES` below gathers those lists, family by family. A new rule is one
:func:`~aoslint.registry.rule` definition added to its family's ``RULES``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from aoslint.checks import (
    action_items,
    bad_input,
    closure_checks,
    cross_document,
    git_proof,
    metadata,
    placeholder_check,
    rule_citations,
    structure,
    suppression_checks,
    timeline_checks,
)
from aoslint.checks.context import CheckContext
from aoslint.checks.git_proof import GitOptions
from aoslint.diagnostics import Diagnostic
from aoslint.hardening_case import Case
from aoslint.layout import Layout
from aoslint.registry import Rule, catalog

DOCUMENT_CHECKS: tuple[Callable[[CheckContext], Iterable[Diagnostic]], ...] = (
    structure.check,
    metadata.check,
    placeholder_check.check,
    action_items.check,
    timeline_checks.check,
)

RULES: dict[str, Rule] = catalog((
    *bad_input.RULES,
    *structure.RULES,
    *metadata.RULES,
    *placeholder_check.RULES,
    *action_items.RULES,
    *timeline_checks.RULES,
    *cross_document.RULES,
    *rule_citations.RULES,
    *closure_checks.RULES,
    *git_proof.RULES,
    *suppression_checks.RULES,  # reported where the directives are applied
))


def document_hardening(case: Case, layout: Layout, options: GitOptions) -> list[Diagnostic]:
    """The hardening findings of one postmortem that need no git (they read the rules tree)."""
    return [*rule_citations.check(case, layout, options.enabled), *closure_checks.check(case)]


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
           "document_hardening", "find_rule", "git_proof"]
