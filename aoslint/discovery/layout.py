"""Where an AOS repository keeps its rules, templates and quality gate."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from aoslint.errors import UsageError

if TYPE_CHECKING:  # config loading asks the cache, which finds the repository root here
    from aoslint.config import Config


class Layout(msgspec.Struct, frozen=True):
    """The repository root and the AOS tree's parts, all absolute paths."""

    root: Path
    is_git: bool
    aos_dir: Path | None
    rules_dir: Path | None
    templates_dir: Path | None
    gate_file: Path | None

    def relative(self, path: Path, real: str = "") -> str:
        """A path as the user reads it: relative to the root when inside it, POSIX.

        ``real`` is the path already resolved, when the caller knows it.
        """
        prefix = os.path.join(str(self.root), "")  # with one trailing separator
        resolved = real or os.path.realpath(path)
        if resolved.startswith(prefix):
            return Path(resolved[len(prefix):]).as_posix()
        return "." if resolved == str(self.root) else path.as_posix()


def display_path(path: Path | str, cwd: str | None = None) -> str:
    """How findings name a file: relative to the working directory when inside it.

    String operations, not pathlib: this runs for every file of a run (a
    caller naming many files passes ``cwd``, asked once).
    """
    absolute = os.path.abspath(path)  # normalised: no "a/../a" spellings
    cwd = cwd if cwd is not None else os.getcwd()
    prefix = os.path.join(cwd, "")
    if absolute.startswith(prefix):
        return absolute[len(prefix):].replace(os.sep, "/")
    return "." if absolute == cwd else absolute.replace(os.sep, "/")


def find_repository_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` with a ``.git`` entry (dir or file)."""
    here = start.resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return None


_TREES = (".agents", ".agent")


def find_aos_dir(root: Path) -> Path | None:
    """The AOS tree: ``.agents/`` or ``.agent/`` holding ``rules/`` or ``agents/``, else a kit.

    Kits such as agent-antigravity keep ``rules/``, ``agents/`` and
    ``templates/`` at the root and only ``skills/`` under ``.agent/``: such a
    ``.agent/`` is not the tree. ``.agents/`` wins over ``.agent/``; a bare
    ``.agents/``/``.agent/`` is taken only when the root is no kit either.
    """
    for name in _TREES:
        if (root / name / "rules").is_dir() or (root / name / "agents").is_dir():
            return root / name
    if (root / "rules").is_dir() and (root / "agents").is_dir():
        return root
    return next((root / name for name in _TREES if (root / name).is_dir()), None)


def discover_layout(config: Config, start: Path) -> Layout:
    """Root from the config file or git; AOS parts from the config or the usual places."""
    git_root = find_repository_root(start)
    if config.path is not None:
        root = config.root.resolve()
    elif git_root is not None:
        root = git_root
    else:
        here = start.resolve() if start.is_dir() else start.resolve().parent
        cwd = Path.cwd().resolve()
        root = cwd if here.is_relative_to(cwd) else here

    allowed = [root, *([git_root] if git_root is not None else [])]

    settings = config.settings

    def configured(key: str, value: str | None) -> Path | None:
        if value is None:
            return None
        path = (root / value).resolve()
        if not any(path.is_relative_to(base.resolve()) for base in allowed):
            raise UsageError(f"{config.path}: '{key}' = {value!r} points outside the "
                             f"repository ({path})")
        return path

    aos_dir = configured("aos-dir", settings.aos_dir) or find_aos_dir(root)
    rules_dir = configured("rules-dir", settings.rules_dir) or (
        aos_dir / "rules" if aos_dir else None)
    templates_dir = configured("templates-dir", settings.templates_dir) or (
        aos_dir / "templates" if aos_dir else None)
    gate_file = configured("gate-file", settings.gate_file)
    if gate_file is None and aos_dir is not None:
        gate_file = aos_dir / "agents" / "orchestrator.md"
        checklist = aos_dir / "scripts" / "checklist.py"
        if not gate_file.is_file() and checklist.is_file():
            gate_file = checklist
    return Layout(root=root, is_git=git_root is not None, aos_dir=aos_dir, rules_dir=rules_dir,
                  templates_dir=templates_dir, gate_file=gate_file)
