"""Inline directives that silence nothing, or ask what they may not (AOS904).

``suppress`` applies a document's directives and returns what is wrong with
them as :class:`~aoslint.document.problems.DirectiveProblem` values; :func:`finding`
turns each one into this rule's finding.
"""

from __future__ import annotations

from aoslint.diagnostics import Diagnostic, Severity
from aoslint.document.problems import DirectiveKind, DirectiveProblem
from aoslint.registry import Rule, rule

UNUSED_SUPPRESSION = rule(
    "AOS904", "unused-suppression", "An inline aoslint directive silences nothing.",
    severity=Severity.WARNING,
    explanation="""
`<!-- aoslint-disable ... -->` and its variants silence findings inside a
document. Once the problem is fixed, a directive left behind would silently
swallow the next real finding of that kind, so a directive (or one of its
codes) that silenced nothing in this run is reported, like ruff's RUF100. The
same code reports a directive naming a code that does not exist, a misspelt
directive (`aoslint-disable-nextline`), an `aoslint-enable` with nothing to
re-enable, and a directive that tries to silence a closure gate (the STOP rule)
when the config does not set `allow-closure-suppression`.

Findings of this rule cannot be silenced inline; ignore the code in the config
or run with `--no-inline-config` to turn all directives off.""",
    example="""
<!-- aoslint-disable-next-line section-numbering -->
## 3. Root Cause        <- numbered correctly now: the directive is unused""",
    fix="Remove the directive, or the codes in it that no longer match a finding.",
    inline_suppressible=False,
)

RULES: tuple[Rule, ...] = (UNUSED_SUPPRESSION,)

_RULE_OF: dict[DirectiveKind, Rule] = {kind: UNUSED_SUPPRESSION for kind in DirectiveKind}


def finding(problem: DirectiveProblem) -> Diagnostic:
    """The finding of the rule that reports this kind of directive problem."""
    return _RULE_OF[problem.kind].diagnostic(problem.path, problem.line, problem.column,
                                             problem.message, problem.hint)
