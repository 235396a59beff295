"""Checks for values that come from documents before they get near git.

A postmortem is untrusted text: ``--output=/tmp/x`` cited as a commit or a
path must never reach git's option parser. Values are checked here, then
passed on stdin, after ``--end-of-options`` or after ``--``.
"""

from __future__ import annotations

import re
from datetime import datetime

from aoslint.lazyre import compile_lazily

_SHA = compile_lazily(r"[0-9a-fA-F]{7,40}|[0-9a-fA-F]{64}")
_REF_BAD_CHARS = compile_lazily(r"[\x00-\x20\x7f~^:?*\[\\]")


def valid_sha(value: str) -> str | None:
    """The lowercase SHA if ``value`` is 7-40 hex digits (or a full SHA-256), else None."""
    if _SHA.fullmatch(value):
        return value.lower()
    return None


def valid_ref(value: str) -> str | None:
    """``value`` if it obeys ``git check-ref-format --allow-onelevel``, else None.

    A leading ``-`` is refused too, so a ref can never read as an option.
    """
    if not value or value.startswith("-") or value == "@" or "@{" in value or ".." in value:
        return None
    if _REF_BAD_CHARS.search(value) or value.endswith(("/", ".")) or "//" in value:
        return None
    for part in value.split("/"):
        if part.startswith(".") or part.endswith(".lock"):
            return None
    return value


def valid_rev(value: str) -> str | None:
    """A SHA (lowercased) or a ref name, as accepted for ``--base`` and upstreams."""
    return valid_sha(value) or valid_ref(value)


def valid_path(value: str) -> str | None:
    """A repository-relative path with ``/`` separators, or None if unsafe.

    Refused: empty, absolute, ``..`` segments, control characters and a
    leading ``-``. A leading ``./`` is dropped; a trailing ``/`` (a folder)
    is kept.
    """
    while value.startswith("./"):
        value = value[2:]
    if not value or value.startswith(("-", "/")) or re.search(r"[\x00-\x1f\x7f]", value):
        return None
    parts = value.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return value


def require_aware(when: datetime | None, name: str) -> datetime | None:
    """``when`` itself, refused (ValueError) when naive: instants are compared across zones."""
    if when is not None and when.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return when
