"""The command line as a user meets it: output shape, exit codes, selection, rule docs."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from aoslint import __version__
from aoslint.cli import _use_color
from tests.conftest import FIXTURES, STANDALONE_ARGS, CliResult, git, write_tree

Cli = Callable[..., CliResult]
BAD = FIXTURES / "bad"
GOOD = FIXTURES / "good"


def test_text_output_has_location_code_message_name_and_hint(cli: Cli) -> None:
    result = cli("check", str(BAD / "duplicate-section.md"), "--color", "never",
                 *STANDALONE_ARGS)
    assert result.exit_code == 1
    lines = result.out.splitlines()
    path = str(BAD / "duplicate-section.md")
    rel = Path(path).relative_to(Path.cwd()).as_posix()
    assert lines[0] == (f"{rel}:18:1: AOS104 'Incident Timeline' is a second 'Timeline' "
                        "section (the first is 'Timeline' at line 9) [duplicate-section]")
    assert lines[1] == "    hint: merge it into the section at line 9"
    assert lines[-1] == "1 document checked: 1 error."


def test_good_documents_exit_zero(cli: Cli) -> None:
    result = cli("check", str(GOOD), *STANDALONE_ARGS)
    assert result.exit_code == 0, result.out
    assert result.out.strip().endswith("documents checked: all good.")
    assert result.out.startswith(f"{len(list(GOOD.glob('*.md')))} documents checked")


def test_warnings_alone_do_not_fail(cli: Cli) -> None:
    result = cli("check", str(BAD / "placeholders-open.md"))
    assert result.exit_code == 0
    assert "AOS107 warning: unfilled agent placeholder '@[agent-name]'" in result.out


def test_json_format_fields(cli: Cli) -> None:
    result = cli("check", str(BAD / "section-numbering.md"), "--format", "json",
                 *STANDALONE_ARGS)
    assert result.exit_code == 1
    findings = result.json()
    assert {tuple(sorted(f)) for f in findings} == {tuple(sorted(
        ["path", "line", "column", "end_line", "code", "name", "severity", "message", "hint"]))}
    assert [(f["line"], f["code"], f["name"], f["severity"]) for f in findings] == [
        (17, "AOS105", "section-numbering", "error"),
        (21, "AOS105", "section-numbering", "error"),
    ]


def test_select_and_ignore_by_code_prefix_and_name(cli: Cli) -> None:
    target = str(BAD / "placeholders-open.md")
    only_structure = cli("check", target, "--select", "AOS1", "--ignore", "unfilled-placeholder",
                         "--format", "json").json()
    assert {f["code"] for f in only_structure} == {"AOS102"}
    by_name = cli("check", target, "--select", "empty-section,AOS107", "--format", "json").json()
    assert {f["code"] for f in by_name} == {"AOS102", "AOS107"}


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--select", "AOS999", "--select: 'AOS999' matches no rule code, prefix or name; "
                           "did you mean 'AOS9'?"),
    ("--select", "missing-sectoin", "--select: 'missing-sectoin' matches no rule code, prefix "
                                    "or name; did you mean 'missing-section'?"),
    ("--ignore", "AOS1x", "--ignore: 'AOS1x' matches no rule code, prefix or name; "
                          "did you mean 'AOS1'?"),
    ("--ignore", "zzz", "--ignore: 'zzz' matches no rule code, prefix or name "
                        "(see 'aoslint rules')"),
])
def test_unknown_selector_is_a_usage_error(cli: Cli, option: str, value: str,
                                           message: str) -> None:
    result = cli("check", str(GOOD), option, value)
    assert result.exit_code == 2
    assert result.err == f"aoslint: error: {message}\n"
    assert result.out == ""


@pytest.mark.parametrize(("name", "text", "where"), [
    (".aoslint.toml", 'select = ["AOS1", "timline-order"]\n',
     "select: 'timline-order' matches no rule code, prefix or name; "
     "did you mean 'timeline-order'?"),
    ("pyproject.toml", '[tool.aoslint]\nignore = ["action-item-no-ownr"]\n',
     "[tool.aoslint] ignore: 'action-item-no-ownr' matches no rule code, prefix or name; "
     "did you mean 'action-item-no-owner'?"),
])
def test_unknown_selector_in_the_config_is_a_configuration_error(
        cli: Cli, tmp_path: Path, name: str, text: str, where: str) -> None:
    write_tree(tmp_path, {name: text, "docs/incidents/doc.md": "# Notes\n"})
    result = cli("check", cwd=tmp_path)
    assert result.exit_code == 2
    config = tmp_path / name
    assert result.err == f"aoslint: error: {config}: {where}\n"


def test_exit_zero_and_output_file(cli: Cli, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = cli("check", str(BAD / "missing-section.md"), "--format", "json",
                 "--output-file", str(report), "--exit-zero")
    assert result.exit_code == 0
    assert result.out == ""
    assert "AOS101" in report.read_text()


def test_rules_lists_every_code_once(cli: Cli) -> None:
    result = cli("rules")
    codes = [line.split()[0] for line in result.out.splitlines()]
    assert codes == sorted(set(codes))
    assert {"AOS101", "AOS102", "AOS103", "AOS104", "AOS105", "AOS106", "AOS107", "AOS201",
            "AOS202", "AOS901", "AOS902", "AOS903"} <= set(codes)


def test_rule_explains_by_code_or_name_with_policy(cli: Cli) -> None:
    by_code = cli("rule", "AOS101")
    by_name = cli("rule", "missing-section")
    assert by_code.out == by_name.out
    assert "Every incident MUST conclude with a Postmortem Document" in by_code.out
    assert "Example:" in by_code.out and "Fix:" in by_code.out
    missing = cli("rule", "no-such-rule")
    assert missing.exit_code == 2 and "no rule 'no-such-rule'" in missing.err


def test_model_prints_json_with_lines(cli: Cli) -> None:
    result = cli("model", str(GOOD / "kit-postmortem.md"))
    assert result.exit_code == 0
    model = result.json()
    assert model["type"] == "postmortem"
    assert model["metadata"]["incident_id"] == "INC-20261102-001"
    assert model["lines"]["metadata.severity"] == 5
    keys = [s["key"] for s in model["sections"]]
    assert keys == ["impact", "timeline", "root-cause", "action-items", "lessons-learned",
                    "closure-approval"]
    assert model["sections"][2]["title"] == "3. Root Cause Analysis (RCA)"


def test_model_of_a_non_document_says_why(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "notes.md"
    other.write_text("# Shopping list\n\n- milk\n")
    result = cli("model", str(other))
    assert result.exit_code == 1
    assert "AOS106" in result.err and "not recognised" in result.err


def test_version_and_module_entry_point() -> None:
    done = subprocess.run([sys.executable, "-m", "aoslint", "--version"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stdout.strip() == f"aoslint {__version__}"


def test_no_command_prints_help_and_exits_2(cli: Cli) -> None:
    result = cli()
    assert result.exit_code == 2
    assert "check" in result.err


@pytest.mark.parametrize(("flag", "environment", "coloured"), [
    ("always", {}, True),
    ("always", {"NO_COLOR": "1"}, True),  # no-color.org: a flag wins over NO_COLOR
    ("never", {"FORCE_COLOR": "1"}, False),
    ("auto", {}, False),  # not a terminal
    ("auto", {"FORCE_COLOR": "1"}, True),
    ("auto", {"FORCE_COLOR": ""}, False),  # empty means unset
    ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
    ("auto", {"NO_COLOR": ""}, False),
])
def test_color_follows_the_flag_then_no_color_then_force_color(
        cli: Cli, monkeypatch: pytest.MonkeyPatch, flag: str, environment: dict[str, str],
        coloured: bool) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    out = cli("check", str(BAD / "missing-section.md"), "--color", flag).out
    assert ("\x1b[" in out) is coloured


@pytest.mark.parametrize(("environment", "coloured"), [
    ({}, True), ({"NO_COLOR": "1"}, False), ({"NO_COLOR": ""}, True)])
def test_a_terminal_gets_colour_unless_no_color(
        monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], coloured: bool) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    master, terminal = pty.openpty()
    with os.fdopen(terminal, "w") as stream:
        assert _use_color("auto", stream) is coloured
    os.close(master)


def test_quiet_prints_errors_and_the_summary_of_everything(cli: Cli) -> None:
    targets = [str(BAD / "placeholders-open.md"), str(BAD / "missing-section.md")]
    loud = cli("check", *targets, *STANDALONE_ARGS).out.splitlines()
    quiet = cli("check", *targets, "--quiet", *STANDALONE_ARGS)
    assert quiet.exit_code == 1
    errors = [line for line in loud if ": AOS" in line and " warning: " not in line
              and " pending: " not in line]
    assert len(errors) == 2
    lines = quiet.out.splitlines()
    assert [line for line in lines if ": AOS" in line] == errors
    assert lines[-1] == ("2 documents checked: 2 errors, 7 warnings "
                         "(only errors shown: --quiet).")
    warnings_only = cli("check", targets[0], "-q", *STANDALONE_ARGS)
    assert warnings_only.exit_code == 0
    assert warnings_only.out.splitlines() == [
        "1 document checked: 7 warnings (only errors shown: --quiet)."]


def test_tracked_only_leaves_out_what_git_does_not_know(cli: Cli, tmp_path: Path) -> None:
    bad = (BAD / "missing-section.md").read_text()
    good = (GOOD / "kit-postmortem.md").read_text()
    write_tree(tmp_path, {"docs/incidents/INC-20261102-001/postmortem.md": good})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "good")
    draft = "docs/incidents/INC-20261115-002/postmortem.md"
    write_tree(tmp_path, {draft: bad})
    args = ("check", "--format", "json", *STANDALONE_ARGS)
    assert {f["path"] for f in cli(*args, cwd=tmp_path).json()} == {draft}  # the working tree
    assert cli(*args, "--tracked-only", cwd=tmp_path).json() == []
    assert cli(*args, "--tracked-only", draft, cwd=tmp_path).json() == []  # named, untracked
    git(tmp_path, "add", draft)  # staged counts
    assert {f["path"] for f in cli(*args, "--tracked-only", cwd=tmp_path).json()} == {draft}


def test_tracked_only_outside_git_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    write_tree(tmp_path, {"docs/incidents/doc.md": "# Notes\n"})
    result = cli("check", "--tracked-only", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.err.startswith(f"aoslint: error: --tracked-only: cannot list the files git "
                                 f"knows in {tmp_path}")
    assert "not a git repository" in result.err


def test_statistics_counts_findings_by_code(cli: Cli) -> None:
    targets = [str(BAD / "placeholders-open.md"), str(BAD / "missing-section.md")]
    result = cli("check", *targets, "--statistics", *STANDALONE_ARGS)
    assert result.exit_code == 1  # the errors still fail the run
    assert result.out.splitlines() == [
        "6  AOS107  unfilled-placeholder",
        "2  AOS101  missing-section",
        "1  AOS102  empty-section",
        "2 documents checked: 2 errors, 7 warnings.",
    ]
    as_json = cli("check", *targets, "--statistics", "--format", "json",
                  *STANDALONE_ARGS).json()
    assert as_json[0] == {"code": "AOS107", "name": "unfilled-placeholder", "count": 6}
    assert sum(row["count"] for row in as_json) == 9
    clean = cli("check", str(GOOD), "--statistics", *STANDALONE_ARGS)
    assert clean.exit_code == 0 and clean.out.splitlines() == [
        f"{len(list(GOOD.glob('*.md')))} documents checked: all good."]


def test_statistics_with_a_ci_format_is_a_usage_error(cli: Cli) -> None:
    result = cli("check", str(GOOD), "--statistics", "--format", "sarif")
    assert result.exit_code == 2
    assert "--statistics works with --format text or json" in result.err


def test_skip_unknown_drops_named_non_documents_but_not_bad_type_names(
        cli: Cli, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# My service\n\nHow to run it.\n")
    typo = tmp_path / "typo.md"
    typo.write_text("---\ntype: post-mortem\n---\n# Notes\n")
    named = cli("check", str(readme), "--format", "json").json()
    assert [f["code"] for f in named] == ["AOS106"]
    skipped = cli("check", str(readme), str(BAD / "missing-section.md"), "--skip-unknown",
                  "--format", "json", *STANDALONE_ARGS).json()
    assert {f["code"] for f in skipped} == {"AOS101"}
    declared = cli("check", str(typo), "--skip-unknown", "--format", "json").json()
    assert [(f["code"], f["severity"]) for f in declared] == [("AOS106", "error")]


def test_model_of_a_directory_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("model", str(tmp_path))
    assert result.exit_code == 2 and "takes one document, not a directory" in result.err
