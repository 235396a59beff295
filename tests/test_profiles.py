"""Profiles: the generic profile leaves out what only an AOS repository has, and no more."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import CliResult, write_tree

Cli = Callable[..., CliResult]

# A closed postmortem of a team without an AOS tree: no Incident ID, a kit
# placeholder, a generic placeholder, a stated duration the timeline contradicts.
TEAM_POSTMORTEM = """\
# Postmortem: search returned empty pages

Status: Resolved
Owner: @[agent-name]

## Impact

Searches returned no results for 40 minutes.

## Timeline

All times UTC.

- 2024-03-02 10:00 deploy of the new index started
- 2024-03-02 10:05 alert fired for empty result pages
- 2024-03-02 10:40 rolled back, search restored

**Duration**: 3 hours

## Root Cause

The new index was built from an empty snapshot.

## Action Items

- [ ] Refuse to publish an index with no documents (owner: @dana) [date]
"""


def _codes(result: CliResult) -> list[str]:
    return sorted(d["code"] for d in result.json())


def test_generic_profile_drops_aos_metadata_gates_and_kit_placeholders(
        cli: Cli, tmp_path: Path) -> None:
    write_tree(tmp_path, {"postmortem.md": TEAM_POSTMORTEM})
    aos = cli("check", "--no-cache", "--no-git", "--format", "json", "postmortem.md",
              cwd=tmp_path)
    generic = cli("check", "--no-cache", "--no-git", "--format", "json", "--profile", "generic",
                  "postmortem.md", cwd=tmp_path)
    assert {"AOS201", "AOS601", "AOS602"} <= set(_codes(aos))
    kit_slot = [d for d in aos.json() if d["code"] == "AOS107" and "agent-name" in d["message"]]
    assert kit_slot, aos.out
    # The generic profile keeps the policy's checks: the duration and the [date] slot.
    assert _codes(generic) == ["AOS107", "AOS306"], generic.out
    assert "[date]" in next(d["message"] for d in generic.json() if d["code"] == "AOS107")
    assert generic.exit_code == 1


def test_profile_in_config_and_command_line_override(cli: Cli, tmp_path: Path) -> None:
    write_tree(tmp_path, {"postmortem.md": TEAM_POSTMORTEM,
                          ".aoslint.toml": 'profile = "generic"\n'})
    from_config = cli("check", "--no-cache", "--no-git", "--format", "json", "postmortem.md",
                      cwd=tmp_path)
    assert "AOS201" not in _codes(from_config)
    back_to_aos = cli("check", "--no-cache", "--no-git", "--format", "json", "--profile", "aos",
                      "postmortem.md", cwd=tmp_path)
    assert "AOS201" in _codes(back_to_aos)


def test_cached_results_follow_the_profile(cli: Cli, tmp_path: Path) -> None:
    write_tree(tmp_path, {"postmortem.md": TEAM_POSTMORTEM})
    first = cli("check", "--no-git", "--format", "json", "postmortem.md", cwd=tmp_path)
    second = cli("check", "--no-git", "--format", "json", "--profile", "generic",
                 "postmortem.md", cwd=tmp_path)
    assert "AOS201" in _codes(first) and "AOS201" not in _codes(second)


def test_unknown_profile_is_a_usage_error_naming_the_known_ones(cli: Cli, tmp_path: Path) -> None:
    write_tree(tmp_path, {"postmortem.md": TEAM_POSTMORTEM,
                          ".aoslint.toml": 'profile = "strict"\n'})
    result = cli("check", "--no-git", "postmortem.md", cwd=tmp_path)
    assert result.exit_code == 2
    assert ".aoslint.toml: 'profile': unknown profile 'strict' (known: aos, generic)" in result.err
    flag = cli("check", "--no-git", "--profile", "nope", "postmortem.md", cwd=tmp_path)
    assert flag.exit_code == 2 and "unknown profile 'nope'" in flag.err
    wrong_type = tmp_path / ".aoslint.toml"
    wrong_type.write_text("profile = 3\n")
    typed = cli("check", "--no-git", "postmortem.md", cwd=tmp_path)
    assert typed.exit_code == 2 and "'profile' must be of type string" in typed.err


def test_rules_lists_the_profiles_and_what_they_leave_out(cli: Cli) -> None:
    out = cli("rules").out
    tail = out.split("profiles", 1)[1]
    assert "aos (default):" in tail and "generic:" in tail
    assert "leaves out: rules AOS5, AOS6; required metadata; the form of incident_id" in tail


def test_outside_an_aos_tree_the_hints_name_the_generic_profile(cli: Cli, tmp_path: Path) -> None:
    write_tree(tmp_path, {"postmortem.md": TEAM_POSTMORTEM})
    result = cli("check", "--no-cache", "--no-git", "--format", "json", "postmortem.md",
                 cwd=tmp_path)
    missing_id = next(d for d in result.json() if d["code"] == "AOS201")
    assert "--profile generic" in missing_id["hint"]
    inside = write_tree(tmp_path / "repo", {".agent/rules/a.md": "# a\n",
                                            "postmortem.md": TEAM_POSTMORTEM})
    in_repo = cli("check", "--no-cache", "--no-git", "--format", "json", "postmortem.md",
                  cwd=inside)
    assert "generic" not in next(d for d in in_repo.json() if d["code"] == "AOS201")["hint"]
