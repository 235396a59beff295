"""Which lines of a file's current version were added, and by what.

Patches are applied oldest first. Each added line carries a stamp (the
index of the change that wrote it); later hunks shift or delete it, so the
numbers left at the end are line numbers in the current version. This is
what lets one ``git log -p`` answer questions for many different instants.
"""

from __future__ import annotations

from bisect import bisect_right
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


class LineTracker:
    """Added lines per current path, each with the stamp of the change that added it."""

    def __init__(self) -> None:
        self.files: dict[str, dict[int, int]] = {}

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
        moved = shift_lines(tracked, patch.hunks)
        for _a, _b, c, d in patch.hunks:
            for number in range(c, c + d):
                moved[number] = stamp
        self.files[patch.path] = moved

    def lines(self, path: str) -> dict[int, int]:
        """Tracked lines of ``path`` (current numbering) and their stamps."""
        return self.files.get(path, {})
