"""Bad input gets a clear finding or a silent skip, never a traceback, never a write."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from aoslint.runner import run_check
from tests.conftest import FIXTURES, STANDALONE, STANDALONE_ARGS, CliResult, write_tree
from tests.coverage import covers

Cli = Callable[..., CliResult]
GOOD_PM = (FIXTURES / "good" / "kit-postmortem.md").read_text()


def findings(path: Path) -> list[tuple[int, int, str, str]]:
    result = run_check([path], **STANDALONE)
    return [(d.line, d.column, d.code, d.message) for d in result.diagnostics]


@covers("AOS902")
def test_invalid_utf8_reports_byte_offset_line_and_column(tmp_path: Path) -> None:
    data = b"# Postmortem\n\nIncident ID: INC-20261102-001\nCaf" + b"\xe9 ok\n"
    path = write_tree(tmp_path, {"pm.md": data}) / "pm.md"
    assert findings(path) == [(4, 4, "AOS902",
                               f"invalid UTF-8 at byte offset {len(data) - 5} (byte 0xE9)")]


def test_bom_and_crlf_are_read_like_plain_utf8(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + GOOD_PM.replace("\n", "\r\n").encode()
    path = write_tree(tmp_path, {"pm.md": data}) / "pm.md"
    result = run_check([path], **STANDALONE)
    assert result.checked == ["pm.md"] or result.checked[0].endswith("pm.md")
    assert result.diagnostics == []
    bad = write_tree(tmp_path, {"bad.md": b"\xef\xbb\xbf" + GOOD_PM.replace(
        "Severity: HIGH", "Severity: URGENT").replace("\n", "\r\n").encode()}) / "bad.md"
    assert [(line, col, code) for line, col, code, _ in findings(bad)] == [(5, 11, "AOS201")]


def test_empty_file_named_explicitly_is_reported_and_skipped_in_scans(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"incidents/empty.md": ""}) / "incidents/empty.md"
    assert [(code, msg) for _, _, code, msg in findings(path)] == [
        ("AOS106", "not recognised as an incident plan or postmortem (the file is empty)")]
    assert run_check([tmp_path / "incidents"], **STANDALONE).diagnostics == []


@covers("AOS903")
def test_binary_file_is_reported_only_when_named(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"incidents/diagram.md": b"\x89PNG\r\n\x00\x00\x00"})
    target = path / "incidents/diagram.md"
    assert [code for _, _, code, _ in findings(target)] == ["AOS903"]
    assert run_check([tmp_path / "incidents"], **STANDALONE).diagnostics == []


@covers("AOS901")
def test_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    link = tmp_path / "gone.md"
    link.symlink_to(tmp_path / "missing-target.md")
    result = findings(link)
    assert [code for _, _, code, _ in result] == ["AOS901"]
    assert "cannot read file" in result[0][3]


def test_nonexistent_path_is_a_finding_not_a_traceback(cli: Cli, tmp_path: Path) -> None:
    result = cli("check", str(tmp_path / "nope.md"))
    assert result.exit_code == 1
    assert "AOS901" in result.out and "No such file or directory" in result.out


def test_thousands_of_unrelated_markdown_files_are_skipped_silently(tmp_path: Path) -> None:
    files = {f"docs/incidents/notes/{i:04}.md": f"# Note {i}\n\nNothing to see: {i}.\n"
             for i in range(2000)}
    files["docs/incidents/real.md"] = GOOD_PM
    write_tree(tmp_path, files)
    result = run_check([tmp_path / "docs"], **STANDALONE)
    assert result.diagnostics == []
    assert len(result.checked) == 1 and result.checked[0].endswith("real.md")


def test_checking_never_writes_to_the_checked_files(tmp_path: Path) -> None:
    bad = (FIXTURES / "bad" / "missing-section.md").read_text()
    write_tree(tmp_path, {"docs/incidents/a.md": bad, "docs/incidents/b.md": GOOD_PM})
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.rglob("*.md")}
    os.chmod(tmp_path / "docs/incidents/a.md", 0o444)
    result = run_check([tmp_path / "docs"], **STANDALONE)
    assert result.has_errors
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.rglob("*.md")}
    assert after == before
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.md", "b.md", "docs", "incidents"]


def test_malformed_yaml_reported_at_its_line(tmp_path: Path) -> None:
    document = "---\ntype: postmortem\ntitle: a: b\n---\n# Postmortem\n"
    path = write_tree(tmp_path, {"pm.md": document}) / "pm.md"
    result = findings(path)
    assert [(line, code) for line, _, code, _ in result] == [(3, "AOS202")]
    assert "not valid YAML" in result[0][3]


def test_front_matter_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"pm.md": "---\n- a\n- b\n---\n# Postmortem\n"}) / "pm.md"
    assert [code for _, _, code, _ in findings(path)] == ["AOS202"]


def _dated(day: str, rows: str) -> str:
    return (f"# Postmortem: at the calendar's end\n\nIncident ID: INC-20261102-001\n"
            f"Date: {day}\nSeverity: HIGH\n\n## Impact\n\nNone.\n\n## Timeline\n\n{rows}\n"
            "## Root Cause\n\nA hook.\n\n## Action Items\n\n- [ ] Fix it (owner: @dev)\n")


def test_dates_at_the_calendar_ends_are_timeline_findings(tmp_path: Path, cli: Cli) -> None:
    """9999-12-31 past midnight, or 0001-01-01 east of UTC, once overflowed (AOS905)."""
    cases = {
        "late.md": _dated("9999-12-31", "- 23:50 UTC: Detected: alert.\n"
                                        "- 00:10 UTC: Resolved: fixed.\n"),
        "west.md": _dated("9999-12-31", "- 23:50 -05:00: Detected: alert.\n"),
        "range.md": _dated("9999-12-31", "- 23:50-00:10 UTC: Detected: alert.\n"),
        "berlin.md": _dated("9999-12-31", "- 23:50 Europe/Berlin: Detected: alert.\n"
                                          "- 00:10 Europe/Berlin: Resolved: fixed.\n"),
        "early.md": _dated("0001-01-01", "- 01:00 +05:00: Detected: alert.\n"),
    }
    write_tree(tmp_path, cases)
    done = cli("check", *STANDALONE_ARGS, "--format", "json", *cases, cwd=tmp_path)
    assert done.exit_code == 1, done.err
    found = done.json()
    assert not [d for d in found if d["code"] == "AOS905"]
    out_of_range = {(d["path"], d["line"]) for d in found
                    if d["code"] == "AOS301" and "out of range" in d["message"]}
    assert {path for path, _ in out_of_range} == set(cases)
    assert ("late.md", 14) in out_of_range and ("early.md", 13) in out_of_range
