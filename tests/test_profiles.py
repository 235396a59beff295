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
    assert ("leaves out: rules AOS5, AOS6; required metadata; the form of incident_id, "
            "severity, status, date, timestamp") in tail
    assert "headings for sections told in prose (warned)" in tail


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


# A review told in prose: impact, timeline and cause are in the text, the
# follow-up work is not there at all.
PROSE_REVIEW = """\
# Incident report: uploads rejected

On 2 June 2025 at 09:14 UTC the upload service began rejecting files larger
than 1 MB, because a proxy update lowered its body size limit. Customers could
not attach documents until 10:02 UTC, when the limit was raised again.
"""


def test_a_part_told_in_prose_is_a_warning_under_generic_and_an_error_under_aos(
        cli: Cli, tmp_path: Path) -> None:
    write_tree(tmp_path, {"postmortem.md": PROSE_REVIEW})
    args = ("check", "--no-cache", "--no-git", "--format", "json", "postmortem.md")
    generic = cli(*args, "--profile", "generic", cwd=tmp_path).json()
    missing = {d["message"].split("'")[1]: d for d in generic if d["code"] == "AOS101"}
    assert set(missing) == {"Impact", "Timeline", "Root Cause", "Action Items"}
    for told in ("Impact", "Timeline", "Root Cause"):
        assert missing[told]["severity"] == "warning", missing[told]
        assert "it seems told in prose (line " in missing[told]["message"]
        assert missing[told]["hint"].startswith("give it a heading: add a '## ")
    assert missing["Action Items"]["severity"] == "error"
    # An AOS repository's postmortems follow the kit's template: headings are required.
    aos = cli(*args, cwd=tmp_path).json()
    assert {d["severity"] for d in aos if d["code"] == "AOS101"} == {"error"}
    assert len([d for d in aos if d["code"] == "AOS101"]) == 4


def test_generic_takes_a_teams_own_severity_status_and_date(cli: Cli, tmp_path: Path) -> None:
    header = "Date: 12 September 2023\nSeverity: Sev 2 (major)\nStatus: Action items open\n"
    write_tree(tmp_path, {"postmortem.md": TEAM_POSTMORTEM.replace("Status: Resolved\n", header)})
    args = ("check", "--no-cache", "--no-git", "--format", "json", "postmortem.md")
    assert "AOS201" not in _codes(cli(*args, "--profile", "generic", cwd=tmp_path))
    aos = [d["message"] for d in cli(*args, cwd=tmp_path).json() if d["code"] == "AOS201"]
    assert any("Date '12 September 2023'" in m for m in aos)
    assert any("Severity 'Sev 2 (major)'" in m for m in aos)


def test_a_closed_generic_postmortem_without_a_detection_row_gets_a_warning(
        cli: Cli, tmp_path: Path) -> None:
    # The kit prescribes "Detected via ..."; another team's words may not say it.
    text = TEAM_POSTMORTEM.replace("- 2024-03-02 10:05 alert fired for empty result pages\n", "")
    write_tree(tmp_path, {"postmortem.md": text})
    args = ("check", "--no-cache", "--no-git", "--format", "json", "postmortem.md")
    generic = [d for d in cli(*args, "--profile", "generic", cwd=tmp_path).json()
               if d["code"] == "AOS304"]
    assert [(d["severity"], "detected" in d["message"]) for d in generic] == [("warning", True)]
    aos = [d for d in cli(*args, cwd=tmp_path).json() if d["code"] == "AOS304"]
    assert [d["severity"] for d in aos] == ["error"]  # Status: Resolved closes it
