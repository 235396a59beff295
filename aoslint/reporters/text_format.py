"""Human output: ``path:line:col: CODE message [name]``, an indented hint, a summary."""

from __future__ import annotations

from collections.abc import Sequence

from aoslint.diagnostics import Diagnostic, Severity
from aoslint.reporters import RenderContext

_COLORS = {"bold": "1", "red": "31", "yellow": "33", "cyan": "36", "dim": "2"}


def _paint(text: str, style: str, enabled: bool) -> str:
    return f"\x1b[{_COLORS[style]}m{text}\x1b[0m" if enabled else text


def render(diagnostics: Sequence[Diagnostic], context: RenderContext) -> str:
    color = context.color
    lines: list[str] = []
    for diag in diagnostics:
        if context.quiet and diag.severity is not Severity.ERROR:
            continue
        where = _paint(f"{diag.path}:{diag.line}:{diag.column}:", "bold", color)
        code_style = "red" if diag.severity is Severity.ERROR else "yellow"
        code = _paint(diag.code, code_style, color)
        label = {Severity.ERROR: "", Severity.WARNING: "warning: ",
                 Severity.INFO: "pending: "}[diag.severity]
        lines.append(f"{where} {code} {label}{diag.message} [{diag.name}]")
        if diag.hint:
            lines.append(_paint(f"    hint: {diag.hint}", "dim", color))
    summary = summary_line(diagnostics, context.checked_files)
    if context.quiet and any(d.severity is not Severity.ERROR for d in diagnostics):
        summary = summary.removesuffix(".") + " (only errors shown: --quiet)."
    lines.append(summary)
    return "\n".join(lines) + "\n"


def summary_line(diagnostics: Sequence[Diagnostic], checked_files: int) -> str:
    """One line a human reads first: how many files, errors and warnings."""
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity is Severity.WARNING)
    pending = sum(1 for d in diagnostics if d.severity is Severity.INFO)
    files = f"{checked_files} document{'s' if checked_files != 1 else ''} checked"
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    if pending:
        # Gates an open document has still to pass: information, never a failure.
        parts.append(f"{pending} pending")
    if not parts:
        return f"{files}: all good."
    return f"{files}: {', '.join(parts)}."
