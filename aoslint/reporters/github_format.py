"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

A line looks like ``::error file=p,line=3,col=1,endLine=3,title=AOS101 name::message``.
The runner splits properties on ``,`` and the command on ``::``, and ends a command at a
newline, so values are escaped the way the Actions toolkit does; the escaped newline
(``%0A``) shows as a line break in the annotation, which keeps the hint on its own line.
"""

from __future__ import annotations

from collections.abc import Sequence

from aoslint.diagnostics import Diagnostic, Severity
from aoslint.reporters import RenderContext
from aoslint.reporters._shared import (
    end_line,
    message_with_hint,
    report_path,
    start_column,
    start_line,
)

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(diagnostics: Sequence[Diagnostic], context: RenderContext) -> str:
    return "".join(annotation(diag, context.root) + "\n" for diag in diagnostics)


def annotation(diag: Diagnostic, root: str = "") -> str:
    """One workflow command for one finding; its file relative to the repository root."""
    properties = {
        "file": report_path(diag.path, root),
        "line": str(start_line(diag)),
        "col": str(start_column(diag)),
        "endLine": str(end_line(diag)),
        "title": f"{diag.code} {diag.name}",
    }
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{_COMMANDS[diag.severity]} {joined}::{escape_data(message_with_hint(diag))}"


def escape_data(value: str) -> str:
    """Escape a command's message: ``%`` first, so the escapes themselves survive."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value: as a message, plus the ``:`` and ``,`` that delimit properties."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")
