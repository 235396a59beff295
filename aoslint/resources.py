"""Where the shipped schemas and templates are: in the wheel, or in the source tree."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """``rules-schema`` or ``templates``: packaged copy first, source checkout second."""
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name


@cache
def load_json(path: Path) -> Any:
    """Read a JSON file once per process."""
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def schema(name: str) -> Any:
    """A shipped schema by file name, e.g. ``config.schema.json``."""
    return load_json(data_dir("rules-schema") / name)
