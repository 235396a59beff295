"""Reading a document's bytes into text, or saying why they are not a document."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import msgspec

from aoslint.document.problems import InputKind, InputProblem


class Source(msgspec.Struct, frozen=True):
    """A document's decoded text; CRLF and a BOM are normalised away."""

    path: Path
    display: str
    text: str


# Longest first: a UTF-32 little-endian mark starts with the UTF-16 one.
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
              (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))
_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISDIR, "a directory"))


class NotRegularFile(OSError):
    """A path that is a FIFO, socket, device or folder: never read as a document."""


def not_regular(path: Path | str) -> str | None:
    """What a path is when it exists and is not a regular file (``a FIFO``), else ``None``.

    For commands that take one named file: they refuse it up front with this
    reason instead of waiting on a FIFO or reading a device.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # missing or unreadable: the read that follows says so
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


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
                data: bytes | None = None) -> Source | InputProblem | None:
    """Decode a file (or its bytes, already read), or say why not.

    ``None`` means skip silently (scans only).
    """
    if data is None:
        try:
            data = read_regular(path)
        except NotRegularFile as exc:
            if not explicit:
                return None
            return InputProblem(InputKind.UNREADABLE, display, 1, 1,
                                f"cannot read file: {exc.strerror}")
        except OSError as exc:
            reason = exc.strerror or exc.__class__.__name__
            return InputProblem(InputKind.UNREADABLE, display, 1, 1, f"cannot read file: {reason}")
    for mark, encoding in _WIDE_BOMS:
        if data.startswith(mark):
            return InputProblem(
                InputKind.ENCODING, display, 1, 1,
                f"the file is {encoding} (it starts with a {encoding} byte order mark); "
                "aoslint reads UTF-8")
    nul = data.find(b"\x00")
    if nul >= 0:
        if not explicit:
            return None
        prefix = data[:nul]
        line = prefix.count(b"\n") + 1
        column = nul - (prefix.rfind(b"\n") + 1) + 1
        return InputProblem(InputKind.BINARY, display, line, column,
                            f"file contains a NUL byte (at byte offset {nul}); "
                            "not a text document")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        prefix = data[: exc.start]
        line = prefix.count(b"\n") + 1
        column = len(prefix) - (prefix.rfind(b"\n") + 1) + 1
        return InputProblem(
            InputKind.ENCODING, display, line, column,
            f"invalid UTF-8 at byte offset {exc.start} (byte 0x{data[exc.start]:02X})",
        )
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Source(path=path, display=display, text=text)
