"""Did a file's hardening happen within an incident's window, land on the upstream, and stay?

The STOP rule's third condition, judged per file (a rule file or the gate):
a change *proves* an incident when it adds real text (not whitespace, not
blank lines) and is dated between the incident's start and its closure. The
incident is proven when one proving change is reachable from the upstream;
changes after the window neither prove nor break it. A proving change whose
lines a later change on the upstream removed again (a revert) no longer does.

Everything is read from the facts already loaded (the window's first-parent
patches, one ``rev-list`` against the upstream, one patch of the cited
commits): no git call per question.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from aoslint.git.command import GitError
from aoslint.git.facts import GitFacts
from aoslint.git.lines import substance
from aoslint.git.model import Issue, Verdict, classify_error, invalid_issue, shallow_issue
from aoslint.git.validate import valid_path

STAGED = -1  # the stamp of staged changes in the window's line tracker


class Window(msgspec.Struct, frozen=True):
    """From the incident's start to its closure (``end`` None: until now)."""

    start: datetime
    end: datetime | None = None

    def holds(self, when: datetime) -> bool:
        return self.start < when and (self.end is None or when <= self.end)


class Proof(msgspec.Struct, frozen=True):
    """How one file's hardening stands.

    ``verdict`` YES: ``proving`` is on the upstream (``landed`` names the
    commit that brought a cited commit there, after a squash or rebase
    merge); NO: nothing in the window proves it, or ``unpushed``/``staged``
    changes would but are not on the upstream; UNKNOWN: see ``issue``.
    ``reverted_by`` names the upstream commit that undid a YES.
    """

    verdict: Verdict
    proving: str | None = None
    landed: str | None = None
    unpushed: tuple[str, ...] = ()
    staged: bool = False
    reverted_by: str | None = None
    whitespace_only: bool = False
    issue: Issue | None = None


class _View:
    """One file's replayed history: its names, stamps and which stamps fall in the window."""

    def __init__(self, facts: GitFacts, path: str, window: Window) -> None:
        self.facts = facts
        self.window = window
        self.tracker, self.stamps = facts.window_lines(path)
        self.names = facts.lineage(path)
        self.current = self.tracker.current_name(self.names, path)
        # A shallow clone's boundary after the start: the history before it is cut off.
        self.cut_off = any(when > window.start for when in facts.window_grafts)

    def sha(self, stamp: int) -> str:
        return self.facts.stamp_shas[stamp]

    def in_window(self, stamp: int) -> bool:
        if stamp == STAGED:
            return self.facts.staged_counts and self.window.end is None
        if stamp < 0:
            return False
        when, grafted = self.stamps[stamp]
        return not grafted and self.window.holds(when)

    def adds(self, stamp: int) -> frozenset[str]:
        """The real text ``stamp`` added to this file under any of its names."""
        by_path = self.tracker.added.get(stamp, {})
        return frozenset().union(*(texts for name, texts in by_path.items()
                                   if name in self.names))

    def changes(self) -> list[int]:
        """Stamps in the window that added real text to the file, oldest first."""
        adders = self.tracker.adders
        found = {s for name in self.names for s in adders.get(name, ())}
        return sorted(s for s in found if self.in_window(s) and self.adds(s))

    def alive(self) -> set[int]:
        """Stamps whose lines (or rewritten forms of them) are still in the file."""
        live: set[int] = set()
        for stamp in set(self.tracker.lines(self.current).values()):
            live |= self.tracker.ancestry(stamp)
        return live

    def remover(self, stamp: int) -> int | None:
        removed = self.tracker.removed_by
        return next((removed[(stamp, n)] for n in sorted(self.names) if (stamp, n) in removed),
                    None)


def _open(facts: GitFacts, path: str, window: Window) -> _View | Proof:
    checked = valid_path(path)
    if checked is None:
        return Proof(Verdict.UNKNOWN, issue=invalid_issue("path", path))
    if facts.blocker is not None:
        return Proof(Verdict.UNKNOWN, issue=facts.blocker)
    try:
        return _View(facts, checked, window)
    except GitError as error:
        return Proof(Verdict.UNKNOWN, issue=classify_error(error))


