"""Reading a document's bytes into text, turning bad input into findings."""

from __future__ import annotations

from pathlib import Path

import msgspec

from aoslint.diagnostics import Diagnostic
from aoslint.registry import rule

UNREADABLE_FILE = rule(
    "AOS901", "unreadable-file", "A document could not be read.",
    explanation="""
aoslint could not open or read a file it was asked to check (a permission
problem, a dangling symbolic link, or a path that vanished while it ran).
Nothing in the file was checked.""",
    example="aoslint check docs/incidents/secret.md   # mode 000",
    fix="Make the file readable, or exclude it in the config.",
)
INVALID_ENCODING = rule(
    "AOS902", "invalid-encoding", "A document is not valid UTF-8.",
    explanation="""
Incident documents are Markdown text in UTF-8 (a UTF-8 byte order mark is
accepted). A byte sequence that is not UTF-8 usually means the file was saved in
a legacy encoding; aoslint reports the first bad byte's offset and line.""",
    example="A postmortem saved as Latin-1 with an 'é' (byte 0xE9).",
    fix="Re-save the file as UTF-8 (for example: iconv -f latin1 -t utf-8).",
)
BINARY_FILE = rule(
    "AOS903", "binary-file", "A file named for checking is binary, not Markdown.",
    explanation="""
The file contains NUL bytes, so it is not a text document. Directory scans skip
such files silently; this finding appears only when the file was named
explicitly.""",
    example="aoslint check docs/incidents/diagram.png",
    fix="Pass only Markdown documents, or exclude the file in the config.",
)


class Source(msgspec.Struct, frozen=True):
    """A document's decoded text; CRLF and a BOM are normalised away."""

    path: Path
    display: str
    text: str


def read_source(path: Path, display: str, *, explicit: bool,
                data: bytes | None = None) -> Source | Diagnostic | None:
    """Decode a file (or its bytes, already read), or say why not.

    ``None`` means skip silently (scans only).
    """
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            reason = exc.strerror or exc.__class__.__name__
            return UNREADABLE_FILE.diagnostic(display, 1, 1, f"cannot read file: {reason}")
    if b"\x00" in data[:8192]:
        if not explicit:
            return None
        return BINARY_FILE.diagnostic(display, 1, 1, "file contains NUL bytes; not a text document")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        prefix = data[: exc.start]
        line = prefix.count(b"\n") + 1
        column = len(prefix) - (prefix.rfind(b"\n") + 1) + 1
        return INVALID_ENCODING.diagnostic(
            display, line, column,
            f"invalid UTF-8 at byte offset {exc.start} (byte 0x{data[exc.start]:02X})",
        )
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Source(path=path, display=display, text=text)
