"""Timestamps at the start of a timeline entry, zone statements and date lines.

Every regular expression here is anchored at a known position and uses only
bounded or non-overlapping quantifiers, so each call costs time linear in the
length of its input whatever that input is.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

import msgspec
from msgspec.structs import replace

from aoslint.lazyre import compile_lazily
from aoslint.timeline.zones import ZoneMatch, match_zone, zone_note

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "ParsedTime",
    "TimeContext",
    "TimeError",
    "find_date_in",
    "find_date_line",
    "find_timestamp",
    "find_zone_statement",
]

MIN_YEAR = 1970
"""Earliest year accepted in a date; anything older is taken for a typo."""
MAX_YEAR = 2199
"""Latest year accepted in a date; anything later is taken for a typo."""

EXPECTED_TIME = "expected HH:MM (24-hour) or H:MM AM/PM"
EXPECTED_DATE = "expected YYYY-MM-DD or a month name and day (Jan 14, 2025)"

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class TimeContext(msgspec.Struct, frozen=True):
    """What the surrounding document says about dates and zones.

    ``default_date`` comes from document metadata or the nearest preceding date
    line; ``default_year`` completes dates written without a year (falling back
    to ``default_date``'s year); ``zone`` is a zone stated once for the whole
    timeline. An explicit zone on a timestamp always wins over ``zone``.
    """

    default_date: date | None = None
    default_year: int | None = None
    zone: tzinfo | None = None

    @property
    def year(self) -> int | None:
        """The year for dates written without one."""
        if self.default_year is not None:
            return self.default_year
        return self.default_date.year if self.default_date is not None else None


class TimeError(msgspec.Struct, frozen=True):
    """Text that starts like a timestamp but is not one, with what was expected."""

    start: int
    end: int
    found: str
    message: str


class ParsedTime(msgspec.Struct, frozen=True):
    """A timestamp read from the start of an entry, and where its parts came from.

    ``value`` is aware when a zone is known (written, or from the context) and
    naive when none is known anywhere; it is None when no date is known (a
    time-only entry without a context date, or a month and day without any
    year). ``clock`` is the wall-clock time exactly as written. A range such as
    ``14:05\u201314:20 UTC`` also sets ``until_clock`` and ``until`` (on the next
    day when the end is earlier than the start); its zone applies to both ends.

    ``start``/``end`` delimit the timestamp in the caller's text, without
    surrounding Markdown; ``body_start`` is where the entry's own words begin.
    ``date_from_context`` means no date was written (time only), so the caller's
    midnight-rollover rule applies; ``year_from_context`` means a month and day
    were written without a year. ``zone_explicit`` tells a written zone from
    the context's; ``zone_text`` is the zone as written. ``ambiguous`` marks a
    wall time repeated by a DST fall-back (its first occurrence is used);
    ``approximate`` a leading ``~``. ``zone_note`` explains a season-specific
    abbreviation used out of season ("PDT" in January), for a warning.
    """

    value: datetime | None
    start: int
    end: int
    body_start: int
    clock: time
    day: date | None
    date_from_context: bool
    year_from_context: bool
    zone: tzinfo | None
    zone_explicit: bool
    zone_text: str | None = None
    ambiguous: bool = False
    approximate: bool = False
    zone_note: str | None = None
    until_clock: time | None = None
    until: datetime | None = None

    @property
    def naive(self) -> bool:
        """True when no zone is known anywhere, so the instant is only local."""
        return self.zone is None

    @property
    def utc(self) -> datetime | None:
        """The instant in UTC, when both a date and a zone are known."""
        if self.value is None or self.value.tzinfo is None:
            return None
        return self.value.astimezone(UTC)

    def next_day(self) -> ParsedTime:
        """The same wall-clock time one day later, for the midnight-rollover rule.

        Only meaningful when the date came from the context; the wall time is
        kept (not the elapsed 24 hours), so a DST change in between is honoured.
        Raises OverflowError after 9999-12-31.
        """
        if self.day is None:
            return self
        day = self.day + timedelta(days=1)
        value, ambiguous, _ = _localize(day, self.clock, self.zone)
        until = None
        if self.until_clock is not None:
            until = _localize(
                _until_day(day, self.clock, self.until_clock), self.until_clock, self.zone
            )[0]
        note = zone_note(self.zone, day, self.clock) if self.zone is not None else None
        return replace(self, day=day, value=value, ambiguous=ambiguous, zone_note=note, until=until)


class _Malformed(Exception):
    """Internal: the text attempts a timestamp and gets it wrong."""

    def __init__(self, start: int, end: int, found: str, message: str) -> None:
        super().__init__(message)
        self.error = TimeError(start, end, found, message)


class _DateParts(msgspec.Struct, frozen=True):
    year: int | None
    month: int
    day: int
    weekday: int | None
    start: int
    end: int


def _bad_time(text: str, start: int, end: int) -> _Malformed:
    found = text[start:end]
    return _Malformed(start, end, found, f"`{found}` is not a time; {EXPECTED_TIME}")


# --- regular expressions ----------------------------------------------------

_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?"
)
_ORDINAL = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:,?[ \t]{1,3}(?P<year>\d{4,6})(?![\d:]))?"
_WEEKDAY_RE = compile_lazily(
    r"(?P<wd>mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)(?![a-z])\.?,?[ \t]{1,3}",
    re.IGNORECASE,
)
_NUMERIC_DATE_RE = compile_lazily(
    r"(?P<a>\d{1,6})(?P<sep>[-/])(?P<b>\d{1,3})(?P=sep)(?P<c>\d{1,6})(?![\d])"
)
# A month and day without the year, only right before a clock ("[04-11 21:37]").
_MONTH_DAY_RE = compile_lazily(
    r"(?P<b>\d{1,2})-(?P<c>\d{1,2})(?=[ \tT]{1,3}\d{1,2}:\d{2}(?!\d))")
_MONTH_FIRST_RE = compile_lazily(
    _MONTH + r"[ \t]{1,3}(?P<day>\d{1,2})" + _ORDINAL + r"(?![\dA-Za-z])" + _YEAR,
    re.IGNORECASE,
)
_DAY_FIRST_RE = compile_lazily(
    r"(?P<day>\d{1,2})" + _ORDINAL + r"[ \t]{1,3}" + _MONTH + _YEAR, re.IGNORECASE
)
_AFTER_DATE_RE = compile_lazily(
    r"T(?=\d)|[ \t]{0,3}(?:,|@|at(?![A-Za-z])|-|\u2013|\u2014)?[ \t]{0,3}", re.IGNORECASE
)
_TIME_RE = compile_lazily(
    r"(?P<h>\d{1,4}):(?P<m>\d{1,4})(?::(?P<s>\d{1,4})(?:[.,](?P<f>\d{1,9}))?)?")
_AMPM_RE = compile_lazily(r"[ \t]{0,2}(?P<ap>[AaPp])\.?[ \t]?[Mm]\.?(?![A-Za-z])")
_HOUR_AMPM_RE = compile_lazily(r"(?P<h>\d{1,2})(?=[ \t]{0,2}[AaPp]\.?[ \t]?[Mm]\.?(?![A-Za-z]))")
_DOT_TIME_RE = compile_lazily(
    r"\d{1,2}\.\d{2}(?![\d%]|\.\d)")
_H_TIME_RE = compile_lazily(
    r"\d{1,2}[hH]\d{2}(?!\d)")
_DIGITS_RE = compile_lazily(r"\d{1,12}")
_HOURS_SUFFIX_RE = compile_lazily(r"(?:h|hrs|Uhr)(?![A-Za-z0-9])")
_DIGIT_SUFFIX_RE = compile_lazily(r"(?:Z|[hH]|hrs|HRS)(?![A-Za-z0-9])")
_SEPARATOR_RE = compile_lazily(r"[ \t]{0,3}(?:[:|,\-\u2013\u2014]|$)")
_Z_RE = compile_lazily(r"Z(?![A-Za-z0-9])")
_OFFSET_RE = compile_lazily(
    r"(?P<off>[+\-\u2212]\d{2}(?::?\d{2})?)(?!\d)"
    r"|[ \t]{1,2}(?P<spaced>[+\-\u2212]\d{2}:\d{2})(?!\d)"
)
_SPACES_RE = compile_lazily(r"[ \t]{0,3}")
_RANGE_RE = compile_lazily(
    r"[ \t]{0,2}(?:-|\u2013|\u2014)[ \t]{0,2}|[ \t]{1,2}(?:to|until)[ \t]{1,2}", re.IGNORECASE
)
_OPENERS_RE = compile_lazily(r"(?:(?:\*\*|__|[`*_\[~\u2248])[ \t]{0,2}){0,6}")
_CLOSERS_RE = compile_lazily(
    r"(?:[ \t]{0,2}(?:\*\*|__|[`*_\]]|:(?=[ \t]{0,2}(?:\*\*|__|[`*_\]]))))*")
_BODY_RE = compile_lazily(r"[ \t:|,.\-\u2013\u2014\]`*_]*")
_QUESTION_RE = compile_lazily(r"[?\uff1f][?\uff1f:. \t]{0,20}")
_BRACKET_RE = compile_lazily(r"\[(?P<inner>[^\]\n]{0,40})\](?!\()")
_PLACEHOLDER_RE = compile_lazily(
    r"(?i:yyyy-mm-dd(?:[ t]hh:mm(?::ss)?)?|hh:mm(?::ss)?|xx:xx(?::xx)?|h:mm)"
    r"(?:[ \t]?(?:UTC|Z|AM/PM|[A-Z]{2,4}))?(?![A-Za-z0-9])"
)
# A clock left unfilled: "--:--", "__:__", "??:??" (x's are _PLACEHOLDER_RE's).
_BLANK_TIME_RE = compile_lazily(r"[-_?]{1,2}:[-_?]{2}(?::[-_?]{2})?(?![\w:])")
_BRACKET_QUESTION_RE = compile_lazily(r"\?[?:. \t]*")
_BRACKET_WORDS_RE = compile_lazily(
    r"(?i:tbd|tbc|todo|time|timestamp|datetime|date|utc|time utc|timestamp utc|time \(utc\))"
)
# The characters that _RANGE_RE and _CLOSERS_RE can open with.
_RANGE_OPENERS = (" ", "\t", "-", "\u2013", "\u2014")
_CLOSER_OPENERS = (" ", "\t", "*", "_", "`", "]", ":")
_DATE_LETTERS = "adfjmnostwADFJMNOSTW"  # first letters of weekday and month names


# --- dates ------------------------------------------------------------------


def _month_number(name: str) -> int:
    return {n[:3].lower(): i for i, n in enumerate(_MONTH_NAMES, 1)}[name[:3].lower()]


def _weekday_number(name: str) -> int:
    return {n[:3].lower(): i for i, n in enumerate(_WEEKDAY_NAMES)}[name[:3].lower()]


# How an implausible year's message reads: the timeline finds these to name their neighbours.
IMPLAUSIBLE_YEAR = "is not a plausible date: year"


def _check_year(year_text: str, found: str, start: int, end: int) -> int:
    year = int(year_text)
    if len(year_text) != 4 or not MIN_YEAR <= year <= MAX_YEAR:
        raise _Malformed(
            start,
            end,
            found,
            f"`{found}` {IMPLAUSIBLE_YEAR} {year} is outside "
            f"{MIN_YEAR}\u2013{MAX_YEAR}; {EXPECTED_DATE}",
        )
    return year


def _check_date(year: int | None, month: int, day: int, found: str, start: int, end: int) -> None:
    if not 1 <= month <= 12:
        raise _Malformed(
            start, end, found, f"`{found}` is not a valid date: there is no month {month}"
        )
    try:
        date(year if year is not None else 2000, month, day)  # 2000 allows February 29
    except ValueError:
        where = _MONTH_NAMES[month - 1] + (f" {year}" if year is not None else "")
        raise _Malformed(
            start, end, found, f"`{found}` is not a valid date: {where} has no day {day}"
        ) from None


def _read_date(text: str, pos: int) -> _DateParts | None:
    """Read a date at ``pos``: ISO-style numbers or a month name and a day."""
    weekday: int | None = None
    start = pos
    first = text[pos : pos + 1]
    # Every date opens with a digit, a weekday or a month; under IGNORECASE a
    # non-ASCII letter (the long s) may stand for an ASCII one.
    if not first.isdecimal():
        if first.isascii() and first not in _DATE_LETTERS:
            return None
        wd = _WEEKDAY_RE.match(text, pos)
        if wd is not None:
            weekday = _weekday_number(wd.group("wd"))
            pos = wd.end()
            first = text[pos : pos + 1]
    m = _NUMERIC_DATE_RE.match(text, pos) if first.isdecimal() else None
    if m is not None:
        a, b, c = m.group("a", "b", "c")
        found = m.group(0)
        if len(a) >= 4:
            year = _check_year(a, found, start, m.end())
            if len(c) > 2:
                raise _Malformed(
                    start, m.end(), found, f"`{found}` is not a valid date; {EXPECTED_DATE}"
                )
            _check_date(year, int(b), int(c), found, start, m.end())
            return _DateParts(year, int(b), int(c), weekday, start, m.end())
        if len(c) == 4 and len(a) <= 2 and len(b) <= 2:
            raise _Malformed(
                start,
                m.end(),
                found,
                f"`{found}` does not say which number is the month; write YYYY-MM-DD",
            )
        if len(a) == 3:  # a year with a digit dropped: "202-03-18"
            _check_year(a, found, start, m.end())
        return None
    m = _MONTH_DAY_RE.match(text, pos) if first.isdecimal() else None
    if m is not None:
        found = m.group(0)
        _check_date(None, int(m.group("b")), int(m.group("c")), found, start, m.end())
        return _DateParts(None, int(m.group("b")), int(m.group("c")), weekday, start, m.end())
    # A month name opens with a letter, a day first with a digit.
    m = _DAY_FIRST_RE.match(text, pos) if first.isdecimal() else _MONTH_FIRST_RE.match(text, pos)
    if m is None:
        return None
    found = text[start : m.end()]
    month = _month_number(m.group("mon"))
    day = int(m.group("day"))
    year_text = m.group("year")
    named_year = None if year_text is None else _check_year(year_text, found, start, m.end())
    _check_date(named_year, month, day, found, start, m.end())
    return _DateParts(named_year, month, day, weekday, start, m.end())


def _check_weekday(parts: _DateParts, day: date, text: str) -> None:
    if parts.weekday is not None and day.weekday() != parts.weekday:
        found = text[parts.start : parts.end]
        raise _Malformed(
            parts.start,
            parts.end,
            found,
            f"`{found}` names the wrong weekday: {day.isoformat()} is a "
            f"{_WEEKDAY_NAMES[day.weekday()]}",
        )


# --- times ------------------------------------------------------------------


def _ampm_hour(hour: int, ap: str, found: str, start: int, end: int) -> int:
    if not 1 <= hour <= 12:
        raise _Malformed(
            start,
            end,
            found,
            f"`{found}` mixes 24-hour and AM/PM: with AM/PM the hour runs 1\u201312; "
            f"{EXPECTED_TIME}",
        )
    base = hour % 12
    return base + 12 if ap in "Pp" else base


def _read_time(text: str, pos: int, *, after_date: bool) -> tuple[time, int] | None:
    """Read a clock time at ``pos``; raise when it is an attempt gone wrong."""
    if not text[pos : pos + 1].isdecimal():
        return None  # every shape below opens with a digit
    m = _TIME_RE.match(text, pos)
    if m is not None:
        end = m.end()
        h, mi, s, f = m.group("h", "m", "s", "f")
        ap = _AMPM_RE.match(text, end)
        if ap is not None:
            end = ap.end()
        else:
            if text.startswith(("h", "U"), end):  # "14:05h", as some Europeans write
                suffix = _HOURS_SUFFIX_RE.match(text, end)
                end = suffix.end() if suffix is not None else end
        found = text[pos:end].rstrip()
        if end < len(text) and text[end].isdigit():
            digits = _DIGITS_RE.match(text, end)
            raise _bad_time(text, pos, digits.end() if digits is not None else end)
        if len(h) > 2 or len(mi) != 2 or (s is not None and len(s) != 2):
            raise _bad_time(text, pos, end)
        hour, minute, second = int(h), int(mi), int(s or 0)
        problems = []
        if hour > 23 and ap is None:
            problems.append(f"hour {hour}")
        if minute > 59:
            problems.append(f"minute {minute}")
        if second > 59:
            problems.append(f"second {second}")
        if problems:
            verb = "is" if len(problems) == 1 else "are"
            hint = " (write 00:00 of the next day)" if hour == 24 and minute == 0 else ""
            raise _Malformed(
                pos,
                end,
                found,
                f"`{found}` is not a valid time: {' and '.join(problems)} {verb} out of range"
                f"{hint}; {EXPECTED_TIME}",
            )
        if ap is not None:
            hour = _ampm_hour(hour, ap.group("ap"), found, pos, end)
        micro = int((f or "0")[:6].ljust(6, "0"))
        return time(hour, minute, second, micro), end
    m = _HOUR_AMPM_RE.match(text, pos)
    if m is not None:
        ap = _AMPM_RE.match(text, m.end())
        assert ap is not None  # guaranteed by the lookahead
        found = text[pos : ap.end()]
        hour = _ampm_hour(int(m.group("h")), ap.group("ap"), found, pos, ap.end())
        return time(hour), ap.end()
    for shape in (_DOT_TIME_RE, _H_TIME_RE):
        m = shape.match(text, pos)
        if m is not None and (after_date or _looks_like_dotted_time(text, m)):
            ap = _AMPM_RE.match(text, m.end())
            raise _bad_time(text, pos, ap.end() if ap is not None else m.end())
    m = _DIGITS_RE.match(text, pos)
    if m is not None and (after_date or _looks_like_bare_time(text, m.end(), len(m.group(0)))):
        end = m.end()
        suffix = _DIGIT_SUFFIX_RE.match(text, end)
        raise _bad_time(text, pos, suffix.end() if suffix is not None else end)
    return None


def _looks_like_dotted_time(text: str, m: re.Match[str]) -> bool:
    """Whether ``15.26`` or ``9h30`` opening an entry was meant as a time.

    A two-digit hour with valid minutes always is; a one-digit hour only when a
    separator, zone or AM/PM follows, so "2.10 release rolled out" stays prose.
    """
    hour, minute = (int(n) for n in re.split(r"[.hH]", m.group(0)))
    if hour > 23 or minute > 59:
        return False
    if hour >= 10 or m.group(0).startswith("0"):
        return True
    end = m.end()
    if _AMPM_RE.match(text, end) or _SEPARATOR_RE.match(text, end):
        return True
    spaced = _SPACES_RE.match(text, end)
    return spaced is not None and match_zone(text, spaced.end()) is not None


def _looks_like_bare_time(text: str, end: int, ndigits: int) -> bool:
    """Whether a run of digits opening an entry was meant as a time (``1600 UTC``)."""
    if ndigits not in (3, 4) or (end < len(text) and text[end] in ".%"):
        return False
    if _DIGIT_SUFFIX_RE.match(text, end) or _AMPM_RE.match(text, end):
        return True
    spaced = _SPACES_RE.match(text, end)
    after = spaced.end() if spaced is not None else end
    if match_zone(text, after) is not None:
        return True
    return ndigits == 4 and _SEPARATOR_RE.match(text, end) is not None


# --- zones and local times ---------------------------------------------------


def _read_zone(text: str, pos: int, *, negative_offsets: bool) -> ZoneMatch | None:
    """Read a zone written right after a time: Z, an offset, or a name.

    ``-07:00`` right after ``08:00`` is only an offset in ISO-style text (a
    date with ``T`` or with seconds); otherwise ``14:05-14:20`` is a range.
    """
    first = text[pos : pos + 1]
    if first == "Z":
        z = _Z_RE.match(text, pos)
        if z is not None:
            return ZoneMatch(UTC, "Z", z.start(), z.end())
    m = _OFFSET_RE.match(text, pos) if first and first in " \t+-\u2212" else None
    if m is not None and not negative_offsets and m.group(0).lstrip()[0] != "+":
        m = None
    if m is not None:
        group = "off" if m.group("off") is not None else "spaced"
        off = m.group(group).replace("\u2212", "-")
        sign = -1 if off[0] == "-" else 1
        digits = off[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        if hours > 14 or minutes > 59:
            raise _Malformed(
                m.start(group),
                m.end(),
                off,
                f"`{off}` is not a UTC offset; expected +HH:MM between -14:00 and +14:00",
            )
        zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
        return ZoneMatch(zone, off, m.start(group), m.end())
    spaced = _SPACES_RE.match(text, pos)
    assert spaced is not None
    found = match_zone(text, spaced.end())
    if found is None:
        return None
    if found.zone is None:
        raise _Malformed(
            found.start,
            found.end,
            found.text,
            f"`{found.text}` is not a known time zone; expected an IANA name such as "
            "Europe/Berlin, UTC, or an abbreviation such as CET or PDT",
        )
    return found


def out_of_range(found: str, day: date) -> str:
    """The message for a time that the calendar (years 1 to 9999) cannot hold."""
    return (f"`{found}` on {day.isoformat()} is out of range: with its zone or the next "
            "day it falls outside the calendar (years 1 to 9999)")


def _until_day(day: date, clock: time, until_clock: time) -> date:
    """The day a range ends: the next one when its end is earlier than its start."""
    return day + timedelta(days=1) if until_clock < clock else day


def _localize(day: date, clock: time, zone: tzinfo | None) -> tuple[datetime, bool, bool]:
    """Attach ``zone`` to a wall-clock time: (value, ambiguous, nonexistent).

    A time repeated by a DST fall-back is taken at its first occurrence.
    """
    if zone is None:
        return datetime.combine(day, clock), False, False
    if type(zone) is timezone and 1 < day.year < 9999:
        # A fixed offset repeats and skips no wall time; away from the ends of
        # the calendar the round trip below cannot overflow either.
        return datetime.combine(day, clock, zone), False, False
    naive = datetime.combine(day, clock)
    value = naive.replace(tzinfo=zone)
    back = value.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    ambiguous = value.utcoffset() != value.replace(fold=1).utcoffset()
    return value, ambiguous and back == naive, back != naive


# --- the public functions ----------------------------------------------------


def find_timestamp(text: str, ctx: TimeContext) -> ParsedTime | TimeError | None:
    """Read the timestamp that opens a bullet or table cell.

    Returns None when the text does not start with anything timestamp-like,
    and a TimeError when it starts with an attempt that is malformed, so the
    caller can tell prose from a broken timeline entry.

    A season-specific abbreviation (PDT, CEST) is its fixed offset whatever the
    date, and ``zone_note`` says when it is used out of season; an IANA or
    generic name (``Europe/Berlin``, ``PT``, or CET stated for a whole timeline
    in ``ctx.zone``) follows daylight saving time for the timestamp's date.
    A local time skipped by a DST change is a TimeError.
    """
    try:
        return _find_timestamp(text, ctx)
    except _Malformed as exc:
        return exc.error


def _find_timestamp(text: str, ctx: TimeContext) -> ParsedTime | None:
    pos = len(text) - len(text.lstrip(" \t"))

    # Each pattern below is tried only where its first character is.
    bracket = _BRACKET_RE.match(text, pos) if text.startswith("[", pos) else None
    if bracket is not None:
        inner = bracket.group("inner").strip()
        found = bracket.group(0)
        if _BRACKET_QUESTION_RE.fullmatch(inner):
            raise _Malformed(pos, bracket.end(), found, f"`{found}` is not a time; {EXPECTED_TIME}")
        if _BRACKET_WORDS_RE.fullmatch(inner) or _PLACEHOLDER_RE.fullmatch(inner):
            raise _Malformed(
                pos,
                bracket.end(),
                found,
                f"`{found}` is a template placeholder that was never filled in; "
                "expected a real time such as 14:05 UTC",
            )

    approximate = False
    first = text[pos : pos + 1]
    if first and first in "*_`[~\u2248":
        openers = _OPENERS_RE.match(text, pos)
        assert openers is not None
        approximate = any(c in openers.group(0) for c in "~\u2248")
        pos = openers.end()
        first = text[pos : pos + 1]

    placeholder = _PLACEHOLDER_RE.match(text, pos) if first and first in "hHxXyY" else None
    if placeholder is not None:
        found = placeholder.group(0)
        raise _Malformed(
            pos,
            placeholder.end(),
            found,
            f"`{found}` is a template placeholder that was never filled in; "
            "expected a real time such as 14:05 UTC",
        )
    question = _QUESTION_RE.match(text, pos) if first and first in "?\uff1f" else None
    if question is not None:
        found = question.group(0).rstrip()
        raise _Malformed(pos, pos + len(found), found, f"`{found}` is not a time; {EXPECTED_TIME}")

    start = pos
    time_start = pos
    iso_like = False
    parts = _read_date(text, pos)
    if parts is not None:
        sep = _AFTER_DATE_RE.match(text, parts.end)
        assert sep is not None
        time_start = sep.end()
        iso_like = sep.group(0) == "T"
    blank = _BLANK_TIME_RE.match(text, time_start) if text[time_start : time_start + 1] in (
        "-", "_", "?") else None
    if blank is not None:
        found = text[start : blank.end()]
        raise _Malformed(start, blank.end(), found, f"`{found}` has its time left unfilled; "
                         "expected a real time such as 14:05 UTC")
    read = _read_time(text, time_start, after_date=parts is not None)
    if read is None:
        return None  # prose, or a date with no time (a date line, not a timestamp)
    clock, end = read
    iso_like = iso_like or (parts is not None and text.count(":", time_start, end) >= 2)

    zone_match = _read_zone(text, end, negative_offsets=iso_like)
    if zone_match is not None:
        end = zone_match.end
    until_clock: time | None = None
    dash = _RANGE_RE.match(text, end) if text.startswith(_RANGE_OPENERS, end) else None
    if dash is not None:
        try:
            second = _read_time(text, dash.end(), after_date=False)
        except _Malformed:
            second = None  # not a range end after all; leave it to the entry's text
        if second is not None:
            until_clock, end = second
            end_zone = _read_zone(text, end, negative_offsets=False)
            if end_zone is not None:
                end = end_zone.end
                zone_match = zone_match or end_zone
    if zone_match is None and end < len(text) and text[end].isalnum():
        stop = end
        while stop < len(text) and stop - end < 12 and text[stop].isalnum():
            stop += 1
        found = text[start:stop]
        raise _Malformed(
            start,
            stop,
            found,
            f"`{found}` is not a time: unexpected `{text[end:stop]}` after it; {EXPECTED_TIME}",
        )
    after = end
    if text.startswith(_CLOSER_OPENERS, end):
        closers = _CLOSERS_RE.match(text, end)
        assert closers is not None
        after = closers.end()
    if zone_match is None and after > end:
        late = _read_zone(text, after, negative_offsets=False)
        if late is not None:
            zone_match = late
            end = late.end
            after = late.end
    body = _BODY_RE.match(text, after)
    assert body is not None

    zone = zone_match.zone if zone_match is not None else ctx.zone
    year_from_context = False
    date_from_context = parts is None
    day: date | None
    if parts is None:
        day = ctx.default_date
    else:
        year = parts.year
        if year is None:
            year_from_context = True
            year = ctx.year
        if year is None:
            day = None
        else:
            found = text[parts.start : parts.end]
            _check_date(year, parts.month, parts.day, found, parts.start, parts.end)
            day = date(year, parts.month, parts.day)
            _check_weekday(parts, day, text)

    value: datetime | None = None
    until: datetime | None = None
    ambiguous = False
    note: str | None = None
    if day is not None:
        try:
            value, ambiguous, missing = _localize(day, clock, zone)
            if until_clock is not None and not missing:
                until, _, missing = _localize(_until_day(day, clock, until_clock), until_clock,
                                              zone)
            note = zone_note(zone, day, clock) if zone is not None else None
        except OverflowError:  # 0001-01-01 east of UTC, 9999-12-31 west of it or past midnight
            found = text[start:end]
            raise _Malformed(start, end, found, out_of_range(found, day)) from None
        if missing:
            found = text[start:end]
            raise _Malformed(
                start,
                end,
                found,
                f"`{found}` does not exist in {zone}: on {day.isoformat()} the clocks "
                "skipped that hour for daylight saving time",
            )

    return ParsedTime(
        value=value,
        start=start,
        end=end,
        body_start=body.end(),
        clock=clock,
        day=day,
        date_from_context=date_from_context,
        year_from_context=year_from_context,
        zone=zone,
        zone_explicit=zone_match is not None,
        zone_text=zone_match.text if zone_match is not None else None,
        ambiguous=ambiguous,
        approximate=approximate,
        zone_note=note,
        until_clock=until_clock,
        until=until,
    )


_STATEMENT_KEY_RE = compile_lazily(
    r"\b(?P<all>all[ \t]{1,3})?(?:times?|timestamps?|time[ \t]?zone|tz)\b", re.IGNORECASE
)
_FILLER_RE = compile_lazily(
    r"[ \t]{0,3}(?P<w>are|is|listed|shown|given|displayed|expressed|reported|recorded|below"
    r"|above|here|in|use|using|:|=)(?![A-Za-z])",
    re.IGNORECASE,
)


def find_zone_statement(text: str) -> tzinfo | None:
    """Find a zone stated once for a whole timeline ("All times in CET", "Time (UTC)").

    To keep prose such as "at the time ET was paged" out, a zone counts only
    after "all times", after a verb or colon ("times are in", "timezone:"), or in
    parentheses or brackets right after the word ("Time (UTC)").
    A lone "CET" here means Central European local time, DST included.
    """
    for key in _STATEMENT_KEY_RE.finditer(text):
        pos = key.end()
        fillers = 0
        while fillers < 6:
            filler = _FILLER_RE.match(text, pos)
            if filler is None:
                break
            pos = filler.end()
            fillers += 1
        spaced = _SPACES_RE.match(text, pos)
        assert spaced is not None
        zpos = spaced.end()
        found = match_zone(text, zpos, statement=True)
        if found is None or found.zone is None:
            continue
        bracketed = text[zpos] in "(["
        is_zone_word = "zone" in key.group(0).lower() or key.group(0).lower() == "tz"
        if key.group("all") or fillers or bracketed or is_zone_word:
            return found.zone
    return None


# Where a timeline heading names its zone: in brackets, or after "in", a comma or a dash
# at its end ("Timeline (UTC)", "Timeline [all times PST]", "Timeline, UTC").
_HEADING_ZONE_RE = compile_lazily(
    r"[(\[][ \t]*(?:(?:all[ \t]+)?times?[ \t]+(?:are[ \t]+)?(?:in[ \t]+)?)?"
    r"|(?:\bin|,|[-\u2013\u2014])[ \t]+(?=\S+[ \t]*$)", re.IGNORECASE)


def find_heading_zone(title: str) -> tzinfo | None:
    """A zone a timeline's heading names ("Timeline (UTC)"), else ``find_zone_statement``."""
    for place in _HEADING_ZONE_RE.finditer(title):
        found = match_zone(title, place.end(), statement=True)
        if found is not None and found.zone is not None:
            rest = title[found.end:].lstrip()
            if not rest or rest[0] in ")],;":
                return found.zone
    return find_zone_statement(title)


_LINE_PREFIX_RE = compile_lazily(r"[ \t]{0,3}(?:#{1,6}[ \t]+|[-*+][ \t]+|\d{1,3}[.)][ \t]+)?")
_WRAPPERS = ("**", "__", "*", "_", "`")
_WEEKDAY_NOTE_RE = compile_lazily(r"\((?:" + "|".join(_WEEKDAY_NAMES) + r")\)", re.IGNORECASE)


def find_date_line(text: str, default_year: int | None) -> date | None:
    """Read a line or heading that is only a date, setting the date of following rows.

    Markup (heading hashes, list markers, emphasis, a trailing colon) is
    ignored; a weekday name is allowed but not checked, and so is a zone
    statement in parentheses ("2015-10-21 (all times UTC)", read it with
    :func:`find_zone_statement`). A date without a year takes ``default_year``,
    and without one gives None.
    """
    prefix = _LINE_PREFIX_RE.match(text)
    assert prefix is not None
    body = text[prefix.end() :]
    if len(body) > 80:
        return None
    body = body.strip().rstrip("#").strip().rstrip(":").strip()
    for _ in range(3):
        for wrapper in _WRAPPERS:
            if len(body) > 2 * len(wrapper) and body.startswith(wrapper) and body.endswith(wrapper):
                body = body[len(wrapper) : -len(wrapper)].strip().rstrip(":").strip()
    try:
        parts = _read_date(body, 0)
    except _Malformed:
        return None
    if parts is None:
        return None
    rest = body[parts.end :].strip()
    zone_note_ok = rest.startswith("(") and find_zone_statement(rest) is not None
    if rest and not (_WEEKDAY_NOTE_RE.fullmatch(rest) or zone_note_ok):
        return None
    year = parts.year if parts.year is not None else default_year
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, parts.month, parts.day)
    except ValueError:
        return None


