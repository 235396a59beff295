"""Reading a document's bytes into text, turning bad input into findings."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import msgspec

from aoslint.diagnostics import Diagnostic
from aoslint.registry import rule

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


class Source(msgspec.Struct, frozen=True):
    """A document's decoded text; CRLF and a BOM are normalised away."""

    path: Path
    display: str
    text: str

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


def internal_error(display: str, exc: BaseException) -> Diagnostic:
    """The finding for an unexpected exception while checking one document."""
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    what = f"{exc.__class__.__name__}: {detail}" if detail else exc.__class__.__name__
    return INTERNAL_ERROR.diagnostic(
        display, 1, 1, f"internal error while checking this document ({what}); "
        "please report it (AOSLINT_DEBUG=1 shows the traceback)")


# Longest first: a UTF-32 little-endian mark starts with the UTF-16 one.
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
              (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))
_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISDIR, "a directory"))


class NotRegularFile(OSError):
    """A path that is a FIFO, socket, device or folder: never read as a document."""


def read_regular(path: Path | str) -> bytes:
    """A regular file's bytes; anything else raises ``NotRegularFile``, without blocking.

    ``O_NONBLOCK`` keeps the open of a FIFO from waiting for a writer; the
    type is then asked of the open descriptor, so a file swapped in between
    cannot slip through.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    descriptor = os.open(path, flags)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
            raise NotRegularFile(0, f"{kind}, not a regular file")
        os.set_blocking(descriptor, True)
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(descriptor)


def read_source(path: Path, display: str, *, explicit: bool,
                data: bytes | None = None) -> Source | Diagnostic | None:
    """Decode a file (or its bytes, already read), or say why not.

    ``None`` means skip silently (scans only).
    """
    if data is None:
        try:
            data = read_regular(path)
        except NotRegularFile as exc:
            if not explicit:
                return None
            return UNREADABLE_FILE.diagnostic(display, 1, 1, f"cannot read file: {exc.strerror}")
        except OSError as exc:
            reason = exc.strerror or exc.__class__.__name__
            return UNREADABLE_FILE.diagnostic(display, 1, 1, f"cannot read file: {reason}")
    for mark, encoding in _WIDE_BOMS:
        if data.startswith(mark):
            return INVALID_ENCODING.diagnostic(
                display, 1, 1, f"the file is {encoding} (it starts with a {encoding} byte "
                "order mark); aoslint reads UTF-8")
    nul = data.find(b"\x00")
    if nul >= 0:
        if not explicit:
            return None
        prefix = data[:nul]
        line = prefix.count(b"\n") + 1
        column = nul - (prefix.rfind(b"\n") + 1) + 1
        return BINARY_FILE.diagnostic(display, line, column,
                                      f"file contains a NUL byte (at byte offset {nul}); "
                                      "not a text document")
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
