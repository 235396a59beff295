"""Which files a run checks: named paths, or the configured include/exclude patterns.

Patterns are gitignore-style (``pathspec``). An excluded file stays excluded
even when its name is passed on the command line, because pre-commit passes
every changed file by name.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from aoslint.config import Config
from aoslint.discovery.layout import Layout, display_path
from aoslint.settings import AOS_INCLUDE, DEFAULT_INCLUDE

if TYPE_CHECKING:
    import pathspec

Stamps = dict[str, tuple[int, int] | None]  # folder -> its folder_stamp
MARKDOWN_SUFFIXES = (".md", ".markdown")
AOS_NON_DOCUMENT_DIRS = ("agents", "skills", "workflows", "scripts", "rules", "templates")
_GLOB_CHARS = frozenset("*?[")


class Candidate(msgspec.Struct, frozen=True):
    """A file to check; ``explicit`` files get a finding where a scan would skip."""

    path: Path
    display: str
    explicit: bool
    resolved: str = ""  # the real path, when the scan already knows it

    def real(self) -> str:
        return self.resolved or os.path.realpath(self.path)  # no error on a link loop


class FileSelector(msgspec.Struct, frozen=True, dict=True):
    """The include and exclude patterns of one run, compiled on first use.

    A one-file run whose file the remembered scan already found never
    matches a pattern, so it need not import pathspec at all.
    """

    root: Path
    include_patterns: tuple[str, ...]
    exclude_patterns: tuple[str, ...]

    @cached_property
    def include(self) -> pathspec.GitIgnoreSpec:
        import pathspec

        return pathspec.GitIgnoreSpec.from_lines(self.include_patterns)

    @cached_property
    def exclude(self) -> pathspec.GitIgnoreSpec:
        import pathspec

        return pathspec.GitIgnoreSpec.from_lines(self.exclude_patterns)

    def excluded(self, relative: str, is_dir: bool = False) -> bool:
        return bool(self.exclude.match_file(relative + "/" if is_dir else relative))

    def included(self, relative: str) -> bool:
        return bool(self.include.match_file(relative)) and not self.excluded(relative)


def _tree_relative(layout: Layout, path: Path | None) -> str | None:
    if path is None:
        return None
    rel = layout.relative(path)
    return "" if rel == "." else rel


def build_selector(config: Config, layout: Layout) -> FileSelector:
    """Defaults that follow the AOS tree, replaced or extended by the config."""
    settings = config.settings
    aos = _tree_relative(layout, layout.aos_dir)
    if settings.include is not None:
        include = list(settings.include)
    else:
        include = list(DEFAULT_INCLUDE)
        if aos:
            include += [f"{aos}/{pattern}" for pattern in AOS_INCLUDE]
    include += settings.extend_include
    exclude = list(settings.exclude)
    # Templates, rules and agent definitions are never filled incident documents.
    never = [layout.templates_dir, layout.rules_dir]
    if layout.aos_dir is not None:
        never += [layout.aos_dir / name for name in AOS_NON_DOCUMENT_DIRS]
    for folder in never:
        relative = _tree_relative(layout, folder)
        if relative and not relative.startswith(("..", "/")):
            exclude.append(f"/{relative}/")
    exclude += settings.extend_exclude
    return FileSelector(root=layout.root, include_patterns=tuple(include),
                        exclude_patterns=tuple(exclude))


def _static_prefix(pattern: str) -> str:
    """The literal folder a rooted pattern starts in (``docs/incidents``), or ``""``."""
    stripped = pattern.lstrip("/")
    if "/" not in stripped.rstrip("/") or pattern.startswith("!"):
        return ""
    parts: list[str] = []
    for part in stripped.split("/")[:-1]:
        if _GLOB_CHARS & set(part):
            break
        parts.append(part)
    return "/".join(parts)


def walk_markdown(selector: FileSelector, start: Path | str,
          folders: Stamps | None = None
          ) -> Iterator[tuple[str, str, str | None]]:
    """Markdown files under ``start``, their real paths, and their paths below the root.

    Top-down, folders and files in name order, as ``os.walk`` without
    following linked folders; excluded folders are pruned. ``folders``
    collects each folder walked with its modification time. Paths are
    strings: this runs for every file of the repository.
    """
    top = str(start)
    stack = [(top, os.path.realpath(top))]
    while stack:
        folder, real_folder = stack.pop()
        listed = list_folder(selector, folder, real_folder)
        if listed is None:  # unreadable or gone: os.walk skips it too
            continue
        found, subfolders = listed
        if folders is not None:
            folders[folder] = folder_stamp(folder)
        yield from found
        for name in reversed(subfolders):  # the stack pops them in name order
            stack.append((os.path.join(folder, name), os.path.join(real_folder, name)))


def list_folder(selector: FileSelector, folder: str, real_folder: str,
                entered: frozenset[str] = frozenset()
                ) -> tuple[list[tuple[str, str, str | None]], list[str]] | None:
    """One folder's Markdown files (path, real path, path below the root) and the
    subfolders a walk enters, in name order; ``None`` when it cannot be listed.

    ``os.scandir`` says which entries are links without a system call, so
    only linked files are resolved; a folder's real path is its parent's
    plus its name. Subfolders named in ``entered`` are known not to be
    excluded (a rescan walked them before), so their patterns are not matched
    again.
    """
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return None
    root = str(selector.root)
    root_prefix = os.path.join(root, "")
    rel_base: str | None = None
    if folder == root or folder.startswith(root_prefix):
        below = "" if folder == root else folder[len(root_prefix):]
        rel_base = below.replace(os.sep, "/") + "/" if below else ""
    found: list[tuple[str, str, str | None]] = []
    subfolders: list[str] = []
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        name = entry.name
        if is_dir:
            if entry.is_symlink():  # listed by os.walk, never walked into
                continue
            if (rel_base is None or name in entered
                    or not selector.excluded(rel_base + name, is_dir=True)):
                subfolders.append(name)
        elif name.lower().endswith(MARKDOWN_SUFFIXES):
            if not _regular_or_broken(entry):  # a FIFO, socket or device: never opened
                continue
            full = os.path.join(folder, name)
            real = (os.path.realpath(full) if entry.is_symlink()
                    else os.path.join(real_folder, name))
            found.append((full, real, rel_base + name if rel_base is not None else None))
    return found, subfolders


def _regular_or_broken(entry: os.DirEntry[str]) -> bool:
    """A regular file, or a link that leads nowhere (a dangling link or a loop: a finding).

    For entries that are not links the type comes with the listing: no system call.
    """
    try:
        if entry.is_file():
            return True
        return entry.is_symlink() and not os.path.exists(entry.path)
    except OSError:
        return True


def folder_stamp(folder: str) -> tuple[int, int] | None:
    """A folder's modification time and inode: together they change whenever its
    entries do, and when another folder takes its name (renames keep times)."""
    try:
        stat = os.stat(folder)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_ino)


class Snapshot(msgspec.Struct, frozen=True, dict=True):
    """A scan of the configured documents and the folders it walked, with their times.

    Adding, removing or renaming a file changes its folder's modification
    time, so while every folder's time is unchanged (and no missing start
    folder appeared) the scan would find the same files: a one-file run
    reuses it instead of walking the tree, and lists only the folders that
    changed (``aoslint.discovery.rescan``).

    A file whose path and real path are both ``prefix`` + its display path
    (no links, the usual case) is kept as its display path alone: the
    snapshot is loaded by every one-file run, and this makes it a third of
    the size.
    """

    prefix: str
    listing: tuple[str | tuple[str, str, str], ...]
    folders: tuple[tuple[str, tuple[int, int] | None], ...]  # see folder_stamp

    @cached_property
    def files(self) -> list[tuple[str, str, str]]:
        """Each file's path, display path and real path (made once, asked twice a run)."""
        prefix = self.prefix
        return [(prefix + entry, entry, prefix + entry) if isinstance(entry, str) else entry
                for entry in self.listing]

    def found_as_walked(self) -> frozenset[str]:
        """Real paths of the files whose walked path is their real path (no links).

        The scan kept only included, not excluded files; a named file among
        these needs no pattern matching.
        """
        return frozenset(real for path, _, real in self.files if path == real)

    def newest(self) -> int:
        return max((stamp[0] for _, stamp in self.folders if stamp is not None), default=0)


