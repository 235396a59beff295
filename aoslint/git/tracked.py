"""The files git knows: tracked, or staged for the next commit (``--tracked-only``).

pre-commit stashes unstaged changes before a hook runs, but not untracked
files: a hook that walks the working tree would check a half-written draft
nobody is committing. The index lists exactly what the commit can hold.
"""

from __future__ import annotations

import os
from pathlib import Path

from aoslint.errors import UsageError
from aoslint.git.command import GitError, GitRunner, decode


def known_files(root: Path) -> frozenset[str]:
    """Absolute, normalised paths of the index's files under ``root``."""
    try:
        listed = GitRunner(root).run("ls-files", "-z", "--cached")
    except GitError as exc:
        lines = exc.stderr.strip().splitlines()
        why = "git is not installed" if exc.missing else (lines[-1] if lines else "git failed")
        raise UsageError(f"--tracked-only: cannot list the files git knows in {root} "
                         f"({why})") from None
    base = os.path.abspath(root)
    return frozenset(os.path.normpath(os.path.join(base, name))
                     for name in decode(listed).split("\0") if name)
