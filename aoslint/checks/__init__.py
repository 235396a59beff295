"""The check families and the one table of every rule they report.

Each family module exposes ``check(context) -> Iterable[Diagnostic]`` (or a
repository-wide equivalent) and lists the rules it can report in ``RULES``;
:data:`RULES` below gathers those lists, family by family. A new rule is one
:func:`~aoslint.registry.rule` definition added to its family's ``RULES``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import msgspec

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
from aoslint.checks.selection import Selection
from aoslint.diagnostics import Diagnostic
from aoslint.discovery.layout import Layout
from aoslint.hardening_case import Case
from aoslint.registry import Rule, catalog

DocumentCheck = Callable[[CheckContext], Iterable[Diagnostic]]

DOCUMENT_CHECKS: tuple[DocumentCheck, ...] = (
    structure.check,
    metadata.check,
    placeholder_check.check,
    action_items.check,
    timeline_checks.check,
)
# What each document check can report (a check not listed here always runs).
_REPORTS: dict[DocumentCheck, tuple[Rule, ...]] = {
    structure.check: structure.RULES,
    metadata.check: metadata.RULES,
    placeholder_check.check: placeholder_check.RULES,
    action_items.check: action_items.RULES,
    timeline_checks.check: timeline_checks.RULES,
}

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


class Families(msgspec.Struct, frozen=True):
    """The check families a run runs: one none of whose rules it reports need not.

    The default runs every family: what a stored result, or a document whose
    inline directives are judged against all of its findings, needs.
    """

    skipped: frozenset[DocumentCheck] = frozenset()  # document checks left out
    citations: bool = True  # rule_citations
    closure: bool = True  # closure_checks
    repository: bool = True  # cross_document
    git: bool = True  # git_proof

    @classmethod
    def needed(cls, selection: Selection, checks: Iterable[DocumentCheck]) -> Families:
        return cls(frozenset(check for check in checks if check in _REPORTS
                             and not selection.needs(_REPORTS[check])),
                   selection.needs(rule_citations.RULES), selection.needs(closure_checks.RULES),
                   selection.needs(cross_document.RULES), selection.needs(git_proof.RULES))

    @property
    def complete(self) -> bool:
        """Nothing is left out: the findings are all there are."""
        return not self.skipped and self.citations and self.closure and self.repository \
            and self.git

    @property
    def hardening(self) -> bool:
        """A postmortem's hardening case is needed."""
        return self.citations or self.closure or self.git


EVERY_FAMILY = Families()


def document_hardening(case: Case, layout: Layout, options: GitOptions,
                       families: Families = EVERY_FAMILY) -> list[Diagnostic]:
    """The hardening findings of one postmortem that need no git (they read the rules tree)."""
    found = list(rule_citations.check(case, layout, options.enabled)) \
        if families.citations else []
    if families.closure:
        found.extend(closure_checks.check(case))
    return found


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


__all__ = ["DOCUMENT_CHECKS", "EVERY_FAMILY", "RULES", "CheckContext", "Families", "Selection",
           "all_rules", "cross_document", "document_hardening", "find_rule", "git_proof"]
