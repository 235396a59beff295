"""Timestamp, zone and duration parsing as a postmortem author would notice it."""

from __future__ import annotations

import pickle
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from aoslint.timeline.durations import (
    DurationError,
    DurationUnknown,
    ParsedDuration,
    duration_tolerance,
    durations_match,
    parse_duration,
)
from aoslint.timeline.stamps import (
    ParsedTime,
    TimeContext,
    TimeError,
    find_date_line,
    find_timestamp,
    find_zone_statement,
)

JAN14 = date(2025, 1, 14)
CTX = TimeContext(default_date=JAN14, default_year=2025)
PARIS = ZoneInfo("Europe/Paris")


def parsed(text: str, ctx: TimeContext = CTX) -> ParsedTime:
    result = find_timestamp(text, ctx)
    assert isinstance(result, ParsedTime), result
    return result


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, sec: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, sec, tzinfo=UTC)


# --- timestamp styles ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "instant", "stamp"),
    [
        ("`14:05 UTC`: Incident occurred.", utc(2025, 1, 14, 14, 5), "14:05 UTC"),
        ("14:05 UTC - Incident occurred.", utc(2025, 1, 14, 14, 5), "14:05 UTC"),
        ("2025-01-14T16:00:00Z - alert fired", utc(2025, 1, 14, 16), "2025-01-14T16:00:00Z"),
        (
            "2025-01-14T17:30:15+01:00 paged",
            utc(2025, 1, 14, 16, 30, 15),
            "2025-01-14T17:30:15+01:00",
        ),
        ("2025-01-14 16:00:00.250Z", datetime(2025, 1, 14, 16, 0, 0, 250000, UTC), None),
        ("2025-01-14 08:00:00-08:00 deploy", utc(2025, 1, 14, 16), "2025-01-14 08:00:00-08:00"),
        ("2025-01-14T08:00-08:00 deploy", utc(2025, 1, 14, 16), "2025-01-14T08:00-08:00"),
        ("2025-01-14 16:00 UTC", utc(2025, 1, 14, 16), "2025-01-14 16:00 UTC"),
        ("2025-01-14 16:00 GMT: x", utc(2025, 1, 14, 16), "2025-01-14 16:00 GMT"),
        ("2025-01-14 17:00 CET", utc(2025, 1, 14, 16), "2025-01-14 17:00 CET"),
        ("2025-01-14 17:00 (UTC+1)", utc(2025, 1, 14, 16), "2025-01-14 17:00 (UTC+1)"),
        ("2025-01-14 21:30 UTC+05:30", utc(2025, 1, 14, 16), None),
        ("2025/01/14 16:00 UTC", utc(2025, 1, 14, 16), None),
        (
            "November 11, 4:02 PM UTC — rollback",
            utc(2025, 11, 11, 16, 2),
            "November 11, 4:02 PM UTC",
        ),
        ("Nov 11, 2024, 4:02 pm UTC: x", utc(2024, 11, 11, 16, 2), "Nov 11, 2024, 4:02 pm UTC"),
        ("14 Jan 2025 10:18 UTC", utc(2025, 1, 14, 10, 18), "14 Jan 2025 10:18 UTC"),
        ("14th January 2025 at 10:18 Z", utc(2025, 1, 14, 10, 18), None),
        ("Tuesday, 14 January 2025 10:00 UTC", utc(2025, 1, 14, 10), None),
        ("Jan 14, 10:18 AM PST: paged", utc(2025, 1, 14, 18, 18), "Jan 14, 10:18 AM PST"),
        ("Jul 4, 10:18 AM PDT: paged", utc(2025, 7, 4, 17, 18), None),
        ("**10:18 AM EST** Detected", utc(2025, 1, 14, 15, 18), "10:18 AM EST"),
        ("**14:05** UTC - paged", utc(2025, 1, 14, 14, 5), "14:05** UTC"),
        ("[14:05 UTC] alert", utc(2025, 1, 14, 14, 5), "14:05 UTC"),
        ("4:02pm JST deploy", utc(2025, 1, 14, 7, 2), "4:02pm JST"),
        ("12:30 a.m. UTC", utc(2025, 1, 14, 0, 30), None),
        ("12:00 PM UTC", utc(2025, 1, 14, 12), None),
        ("5 pm UTC: paged", utc(2025, 1, 14, 17), "5 pm UTC"),
        ("21:35 IST", utc(2025, 1, 14, 16, 5), None),
        ("03:00 AEDT", utc(2025, 1, 13, 16), None),
        ("17:00 BST", utc(2025, 1, 14, 16), None),
        ("14:05 Europe/Berlin", utc(2025, 1, 14, 13, 5), "14:05 Europe/Berlin"),
        ("09:05 America/New_York: x", utc(2025, 1, 14, 14, 5), None),
        ("09:05 ET", utc(2025, 1, 14, 14, 5), None),
        ("16:00UTC", utc(2025, 1, 14, 16), None),
        ("16:00h UTC - paged", utc(2025, 1, 14, 16), "16:00h UTC"),
    ],
)
def test_supported_styles_give_the_written_instant(
    text: str, instant: datetime, stamp: str | None
) -> None:
    result = parsed(text)
    assert result.utc == instant
    assert result.zone_explicit
    if stamp is not None:
        assert text[result.start : result.end] == stamp


