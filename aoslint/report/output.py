"""Writing the report folder: only inside it, and only over a folder aoslint made.

A folder aoslint made holds the marker file; any other folder that is not
empty is refused, so a mistyped ``--output`` cannot replace someone's files.
The folder also gets a ``.gitignore`` of ``*``, so git ignores the report
without an edit to the repository's own ignore rules.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from aoslint.errors import UsageError

MARKER = ".aoslint-report"
DEFAULT_DIR = "aoslint-report"


def prepare(folder: Path) -> None:
    """Make ``folder`` ready for a new report, or refuse with a usage error."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise UsageError(f"{folder}: not a directory; choose another --output")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).is_file():
        raise UsageError(f"{folder}: the folder exists and was not made by 'aoslint report'; "
                         "refusing to overwrite it (choose another --output, or remove it)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / MARKER).write_text("made by aoslint report; rewritten on each run\n",
                                     encoding="utf-8")
        (folder / ".gitignore").write_text("# made by aoslint report\n*\n", encoding="utf-8")
        old = folder / "incidents"
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)  # pages of incidents that no longer exist
    except OSError as exc:
        raise UsageError(f"{folder}: cannot write the report: {exc.strerror}") from None


def write(folder: Path, files: Mapping[str, str]) -> None:
    """Write each relative path's text below ``folder``; a path leaving it is a bug."""
    top = folder.resolve()
    for name, text in files.items():
        target = (top / name).resolve()
        if not target.is_relative_to(top) or target == top:
            raise ValueError(f"report file {name!r} would leave {top}")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(target.name + ".tmp")
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, target)
        except OSError as exc:
            raise UsageError(f"{target}: cannot write the report: {exc.strerror}") from None
