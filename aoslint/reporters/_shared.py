"""Helpers the CI formats share, so SARIF, GitHub, JUnit and GitLab agree on paths and identity.

Not a format itself: ``get_renderer`` only imports the modules named in ``FORMATS``.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import PurePath

from aoslint.diagnostics import Diagnostic

FINGERPRINT_VERSION = "v1"


def report_path(path: str, root: str = "") -> str:
    """The path as CI services want it: POSIX separators, relative to the repository root.

    Code scanning, annotations and merge-request widgets match findings to files by
    their path in the repository, whatever directory aoslint ran in, so a path under
    ``root`` is made relative to it (without a root, to the working directory). One
    outside is kept absolute: there is nothing it could be relative to.
    """
    base = root or os.getcwd()
    full = os.path.abspath(path)
    for folder in dict.fromkeys((base, os.path.realpath(base))):
        if full == folder or full.startswith(os.path.join(folder, "")):
            return PurePath(os.path.relpath(full, folder)).as_posix()
    return PurePath(full).as_posix()


def message_with_hint(diag: Diagnostic, separator: str = "\n") -> str:
    """The message a CI annotation shows: the finding, then how to fix it."""
    if not diag.hint:
        return diag.message
    return f"{diag.message}{separator}hint: {diag.hint}"


def start_line(diag: Diagnostic) -> int:
    """A 1-based line; findings about a whole document may carry line 0."""
    return max(diag.line, 1)


def end_line(diag: Diagnostic) -> int:
    """The last line of the finding, never before its first."""
    return max(diag.end_line or diag.line, start_line(diag))


def start_column(diag: Diagnostic) -> int:
    return max(diag.column, 1)


def fingerprints(diagnostics: Sequence[Diagnostic], root: str = "") -> list[str]:
    """One identity per finding, in input order, that survives the finding moving lines.

    The hash covers path, code and message but not the line, so editing text above a
    finding keeps its identity (CI services then do not report it as fixed and new).
    Identical findings in one document are told apart by their order of appearance,
    which also survives a move as long as they do not swap places.
    """
    order = sorted(
        range(len(diagnostics)),
        key=lambda i: (diagnostics[i].line, diagnostics[i].column, i),
    )
    seen: Counter[tuple[str, str, str]] = Counter()
    result = [""] * len(diagnostics)
    for index in order:
        diag = diagnostics[index]
        identity = (report_path(diag.path, root), diag.code, diag.message)
        occurrence = seen[identity]
        seen[identity] += 1
        material = "\0".join((FINGERPRINT_VERSION, *identity, str(occurrence)))
        result[index] = hashlib.sha256(material.encode("utf-8")).hexdigest()
    return result