def test_kit_style_takes_the_date_from_context_and_reports_where_the_event_starts() -> None:
    text = "`14:05 UTC`: Incident occurred."
    result = parsed(text)
    assert result.date_from_context
    assert not result.year_from_context
    assert result.zone == UTC
    assert result.zone_text == "UTC"
    assert text[result.body_start :] == "Incident occurred."


def test_time_only_without_any_zone_is_naive_and_flagged() -> None:
    result = parsed("16:02")
    assert result.value == datetime(2025, 1, 14, 16, 2)
    assert result.naive
    assert result.utc is None
    assert result.zone is None and not result.zone_explicit


def test_date_and_time_without_a_zone_is_naive() -> None:
    result = parsed("2025-01-14 16:00")
    assert result.value == datetime(2025, 1, 14, 16, 0)
    assert result.value is not None and result.value.tzinfo is None
    assert not result.date_from_context


def test_time_only_without_a_context_date_keeps_the_clock_but_no_instant() -> None:
    result = parsed("16:02 UTC", TimeContext())
    assert result.value is None
    assert result.day is None
    assert result.clock == time(16, 2)
    assert result.date_from_context


def test_a_date_written_in_the_text_wins_over_the_context_date() -> None:
    result = parsed("2024-12-31 23:59 UTC")
    assert result.utc == utc(2024, 12, 31, 23, 59)
    assert not result.date_from_context


def test_yearless_dates_take_the_context_year() -> None:
    result = parsed("Jan 14, 10:18 AM: paged", TimeContext(default_year=2023))
    assert result.value == datetime(2023, 1, 14, 10, 18)
    assert result.year_from_context and not result.date_from_context


def test_yearless_dates_fall_back_to_the_year_of_the_context_date() -> None:
    result = parsed("March 3 09:00 UTC", TimeContext(default_date=date(2022, 12, 1)))
    assert result.utc == utc(2022, 3, 3, 9)


def test_yearless_date_without_any_year_known_has_no_instant() -> None:
    result = parsed("Jan 14, 10:18 AM", TimeContext())
    assert result.value is None
    assert result.clock == time(10, 18)


def test_february_29_needs_a_leap_year_from_context() -> None:
    assert parsed("Feb 29, 10:00", TimeContext(default_year=2024)).day == date(2024, 2, 29)
    error = find_timestamp("Feb 29, 10:00", TimeContext(default_year=2025))
    assert isinstance(error, TimeError)
    assert "February 2025 has no day 29" in error.message


@pytest.mark.parametrize(
    ("text", "start", "until"),
    [
        ("14:05\u201314:20 UTC: degraded", utc(2025, 1, 14, 14, 5), utc(2025, 1, 14, 14, 20)),
        ("14:05-14:20 UTC: degraded", utc(2025, 1, 14, 14, 5), utc(2025, 1, 14, 14, 20)),
        ("14:05 UTC - 14:20 UTC: x", utc(2025, 1, 14, 14, 5), utc(2025, 1, 14, 14, 20)),
        ("23:50 - 00:10 CET", utc(2025, 1, 14, 22, 50), utc(2025, 1, 14, 23, 10)),
        ("10:18 AM to 11:00 AM PST: x", utc(2025, 1, 14, 18, 18), utc(2025, 1, 14, 19)),
        # Without T or seconds, "-08:30" after a time is a range end, not an offset.
        ("2025-01-14 08:00-08:30 UTC", utc(2025, 1, 14, 8), utc(2025, 1, 14, 8, 30)),
    ],
)
def test_time_ranges_share_their_zone(text: str, start: datetime, until: datetime) -> None:
    result = parsed(text)
    assert result.utc == start
    assert result.until == until
    assert text[result.body_start :].lstrip(" :") in {"degraded", "x", ""}


def test_a_dash_before_prose_is_not_a_range() -> None:
    result = parsed("14:05 - 15 people paged")
    assert result.until is None
    assert result.clock == time(14, 5)


