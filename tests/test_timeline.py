"""Timeline extraction as `aoslint model` shows it, and the bad input it must survive."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aoslint.runner import run_check
from tests.conftest import FIXTURES, CliResult, write_tree

Cli = Callable[..., CliResult]
GOOD = FIXTURES / "good"


def model(cli: Cli, path: Path) -> dict[str, Any]:
    result = cli("model", str(path))
    assert result.exit_code == 0, result.err
    timeline: dict[str, Any] = result.json()["timeline"]
    return timeline


def test_kit_timeline_key_times_and_computed_durations(cli: Cli) -> None:
    timeline = model(cli, GOOD / "kit-postmortem.md")
    assert timeline["key_times"] == {
        "occurred": "2026-11-02T14:05:00+00:00", "detected": "2026-11-02T14:12:00+00:00",
        "mitigated": "2026-11-02T14:20:00+00:00", "resolved": "2026-11-02T14:40:00+00:00"}
    assert timeline["computed"] == {"time_to_detect": "7m", "time_to_mitigate": "15m",
                                    "time_to_resolve": "35m"}
    assert [e["kind"] for e in timeline["events"]] == [
        "occurred", "detected", "mitigated", None, "resolved", "resolved"]
    assert timeline["stated"][0]["label"] == "Total Downtime / Unavailability"


def test_midnight_crossing_rolls_over_and_says_so(cli: Cli) -> None:
    timeline = model(cli, GOOD / "midnight-postmortem.md")
    ats = [(e["at"], e.get("rolled_over")) for e in timeline["events"]]
    assert ats[0] == ("2026-03-10T22:40:00+00:00", None)
    assert ats[2][0] == "2026-03-11T00:35:00+00:00" and ats[2][1]
    assert ats[3] == ("2026-03-11T01:30:00+00:00", None)
    assert timeline["computed"]["time_to_resolve"] == "2h 50m"


def test_zone_stated_once_with_dst_change(cli: Cli) -> None:
    timeline = model(cli, GOOD / "dst-postmortem.md")
    assert [e["at"] for e in timeline["events"][:3]] == [
        "2025-03-30T01:30:00+01:00", "2025-03-30T03:05:00+02:00", "2025-03-30T03:30:00+02:00"]
    assert timeline["computed"]["time_to_resolve"] == "1h"


def test_month_names_without_year_take_the_document_year_and_pdt(cli: Cli) -> None:
    timeline = model(cli, GOOD / "freeform-postmortem.md")
    assert timeline["events"][0]["at"] == "2025-11-11T15:40:00-07:00"
    assert timeline["computed"]["time_to_resolve"] == "1h 5m"


def test_date_line_then_time_only_rows(cli: Cli) -> None:
    timeline = model(cli, GOOD / "gitlab-postmortem.md")
    assert [e["at"][:16] for e in timeline["events"]] == [
        "2025-01-14T10:12", "2025-01-14T10:18", "2025-01-14T10:31", "2025-01-14T10:50"]


def test_duration_mismatch_names_the_events_of_the_closest_readings(tmp_path: Path) -> None:
    text = (GOOD / "kit-postmortem.md").read_text().replace(
        "**Total Downtime / Unavailability**: 35 minutes (14:05 to 14:40 UTC)",
        "**Total Downtime / Unavailability**: 2 hours")
    path = write_tree(tmp_path, {"pm.md": text}) / "pm.md"
    [finding] = run_check([path], select=["AOS306"]).diagnostics
    assert (finding.line, finding.column) == (13, 38)
    assert finding.message == (
        "Total Downtime / Unavailability says 2h, but no pair of the timeline's events gives "
        "it; closest: 1h 5m (occurred (line 18) → resolved (line 23)), 58m (detected (line 19) "
        "→ resolved (line 23)), 35m (occurred (line 18) → resolved (line 22)) (3 more compared)")


def test_stated_duration_matching_any_definition_passes(tmp_path: Path) -> None:
    for stated in ("1h 5m", "65 minutes", "PT35M", "58m", "~1 hour"):
        text = (GOOD / "kit-postmortem.md").read_text().replace(
            "35 minutes (14:05 to 14:40 UTC)", stated)
        path = write_tree(tmp_path, {"pm.md": text}) / "pm.md"
        assert run_check([path], select=["AOS306"]).diagnostics == [], stated


def test_ragged_table_pipe_in_code_and_absurd_year_never_crash(tmp_path: Path) -> None:
    text = """# Postmortem: odd table

