"""A remembered scan brought up to date by listing only the folders that changed.

Adding, removing or renaming an entry changes its folder's modification
time, and nothing else does: a folder whose time is unchanged holds the same
files and subfolders as when it was scanned. So when a document is added to a
large repository (the usual pre-commit run that misses the remembered scan),
only its folder is listed again and only new subfolders are walked; the rest
of the scan is kept, in the order a new walk would give.

Scans this cannot update exactly are walked anew: one with linked files or
files outside the working directory (their order and deduplication depend on
the whole walk), nested start folders, and a start folder that appeared or
disappeared.
"""

from __future__ import annotations

import os

from aoslint.discovery.discover import (
    FileSelector,
    Snapshot,
    Stamps,
    folder_stamp,
    list_folder,
    snapshot,
    starts,
    walk_markdown,
)
from aoslint.discovery.layout import Layout


def refresh(scan: Snapshot, selector: FileSelector, layout: Layout) -> Snapshot:
    """``scan`` itself while no folder changed; else the scan a new walk would make."""
    changed = [folder for folder, stamp in scan.folders if folder_stamp(folder) != stamp]
    if not changed:
        return scan
    updated = _update(scan, changed, selector, layout)
    return updated if updated is not None else snapshot(selector, layout)


def _update(scan: Snapshot, changed: list[str], selector: FileSelector, layout: Layout
            ) -> Snapshot | None:
    """The scan with the ``changed`` folders listed again; ``None`` when only a new
    walk can say (see the module's docstring)."""
    tops = [str(start) for start in starts(selector, layout)]
    times = dict(scan.folders)
    if (any(not isinstance(entry, str) for entry in scan.listing)
            or any(a != b and b.startswith(os.path.join(a, "")) for a in tops for b in tops)
            or any(top in changed and (times.get(top) is None or folder_stamp(top) is None)
                   for top in tops)):
        return None
    files: dict[str, list[str]] = {}  # folder -> its documents' paths
    for entry in scan.listing:
        path = scan.prefix + str(entry)
        files.setdefault(os.path.dirname(path), []).append(path)
    for folder in sorted(changed, key=len):  # parents first
        if folder in times and not _relist(folder, selector, times, files):
            return None
    listing: list[str | tuple[str, str, str]] = []
    for top in tops:
        inside = os.path.join(top, "")
        below = sorted((f for f in times if f == top or f.startswith(inside)),
                       key=lambda f: f[len(top):].split(os.sep))
        for folder in below:
            for path in sorted(files.get(folder, ()), key=os.path.basename):
                if not path.startswith(scan.prefix):
                    return None
                listing.append(path[len(scan.prefix):].replace(os.sep, "/"))
    return Snapshot(scan.prefix, tuple(listing), tuple(times.items()))


def _relist(folder: str, selector: FileSelector, times: Stamps,
            files: dict[str, list[str]]) -> bool:
    """List one changed folder again, walk its new subfolders, drop what is gone.

    Updates ``times`` and ``files`` in place; false when a linked file turns
    up (the scan is then walked anew).
    """
    stamp = folder_stamp(folder)
    known = {f for f in times if f != folder and os.path.dirname(f) == folder}
    entered = frozenset(os.path.basename(f) for f in known)
    listed = list_folder(selector, folder, folder, entered) if stamp is not None else None
    if listed is None:  # gone (its parent changed too) or unreadable: as a walk skips it
        _drop(folder, times, files)
        return True
    found, names = listed
    documents = []
    for path, _real, rel in found:
        if path != os.path.realpath(path):
            return False
        if rel is not None and selector.included(rel):
            documents.append(path)
    present = {os.path.join(folder, name) for name in names}
    for gone in known - present:
        _drop(gone, times, files)
    for new in sorted(present - known):
        walked: Stamps = {}
        for path, real, rel in walk_markdown(selector, new, walked):
            if path != real:
                return False
            if rel is not None and selector.included(rel):
                files.setdefault(os.path.dirname(path), []).append(path)
        times.update(walked)
    times[folder] = stamp
    files[folder] = documents
    return True


def _drop(folder: str, times: Stamps, files: dict[str, list[str]]) -> None:
    inside = os.path.join(folder, "")
    for known in [f for f in times if f == folder or f.startswith(inside)]:
        del times[known]
        files.pop(known, None)