def test_next_day_moves_a_range_too() -> None:
    result = parsed("23:50 - 00:10 UTC").next_day()
    assert result.utc == utc(2025, 1, 15, 23, 50)
    assert result.until == utc(2025, 1, 16, 0, 10)


def test_approximate_marker_is_reported() -> None:
    result = parsed("~14:05 UTC roughly when it started")
    assert result.approximate
    assert result.utc == utc(2025, 1, 14, 14, 5)


# --- zones from context --------------------------------------------------------


def test_zone_statement_applies_through_the_context() -> None:
    zone = find_zone_statement("All times in CET")
    assert zone is not None
    ctx = TimeContext(default_date=date(2025, 7, 1), zone=zone)
    summer = parsed("14:00 deploy started", ctx)
    assert summer.utc == utc(2025, 7, 1, 12)  # CEST in July
    assert not summer.zone_explicit
    winter = parsed("2025-01-14 14:00", ctx)
    assert winter.utc == utc(2025, 1, 14, 13)


def test_explicit_zone_wins_over_the_stated_one() -> None:
    ctx = TimeContext(default_date=JAN14, zone=PARIS)
    result = parsed("14:00 UTC", ctx)
    assert result.utc == utc(2025, 1, 14, 14)
    assert result.zone_explicit


def test_fixed_abbreviation_keeps_its_offset_in_any_season() -> None:
    # PDT is UTC-7 even in January; a note says it was probably meant as PST.
    result = parsed("2025-01-14 09:00 PDT")
    assert result.utc == utc(2025, 1, 14, 16)
    assert result.zone_note is not None
    assert "PST" in result.zone_note and "America/Los_Angeles" in result.zone_note


def test_standard_abbreviation_in_summer_is_noted() -> None:
    result = parsed("2025-07-01 10:00 CET")
    assert result.utc == utc(2025, 7, 1, 9)
    assert result.zone_note is not None and "CEST" in result.zone_note


def test_correct_abbreviation_has_no_note() -> None:
    assert parsed("2025-07-01 10:00 CEST").zone_note is None
    assert parsed("2025-01-14 10:00 CET").zone_note is None


def test_fixed_abbreviation_stated_for_the_timeline_is_a_fixed_offset() -> None:
    zone = find_zone_statement("All times PDT")
    assert zone is not None
    assert zone.utcoffset(None) == timedelta(hours=-7)
    result = parsed("09:00", TimeContext(default_date=JAN14, zone=zone))
    assert result.utc == utc(2025, 1, 14, 16)


# --- daylight saving time -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2025-03-30 01:30", utc(2025, 3, 30, 0, 30)),
        ("2025-03-30 03:30", utc(2025, 3, 30, 1, 30)),
    ],
)
def test_spring_forward_in_paris(text: str, instant: datetime) -> None:
    assert parsed(text, TimeContext(zone=PARIS)).utc == instant
    assert parsed(f"{text} Europe/Paris", TimeContext()).utc == instant


def test_wall_time_skipped_by_spring_forward_is_an_error() -> None:
    error = find_timestamp("2025-03-30 02:30 Europe/Paris", TimeContext())
    assert isinstance(error, TimeError)
    assert "does not exist" in error.message


def test_wall_time_repeated_by_fall_back_takes_the_first_and_says_so() -> None:
    result = parsed("2025-10-26 02:30", TimeContext(zone=PARIS))
    assert result.ambiguous
    assert result.utc == utc(2025, 10, 26, 0, 30)
    assert not parsed("2025-10-26 04:30", TimeContext(zone=PARIS)).ambiguous


def test_next_day_keeps_the_wall_clock_across_a_dst_change() -> None:
    ctx = TimeContext(default_date=date(2025, 3, 29), zone=PARIS)
    before = parsed("23:50", ctx)
    after = parsed("00:10", ctx).next_day()
    assert after.day == date(2025, 3, 30)
    assert after.utc == utc(2025, 3, 29, 23, 10)
    assert before.utc is not None and after.utc is not None and after.utc > before.utc
    # 09:00 the next morning is CEST, so only 23 hours after 09:00 CET.
    morning = parsed("09:00", ctx)
    assert morning.next_day().utc == utc(2025, 3, 30, 7)