Incident ID: INC-20260101-001
Date: 2026-01-01

## Timeline

| Time (UTC) | Event | Extra |
| --- | --- | --- |
| 10:00 | Incident occurred: `a \\| b` piped |
| 9999-99-99 10:00 | Detected via alert | x | y | z |
| 10:30 |
"""
    path = write_tree(tmp_path, {"pm.md": text}) / "pm.md"
    result = run_check([path], select=["AOS3"])
    codes = [(d.line, d.code) for d in result.diagnostics]
    assert (11, "AOS301") in codes  # the absurd date, at its row


def test_a_hundred_thousand_rows_parse(tmp_path: Path) -> None:
    rows = "\n".join(f"- 2026-01-01 {i // 60 % 24:02}:{i % 60:02} UTC: step {i}"
                     for i in range(1440))
    text = ("# Postmortem: long\n\nIncident ID: INC-20260101-002\n\n## Timeline\n\n"
            + "\n".join([rows] * 70) + "\n")
    path = write_tree(tmp_path, {"pm.md": text}) / "pm.md"
    result = run_check([path], select=["AOS303"])
    assert len(result.diagnostics) == 69  # each repeat of the day goes back to 00:00


def test_every_duration_name_passes_the_line_filter() -> None:
    """Lines the filter turns away are never matched: a new name must keep passing it."""
    from aoslint.timeline.labelled import _DURATION_KINDS, _may_name_duration

    for names in _DURATION_KINDS.values():
        for name in names:
            assert _may_name_duration(name), name


def test_support_hours_window_counts_only_the_hours_inside_it() -> None:
    import datetime as dt

    from aoslint.timeline.labelled import _scope_window, within_window

    assert _scope_window("during support hours 09:30-17:00 Mon-Fri") == (570, 1020, True)
    assert _scope_window("in business hours") is None
    assert _scope_window("support hours 18:00-09:00") is None  # an overnight window
    friday = dt.datetime(2025, 8, 1, 16, 0)
    tuesday = dt.datetime(2025, 8, 5, 11, 0)
    # Fri 16:00-17:00, Mon 10:00-17:00, Tue 10:00-11:00.
    assert within_window(friday, tuesday, (600, 1020, True)) == dt.timedelta(hours=9)
    assert within_window(friday, tuesday, (600, 1020, False)) == dt.timedelta(hours=23)
    assert within_window(friday, friday + dt.timedelta(days=800), (600, 1020, False)) is None


def test_stated_durations_read_from_declaration_trigger_and_first_mitigation(
        tmp_path: Path) -> None:
    text = """# Postmortem: queue backlog

Incident ID: INC-20250301-001
Date: 2025-03-01

## Timeline

All times UTC.

- 2025-03-01 08:00 Config change pushed to the consumers
- 2025-03-01 08:04 Backlog alert fired
- 2025-03-01 08:30 Incident declared
- 2025-03-01 08:45 Consumers rolled back
- 2025-03-01 10:00 Resolved: backlog drained