def _reverted(view: _View, landing: int) -> str | None:
    """The upstream commit that removed what ``landing`` added, if its lines are all gone."""
    if landing in view.alive():
        return None
    remover = view.remover(landing)
    if remover is None or remover < 0:
        return None
    sha = view.sha(remover)
    pushed = view.facts.on_upstream([sha])
    return sha if isinstance(pushed, dict) and pushed[sha] else None


def _pushed(view: _View, stamps: list[int]) -> dict[int, bool] | Issue:
    found = view.facts.on_upstream([view.sha(s) for s in stamps])
    return found if isinstance(found, Issue) else {s: found[view.sha(s)] for s in stamps}


def prove_file(facts: GitFacts, path: str, window: Window,
               section: tuple[int, int] | None = None) -> Proof:
    """Is ``path``'s hardening in the window on the upstream (under ``section``'s lines)?

    ``section`` limits the proof to changes whose lines are still inside those
    lines of the index version (a gate heading's section).
    """
    view = _open(facts, path, window)
    if isinstance(view, Proof):
        return view
    if section is None:
        changes = view.changes()
    else:
        first, last = section
        found = {old for number, stamp in view.tracker.lines(view.current).items()
                 if first <= number <= last for old in view.tracker.ancestry(stamp)}
        changes = sorted(s for s in found if view.in_window(s) and view.adds(s))
        if not changes:
            whole = prove_file(facts, path, window)
            if whole.reverted_by is not None:
                return whole
            # The proving lines were removed only by a change not on the upstream (a
            # local revert or edit): there they still stand, so that removal breaks
            # nothing, like any change after the window.
            kept = {view.sha(s) for s in view.alive() if s >= 0}
            if whole.verdict is Verdict.YES and whole.proving not in kept:
                return whole
    staged = STAGED in changes
    commits = [s for s in changes if s >= 0]
    if not commits:
        if view.cut_off and not staged:
            return Proof(Verdict.UNKNOWN, issue=shallow_issue("look back to the incident"))
        return Proof(Verdict.NO, staged=staged)
    pushed = _pushed(view, commits)
    if isinstance(pushed, Issue):
        return Proof(Verdict.UNKNOWN, issue=pushed)
    proving = [s for s in commits if pushed[s]]
    if not proving:
        return Proof(Verdict.NO, unpushed=tuple(view.sha(s) for s in commits), staged=staged)
    live = view.alive()
    standing = next((s for s in proving if s in live), None)
    if standing is not None:
        return Proof(Verdict.YES, proving=view.sha(standing))
    reverted = next((r for s in reversed(proving) if (r := _reverted(view, s))), None)
    return Proof(Verdict.YES, proving=view.sha(proving[-1]), reverted_by=reverted)


def prove_cited(facts: GitFacts, sha: str, path: str, window: Window) -> Proof:
    """Does cited commit ``sha`` (full SHA) prove ``path``'s hardening on the upstream?

    A commit that is not on the upstream counts when a commit of the window
    there adds the same lines (a squash, rebase or cherry-pick merge).
    """
    view = _open(facts, path, window)
    if isinstance(view, Proof):
        return view
    index = {s: n for n, s in enumerate(facts.stamp_shas)}
    own = index.get(sha)
    if own is not None:
        texts = view.adds(own)
    else:
        try:
            patches = facts.commit_patches(sha)
        except GitError as error:
            return Proof(Verdict.UNKNOWN, issue=classify_error(error))
        texts = frozenset().union(*(substance(p) for p in patches
                                    if view.names.intersection((p.path, p.old_path))))
    if not texts:
        return Proof(Verdict.NO, whitespace_only=True)
    on_upstream = facts.on_upstream([sha])
    if isinstance(on_upstream, Issue):
        return Proof(Verdict.UNKNOWN, issue=on_upstream)
    same = [s for s in view.changes() if s >= 0 and texts <= view.adds(s)]
    pushed = _pushed(view, same)
    assert not isinstance(pushed, Issue)  # the upstream was found just above
    landing = next((s for s in same if pushed[s]), None)
    if on_upstream[sha]:
        landing = own if own is not None else landing
        reverted = _reverted(view, landing) if landing is not None else None
        return Proof(Verdict.YES, proving=sha, reverted_by=reverted)
    if landing is None:
        return Proof(Verdict.NO, unpushed=(sha,))
    return Proof(Verdict.YES, proving=sha, landed=view.sha(landing),
                 reverted_by=_reverted(view, landing))
