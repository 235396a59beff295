"""Rule definitions: one record per check, the single source of its docs.

A check module declares its rules with :func:`rule`; ``aoslint rules``,
``aoslint rule CODE`` and the README's rules reference all read this table,
so a check and its documentation can never drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import get_close_matches

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


RULES: dict[str, Rule] = {}


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
) -> Rule:
    """Define and register a rule; codes and names must be unique."""
    if code in RULES or any(r.name == name for r in RULES.values()):
        raise ValueError(f"rule {code} {name} is defined twice")
    defined = Rule(code, name, summary, severity, explanation.strip(), example.strip(),
                   fix.strip(), policy.strip(), closure_gate)
    RULES[code] = defined
    return defined


def all_rules() -> list[Rule]:
    """Every rule, in code order (imports the check modules that define them)."""
    import aoslint.checks  # noqa: F401  (registers the rules)

    return sorted(RULES.values(), key=lambda r: r.code)


def find_rule(code_or_name: str) -> Rule | None:
    """Look a rule up by its code (``AOS101``) or its name (``missing-section``)."""
    wanted = code_or_name.strip()
    for candidate in all_rules():
        if candidate.code.upper() == wanted.upper() or candidate.name == wanted.lower():
            return candidate
    return None


def matches(selector: str, diag_code: str, diag_name: str) -> bool:
    """True when a ``--select``/``--ignore`` selector names this code, prefix or name."""
    wanted = selector.strip()
    if not wanted:
        return False
    if wanted.upper() == "ALL":
        return True
    return diag_code.upper().startswith(wanted.upper()) or diag_name == wanted.lower()


def unknown_selector(selector: str, rules: Sequence[Rule] | None = None) -> str:
    """Why ``selector`` selects nothing, with the nearest rule name or code prefix to try."""
    known = list(all_rules() if rules is None else rules)
    wanted = selector.strip().upper()
    close: list[str] = []
    if wanted.startswith("AOS"):  # a code: its longest prefix that is one (AOS1x: AOS1)
        close = [wanted[:size] for size in range(len(wanted) - 1, 3, -1)
                 if any(r.code.startswith(wanted[:size]) for r in known)][:1]
    else:
        close = get_close_matches(wanted.lower(), [r.name for r in known], n=1, cutoff=0.6)
    message = f"'{selector}' matches no rule code, prefix or name"
    return f"{message}; did you mean '{close[0]}'?" if close else f"{message} (see 'aoslint rules')"
