"""Atomic, exclusive creation: an existing file is never overwritten or half-written."""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path


def create_exclusive(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, which must not exist (else ``FileExistsError``).

    The text goes to a temporary file in the same folder, which is then
    hard-linked to the final name: ``link`` fails when the name exists, and a
    reader never sees a partial file. Where hard links are not supported the
    final name is opened with ``O_CREAT | O_EXCL`` instead (still exclusive).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    temporary = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    _write_new(temporary, data)
    try:
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV,
                                 errno.EMLINK, errno.ENOSYS):
                raise
            _write_new(path, data)
    finally:
        temporary.unlink(missing_ok=True)


def _write_new(path: Path, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def claim_folder(folder: Path) -> None:
    """Create ``folder`` (its parents may exist); ``FileExistsError`` when it already does."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.mkdir()
