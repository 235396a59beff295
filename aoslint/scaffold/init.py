"""``aoslint init``: a starter configuration and, on request, templates to customize.

Nothing that exists is overwritten: an existing configuration is left alone, a
``pyproject.toml`` without ``[tool.aoslint]`` gets the section appended, and a
template already in the AOS templates directory is kept.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import msgspec

from aoslint.config import find_config_file, load_config
from aoslint.discovery.layout import discover_layout, find_aos_dir, find_repository_root
from aoslint.errors import UsageError
from aoslint.resources import data_dir
from aoslint.scaffold.create import create_exclusive

TEMPLATE_FILES = ("incident-plan.md.j2", "postmortem.md.j2")

STARTER = """\
# aoslint configuration. Every key is optional; the commented values are the
# defaults. Reference: the README's "Configuration" section, or
# rules-schema/config.schema.json in aoslint's source.

# Incident documents that `aoslint check` reads when no path is given
# (gitignore-style patterns; replaces the defaults).
# include = ["docs/incidents/**/*.md", "docs/postmortems/**/*.md",
#            "incidents/**/*.md", "postmortems/**/*.md"]

# The AOS tree ({aos_note}).
# aos-dir = "{aos_dir}"

# Incident IDs: the pattern every document's ID must match, and the form that
# `aoslint new` mints ({{n}} counts up per day, unique across branches).
# incident-id-pattern = "^INC-[0-9]{{8}}-[0-9]{{3}}$"
# incident-id-format = "INC-{{date:%Y%m%d}}-{{n:03d}}"

# Where `aoslint new` writes, below the repository root. new-path may use
# {{id}} (required), {{type}}, {{slug}}, {{date}}, {{year}}, {{month}} and {{day}}.
# new-dir = "docs/incidents"
# new-path = "{{id}}/{{type}}.md"

# Status values that claim an incident is closed: every gate applies, as errors.
# closed-statuses = ["RESOLVED", "CLOSED"]
"""


class InitResult(msgspec.Struct):
    """One line per file: what was written, and what was left as it was."""

    lines: list[str] = msgspec.field(default_factory=list)


def _starter(root: Path) -> str:
    aos = find_aos_dir(root)
    if aos is None:
        return STARTER.format(aos_note="none found yet: .agents, else .agent, else a kit "
                                       "repository's root", aos_dir=".agent")
    relative = aos.relative_to(root).as_posix() if aos != root else "."
    return STARTER.format(aos_note=f"discovered: {relative}", aos_dir=relative)


def _show(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def write_config(root: Path, result: InitResult) -> None:
    existing = find_config_file(root, stop=root)
    if existing is not None:
        result.lines.append(f"kept {_show(existing[0], root)} (aoslint is already configured "
                            "there)")
        return
    pyproject = root / "pyproject.toml"
    starter = _starter(root)
    if not pyproject.is_file():
        try:
            create_exclusive(root / ".aoslint.toml", starter)
        except FileExistsError:
            result.lines.append("kept .aoslint.toml (it appeared while aoslint ran)")
            return
        except OSError as exc:
            raise UsageError(f".aoslint.toml: cannot write: {exc.strerror}") from None
        result.lines.append("wrote .aoslint.toml")
        return
    _append_section(pyproject, starter)
    result.lines.append("wrote [tool.aoslint] to pyproject.toml (appended; nothing else "
                        "changed)")


def _append_section(pyproject: Path, starter: str) -> None:
    """Add ``[tool.aoslint]`` at the end, after checking the result still parses."""
    try:
        original = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{pyproject}: cannot read: {exc}") from None
    separator = "" if original.endswith("\n") or not original else "\n"
    updated = f"{original}{separator}\n[tool.aoslint]\n{starter}"
    try:
        tomllib.loads(updated)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{pyproject}: cannot add [tool.aoslint]: {exc}") from None
    temporary = pyproject.with_name(f".pyproject.toml.{os.getpid()}.tmp")
    try:
        temporary.write_text(updated, encoding="utf-8")
        os.chmod(temporary, pyproject.stat().st_mode & 0o7777)
        if pyproject.read_text(encoding="utf-8") != original:
            raise UsageError(f"{pyproject}: changed while aoslint ran; nothing written")
        os.replace(temporary, pyproject)
    except OSError as exc:
        raise UsageError(f"{pyproject}: cannot write: {exc.strerror}") from None
    finally:
        temporary.unlink(missing_ok=True)


def templates_folder(root: Path) -> Path:
    """The AOS templates directory that the copies go to; a usage error when there is none."""
    config = load_config(root, stop=root)
    folder = discover_layout(config, root).templates_dir
    if folder is None:
        raise UsageError("no AOS templates directory: create .agent/templates (or .agents/) "
                         "or set templates-dir in the config, then run 'aoslint init "
                         "--templates' again")
    return folder


def copy_templates(root: Path, folder: Path, result: InitResult) -> None:
    for name in TEMPLATE_FILES:
        target = folder / name
        shown = _show(target, root)
        text = (data_dir("templates") / name).read_text(encoding="utf-8")
        try:
            create_exclusive(target, text)
        except FileExistsError:
            result.lines.append(f"kept {shown} (already exists)")
            continue
        except OSError as exc:
            raise UsageError(f"{shown}: cannot write: {exc.strerror}") from None
        result.lines.append(f"wrote {shown}")


def run_init(templates: bool) -> InitResult:
    """Configure the repository that holds the working directory (its git root, else here)."""
    root = find_repository_root(Path.cwd()) or Path.cwd()
    folder = templates_folder(root) if templates else None  # fail before writing anything
    result = InitResult()
    write_config(root, result)
    if folder is not None:
        copy_templates(root, folder, result)
    return result
