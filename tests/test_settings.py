"""The typed settings: one place for every default, and what a user sees of them."""

from __future__ import annotations

import json
import pickle
import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

import aoslint.settings
from aoslint import docs
from aoslint.config import load_config, validate_config
from aoslint.profiles import default_profile
from aoslint.resources import data_dir, schema
from aoslint.scaffold.init import STARTER
from aoslint.settings import (
    DEFAULT_INCIDENT_ID_PATTERN,
    DEFAULT_SEVERITIES,
    Settings,
    decode_settings,
    reference_defaults,
)
from tests.conftest import FIXTURES, CliResult, git, write_tree

Cli = Callable[..., CliResult]
README = Path(__file__).parent.parent / "README.md"
CONFIG_SCHEMA = schema("config.schema.json")
PLAN = (FIXTURES / "bad" / "placeholders-open.md").read_text()
PLAN_CODES = {"AOS102", "AOS107"}


def as_json(value: Any) -> Any:
    """Tuples as lists, as the JSON schema writes them."""
    return json.loads(json.dumps(value))


def findings(cli: Cli, root: Path, *args: str) -> list[dict[str, Any]]:
    result = cli("check", "--no-git", "--format", "json", *args, cwd=root)
    assert result.exit_code in (0, 1), result.err
    found: list[dict[str, Any]] = json.loads(result.out)
    return found


# --- one place ------------------------------------------------------------------------------

def test_every_key_of_the_config_schema_is_a_setting_and_nothing_else_is() -> None:
    fields = [f.encode_name for f in msgspec.structs.fields(Settings)]
    assert fields == list(CONFIG_SCHEMA["properties"])


def test_the_schemas_stated_defaults_are_the_settings_defaults() -> None:
    """The shipped schema keeps its ``default`` keywords for editors; they must not drift."""
    defaults = reference_defaults()
    for key, spec in CONFIG_SCHEMA["properties"].items():
        assert spec.get("default") == as_json(defaults[key]), key


def test_the_config_reference_states_the_settings_defaults() -> None:
    block = README.read_text(encoding="utf-8").split("<!-- config-reference:start -->")[1]
    rows = {m.group(1): m.group(2) for m in
            re.finditer(r"^\| `([a-z-]+)` \| [^|]+ \| ([^|]+) \|", block, re.MULTILINE)}
    assert set(rows) == set(CONFIG_SCHEMA["properties"])
    for key, value in reference_defaults().items():
        assert rows[key] == ("—" if value is None else docs._value_text(value)), key


def test_a_key_left_out_decodes_to_its_default_and_a_set_one_to_its_value() -> None:
    assert decode_settings({}) == Settings()
    settings = decode_settings({"git": False, "extend-exclude": ["old/"],
                                "types": {"postmortem": ["pm/*.md"]}})
    assert settings.git is False and settings.extend_exclude == ("old/",)
    assert settings.types == {"postmortem": ("pm/*.md",)}
    assert settings.closed_statuses == Settings().closed_statuses


EVERY_KEY: dict[str, Any] = {
    "profile": "generic", "include": ["a/*.md"], "extend-include": ["b/*.md"],
    "exclude": ["c/"], "extend-exclude": ["d/"], "aos-dir": ".agents", "rules-dir": "r",
    "templates-dir": "t", "gate-file": "g.md", "incident-id-pattern": "^X-[0-9]+$",
    "incident-id-format": "X-{n}", "new-dir": "pm", "new-path": "{id}.md",
    "severities": ["S1"], "statuses": ["OPEN"], "closed-statuses": ["DONE"],
    "types": {"postmortem": ["pm/*.md"]}, "schemas": ["s.json"], "placeholders": ["TBD"],
    "git": False, "upstream": "origin/main", "cache-dir": ".cache", "action-item-owner": "off",
    "select": ["AOS1"], "ignore": ["AOS101"], "allow-closure-suppression": True,
}


def test_every_key_the_schema_accepts_decodes_to_its_value(tmp_path: Path) -> None:
    assert set(EVERY_KEY) == set(CONFIG_SCHEMA["properties"])
    validate_config(tmp_path / ".aoslint.toml", EVERY_KEY)  # raises on a problem
    settings = decode_settings(EVERY_KEY)
    assert as_json(msgspec.to_builtins(settings)) == EVERY_KEY


def test_the_defaults_agree_with_what_they_stand_for() -> None:
    assert Settings().profile == default_profile().name
    builtin = json.loads((data_dir("rules-schema") / "postmortem.schema.json").read_text())
    fields = builtin["properties"]["metadata"]["properties"]
    assert fields["incident_id"]["pattern"] == DEFAULT_INCIDENT_ID_PATTERN
    assert all(re.match(fields["severity"]["pattern"], s) for s in DEFAULT_SEVERITIES)
    assert not re.match(fields["severity"]["pattern"], "SEV6")


