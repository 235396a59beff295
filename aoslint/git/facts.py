"""Batched git facts for one aoslint run: load once, then ask many questions.

A run's git work is a handful of calls, whatever the number of documents,
commits or paths (see :meth:`GitFacts.load` for the list). Questions about
SHAs and paths declared at load time never start git again except for the
lazy batches named there; an undeclared SHA or path costs one batch of its own.

Every answer is tri-state (:class:`~aoslint.git.model.Answer`). Shallow
clones, missing remotes, a missing git binary or a directory that is not a
repository produce "unknown" with an :class:`~aoslint.git.model.Issue`,
never a false "no" and never a false "yes".
"""

from __future__ import annotations

from aoslint.git.diffs import GitDiffs
from aoslint.git.upstream import GitUpstream


class GitFacts(GitUpstream, GitDiffs):
    """Facts about one repository, loaded in a few batched git calls.

    Create with :meth:`load`; an instance is always returned, even when git
    is missing or the directory is not a repository (see :attr:`blocker`).
    The answers come from three layers over one loaded state: the history
    (:mod:`aoslint.git.history`), the upstream (:mod:`aoslint.git.upstream`)
    and the diffs (:mod:`aoslint.git.diffs`).
    """