def snapshot(selector: FileSelector, layout: Layout) -> Snapshot:
    """The configured documents (as ``collect`` finds them), with the folders walked."""
    folders: Stamps = {}
    cwd = os.getcwd()
    prefix = os.path.join(cwd, "")  # display paths are relative to it
    listing: list[str | tuple[str, str, str]] = []
    for path, real in _scan(selector, layout, folders):
        display = display_path(path, cwd)
        plain = path == real == prefix + display
        listing.append(display if plain else (path, display, real))
    return Snapshot(prefix, tuple(listing), tuple(folders.items()))


def starts(selector: FileSelector, layout: Layout) -> list[Path]:
    """The folders a scan walks: the literal start of each include pattern, in order."""
    prefixes = {_static_prefix(p) for p in selector.include_patterns}
    if "" in prefixes:
        prefixes = {""}
    return [layout.root / prefix for prefix in sorted(prefixes)]


def _scan(selector: FileSelector, layout: Layout, folders: Stamps | None = None
          ) -> Iterator[tuple[str, str]]:
    """The configured documents' paths and real paths, each once, in a stable order."""
    seen: set[str] = set()
    for start in starts(selector, layout):
        if not start.is_dir():
            if folders is not None:
                folders[str(start)] = None
            continue
        for found, real, rel in walk_markdown(selector, start, folders):
            if rel is not None and real not in seen and selector.included(rel):
                seen.add(real)
                yield found, real


def collect(selector: FileSelector, layout: Layout, paths: Sequence[Path],
            known: frozenset[str] = frozenset()) -> list[Candidate]:
    """The run's files, each once, in a stable order.

    A named file whose real path is in ``known`` is taken as not excluded.
    """
    result: list[Candidate] = []

    seen: set[str] = set()

    def add(path: Path, explicit: bool, resolved: str = "") -> None:
        resolved = resolved or os.path.realpath(path)
        if resolved in seen:
            return
        seen.add(resolved)
        result.append(Candidate(path, display_path(path), explicit, resolved))

    if not paths:
        cwd = os.getcwd()
        return [Candidate(Path(found), display_path(found, cwd), False, real)
                for found, real in _scan(selector, layout)]

    for path in paths:
        rel = layout.relative(path)
        inside = not rel.startswith("/") and not rel.startswith("..")
        if path.is_dir():
            if inside and rel != "." and selector.excluded(rel, is_dir=True):
                continue
            for found, real, _ in walk_markdown(selector, path):
                found_path = Path(found)
                if not (inside and selector.excluded(layout.relative(found_path))):
                    add(found_path, False, real)
        elif os.path.realpath(path) in known or not (inside and selector.excluded(rel)):
            add(path, explicit=True)
    return result
