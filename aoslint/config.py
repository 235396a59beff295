"""Finding, reading and validating ``[tool.aoslint]`` or ``.aoslint.toml``."""

from __future__ import annotations

import hashlib
import os
import tomllib
from pathlib import Path
from typing import Any

import msgspec

from aoslint.errors import UsageError
from aoslint.resources import data_dir, schema
from aoslint.settings import DEFAULT_CACHE_DIR, Settings, decode_settings

CONFIG_FILES = (".aoslint.toml", "pyproject.toml")


class Config(msgspec.Struct, frozen=True):
    """The validated settings and the file they came from (``None``: defaults)."""

    settings: Settings = msgspec.field(default_factory=Settings)
    path: Path | None = None
    root: Path = Path(".")
    token: str = ""  # hashes the file and the schema it was validated against


def find_config_file(start: Path, stop: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The nearest config at or above ``start``; ``.aoslint.toml`` wins in one folder."""
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            data = _read_toml(candidate)
            if name == "pyproject.toml":
                tool = data.get("tool", {})
                if not isinstance(tool, dict) or "aoslint" not in tool:
                    continue
                data = tool["aoslint"]
                if not isinstance(data, dict):
                    raise UsageError(f"{candidate}: [tool.aoslint] must be a table")
            return candidate, data
        if stop is not None and folder == stop:
            break
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None


def load_config(start: Path, stop: Path | None = None,
                explicit: Path | None = None, remembered: bool = False) -> Config:
    """Read and validate the config that applies to ``start``.

    ``remembered``: a config the cache signed as valid is not validated again
    (``aoslint check`` with its cache; the token lets the run sign it).
    """
    if explicit is not None:
        if not explicit.is_file():
            raise UsageError(f"{explicit}: config file not found")
        data = _read_toml(explicit)
        if explicit.name == "pyproject.toml":
            data = data.get("tool", {}).get("aoslint", {})
        found: tuple[Path, dict[str, Any]] | None = (explicit, data)
    else:
        found = find_config_file(start, stop)
    if found is None:
        return Config(settings=decode_settings({}), root=start if start.is_dir() else start.parent)
    path, data = found
    token = ""
    if remembered:
        try:
            token = _validity_token(path)
        except OSError:  # gone or unreadable since it was read: validate as usual
            token = ""
    if not (token and _validated_before(path, data, token)):
        validate_config(path, data)
    # Valid by the schema, so it decodes: tests hold Settings to the schema.
    return Config(settings=decode_settings(data), path=path, root=path.parent, token=token)


def _validity_token(path: Path) -> str:
    """A hash of the config file, the config schema and aoslint's code."""
    from aoslint.store.cache import code_fingerprint  # only check runs use the verdicts

    digest = hashlib.blake2b(code_fingerprint().encode(), digest_size=20)
    for part in (str(path.resolve()).encode(),
                 (data_dir("rules-schema") / "config.schema.json").read_bytes(),
                 path.read_bytes()):
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return "config-" + digest.hexdigest()


def _validated_before(path: Path, data: dict[str, Any], token: str) -> bool:
    """True when the cache next to the config signed these very bytes as valid.

    Validating needs jsonschema, whose import costs more than checking one
    document; a pre-commit run re-reads an unchanged config every time. The
    cache looked in is where a run with this config keeps it (``cache-dir``,
    else ``.aoslint_cache`` beside the config); the run records the verdict.
    """
    from aoslint.store.cache import Cache

    configured = data.get("cache-dir", DEFAULT_CACHE_DIR)
    if not isinstance(configured, str):
        return False
    store = Cache.existing(Path(os.path.normpath(path.parent.absolute() / configured)))
    return store is not None and store.known_valid(token)


def validate_config(path: Path, data: dict[str, Any]) -> None:
    """Raise one UsageError listing every unknown key and wrong type, with its file."""
    from jsonschema import Draft202012Validator, FormatChecker

    config_schema = schema("config.schema.json")
    validator = Draft202012Validator(config_schema, format_checker=FormatChecker())
    problems = []
    section = "[tool.aoslint]" if path.name == "pyproject.toml" else "config"
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        key = ".".join(str(p) for p in error.absolute_path) or section
        if error.validator == "additionalProperties":
            known = ", ".join(sorted(config_schema["properties"]))
            unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            for name in unknown:
                problems.append(f"{path}: unknown key '{name}' in {section} (known keys: {known})")
            continue
        if error.validator == "type":
            expected = error.validator_value
            problems.append(f"{path}: '{key}' must be of type {expected}, "
                            f"got {type(error.instance).__name__} {error.instance!r}")
            continue
        problems.append(f"{path}: '{key}': {error.message}")
    if problems:
        raise UsageError("\n".join(problems))