# --- malformed attempts ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found", "words"),
    [
        ("15.26", "15.26", "expected HH:MM (24-hour) or H:MM AM/PM"),
        ("15.26 paged", "15.26", "expected HH:MM (24-hour) or H:MM AM/PM"),
        ("9.30 - paged", "9.30", "is not a time"),
        ("9.30 UTC paged", "9.30", "is not a time"),
        ("1600", "1600", "is not a time"),
        ("1600 UTC - alert", "1600", "is not a time"),
        ("1600Z alert", "1600Z", "is not a time"),
        ("2025-01-14 1600", "1600", "is not a time"),
        ("[???]", "[???]", "is not a time"),
        ("?", "?", "is not a time"),
        ("??:?? - unknown", "??:??", "is not a time"),
        ("25:61", "25:61", "hour 25 and minute 61 are out of range"),
        ("24:00 UTC", "24:00", "00:00 of the next day"),
        ("14:61 UTC", "14:61", "minute 61"),
        ("HH:MM UTC", "HH:MM UTC", "template placeholder"),
        ("`HH:MM UTC`: [event]", "HH:MM UTC", "template placeholder"),
        ("[HH:MM]", "[HH:MM]", "template placeholder"),
        ("YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM", "template placeholder"),
        ("[UTC]", "[UTC]", "template placeholder"),
        ("13:00 PM", "13:00 PM", "mixes 24-hour and AM/PM"),
        ("0:30 AM", "0:30 AM", "mixes 24-hour and AM/PM"),
        ("14:5 UTC", "14:5", "is not a time"),
        ("14:056", "14:056", "is not a time"),
        ("16:00abc", "16:00abc", "unexpected `abc`"),
        ("15h26 paged", "15h26", "is not a time"),
        ("3.15pm paged", "3.15pm", "is not a time"),
        ("9999-99-99 10:00", "9999-99-99", "year 9999"),
        ("0000-01-14 10:00", "0000-01-14", "year 0"),
        ("20000-01-14 10:00", "20000-01-14", "year 20000"),
        ("2025-13-01 10:00", "2025-13-01", "no month 13"),
        ("2025-02-30 10:00", "2025-02-30", "February 2025 has no day 30"),
        ("Jan 14, 20000 10:00", "Jan 14, 20000", "year 20000"),
        ("01-14-2025 10:00", "01-14-2025", "which number is the month"),
        ("Monday, 14 January 2025 10:00", "Monday, 14 January 2025", "is a Tuesday"),
        ("14:05 Europe/Berln", "Europe/Berln", "not a known time zone"),
        ("2025-01-14T16:00+25:00", "+25:00", "not a UTC offset"),
    ],
)
def test_malformed_attempts_are_reported_with_what_was_found(
    text: str, found: str, words: str
) -> None:
    error = find_timestamp(text, CTX)
    assert isinstance(error, TimeError), error
    assert error.found == found
    assert text[error.start : error.end] == found
    assert f"`{found}`" in error.message
    assert words in error.message


@pytest.mark.parametrize(
    "text",
    [
        "The database fell over.",
        "14 people were paged",
        "1000 requests failed",
        "500 errors spiked",
        "2.10 release rolled out",
        "10.25% of requests failed",
        "May be related to the deploy",
        "3 PMs joined the call",
        "[INC-20250114-001] opened",
        "[link](https://example.com) to dashboard",
        "[ ] follow up",
        "2025-01-14: day two of the incident",
        "Jan 14 - customer reports",
        "",
        "   ",
        "T+5m: escalated",
    ],
)
def test_prose_is_not_a_timestamp(text: str) -> None:
    assert find_timestamp(text, CTX) is None


# --- zone statements -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key_or_offset"),
    [
        ("All times in CET", "Europe/Paris"),
        ("All times are in CET/CEST.", "Europe/Paris"),
        ("_(all times UTC)_", timedelta(0)),
        ("All times PDT", timedelta(hours=-7)),
        ("Times are in UTC", timedelta(0)),
        ("All times are Europe/Berlin", "Europe/Berlin"),
        ("| Time (UTC) | Event |", timedelta(0)),
        ("| Timestamp [UTC] | What happened |", timedelta(0)),
        ("Timezone: America/New_York", "America/New_York"),
        ("All times listed are in Pacific Time.", "America/Los_Angeles"),
        ("All times shown in UTC+2", timedelta(hours=2)),
    ],
)
def test_zone_statements(text: str, key_or_offset: str | timedelta) -> None:
    zone = find_zone_statement(text)
    assert zone is not None
    if isinstance(key_or_offset, str):
        assert isinstance(zone, ZoneInfo) and zone.key == key_or_offset
    else:
        assert zone.utcoffset(None) == key_or_offset


@pytest.mark.parametrize(
    "text",
    [
        "At the time ET was paged.",
        "All times are approximate.",
        "The time is 14:05.",
        "Time to detect: 12 minutes",
        "No zone mentioned at all",
    ],
)
def test_prose_is_not_a_zone_statement(text: str) -> None:
    assert find_zone_statement(text) is None


