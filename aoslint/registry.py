"""Rule definitions: one record per check, the single source of its docs.

A check module declares its rules with :func:`rule` and lists them in its
``RULES``; :mod:`aoslint.checks` gathers those lists into the one table that
``aoslint rules``, ``aoslint rule CODE`` and the rule pages read, so a check
and its documentation can never drift apart. This module imports no check:
low modules use it without closing an import circle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import msgspec

from aoslint.diagnostics import Diagnostic, Severity

GROUPS = {
    "1": "structure",
    "2": "metadata",
    "3": "timeline",
    "4": "action items and cross-document",
    "5": "hardening and git",
    "6": "closure",
    "9": "configuration and tool",
}


Needs = Literal["document", "repository", "git"]


class Rule(msgspec.Struct, frozen=True):
    """A check's identity (stable code and name) and its documentation."""

    code: str
    name: str
    summary: str
    severity: Severity
    explanation: str
    example: str
    fix: str
    policy: str = ""
    # A STOP-rule gate: a document cannot silence it with an inline directive
    # (it must not vouch for its own closure) unless the config allows it.
    closure_gate: bool = False
    # What the rule reads beyond the document: "document" (nothing more), "repository"
    # (the other documents or the AOS tree) or "git" (the history). Tests that check
    # one document alone leave out the others by this attribute.
    needs: Needs = "document"
    # False: no inline directive can silence it (the rule that reports the directives).
    inline_suppressible: bool = True

    def diagnostic(
        self,
        path: str,
        line: int,
        column: int,
        message: str,
        hint: str | None = None,
        *,
        severity: Severity | None = None,
        end_line: int | None = None,
    ) -> Diagnostic:
        """Build a finding of this rule; the hint defaults to the rule's fix."""
        return Diagnostic(
            path=path,
            line=max(line, 1),
            column=max(column, 1),
            code=self.code,
            name=self.name,
            severity=severity or self.severity,
            message=message,
            hint=self.fix if hint is None else hint,
            end_line=end_line,
        )

    @property
    def group(self) -> str:
        return GROUPS.get(self.code[3:4], "other")


def rule(
    code: str,
    name: str,
    summary: str,
    *,
    severity: Severity = Severity.ERROR,
    explanation: str,
    example: str,
    fix: str,
    policy: str = "",
    closure_gate: bool = False,
    needs: Needs = "document",
    inline_suppressible: bool = True,
) -> Rule:
    """Define a rule, its documentation stripped of the source's indentation."""
    return Rule(code, name, summary, severity, explanation.strip(), example.strip(),
                fix.strip(), policy.strip(), closure_gate, needs, inline_suppressible)


def catalog(rules: Iterable[Rule]) -> dict[str, Rule]:
    """The rules by code, in code order; a code or name defined twice is an error."""
    table: dict[str, Rule] = {}
    names: set[str] = set()
    for item in sorted(rules, key=lambda r: r.code):
        if item.code in table or item.name in names:
            raise ValueError(f"rule {item.code} {item.name} is defined twice")
        table[item.code] = item
        names.add(item.name)
    return table


def matches(selector: str, diag_code: str, diag_name: str) -> bool:
    """True when a ``--select``/``--ignore`` selector names this code, prefix or name."""
    wanted = selector.strip()
    if not wanted:
        return False
    if wanted.upper() == "ALL":
        return True
    return diag_code.upper().startswith(wanted.upper()) or diag_name == wanted.lower()


def unknown_selector(selector: str, rules: Sequence[Rule]) -> str:
    """Why ``selector`` selects nothing, with the nearest rule name or code prefix to try."""
    from difflib import get_close_matches  # only on this error: not in every run's start-up

    known = list(rules)
    wanted = selector.strip().upper()
    close: list[str] = []
    if wanted.startswith("AOS"):  # a code: its longest prefix that is one (AOS1x: AOS1)
        close = [wanted[:size] for size in range(len(wanted) - 1, 3, -1)
                 if any(r.code.startswith(wanted[:size]) for r in known)][:1]
    else:
        close = get_close_matches(wanted.lower(), [r.name for r in known], n=1, cutoff=0.6)
    message = f"'{selector}' matches no rule code, prefix or name"
    return f"{message}; did you mean '{close[0]}'?" if close else f"{message} (see 'aoslint rules')"
