"""Which lines of a file's current version were added, and by what.

Patches are applied oldest first. Each added line carries a stamp (the
index of the change that wrote it); later hunks shift or delete it, so the
numbers left at the end are line numbers in the current version. This is
what lets one ``git log -p`` answer questions for many different instants.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable

from aoslint.git.parse import FilePatch, Hunk


def shift_lines(tracked: dict[int, int], hunks: Iterable[Hunk]) -> dict[int, int]:
    """Move tracked line numbers through ``-U0`` hunks; drop the lines they delete."""
    ordered = sorted(hunks)
    if not ordered:
        return dict(tracked)
    thresholds: list[int] = []
    cumulative = [0]
    for a, b, _c, d in ordered:
        # A pure insertion (b == 0) goes after line a; a change replaces a..a+b-1.
        thresholds.append(a + b if b else a + 1)
        cumulative.append(cumulative[-1] + d - b)
    moved: dict[int, int] = {}
    for line, stamp in tracked.items():
        k = bisect_right(thresholds, line)
        if k < len(ordered):
            a, b, _c, _d = ordered[k]
            if b and a <= line:
                continue  # deleted or replaced by hunk k
        moved[line + cumulative[k]] = stamp
    return moved


def normalized(text: str) -> str:
    """A line as the proof reads it: whitespace runs and trailing blanks do not count."""
    return " ".join(text.split())


def substance(patch: FilePatch) -> frozenset[str]:
    """The non-blank lines a patch really adds: not re-indented, re-spaced or moved ones."""
    removed = Counter(t for hunk in patch.texts for t in map(normalized, hunk[0]) if t)
    added = Counter(t for hunk in patch.texts for t in map(normalized, hunk[1]) if t)
    return frozenset(added - removed)


class LineTracker:
    """Added lines per current path, each with the stamp of the change that added it.

    Only substance is stamped: a line whose text changed only in whitespace,
    or moved within the file, keeps the stamp it had; blank lines get none.
    For every change the tracker also keeps what it meant for the proof:
    ``added`` (stamp -> path -> the texts it really added), ``origins`` (the
    earlier stamps whose lines a change rewrote into new text) and
    ``removed_by`` ((stamp, path) -> the change that removed its lines without
    rewriting them: a revert, by ``git revert`` or by hand).
    """

    def __init__(self) -> None:
        self.files: dict[str, dict[int, int]] = {}
        self.added: dict[int, dict[str, frozenset[str]]] = {}
        self.origins: dict[int, set[int]] = {}
        self.removed_by: dict[tuple[int, str], int] = {}
        self.adders: dict[str, list[int]] = {}  # path -> stamps in ``added`` for it, in order
        self._dropped: dict[int, frozenset[str]] = {}  # texts each stamp's change removed

    def current_name(self, names: frozenset[str], preferred: str) -> str:
        """The name among ``names`` (one file's lineage) that the tracker holds lines under.

        ``preferred`` when it has lines (or when no name has), else the first by name.
        """
        if preferred in self.files:
            return preferred
        return next((n for n in sorted(names) if n in self.files), preferred)

    def apply(self, patch: FilePatch, stamp: int) -> None:
        """Apply one file's patch; renames carry the tracked lines to the new path."""
        if patch.status == "D":
            self.files.pop(patch.path, None)
            return
        if patch.status == "R" and patch.old_path is not None:
            tracked = self.files.pop(patch.old_path, {})
        elif patch.status == "C" and patch.old_path is not None:
            tracked = dict(self.files.get(patch.old_path, {}))
        else:
            tracked = self.files.get(patch.path, {})
        if patch.binary:
            self.files.pop(patch.path, None)
            return
        new_texts = substance(patch)
        if new_texts:
            self.added.setdefault(stamp, {})[patch.path] = new_texts
            self.adders.setdefault(patch.path, []).append(stamp)
        dropped = {t for hunk in patch.texts for t in map(normalized, hunk[0]) if t}
        self._dropped[stamp] = self._dropped.get(stamp, frozenset()) | dropped
        # Stamped lines the patch removes, by text, so that a re-spaced or moved line
        # keeps its stamp.
        carried: dict[str, list[int]] = {}
        for (a, b, _c, _d), (removed, _added) in zip(patch.hunks, patch.texts, strict=False):
            for number, text in zip(range(a, a + b), removed, strict=False):
                if number in tracked:
                    carried.setdefault(normalized(text), []).append(tracked[number])
        gone = {s for stamps in carried.values() for s in stamps}
        moved = shift_lines(tracked, patch.hunks)
        fresh = set(new_texts)
        for (_a, _b, c, d), (_removed, added) in zip(patch.hunks, patch.texts, strict=False):
            for number, text in zip(range(c, c + d), added, strict=False):
                key = normalized(text)
                if carried.get(key):
                    moved[number] = carried[key].pop(0)
                elif key in fresh:
                    moved[number] = stamp
        # Changes none of whose lines are left in the file after this patch.
        killed = {s for s in gone if s >= 0} - set(moved.values())
        if killed:
            restored = set().union(*(self._dropped.get(s, frozenset()) for s in killed))
            if fresh and not fresh <= restored:
                self.origins.setdefault(stamp, set()).update(killed)  # rewritten, not undone
            else:
                for old in killed:
                    self.removed_by[(old, patch.path)] = stamp
        self.files[patch.path] = moved

    def ancestry(self, stamp: int) -> set[int]:
        """``stamp`` and every earlier stamp whose lines it rewrote."""
        seen = {stamp}
        todo = [stamp]
        while todo:
            for earlier in self.origins.get(todo.pop(), ()):
                if earlier not in seen:
                    seen.add(earlier)
                    todo.append(earlier)
        return seen

    def lines(self, path: str) -> dict[int, int]:
        """Tracked lines of ``path`` (current numbering) and their stamps."""
        return self.files.get(path, {})