# --- date lines ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-14", date(2025, 1, 14)),
        ("### 2025-01-14", date(2025, 1, 14)),
        ("January 14, 2025", date(2025, 1, 14)),
        ("Tuesday, 14 January 2025", date(2025, 1, 14)),
        ("**Jan 14, 2025:**", date(2025, 1, 14)),
        ("Jan 14", date(2024, 1, 14)),
        ("14th March", date(2024, 3, 14)),
        ("2025-01-14 (Tuesday)", date(2025, 1, 14)),
        ("- 2025-01-15", date(2025, 1, 15)),
        ("2015-10-21 (all times UTC)", date(2015, 10, 21)),
    ],
)
def test_date_lines(text: str, expected: date) -> None:
    assert find_date_line(text, 2024) == expected


@pytest.mark.parametrize(
    "text",
    ["2025-01-14 16:00", "Deploy on 2025-01-14", "Timeline", "9999-99-99", "2025-02-30", ""],
)
def test_lines_that_are_not_only_a_date(text: str) -> None:
    assert find_date_line(text, 2024) is None


def test_yearless_date_line_needs_a_year() -> None:
    assert find_date_line("Jan 14", None) is None


def test_date_line_then_time_only_rows() -> None:
    day = find_date_line("### January 14, 2025", None)
    zone = find_zone_statement("All times UTC")
    ctx = TimeContext(default_date=day, zone=zone)
    assert parsed("16:02 alert fired", ctx).utc == utc(2025, 1, 14, 16, 2)


# --- linear time on hostile input -------------------------------------------------


