"""Output formats, one module each, picked by name and imported only when used.

Every format module exposes ``render(diagnostics, context) -> str``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence

import msgspec

from aoslint.diagnostics import Diagnostic
from aoslint.registry import Rule

FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab")


class RenderContext(msgspec.Struct, frozen=True):
    """What a reporter may need besides the findings themselves."""

    rules: dict[str, Rule]
    checked_files: int = 0
    color: bool = False
    tool_version: str = ""
    extra: dict[str, str] = msgspec.field(default_factory=dict)
    checked_paths: tuple[str, ...] = ()
    root: str = ""  # the repository root CI paths are relative to ("": the working directory)
    quiet: bool = False  # text: errors only, and the summary line of everything


Renderer = Callable[[Sequence[Diagnostic], RenderContext], str]


def get_renderer(fmt: str) -> Renderer:
    """Import the module of one format and return its ``render`` function."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    module = importlib.import_module(f"aoslint.reporters.{fmt}_format")
    renderer: Renderer = module.render
    return renderer
