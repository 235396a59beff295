"""Plain data that the git layer hands to checks: commits, answers and issues.

Every question has three outcomes. "unknown" exists so that a shallow clone,
a missing remote or an absent git binary never turns into a false pass or a
false failure: the caller reports the :class:`Issue` instead of a verdict.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from aoslint.git.command import GitError


class Problem(StrEnum):
    """Why git could not (fully) answer; each one maps to its own message."""

    GIT_MISSING = "git-missing"
    NOT_A_REPOSITORY = "not-a-repository"
    NO_COMMITS = "no-commits"
    GIT_ERROR = "git-error"
    SHALLOW = "shallow-clone"
    NO_UPSTREAM = "no-upstream"
    DETACHED_HEAD = "detached-head"
    NOT_ON_HEAD = "not-on-head"
    UNKNOWN_COMMIT = "unknown-commit"
    AMBIGUOUS_COMMIT = "ambiguous-commit"
    INVALID_INPUT = "invalid-input"
    UNKNOWN_BASE = "unknown-base"
    NOT_LOADED = "not-loaded"


class Issue(msgspec.Struct, frozen=True):
    """A problem with a message for the user and, where one exists, the fix."""

    problem: Problem
    message: str
    hint: str = ""


SHALLOW_HINT = (
    "fetch the full history: `git fetch --unshallow` "
    "(GitHub Actions: actions/checkout with `fetch-depth: 0`)"
)


def shallow_issue(what: str) -> Issue:
    """The history needed for ``what`` lies beyond a shallow clone's boundary."""
    return Issue(Problem.SHALLOW, f"shallow clone: the history needed to {what} is cut off",
                 SHALLOW_HINT)


def invalid_issue(kind: str, value: str) -> Issue:
    """A value from a document or the command line that is refused before git sees it."""
    return Issue(Problem.INVALID_INPUT, f"{value!r} is not a valid {kind}")


def classify_error(error: GitError) -> Issue:
    """Turn a failed git call into the environment state it reveals."""
    if error.missing:
        return Issue(Problem.GIT_MISSING, "git is not installed or not on PATH",
                     "install git, or run aoslint where git is available")
    text = error.stderr
    if "not a git repository" in text:
        return Issue(Problem.NOT_A_REPOSITORY, "not inside a git repository",
                     "run aoslint inside the repository, or skip the git checks")
    if "dubious ownership" in text:
        return Issue(Problem.GIT_ERROR, "git refuses the repository (dubious ownership)",
                     "`git config --global --add safe.directory <repo>`")
    return Issue(Problem.GIT_ERROR, f"git failed: {error}")


class Verdict(StrEnum):
    """Tri-state result: ``UNKNOWN`` is never to be read as ``NO``."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Answer(msgspec.Struct, frozen=True):
    """A verdict with what supports it (``detail``) or what blocked it (``issue``).

    ``bool(answer)`` raises: an unknown answer silently read as false is the
    exact false failure this layer exists to prevent.
    """

    verdict: Verdict
    detail: str = ""
    issue: Issue | None = None

    @property
    def yes(self) -> bool:
        return self.verdict is Verdict.YES

    @property
    def no(self) -> bool:
        return self.verdict is Verdict.NO

    @property
    def unknown(self) -> bool:
        return self.verdict is Verdict.UNKNOWN

    def __bool__(self) -> bool:
        raise TypeError("an Answer is tri-state: test .yes, .no or .unknown")


class FileChange(msgspec.Struct, frozen=True):
    """One entry of ``--name-status -M``: status letter, path, and the old path of a rename."""

    status: str
    path: str
    old_path: str | None = None

    def names(self) -> tuple[str, ...]:
        """Both sides of a rename, or the one path."""
        return (self.path,) if self.old_path is None else (self.old_path, self.path)


class Commit(msgspec.Struct, frozen=True):
    """A commit as ``git log`` printed it; merges list their changes against the first parent."""

    sha: str
    parents: tuple[str, ...]
    committed_at: datetime
    author_date: datetime
    subject: str
    changes: tuple[FileChange, ...] = ()


class Changes(Answer, frozen=True):
    """Commits (oldest first) and staged changes that touched a file's lineage."""

    commits: tuple[Commit, ...] = ()
    staged: tuple[FileChange, ...] = ()


class AddedLines(msgspec.Struct, frozen=True):
    """Line numbers of the current (index) version of ``path`` that were added.

    ``complete`` is false when history was cut off (shallow clone) or could
    not be read: then an empty intersection means "unknown", not "no".
    """

    path: str
    lines: frozenset[int] = msgspec.field(default_factory=frozenset)
    complete: bool = True
    issue: Issue | None = None

    def within(self, first: int, last: int) -> Answer:
        """Was any line in ``first..last`` (inclusive, 1-based) added?"""
        hits = sorted(n for n in self.lines if first <= n <= last)
        if hits:
            return Answer(Verdict.YES, f"lines {', '.join(map(str, hits))} of {self.path}")
        if self.complete:
            return Answer(Verdict.NO, f"no line added to {self.path}:{first}-{last}", self.issue)
        return Answer(Verdict.UNKNOWN, "", self.issue)


class ChecklistAnswer(Answer, frozen=True):
    """Entry names added to a ``checklist.py``-style gate script."""

    names: tuple[str, ...] = ()


class Upstream(msgspec.Struct, frozen=True):
    """The ref that counts as "pushed to origin", how it was chosen, or why there is none."""

    ref: str | None
    sha: str | None
    source: str
    reason: str = ""


class Environment(msgspec.Struct, frozen=True):
    """What the repository looks like: the states a caller may want to mention."""

    toplevel: str | None
    head: str | None
    branch: str | None
    detached: bool
    shallow: bool
    upstream: Upstream
    issues: tuple[Issue, ...] = ()
