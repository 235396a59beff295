"""Template text left in a filled document, each at its line and column."""

from __future__ import annotations

from collections.abc import Iterator

from aoslint.checks.context import CheckContext
from aoslint.diagnostics import Diagnostic
from aoslint.document.placeholders import blank_comments, find_placeholders, is_enum_choice
from aoslint.registry import Rule, rule

UNFILLED_PLACEHOLDER = rule(
    "AOS107", "unfilled-placeholder", "Template text was left in the document.",
    explanation="""
The kit's templates mark what the author must fill in: `[INC-YYYYMMDD-XXX]`,
`[YYYY-MM-DD]`, `@[agent-name]`, `` `HH:MM UTC` ``, `[UTC]`, `[duration]`,
`[e.g., ...]`, choice lists such as `LOW | MEDIUM | HIGH | CRITICAL`. Each one
left in is reported at its line and column. While the document is open or a
draft they are warnings; once its status says RESOLVED or CLOSED they are
errors. Code blocks and HTML comments are not checked; the config's
`placeholders` adds patterns of your own templates.""",
    example="""
Incident ID: [INC-YYYYMMDD-XXX]
Primary Agent: @[agent-name]
- `HH:MM UTC`: Incident occurred.""",
    fix="Replace the template text with the real value.",
)

RULES: tuple[Rule, ...] = (UNFILLED_PLACEHOLDER,)


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    severity = ctx.gate_severity
    parsed = ctx.parsed
    dropped = ctx.profile.ignore_placeholders
    text = "\n".join(parsed.lines)
    if "<!--" in text:
        text = blank_comments(text)
    for number, line in enumerate(text.split("\n"), start=1):
        if number in parsed.code_lines or not line.strip():
            continue
        for placeholder in find_placeholders(line, ctx.extra_placeholders):
            if placeholder.kind in dropped:
                continue  # the kit's own slots: not template text of another team's
            yield UNFILLED_PLACEHOLDER.diagnostic(
                ctx.path, number, placeholder.column,
                f"unfilled {placeholder.kind} '{placeholder.text}'",
                "replace the template text with the real value", severity=severity)
    for field in ctx.document.fields:
        if isinstance(field.value, str) and is_enum_choice(field.value):
            yield UNFILLED_PLACEHOLDER.diagnostic(
                ctx.path, field.line, field.column,
                f"{field.raw_key} still lists the template's choices '{field.value}'",
                "keep the one value that applies", severity=severity)