def _hostile_inputs() -> list[str]:
    rng = random.Random(1234)
    alphabet = "0123456789:-/ T.,*`_[]()?~APMUTCZapmJan\t"
    size = 100_000
    return [
        "".join(rng.choice(alphabet) for _ in range(size)),
        "1" * size,
        " " * size + "14:05",
        "`" * size,
        "[" * size,
        "?" * size,
        "~" * size,
        "*" * size + "14:05",
        "all times " * (size // 10),
        "Jan " * (size // 4),
        "14:05 " * (size // 6),
        "2025-01-14 " * (size // 11),
        "1h " * (size // 3),
        "(" * size,
    ]


@pytest.mark.parametrize("text", _hostile_inputs(), ids=lambda t: repr(t[:12]))
def test_hostile_input_completes(text: str) -> None:
    assert isinstance(find_timestamp(text, CTX), ParsedTime | TimeError | type(None))
    find_zone_statement(text)
    assert find_date_line(text, 2025) is None
    assert not isinstance(parse_duration(text), timedelta) or text.startswith(" ")


@given(
    st.text(alphabet=st.sampled_from("0123456789:-/ T.,*`_[]()?~APMUTCZapmJanE\u2013"), max_size=60)
)
def test_any_text_gives_a_value_an_error_or_nothing(text: str) -> None:
    result = find_timestamp(text, CTX)
    if isinstance(result, ParsedTime):
        assert 0 <= result.start < result.end <= result.body_start <= len(text)
    elif isinstance(result, TimeError):
        assert 0 <= result.start < result.end <= len(text)
        assert text[result.start : result.end] == result.found
    find_zone_statement(text)
    find_date_line(text, 2025)
    parse_duration(text)


@given(st.text(max_size=40))
def test_arbitrary_unicode_never_raises(text: str) -> None:
    find_timestamp(text, CTX)
    find_zone_statement(text)
    find_date_line(text, None)
    parse_duration(text)


# --- round trips for timestamps ---------------------------------------------------

MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ZONE_KEYS = [
    "UTC",
    "America/Los_Angeles",
    "America/New_York",
    "Europe/Paris",
    "Europe/London",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
]

Style = Callable[[datetime, str], tuple[str, TimeContext, str]]


def _twelve(local: datetime) -> str:
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"


def _offset(local: datetime) -> str:
    offset = local.utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def iso_with_offset(instant: datetime, key: str) -> tuple[str, TimeContext, str]:
    local = instant.astimezone(ZoneInfo(key))
    stamp = local.isoformat(timespec="seconds")
    if stamp.endswith("+00:00"):
        stamp = stamp[:-6] + "Z"
    return f"{stamp} - alert fired", TimeContext(), stamp


def iso_with_space_and_fraction(instant: datetime, key: str) -> tuple[str, TimeContext, str]:
    local = instant.astimezone(ZoneInfo(key))
    stamp = local.isoformat(sep=" ", timespec="microseconds")
    return f"{stamp}: paged", TimeContext(), stamp


def date_time_utc(instant: datetime, key: str) -> tuple[str, TimeContext, str]:
    stamp = f"{instant:%Y-%m-%d %H:%M} UTC"
    return f"{stamp} — rollback", TimeContext(), stamp


def kit_style(instant: datetime, key: str) -> tuple[str, TimeContext, str]:
    stamp = f"{instant:%H:%M} UTC"
    return f"`{stamp}`: Incident occurred.", TimeContext(default_date=instant.date()), stamp


def month_name_twelve_hour(instant: datetime, key: str) -> tuple[str, TimeContext, str]:
    local = instant.astimezone(ZoneInfo(key))
    stamp = f"{MONTHS[local.month - 1]} {local.day}, {_twelve(local)} {local.tzname()}"
    return f"{stamp} — rollback", TimeContext(default_year=local.year), stamp


def short_month_twelve_hour_bold(instant: datetime, key: str) -> tuple[str, TimeContext, str]:
    local = instant.astimezone(ZoneInfo(key))
    stamp = f"{MONTHS[local.month - 1][:3]} {local.day}, {_twelve(local)} {local.tzname()}"
    return f"**{stamp}:** paged", TimeContext(default_year=local.year), stamp


def day_first_with_stated_zone(instant: datetime, key: str) -> tuple[str, TimeContext, str]:
    local = instant.astimezone(ZoneInfo(key))
    stamp = f"{local.day} {MONTHS[local.month - 1][:3]} {local.year} {local:%H:%M}"
    return f"{stamp} detected", TimeContext(zone=ZoneInfo(key)), stamp


def inline_iana(instant: datetime, key: str) -> tuple[str, TimeContext, str]:
    local = instant.astimezone(ZoneInfo(key))
    stamp = f"{local:%Y-%m-%d %H:%M} {key}"
    return f"{stamp} | mitigated", TimeContext(), stamp


def utc_offset_name(instant: datetime, key: str) -> tuple[str, TimeContext, str]:
    local = instant.astimezone(ZoneInfo(key))
    stamp = f"{local:%Y-%m-%d %H:%M} (UTC{_offset(local)})"
    return f"{stamp} alert", TimeContext(), stamp


def date_line_and_statement(instant: datetime, key: str) -> tuple[str, TimeContext, str]:
    local = instant.astimezone(ZoneInfo(key))
    heading = f"### {WEEKDAYS[local.weekday()]}, {local.day} {MONTHS[local.month - 1]} {local.year}"
    ctx = TimeContext(
        default_date=find_date_line(heading, None),
        zone=find_zone_statement(f"All times are {key}."),
    )
    stamp = f"{local:%H:%M}"
    return f"{stamp} - alert fired", ctx, stamp


STYLES: list[Style] = [
    iso_with_offset,
    iso_with_space_and_fraction,
    date_time_utc,
    kit_style,
    month_name_twelve_hour,
    short_month_twelve_hour_bold,
    day_first_with_stated_zone,
    inline_iana,
    utc_offset_name,
    date_line_and_statement,
]
SECOND_PRECISION = {iso_with_offset, iso_with_space_and_fraction}
WALL_CLOCK_IN_REGION = {day_first_with_stated_zone, inline_iana, date_line_and_statement}

instants = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2100, 12, 31),
    timezones=st.just(UTC),
)


def _repeated_wall_time(instant: datetime, zone: tzinfo) -> bool:
    """True when the local wall time also names another instant (DST fall-back)."""
    local = instant.astimezone(zone)
    naive = local.replace(tzinfo=None)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    return first != second


@given(instant=instants, key=st.sampled_from(ZONE_KEYS), style=st.sampled_from(STYLES))
def test_formatted_instants_parse_back(instant: datetime, key: str, style: Style) -> None:
    if style not in SECOND_PRECISION:
        instant = instant.replace(second=0, microsecond=0)
    if style in WALL_CLOCK_IN_REGION:
        # Written as a bare wall-clock time, a fall-back hour is ambiguous.
        assume(not _repeated_wall_time(instant, ZoneInfo(key)))
    if style is iso_with_offset:
        instant = instant.replace(microsecond=0)
    text, ctx, stamp = style(instant, key)
    result = find_timestamp(text, ctx)
    assert isinstance(result, ParsedTime), (text, result)
    assert result.utc == instant, text
    assert text[result.start : result.end] == stamp
    assert result.zone_note is None, text


# --- durations ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4h 12m", timedelta(hours=4, minutes=12)),
        ("4h12m", timedelta(hours=4, minutes=12)),
        ("1d 5h 47m", timedelta(days=1, hours=5, minutes=47)),
        ("35 minutes", timedelta(minutes=35)),
        ("2 hours", timedelta(hours=2)),
        ("1 hour 5 minutes", timedelta(hours=1, minutes=5)),
        ("1 hour, 5 minutes", timedelta(hours=1, minutes=5)),
        ("1 hour and 5 minutes", timedelta(hours=1, minutes=5)),
        ("90 min", timedelta(minutes=90)),
        ("1.5 hours", timedelta(minutes=90)),
        ("PT4H12M", timedelta(hours=4, minutes=12)),
        ("P1DT2H", timedelta(days=1, hours=2)),
        ("PT0.5H", timedelta(minutes=30)),
        ("~45m", timedelta(minutes=45)),
        ("45 mins (approx.)", timedelta(minutes=45)),
        ("00:45", timedelta(minutes=45)),
        ("1:02:03", timedelta(hours=1, minutes=2, seconds=3)),
        ("1h30", timedelta(minutes=90)),
        ("an hour", timedelta(hours=1)),
        ("**12 minutes**", timedelta(minutes=12)),
        ("`PT4H`", timedelta(hours=4)),
        ("12 minutes (alert at 14:05 to page at 14:17)", timedelta(minutes=12)),
        ("< 5 min", timedelta(minutes=5)),
        ("30s", timedelta(seconds=30)),
        ("2 weeks", timedelta(weeks=2)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    result = parse_duration(text)
    assert isinstance(result, ParsedDuration), result
    assert result == expected


def test_approximate_and_bound_markers_are_kept() -> None:
    approx = parse_duration("~45m")
    assert isinstance(approx, ParsedDuration) and approx.approximate
    bound = parse_duration("< 5 min")
    assert isinstance(bound, ParsedDuration) and bound.bound == "<"
    exact = parse_duration("45m")
    assert isinstance(exact, ParsedDuration) and not exact.approximate and exact.bound is None


@pytest.mark.parametrize("text", ["?", "TBD", "unknown", "N/A", "n/a", "[TBD]", "Unknown", "—"])
def test_unknown_durations(text: str) -> None:
    assert parse_duration(text) == DurationUnknown(text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("4h 12", "without a unit"),
        ("12m 4h", "out of order"),
        ("4 hours 4 hours", "repeats a unit"),
        ("-5m", "negative"),
        ("30-45 min", "range"),
        ("PT", "ISO 8601"),
        ("P1DT", "ISO 8601"),
        ("P1M", "ISO 8601"),
        ("45:99", "minutes and seconds run 00"),
        ("[X minutes]", "template placeholder"),
        ("X min", "template placeholder"),
        ("4x", "unknown unit `x`"),
        ("4 months", "unknown unit `months`"),
        ("99999999 days", "longer than"),
        ("12 minutes later we paged", "unexpected"),
    ],
)
def test_malformed_durations(text: str, words: str) -> None:
    result = parse_duration(text)
    assert isinstance(result, DurationError), result
    assert words in result.message
    assert "expected" in result.message


@pytest.mark.parametrize("text", ["", "  ", "see timeline", "a while", "not applicable here"])
def test_text_without_a_duration(text: str) -> None:
    assert parse_duration(text) is None


def _stated(text: str) -> ParsedDuration:
    result = parse_duration(text)
    assert isinstance(result, ParsedDuration)
    return result


@pytest.mark.parametrize(
    ("stated", "candidate", "agrees"),
    [
        ("2 hours", timedelta(hours=1, minutes=55), True),
        ("2 hours", timedelta(hours=2, minutes=5), True),
        ("2 hours", timedelta(hours=1, minutes=50), False),
        ("2h 0m", timedelta(hours=1, minutes=58), True),  # 2 % of 2h is 2.4 min
        ("2h 0m", timedelta(hours=1, minutes=55), False),
        ("12 minutes", timedelta(minutes=13), True),
        ("12 minutes", timedelta(minutes=14), False),
        ("~45m", timedelta(minutes=50), True),
        ("~45m", timedelta(minutes=52), False),
        ("1 day", timedelta(hours=23), True),
        ("< 5 min", timedelta(minutes=2), True),
        ("< 5 min", timedelta(minutes=9), False),
        ("> 1 hour", timedelta(hours=3), True),
        ("> 1 hour", timedelta(minutes=30), False),
    ],
)
def test_durations_match_with_default_tolerance(
    stated: str, candidate: timedelta, agrees: bool
) -> None:
    assert durations_match(_stated(stated), [candidate]) is agrees


def test_durations_match_any_candidate_and_explicit_tolerance() -> None:
    stated = _stated("4h 12m")
    assert durations_match(stated, [timedelta(hours=1), timedelta(hours=4, minutes=13)])
    assert not durations_match(stated, [])
    assert not durations_match(stated, [timedelta(hours=4, minutes=13)], timedelta(0))
    assert durations_match(timedelta(minutes=10), [timedelta(minutes=11)])
    assert duration_tolerance(timedelta(minutes=10)) == timedelta(minutes=1)


def test_stated_duration_survives_pickling() -> None:
    stated = _stated("~45m")
    copy = pickle.loads(pickle.dumps(stated))
    assert copy == stated and copy.approximate and copy.unit == timedelta(minutes=1)


# --- round trips for durations ------------------------------------------------------

DurationStyle = Callable[[timedelta], str]


def _parts(value: timedelta) -> tuple[int, int, int, int]:
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return value.days, hours, minutes, seconds


def compact(value: timedelta) -> str:
    names = ("d", "h", "m", "s")
    text = " ".join(f"{n}{u}" for n, u in zip(_parts(value), names, strict=True) if n)
    return text or "0m"


def words(value: timedelta) -> str:
    names = ("day", "hour", "minute", "second")
    pieces = [
        f"{n} {u}{'' if n == 1 else 's'}" for n, u in zip(_parts(value), names, strict=True) if n
    ]
    if not pieces:
        return "0 minutes"
    if len(pieces) == 1:
        return pieces[0]
    return ", ".join(pieces[:-1]) + " and " + pieces[-1]


def iso(value: timedelta) -> str:
    days, hours, minutes, seconds = _parts(value)
    clock = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    text = "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")
    return text if text != "P" else "PT0S"


def clock(value: timedelta) -> str:
    total = int(value.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


def approx_compact(value: timedelta) -> str:
    return f"~{compact(value)}"


def total_minutes(value: timedelta) -> str:
    return f"{int(value.total_seconds()) // 60} min"


DURATION_STYLES: list[DurationStyle] = [compact, words, iso, clock, approx_compact]

durations = st.builds(
    timedelta,
    days=st.integers(0, 40),
    hours=st.integers(0, 23),
    minutes=st.integers(0, 59),
    seconds=st.integers(0, 59) | st.just(0),
)


@given(value=durations, style=st.sampled_from(DURATION_STYLES))
def test_formatted_durations_parse_back(value: timedelta, style: DurationStyle) -> None:
    text = style(value)
    result = parse_duration(text)
    assert isinstance(result, ParsedDuration), (text, result)
    assert result == value, text
    assert durations_match(result, [value])


@given(minutes=st.integers(0, 100_000))
def test_whole_minutes_parse_back(minutes: int) -> None:
    assert parse_duration(total_minutes(timedelta(minutes=minutes))) == timedelta(minutes=minutes)


@given(quarters=st.integers(1, 400))
def test_fractional_hours_parse_back(quarters: int) -> None:
    text = f"{quarters / 4:g} hours"
    assert parse_duration(text) == timedelta(minutes=15 * quarters)


def test_fixed_zone_objects_are_plain_timezones() -> None:
    # Callers may compare zones: a fixed abbreviation is a datetime.timezone.
    zone = parsed("10:00 PDT").zone
    assert isinstance(zone, timezone) and zone.tzname(None) == "PDT"


def test_prose_spans_read_the_sentence_forms_teams_write() -> None:
    from aoslint.timeline.prose import find_prose_spans

    lines = [
        "An outage lasting 2 hours and 5 minutes, from 13:40 to 15:45 UTC.",
        "Down from 11:50 pm until 12:30 am PST (40 minutes).",
        "```",
        "lasting 9 hours, from 01:00 to 02:00",
        "```",
        "We met for an hour to plan the fix.",
    ]
    found = list(find_prose_spans(lines, frozenset({3, 4, 5})))
    assert [(f.line, f.text, f.span) for f in found] == [
        (1, "2 hours and 5 minutes", timedelta(hours=2, minutes=5)),
        (2, "40 minutes", timedelta(minutes=40)),
    ]
@pytest.mark.parametrize(("title", "zone"), [
    ("Timeline (UTC)", "UTC"), ("Full timeline of the response (UTC)", "UTC"),
    ("Timeline [UTC]", "UTC"), ("Timeline, PST", "PST"), ("Timeline in UTC", "UTC"),
    ("Timeline (times in PST)", "PST"), ("Timeline (UTC, approximate)", "UTC"),
    ("Timeline (Europe/London)", "Europe/London"),
    ("Timeline (approximate)", None), ("Timeline - 2024-03-02", None),
    ("Timeline of the ET outage", None),
])
def test_a_timeline_heading_names_its_zone(title: str, zone: str | None) -> None:
    from aoslint.timeline.stamps import find_heading_zone

    found = find_heading_zone(title)
    assert (str(found) if found is not None else None) == zone
