"""Incident IDs already taken: in the working tree's documents and on every branch.

The working tree is read through the same discovery and parsing that
``aoslint check`` uses. Local and remote-tracking branches are read with one
batched ``git grep`` over their tip commits, so two branches do not mint the
same ID in the common case (a branch nobody has fetched yet cannot be seen;
``aoslint check`` reports duplicates for that rare rest).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

import msgspec

from aoslint.diagnostics import Diagnostic
from aoslint.discovery.discover import MARKDOWN_SUFFIXES, Candidate, build_selector, collect
from aoslint.discovery.layout import display_path
from aoslint.document.source import Source, read_source
from aoslint.lazyre import compile_lazily
from aoslint.project import Project
from aoslint.runner import Loaded, load_document

_SHA = compile_lazily(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
_REF = compile_lazily(r"^refs/(?:heads|remotes)/[^\s:~^?*\[\\]+$")
_BATCH = 1000  # commits per git grep call; one call in the common case


class KnownDocument(msgspec.Struct, frozen=True):
    """An incident document of the working tree, with its type and Incident ID."""

    path: Path
    display: str
    type: str
    incident_id: str | None
    loaded: Loaded


class WorkingTree(msgspec.Struct):
    """What the working tree holds: typed documents, and all text that may name an ID."""

    documents: list[KnownDocument] = msgspec.field(default_factory=list)
    texts: list[str] = msgspec.field(default_factory=list)

    def with_id(self, incident_id: str, doctype: str | None = None) -> list[KnownDocument]:
        return [d for d in self.documents if d.incident_id == incident_id
                and (doctype is None or d.type == doctype)]


def _markdown_under(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for base, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(MARKDOWN_SUFFIXES):
                yield Path(base) / name


def scan_working_tree(project: Project, extra_dirs: Sequence[Path] = ()) -> WorkingTree:
    """Every document the config includes, plus every Markdown file in ``extra_dirs``.

    The names of files and folders in ``extra_dirs`` count as text too: an empty
    incident folder ``INC-20261129-001/`` already holds its ID.
    """
    tree = WorkingTree()
    layout = project.layout
    selector = build_selector(project.config, layout)
    candidates = collect(selector, layout, [])
    seen = {c.path.resolve() for c in candidates}
    for folder in extra_dirs:
        if folder.is_dir():
            tree.texts.extend(entry.name for entry in folder.iterdir())
        for path in _markdown_under(folder):
            if path.resolve() not in seen:
                seen.add(path.resolve())
                candidates.append(Candidate(path, display_path(path), explicit=False))
    sink: list[Diagnostic] = []
    for candidate in candidates:
        source = read_source(candidate.path, candidate.display, explicit=False)
        if not isinstance(source, Source):
            continue
        tree.texts.append(candidate.display)
        tree.texts.append(source.text)
        loaded = load_document(project, candidate, sink)
        if loaded is None:
            continue
        value = loaded.document.metadata.get("incident_id")
        tree.documents.append(KnownDocument(
            candidate.path, candidate.display, loaded.doctype.name,
            value.strip() if isinstance(value, str) else None, loaded))
    return tree


class BranchScan(msgspec.Struct):
    """IDs found on branch tips, each with the branches that hold it."""

    found: dict[str, set[str]] = msgspec.field(default_factory=dict)
    note: str | None = None
    branches: int = 0


def _git(root: Path, args: Sequence[str]) -> subprocess.CompletedProcess[str] | None:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        return subprocess.run(["git", "-c", "core.quotePath=false", "-c", "color.ui=never",
                               *args], cwd=root, env=env, capture_output=True, text=True,
                              encoding="utf-8", errors="replace", check=False)
    except OSError:
        return None


def branch_tips(root: Path) -> tuple[dict[str, list[str]], str | None]:
    """Tip commit -> branch names, for every local and remote-tracking branch."""
    done = _git(root, ["for-each-ref", "--format=%(objectname) %(refname)",
                       "refs/heads", "refs/remotes"])
    if done is None:
        return {}, "git is not available: IDs were checked against the working tree only"
    if done.returncode != 0:
        return {}, None  # not a git repository: the working tree is all there is
    tips: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        sha, _, ref = line.partition(" ")
        if not _SHA.match(sha) or not _REF.match(ref):
            continue
        name = ref.removeprefix("refs/heads/").removeprefix("refs/remotes/")
        tips.setdefault(sha, []).append(name)
    return tips, None


def ids_on_branches(root: Path, regex: re.Pattern[str], ere: str | None = None,
                    fixed: str | None = None) -> BranchScan:
    """Matches of ``ere`` (or the ``fixed`` string) in Markdown files of every branch tip."""
    scan = BranchScan()
    tips, scan.note = branch_tips(root)
    scan.branches = sum(len(names) for names in tips.values())
    if not tips:
        return scan
    shas = sorted(tips)
    # A fixed ID must stand alone: INC-20261129-001 is not used by INC-20261129-0011.
    pattern = ["-F", "-w", "-e", fixed] if fixed is not None else ["-E", "-e", ere or regex.pattern]
    for start in range(0, len(shas), _BATCH):
        batch = shas[start:start + _BATCH]
        done = _git(root, ["grep", "-I", "-o", "--no-color", *pattern, *batch,
                           "--", ":(top)*.md", ":(top)*.markdown"])
        if done is None or done.returncode not in (0, 1):
            reason = (done.stderr.strip().splitlines() or ["failed"])[0] if done else "failed"
            scan.note = (f"could not read other branches ({reason}): IDs were checked "
                         "against the working tree only")
            return scan
        for line in done.stdout.splitlines():
            sha, _, rest = line.partition(":")
            hits = [m for m in regex.finditer(rest) if m.end() == len(rest)]
            if sha in tips and hits:
                scan.found.setdefault(hits[-1].group(0), set()).update(tips[sha])
    return scan