Time to detect: 4 minutes
Time to repair: 15 minutes
Time to recovery: 41 minutes
Time to resolve: 1h 30m
Time to mitigate: 45m
"""
    path = write_tree(tmp_path, {"pm.md": text}) / "pm.md"
    assert run_check([path], select=["AOS306"]).diagnostics == []
    wrong = text.replace("Time to repair: 15 minutes", "Time to repair: 25 minutes")
    path.write_text(wrong)
    [finding] = run_check([path], select=["AOS306"]).diagnostics
    assert finding.line == 17
    assert finding.message == (
        "Time to repair says 25m, but no pair of the timeline's events gives it; closest: "
        "15m (detected (line 12) → mitigated (line 13)), 41m (detected (line 11) → mitigated "
        "(line 13)), 45m (Config change pushed (line 10) → mitigated (line 13)) (3 more compared)")


def test_scoped_duration_without_a_window_is_not_compared(tmp_path: Path) -> None:
    text = (GOOD / "kit-postmortem.md").read_text().replace(
        "**Total Downtime / Unavailability**: 35 minutes (14:05 to 14:40 UTC)",
        "**Total Downtime / Unavailability**: 9 hours (in working hours)")
    path = write_tree(tmp_path, {"pm.md": text}) / "pm.md"
    assert run_check([path], select=["AOS306"]).diagnostics == []


def _undated_postmortem(tmp_path: Path, title: str, above_rows: str) -> Path:
    path = tmp_path / "pm.md"
    path.write_text(f"# Postmortem: {title}\n\n## Impact\n\nCheckout failed.\n\n"
                    f"## Timeline{above_rows}\n\n- 23:50 Deploy started\n"
                    "- 23:58 Alert fired\n- 00:20 Resolved\n\n## Root Cause\n\nA bad flag.\n\n"
                    "## Action Items\n\n- Guard the flag (owner: @dev)\n", encoding="utf-8")
    return path


def test_the_day_comes_from_the_title_a_zone_line_or_a_date_range(
        cli: Cli, tmp_path: Path) -> None:
    cases = {
        ("checkout outage - March 3, 2024", "\n\nAll times UTC."): "2024-03-03",
        ("checkout outage", "\n\nAll times in PST, on March 9th 2020"): "2020-03-09",
        ("checkout outage", " (all times UTC) May 4-6, 2023"): "2023-05-04",
    }
    for (title, above), day in cases.items():
        events = model(cli, _undated_postmortem(tmp_path, title, above))["events"]
        assert [e["at"][:10] for e in events] == [day, day, _next_day(day)], (title, above)
        result = run_check([tmp_path / "pm.md"], profile="generic", git=False)
        assert [d.code for d in result.diagnostics if d.code.startswith("AOS30")] == []


def _next_day(day: str) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


def test_key_events_are_recognised_by_the_words_teams_use(cli: Cli) -> None:
    events = model(cli, GOOD / "key-event-words-postmortem.md")["events"]
    assert [e["kind"] for e in events] == ["occurred", "detected", "mitigated", "resolved"]


def test_key_event_vocabulary_is_data_with_every_kind_in_order() -> None:
    from aoslint.resources import schema
    from aoslint.timeline.key_events import KEY_EVENTS_FILE, KINDS, classify

    data = schema(KEY_EVENTS_FILE)
    assert sorted(data["order"]) == sorted(KINDS) == sorted(data["kinds"])
    # A row naming no key event is left unclassified; the first row then stands for the start.
    assert classify("Second user reports back that it works") is None
    assert classify("First report of the issue by a user") == "detected"


def test_a_year_with_a_digit_dropped_or_added_names_the_rows_around_it(
        tmp_path: Path) -> None:
    rows = ("- 2023-08-14 09:05 UTC Queue stalled\n- {year}-08-14 09:10 UTC Alert fired\n"
            "- 2023-08-14 09:40 UTC Resolved\n")
    for year in ("223", "20233"):
        text = ("# Postmortem: queue stall\n\n## Impact\n\nJobs waited.\n\n## Timeline\n\n"
                + rows.format(year=year) + "\n## Root Cause\n\nA lock.\n\n"
                "## Action Items\n\n- Fix the lock (owner: @dev)\n")
        path = write_tree(tmp_path, {"pm.md": text}) / "pm.md"
        found = [(d.line, d.code, d.message) for d in run_check(
            [path], profile="generic", git=False).diagnostics
            if d.code in ("AOS301", "AOS303", "AOS305")]  # a typo, not an order error
        assert [(line, code) for line, code, _ in found] == [(10, "AOS301")], year
        assert found[0][2].endswith(
            "likely a typo: the rows around it are dated 2023-08-14 (line 9), "
            "2023-08-14 (line 11)"), found[0][2]
