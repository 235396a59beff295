"""Public entry point of the git access layer (implementation in :mod:`aoslint.git`).

Checks import from here: load the facts once per run with
:meth:`GitFacts.load`, then ask questions; every answer is tri-state and
carries an :class:`Issue` when git could not decide.
"""

from __future__ import annotations

from aoslint.git.facts import GitFacts
from aoslint.git.gate import GATE_LISTS, checklist_entries, new_checklist_entries
from aoslint.git.model import (
    AddedLines,
    Answer,
    Changes,
    ChecklistAnswer,
    Commit,
    Environment,
    FileChange,
    Issue,
    Problem,
    Upstream,
    Verdict,
)
from aoslint.git.runner import GitError, GitRunner
from aoslint.git.validate import valid_path, valid_ref, valid_rev, valid_sha

__all__ = [
    "GATE_LISTS",
    "AddedLines",
    "Answer",
    "Changes",
    "ChecklistAnswer",
    "Commit",
    "Environment",
    "FileChange",
    "GitError",
    "GitFacts",
    "GitRunner",
    "Issue",
    "Problem",
    "Upstream",
    "Verdict",
    "checklist_entries",
    "new_checklist_entries",
    "valid_path",
    "valid_ref",
    "valid_rev",
    "valid_sha",
]
