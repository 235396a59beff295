"""Bad input: a document that cannot be read, decoded, or whose front matter is unusable.

``source`` and ``parse`` report these as :class:`~aoslint.document.problems.InputProblem`
values; :func:`finding` turns one into its rule's finding. An unexpected
exception while checking a document is reported here too (AOS905).
"""

from __future__ import annotations

from aoslint.diagnostics import Diagnostic
from aoslint.document.problems import InputKind, InputProblem
from aoslint.registry import Rule, rule

UNREADABLE_FILE = rule(
    "AOS901", "unreadable-file", "A document could not be read.",
    explanation="""
aoslint could not open or read a file it was asked to check (a permission
problem, a dangling symbolic link or a symbolic link loop, a path that vanished
while it ran, or something that is not a regular file: a FIFO, socket or
device, which aoslint never opens for reading). Nothing in the file was
checked. Directory scans skip FIFOs, sockets and devices silently.""",
    example="aoslint check docs/incidents/secret.md   # mode 000",
    fix="Make the file readable (a regular file), or exclude it in the config.",
)
INVALID_ENCODING = rule(
    "AOS902", "invalid-encoding", "A document is not valid UTF-8.",
    explanation="""
Incident documents are Markdown text in UTF-8 (a UTF-8 byte order mark is
accepted). A byte sequence that is not UTF-8 usually means the file was saved in
a legacy encoding; aoslint reports the first bad byte's offset and line. A file
that starts with a UTF-16 or UTF-32 byte order mark is named as such.""",
    example="A postmortem saved as Latin-1 with an 'é' (byte 0xE9).",
    fix="Re-save the file as UTF-8 (for example: iconv -f latin1 -t utf-8, or -f utf-16).",
)
BINARY_FILE = rule(
    "AOS903", "binary-file", "A file named for checking is binary, not Markdown.",
    explanation="""
The file contains a NUL byte (anywhere in it), so it is not a text document.
Directory scans skip such files silently; this finding appears only when the
file was named explicitly.""",
    example="aoslint check docs/incidents/diagram.png",
    fix="Pass only Markdown documents, or exclude the file in the config.",
)
INTERNAL_ERROR = rule(
    "AOS905", "internal-error", "aoslint failed on a document: a bug in aoslint.",
    explanation="""
Checking this document raised an error aoslint did not expect. That is a bug in
aoslint, not in the document: the finding names the error so it can be
reported, and every other document is checked as usual. The document itself
was not checked, so the run fails (exit 1) rather than pass it unseen.""",
    example="A document that makes a check raise an unexpected exception.",
    fix="Report it with the document (or a copy that still fails) at aoslint's issue "
        "tracker; run with AOSLINT_DEBUG=1 for the traceback.",
)

INVALID_FRONT_MATTER = rule(
    "AOS202", "invalid-front-matter", "The YAML front matter does not parse.",
    explanation="""
A document may start with YAML front matter between `---` lines. When that YAML
is malformed, none of its fields can be read, so aoslint reports the YAML
error at the line where the parser stopped.""",
    example="""
---
incident_id: INC-20261102-001
severity: [HIGH
---""",
    fix="Fix the YAML syntax at the reported line (quote values that contain ':' or '[').",
)

DUPLICATE_FRONT_MATTER_KEY = rule(
    "AOS204", "duplicate-front-matter-key", "A front matter key is given twice.",
    explanation="""
YAML keeps only the last value of a repeated key, silently: the first one, which
a reader may take for the document's value, is ignored. aoslint reports each
repeat at its line, and checks the document with the last value, as YAML does.""",
    example="""
---
severity: HIGH
severity: LOW
---""",
    fix="Keep one of the two keys and delete the other.",
)

RULES: tuple[Rule, ...] = (
    UNREADABLE_FILE,
    INVALID_ENCODING,
    BINARY_FILE,
    INTERNAL_ERROR,
    INVALID_FRONT_MATTER,
    DUPLICATE_FRONT_MATTER_KEY,
)

_RULE_OF: dict[InputKind, Rule] = {
    InputKind.UNREADABLE: UNREADABLE_FILE,
    InputKind.ENCODING: INVALID_ENCODING,
    InputKind.BINARY: BINARY_FILE,
    InputKind.FRONT_MATTER: INVALID_FRONT_MATTER,
    InputKind.REPEATED_KEY: DUPLICATE_FRONT_MATTER_KEY,
}


def finding(problem: InputProblem) -> Diagnostic:
    """The finding of the rule that reports this kind of problem."""
    return _RULE_OF[problem.kind].diagnostic(problem.path, problem.line, problem.column,
                                             problem.message)


def internal_error(display: str, exc: BaseException) -> Diagnostic:
    """The finding for an unexpected exception while checking one document."""
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    what = f"{exc.__class__.__name__}: {detail}" if detail else exc.__class__.__name__
    return INTERNAL_ERROR.diagnostic(
        display, 1, 1, f"internal error while checking this document ({what}); "
        "please report it (AOSLINT_DEBUG=1 shows the traceback)")