# Where a date may start inside a title or a zone line: a four-digit year, or
# a month name after a word boundary, or a day number before a month name.
_DATE_START_RE = compile_lazily(
    r"(?<![\w/.-])(?:\d{4}-\d{1,2}-\d{1,2}(?!\d)"
    r"|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}\.?,?[ \t]"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?[ \t]{1,3}\d"
    r"|\d{1,2}(?:st|nd|rd|th)?[ \t]{1,3}(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))",
    re.IGNORECASE,
)
# The rest of a day range after its first day: "May 4-6, 2023" -> ", 2023".
_RANGE_YEAR_RE = compile_lazily(
    r"[ \t]{0,2}(?:-|\u2013|\u2014|to)[ \t]{0,2}\d{1,2}(?:st|nd|rd|th)?,?[ \t]{1,3}"
    r"(?P<year>\d{4})(?!\d)",
    re.IGNORECASE,
)


def find_date_in(text: str, default_year: int | None) -> date | None:
    """The first date written anywhere in a short title, heading or zone line.

    "Checkout outage - March 3, 2024", "All times in PST, on March 9th 2020",
    "Timeline May 4-6, 2023" (a range gives its first day). A date without a
    year takes ``default_year``; malformed dates are skipped, not reported.
    """
    if len(text) > 300:
        return None
    for candidate in _DATE_START_RE.finditer(text):
        try:
            parts = _read_date(text, candidate.start())
        except _Malformed:
            continue
        if parts is None:
            continue
        year = parts.year
        if year is None:
            ranged = _RANGE_YEAR_RE.match(text, parts.end)
            year = int(ranged.group("year")) if ranged is not None else default_year
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            continue
        try:
            return date(year, parts.month, parts.day)
        except ValueError:
            continue
    return None
