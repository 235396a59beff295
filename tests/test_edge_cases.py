"""Documents that once fooled aoslint: each pins down a false alarm or a silence."""

from __future__ import annotations

from pathlib import Path

from aoslint.diagnostics import Severity
from aoslint.runner import run_check
from tests.conftest import FIXTURES, STANDALONE, write_tree

POSTMORTEM = (FIXTURES / "good" / "kit-postmortem.md").read_text()


def codes(tmp_path: Path, text: str, **options: object) -> list[tuple[int, str]]:
    path = write_tree(tmp_path, {"pm.md": text}) / "pm.md"
    kwargs = {**STANDALONE, **options}
    result = run_check([path], **kwargs)  # type: ignore[arg-type]
    return [(d.line, d.code) for d in result.diagnostics]


def test_a_long_run_of_spaces_after_a_duration_label_is_read(tmp_path: Path) -> None:
    text = POSTMORTEM.replace("35 minutes (14:05 to 14:40 UTC)", "35 minutes" + " " * 5000)
    assert codes(tmp_path, text) == []


def test_a_stand_in_nested_in_another_section_does_not_count(tmp_path: Path) -> None:
    text = """# Postmortem: flaky deploys

Incident ID: INC-20260101-001

## Impact

Deploys failed for a day.

## Timeline

- 2026-01-01 09:00 UTC: Incident occurred.
- 2026-01-01 09:30 UTC: Detected via alert.
- 2026-01-01 12:00 UTC: Fix deployed and verified.

## Lessons Learned

### What went wrong

We had no canary.

## Next Steps

- [ ] Add a canary (owner: @devops-engineer)
"""
    # Root Cause is expected right after the Timeline, where Lessons Learned begins;
    # "Next Steps" on its own still stands in for Action Items.
    assert codes(tmp_path, text) == [(15, "AOS101")]


def test_status_words_with_punctuation_claim_closure(tmp_path: Path) -> None:
    text = POSTMORTEM.replace("Status: CLOSED", "Status: Closed/Resolved").replace(
        "Verified by: @qa-automation-engineer (2026-11-03)\n", "").replace(
        "- [x] Stability verified by @qa-automation-engineer\n", "")
    found = codes(tmp_path, text, ignore=["AOS5"])
    assert "AOS601" in {code for _, code in found}


def test_a_field_given_twice_with_different_values(tmp_path: Path) -> None:
    text = "---\nstatus: open\n---\n" + POSTMORTEM
    assert (9, "AOS203") in codes(tmp_path, text)


def test_negated_status_cells_are_open_items(tmp_path: Path) -> None:
    text = POSTMORTEM.replace(
        "- [x] **QA Suite Update**: regression test `test_checkout_rotated_key` added.",
        "\n| Action Item | Owner | Status |\n| --- | --- | --- |\n"
        "| Add a replication lag alert | @devops-engineer | Not done |")
    found = codes(tmp_path, text, ignore=["AOS5"])
    assert any(code == "AOS603" for _, code in found)


def test_tbd_alone_is_not_content_once_closed(tmp_path: Path) -> None:
    text = POSTMORTEM.replace(
        "- **Technical Trigger**: the token validator accepted only the current key.\n"
        "- **Process Failure**: no review step asked how rotated keys are handled.\n"
        "- **AOS Gap**: `security/auth.md` said nothing about rotated signing keys.",
        "- **Technical Trigger**: TBD\n- **Process Failure**: TODO\n- **AOS Gap**: ...")
    assert (25, "AOS102") in codes(tmp_path, text)


def test_template_slots_followed_by_a_colon_are_placeholders(tmp_path: Path) -> None:
    text = POSTMORTEM.replace("`.agent/rules/security/auth.md` now requires",
                              "[rule file]: [link to the commit or PR] now requires")
    found = codes(tmp_path, text)
    assert [(line, code) for line, code in found if code == "AOS107"] == [(35, "AOS107"),
                                                                           (35, "AOS107")]


def test_a_promised_or_stale_approval_is_no_approval(tmp_path: Path) -> None:
    promised = POSTMORTEM.replace("Approved by: @orchestrator\nDate: 2026-11-03",
                                  "Approved by: @orchestrator (will approve after 2026-11-10)")
    assert any(code == "AOS602" for _, code in codes(tmp_path, promised, ignore=["AOS5"]))
    stale = POSTMORTEM.replace("Date: 2026-11-03\n", "Date: 2019-01-01\n")
    assert (51, "AOS602") in codes(tmp_path, stale, ignore=["AOS5"])


def test_rca_and_retrospective_titles_are_postmortems(tmp_path: Path) -> None:
    for title in ("RCA: CI outage", "Retrospective: CI outage", "PIR: CI outage"):
        text = POSTMORTEM.replace("Postmortem Report: checkout rejects valid sessions", title)
        path = write_tree(tmp_path, {"docs/incidents/2024-03-12-ci.md": text})
        result = run_check([path / "docs/incidents"], **STANDALONE)  # type: ignore[arg-type]
        assert len(result.checked) == 1, title


