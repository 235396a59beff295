"""What a run computes once about the repository: config, layout, profile, document types."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

import msgspec

from aoslint.config import Config, load_config
from aoslint.discovery.layout import Layout, discover_layout
from aoslint.document.detect import TypeDetector
from aoslint.document.doctypes import DocType, load_doctypes
from aoslint.errors import UsageError
from aoslint.profiles import Profile, get_profile


class Project(msgspec.Struct, frozen=True):
    """Everything about the repository that a run computes once."""

    config: Config
    layout: Layout
    doctypes: dict[str, DocType]
    detector: TypeDetector
    extra_placeholders: tuple[re.Pattern[str], ...]
    profile: Profile


def _start_of(paths: Sequence[Path]) -> Path:
    if not paths:
        return Path.cwd()
    resolved = [os.path.realpath(p) for p in paths]  # never raises, even on a link loop
    common = Path(os.path.commonpath(resolved))
    return common if common.is_dir() else common.parent


def load_project(paths: Sequence[Path], config_file: Path | None = None,
                 remembered: bool = False, profile: str | None = None) -> Project:
    """Config (nearest to the checked paths), layout, profile and document types.

    ``remembered``: trust the cache's verdict on an unchanged config;
    ``profile``: the profile named on the command line (else the config's).
    """
    start = _start_of(paths)
    config = load_config(start, explicit=config_file, remembered=remembered)
    layout = discover_layout(config, start)
    chosen = get_profile(profile) if profile is not None else get_profile(
        config.settings.profile, f"{config.path}: 'profile'")
    doctypes = load_doctypes(config, chosen)
    try:
        extra = tuple(re.compile(p) for p in config.settings.placeholders)
    except re.error as exc:
        raise UsageError(
            f"{config.path}: placeholders: invalid regular expression: {exc}") from None
    return Project(config, layout, doctypes, TypeDetector(doctypes, config), extra, chosen)