def _starter_values() -> dict[str, Any]:
    """The commented ``key = value`` lines of ``aoslint init``'s starter config."""
    text = STARTER.replace("{{", "{").replace("}}", "}")
    found = re.finditer(r"^# ([a-z-]+) = (.*(?:\n#  {6,}.*)*)", text, re.MULTILINE)
    return {m.group(1): tomllib.loads("v = " + m.group(2).replace("\n#", "\n"))["v"]
            for m in found if "{aos_dir}" not in m.group(2)}


def test_the_starter_config_shows_the_settings_defaults() -> None:
    shown = _starter_values()
    assert set(shown) == {"include", "incident-id-pattern", "incident-id-format", "new-dir",
                          "new-path", "closed-statuses"}
    defaults = {**reference_defaults(), "include": aoslint.settings.DEFAULT_INCLUDE}
    for key, value in shown.items():
        assert value == as_json(defaults[key]), key


# --- a default changed in one place is the one every module sees ---------------------------

@pytest.fixture
def changed_defaults(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Settings whose defaults differ from aoslint's, as if edited in settings.py."""

    class Changed(Settings, frozen=True, kw_only=True):
        closed_statuses: tuple[str, ...] = ("OPEN",)
        new_dir: str = "records/incidents"
        action_item_owner: aoslint.settings.ActionItemOwner = "all"

    monkeypatch.setattr(aoslint.settings, "Settings", Changed)
    yield


def test_check_reports_by_the_changed_defaults(cli: Cli, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"docs/incidents/plan.md": PLAN})
    before = findings(cli, tmp_path, "docs/incidents/plan.md")
    assert {f["code"] for f in before} == PLAN_CODES
    assert {f["severity"] for f in before} == {"warning"}  # an open plan: pending

    class Changed(Settings, frozen=True, kw_only=True):
        select: tuple[str, ...] = ("AOS107",)
        closed_statuses: tuple[str, ...] = ("OPEN",)

    monkeypatch.setattr(aoslint.settings, "Settings", Changed)
    for config in ({}, {".aoslint.toml": "extend-exclude = ['old/']\n"}):
        write_tree(tmp_path, config)
        # No cache: a real edit of the defaults changes the code, and with it the cache key.
        after = findings(cli, tmp_path, "--no-cache", "docs/incidents/plan.md")
        assert {f["code"] for f in after} == {"AOS107"}  # select
        assert {f["severity"] for f in after} == {"error"}  # OPEN now claims closure


@pytest.mark.usefixtures("changed_defaults")
def test_new_and_the_reference_follow_the_changed_defaults(
        cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {".agent/rules/a.md": "# A\n\n## Purpose\n\nA.\n"})
    git(tmp_path, "init", "-q")
    monkeypatch.setenv("AOSLINT_DATE", "2026-11-29")
    made = cli("new", "incident-plan", "Checkout returns 500", "--severity", "HIGH",
               cwd=tmp_path)
    assert made.exit_code == 0, made.err
    assert made.out.strip() == "records/incidents/INC-20261129-001/incident-plan.md"
    reference = docs.render_config()
    assert "| `new-dir` | string | `records/incidents` |" in reference
    assert "| `closed-statuses` | list of strings | `OPEN` |" in reference
    assert "| `action-item-owner` | one of `unlabelled`, `all`, `off` | `all` |" in reference


# --- the config file, as before -------------------------------------------------------------

@pytest.mark.parametrize("name", [".aoslint.toml", "pyproject.toml"])
def test_an_unknown_key_is_still_an_error_naming_the_file_and_the_known_keys(
        cli: Cli, tmp_path: Path, name: str) -> None:
    section, where = ("[tool.aoslint]\n", "[tool.aoslint]") if name == "pyproject.toml" \
        else ("", "config")
    write_tree(tmp_path, {name: f"{section}gti = false\n", "docs/incidents/plan.md": PLAN})
    result = cli("check", "--no-git", cwd=tmp_path)
    known = ", ".join(sorted(CONFIG_SCHEMA["properties"]))
    assert result.exit_code == 2
    assert result.err == f"aoslint: error: {tmp_path / name}: unknown key 'gti' in {where} " \
                         f"(known keys: {known})\n"
    assert result.out == ""


def test_a_config_the_cache_remembers_is_decoded_alike(cli: Cli, tmp_path: Path) -> None:
    write_tree(tmp_path, {".aoslint.toml": "select = ['AOS107']\n",
                          "docs/incidents/plan.md": PLAN})
    first = findings(cli, tmp_path)
    second = findings(cli, tmp_path)  # the config's verdict now comes from the cache
    assert first == second and {f["code"] for f in first} == {"AOS107"}
    write_tree(tmp_path, {".aoslint.toml": "select = 'AOS107'\n"})
    result = cli("check", "--no-git", cwd=tmp_path)
    assert result.exit_code == 2
    assert "'select' must be of type array, got str 'AOS107'" in result.err


def test_settings_are_frozen_and_survive_a_trip_to_a_worker(tmp_path: Path) -> None:
    write_tree(tmp_path, {".aoslint.toml": "types = {postmortem = ['pm/*.md']}\ngit = false\n"})
    config = load_config(tmp_path)
    assert pickle.loads(pickle.dumps(config)) == config
    with pytest.raises(AttributeError):
        config.settings.git = True  # type: ignore[misc]