def test_headings_that_merely_start_with_a_number(tmp_path: Path) -> None:
    text = POSTMORTEM.replace("## 5. Lessons Learned\n",
                              "## 5. Lessons Learned\n\n### 5 Whys\n\nBecause.\n\n"
                              "### 3 contributing factors\n\nThree.\n")
    assert not any(code == "AOS105" for _, code in codes(tmp_path, text))


def test_date_and_time_columns_make_one_timestamp(tmp_path: Path) -> None:
    text = POSTMORTEM.replace(
        "- `14:05 UTC`: Incident occurred: release 2026.11.02-1 deployed to checkout.\n"
        "- `14:12 UTC`: Detected via the checkout error-rate alert.\n",
        "| Date | Time (UTC) | Event |\n| --- | --- | --- |\n"
        "| 2026-11-02 | 14:05 | Incident occurred |\n"
        "| 2026-11-02 | 14:12 | Detected via alert |\n\n")
    assert not any(code.startswith("AOS30") for _, code in codes(tmp_path, text))


def test_header_values_with_emphasis_or_a_note(tmp_path: Path) -> None:
    text = POSTMORTEM.replace("Severity: HIGH", "Severity: **HIGH** (customer-facing)")
    text = text.replace("Status: CLOSED", "Status:**CLOSED**")
    assert codes(tmp_path, text) == []


def test_zero_and_prose_durations(tmp_path: Path) -> None:
    zero = POSTMORTEM.replace("35 minutes (14:05 to 14:40 UTC)", "0")
    assert codes(tmp_path, zero) == []
    prose = POSTMORTEM.replace("35 minutes (14:05 to 14:40 UTC)",
                               "40 minutes (full outage); then 50 minutes degraded")
    assert codes(tmp_path, prose) == [(13, "AOS307")]


def test_lead_up_events_are_not_key_events(tmp_path: Path) -> None:
    text = POSTMORTEM.replace("- `14:05 UTC`: Incident occurred",
                              "- `13:50 UTC`: Database migration completed.\n"
                              "- `14:05 UTC`: Incident occurred")
    assert not any(code == "AOS305" for _, code in codes(tmp_path, text))


def test_undated_rows_give_one_finding_not_a_cascade(tmp_path: Path) -> None:
    text = POSTMORTEM.replace("Date: 2026-11-02\n", "").replace("INC-20261102-001",
                                                                "OPS-42")
    found = codes(tmp_path, text, ignore=["AOS201", *STANDALONE["ignore"]])
    assert found == [(17, "AOS301")]
    # A time with no date is not malformed: a warning that says what to add.
    write_tree(tmp_path, {"undated.md": text})
    result = run_check([tmp_path / "undated.md"], git=False,
                       ignore=["AOS201", *STANDALONE["ignore"]])
    (undated,) = result.diagnostics
    assert undated.severity is Severity.WARNING and "has no date" in undated.message
    assert not result.has_errors


def test_a_field_value_table_above_the_sections_is_metadata(tmp_path: Path) -> None:
    text = POSTMORTEM.replace(
        "Incident ID: INC-20261102-001\nDate: 2026-11-02\nSeverity: HIGH\n",
        "| Field | Value |\n| --- | --- |\n| Incident ID | INC-20261102-001 |\n"
        "| Date | 2026-11-02 |\n| **Severity** | HIGH |\n\n")
    assert codes(tmp_path, text) == []
    bad = text.replace("| **Severity** | HIGH |", "| **Severity** | URGENT |")
    assert codes(tmp_path, bad) == [(7, "AOS201")]


def test_promised_approvals_on_the_date_line_are_no_approval(tmp_path: Path) -> None:
    for date in ("2026-11-05 (planned)", "TBD (2026-11-05)"):
        text = POSTMORTEM.replace("Date: 2026-11-03\n", f"Date: {date}\n")
        assert any(code == "AOS602" for _, code in codes(tmp_path, text, ignore=["AOS5"])), date


def test_single_emphasis_and_final_punctuation_in_header_values(tmp_path: Path) -> None:
    text = POSTMORTEM.replace("Status: CLOSED", "Status: _Closed_").replace(
        "Severity: HIGH", "Severity: *HIGH*")
    assert codes(tmp_path, text) == []
    both = "---\nstatus: closed\n---\n" + POSTMORTEM.replace("Status: CLOSED", "Status: Closed.")
    assert codes(tmp_path, both) == []


def test_time_only_rows_take_the_day_of_the_dated_row_above(tmp_path: Path) -> None:
    text = POSTMORTEM.replace("Date: 2026-11-02\n", "").replace(
        "- `14:05 UTC`: Incident occurred", "- 2026-11-02 14:05 UTC: Incident occurred")
    assert not any(code.startswith("AOS30") for _, code in codes(tmp_path, text))


def test_the_placeholder_early_exit_knows_every_pattern_text() -> None:
    """find_placeholders skips a line holding none of three texts; each built-in pattern's
    text must hold one of them, or a line with only that text would be skipped."""
    import inspect

    from aoslint.document import placeholders

    source = inspect.getsource(placeholders.find_placeholders)
    early = {text for text in ("[", "HH:MM", "YYYY") if f'"{text}" not in line' in source}
    assert early == {"[", "HH:MM", "YYYY"}
    for _, needle, _ in placeholders.PATTERNS:
        assert any(text in needle for text in early), needle
