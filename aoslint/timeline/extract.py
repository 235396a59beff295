"""Timeline extraction: a document's rows, read into events with absolute times.

Rows come from the Timeline section (bullets, tables, plain lines) and from
front matter fields such as ``started_at``. The date of a time-only row comes
from the nearest preceding date line or heading, else the document's Date or
Timestamp; a zone stated once ("All times in CET", ``| Time (UTC) |``) applies
to every row. Rows that cross midnight without a date line roll over to the
next day, and the model says so.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from msgspec.structs import replace

from aoslint.document.normalize import normalize_key, normalize_title, strip_inline_markup
from aoslint.document.parse import ParsedDocument, blocks_between, column_of
from aoslint.document.placeholders import find_placeholders
from aoslint.lazyre import compile_lazily
from aoslint.timeline.dates import metadata_date
from aoslint.timeline.key_events import classify
from aoslint.timeline.labelled import find_labelled_durations
from aoslint.timeline.model import Event, Timeline, TimeProblem, instant
from aoslint.timeline.stamps import (
    IMPLAUSIBLE_YEAR,
    ParsedTime,
    TimeContext,
    TimeError,
    find_date_in,
    find_date_line,
    find_heading_zone,
    find_timestamp,
    find_zone_statement,
    out_of_range,
    slash_order,
)

if TYPE_CHECKING:
    from aoslint.document.blockscan import BlockToken

ROLLOVER_GAP = dt.timedelta(hours=12)
_CLOCK = compile_lazily(r"\d{1,2}[:.]\d{2}")
# Several rows in one paragraph or table cell: "10:00 - deploy<br>10:05 - alert".
_BREAK = compile_lazily(r"<br[ \t]*/?>", re.IGNORECASE)
_ROW_SEPARATORS = " -:|\u2014\u2013"  # also em and en dashes between time and text
# A key-event line that names the event first and its moment after it:
# "Fault occurs 2020-02-25 07:32", "Repaired: 2021-03-02 1430".
_NAMED_STAMP = compile_lazily(
    r"(?:\*\*|__)?(?P<words>[A-Za-z][A-Za-z '/&-]{0,48}?)(?:\*\*|__)?[ \t]*[:\-\u2013\u2014]?"
    r"[ \t]+(?=\d{3,6}[-/]\d{1,2}[-/]\d{1,4}(?!\d))")

_FIELD_KINDS = {
    "started_at": "occurred", "occurred_at": "occurred", "start": "occurred",
    "began_at": "occurred", "impact_start": "occurred",
    "detected_at": "detected", "detection": "detected",
    "mitigated_at": "mitigated", "contained_at": "mitigated",
    "resolved_at": "resolved", "fixed_at": "resolved", "ended_at": "resolved",
    "recovered_at": "resolved", "impact_end": "resolved",
}
_TIME_HEADERS = ("time", "time utc", "timestamp", "date", "date time", "when", "date and time")


class _Builder:
    """Walks the timeline sections' tokens once, keeping the date and zone in force."""

    def __init__(self, parsed: ParsedDocument, base: dt.date | None, zone: dt.tzinfo | None,
                 day_first: bool | None = None):
        self.parsed = parsed
        self.day_first = day_first
        self.date = base
        self.year = base.year if base else None
        self.zone = zone
        self.day_offset = 0
        self.events: list[Event] = []
        self.problems: list[TimeProblem] = []
        self.previous: Event | None = None
        self.zone_stated = False
        self.undated_reported = False
        self._context = TimeContext(default_date=base, default_year=self.year, zone=zone,
                                    day_first=day_first)

    def context(self) -> TimeContext:
        """The date, year and zone in force, rebuilt only when one of them changed."""
        ctx = self._context
        if (ctx.default_date != self.date or ctx.default_year != self.year
                or ctx.zone is not self.zone):
            ctx = self._context = TimeContext(default_date=self.date, default_year=self.year,
                                              zone=self.zone, day_first=self.day_first)
        return ctx

    def set_date(self, day: dt.date) -> None:
        self.date, self.year, self.day_offset = day, day.year, 0

    def row(self, text: str, line: int, column: int, source: str, *, report: bool,
            heading: bool = False, stamp: ParsedTime | None = None) -> None:
        """One candidate row: a date line, a timestamped event, or a bad timestamp.

        A heading or a zone line may name the day anywhere in its text
        ("Timeline (all times UTC) May 4-6, 2023", "All times in PST, on
        March 9th 2020"); a prose line must be only a date. ``stamp`` is the
        row's timestamp when the caller has read it already, in this context.
        """
        stripped = text.strip()
        if not stripped:
            return
        # Cheap guards first: rows are many, zone statements and date lines are few.
        zone = find_zone_statement(stripped) if "time" in stripped.lower() else None
        day = None if _CLOCK.search(stripped) else find_date_line(stripped, self.year)
        if day is None and (heading or zone is not None) and not _CLOCK.match(stripped):
            day = find_date_in(stripped, self.year)
        if day is not None:
            self.set_date(day)
            if zone is not None:
                self.zone = zone
            return
        found = stamp if stamp is not None else find_timestamp(stripped, self.context())
        offset = column + (len(text) - len(text.lstrip()))
        if found is None and report:
            named = _NAMED_STAMP.match(stripped)
            if named is not None:
                self.named_row(stripped, named, line, offset)
                return
        if isinstance(found, TimeError):
            if report and not any(True for _ in find_placeholders(found.found)):
                self.problems.append(TimeProblem(line, offset + found.start, found.found,
                                                 found.message))
            return
        if found is None:
            if zone is not None:
                self.zone = zone
            return
        self.add(found, stripped[found.body_start:].strip(_ROW_SEPARATORS) or stripped, line,
                 offset + found.start, source)

    def named_row(self, stripped: str, named: re.Match[str], line: int, offset: int) -> None:
        """A key-event row whose moment follows the event's name; its stamp is read as a row's."""
        stamp = stripped[named.end():]
        found = find_timestamp(stamp, self.context())
        if isinstance(found, TimeError):
            self.problems.append(TimeProblem(line, offset + named.end() + found.start,
                                             found.found, found.message))
        elif isinstance(found, ParsedTime):
            after = stamp[found.body_start:].strip(_ROW_SEPARATORS)
            words = named.group("words").strip()
            self.add(found, f"{words} {after}".strip(), line, offset + named.end() + found.start,
                     "key-event")

    def add(self, found: ParsedTime, text: str, line: int, column: int, source: str) -> None:
        rolled = False
        if not found.date_from_context and found.day is not None and source != "front-matter":
            self.set_date(found.day)  # a fully dated row dates the time-only rows below it
        self.zone_stated = self.zone_stated or found.zone_explicit
        if found.value is None and not self.undated_reported:
            # A clock time with no date anywhere: one finding, not a cascade of
            # "no key event" and "no time zone" findings.
            self.undated_reported = True
            self.problems.append(TimeProblem(
                line, column, found.clock.strftime('%H:%M'),
                f"the time {found.clock.strftime('%H:%M')} has no date: give the document a "
                "Date: field (YYYY-MM-DD) or put a date line above the rows", undated=True))
        if found.date_from_context:
            try:
                for _ in range(self.day_offset):
                    found = found.next_day()
                previous = self.previous
                if (found.value is not None and previous is not None and previous.at is not None
                        and previous.date_from_context
                        and instant(previous.at) - instant(found.value) > ROLLOVER_GAP):
                    found = found.next_day()
                    self.day_offset += 1
                    rolled = True
            except OverflowError:  # the rows crossed midnight on 9999-12-31
                clock = found.clock.strftime('%H:%M')
                self.problems.append(TimeProblem(line, column, clock, out_of_range(
                    clock, found.day if found.day is not None else dt.date.max)))
                return
        plain = strip_inline_markup(text)
        event = Event(plain, found.value, line, column, classify(plain), source,
                      found.date_from_context, rolled)
        self.events.append(event)
        self.previous = event


def _walk_section(builder: _Builder, tokens: tuple[BlockToken, ...], start: int, end: int) -> None:
    parsed = builder.parsed
    for index, token, depth in blocks_between(tokens, start, end):
        assert token.map is not None
        begin = token.map[0] + 1
        if token.type == "heading_open":
            builder.row(tokens[index + 1].content, begin, 1, "line", report=False, heading=True)
        elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
            in_item = depth > 0
            lines = token.content.split("\n")
            for offset, text in enumerate(lines[:1] if in_item else lines):
                number = begin + offset
                pieces = _BREAK.split(text)
                for piece in pieces:
                    builder.row(piece, number, column_of(parsed.lines, number, piece),
                                "bullet" if in_item else "line",
                                report=in_item or len(pieces) > 1)
        elif token.type == "table_open":
            _walk_table(builder, tokens, index)  # its cells are read there, not as lines


def _walk_table(builder: _Builder, tokens: tuple[BlockToken, ...], index: int) -> None:
    """Rows of a ``| Time (UTC) | Event |`` table, with the date and zone in force."""
    parsed = builder.parsed
    header: list[str] = []
    position = index
    while tokens[position].type != "thead_close":
        if tokens[position].type == "inline":
            header.append(tokens[position].content)
        position += 1
    for cell in header:
        zone = find_zone_statement(cell)
        if zone is not None:
            builder.zone = zone
    names = [normalize_title(c) for c in header]
    # | Date | Time (UTC) | Event |: the date cell sets the day of the time cell.
    date_column = next((i for i, n in enumerate(names) if n in ("date", "day")), None)
    time_column = next((i for i, n in enumerate(names)
                        if n in _TIME_HEADERS and i != date_column), None)
    if time_column is None:
        time_column, date_column = (date_column if date_column is not None else 0), None
    while tokens[position].type != "table_close":
        token = tokens[position]
        if token.type == "tr_open" and token.map:
            cells: list[str] = []
            cursor = position + 1
            while tokens[cursor].type != "tr_close":
                if tokens[cursor].type == "inline":
                    cells.append(tokens[cursor].content)
                cursor += 1
            line = token.map[0] + 1
            if date_column is not None and date_column < len(cells):
                day = find_date_line(cells[date_column].strip(), builder.year)
                if day is not None:
                    builder.set_date(day)
            cell = cells[time_column] if time_column < len(cells) else ""
            stripped = cell.strip()
            if _break_rows(builder, cells, line, (time_column, date_column)):
                pass  # "10:00 - deploy<br>10:05 - alert" in one cell: read piece by piece
            elif stripped:
                rest = " ".join(c for i, c in enumerate(cells)
                                if i not in (time_column, date_column))
                column = parsed.lines[line - 1].find(stripped) + 1 or 1
                found = find_timestamp(stripped, builder.context())
                if isinstance(found, ParsedTime):
                    builder.add(found, rest or cell, line, column + found.start, "table")
                elif isinstance(found, TimeError):
                    if not any(True for _ in find_placeholders(found.found)):
                        builder.problems.append(TimeProblem(line, column + found.start,
                                                            found.found, found.message))
                elif found is None:
                    day = find_date_line(stripped, builder.year)
                    if day is not None:
                        builder.set_date(day)
            position = cursor
        position += 1


def _break_rows(builder: _Builder, cells: list[str], line: int,
                skip: tuple[int | None, int | None]) -> bool:
    """Rows joined by ``<br>`` in a table cell; False when the row has none.

    A cell counts when it splits into two or more pieces and its first piece
    opens with a timestamp; each piece is then a row of its own.
    """
    parsed = builder.parsed
    found = False
    for index, cell in enumerate(cells):
        if "<" not in cell or index == skip[1]:
            continue
        pieces = [p for p in _BREAK.split(cell) if p.strip()]
        if len(pieces) < 2:
            continue
        first = find_timestamp(pieces[0].strip(), builder.context())
        if not isinstance(first, ParsedTime):
            continue
        found = True
        for number, piece in enumerate(pieces):
            column = parsed.lines[line - 1].find(piece.strip()) + 1 or 1
            # The first piece was read just now, in the same context: not read twice.
            builder.row(piece, line, column, "table", report=True,
                        stamp=first if number == 0 else None)
    return found


def _written_date(parsed: ParsedDocument, metadata: dict[str, Any],
                  zone_line: str | None, timeline_start: int | None) -> dt.date | None:
    """The incident's day as the title, the zone line or the prose above the timeline
    writes it, when no field gives it.

    "Checkout outage - March 3, 2024", "All times in PST, on March 9th 2020",
    "On Thursday, March 2nd 2023, new users could not sign up".
    """
    for text in (parsed.title.title if parsed.title else None, metadata.get("title"), zone_line):
        if isinstance(text, str):
            found = find_date_in(text, None)
            if found is not None:
                return found
    for number in range(1, min(timeline_start or 1, len(parsed.lines) + 1)):
        if number not in parsed.code_lines:
            found = find_date_in(parsed.lines[number - 1], None)
            if found is not None:
                return found
    return None


def _zone_anywhere(parsed: ParsedDocument, ranges: list[tuple[int, int, str]],
                   ) -> tuple[dt.tzinfo | None, str | None]:
    """A zone stated once (in a timeline heading, a timeline line, or above the
    sections), and the text that states it."""
    for _, _, title in ranges:
        zone = find_heading_zone(title)
        if zone is not None:
            return zone, title
    lines: set[int] = set()
    for start, end, _ in ranges:
        lines.update(range(start, end + 1))
    lines.update(range(1, parsed.first_section_line))
    for number in sorted(lines):
        if number in parsed.code_lines or number > len(parsed.lines):
            continue
        text = parsed.lines[number - 1]
        if "time" in text.lower():
            zone = find_zone_statement(text.strip(" -*>|_"))
            if zone is not None:
                return zone, text
    return None, None


def extract_timeline(parsed: ParsedDocument, metadata: dict[str, Any],
                     sections: list[tuple[int, int, str]]) -> Timeline:
    """Build the timeline from ``(start_line, end_line, title)`` of the timeline sections."""
    zone, zone_line = _zone_anywhere(parsed, sections)
    base = metadata_date(metadata) or _written_date(parsed, metadata, zone_line,
                                                    sections[0][0] if sections else None)
    day_first = slash_order("\n".join(parsed.lines))
    builder = _Builder(parsed, base, zone, day_first)
    for start, end, title in sections:
        builder.row(title, start, 1, "line", report=False, heading=True)  # "Timeline (2025-01-14)"
        _walk_section(builder, parsed.tokens, start + 1, end)
    events, typos = _date_typos(builder.events)
    problems = _with_neighbours(builder.problems, events) + typos
    fm_events = _front_matter_events(parsed, builder)
    key = _key_events(events + fm_events)
    occurred_first = False
    dated = [e for e in events if e.at is not None]
    backwards = runs_backwards([e for e in dated if e.source != "key-event"])
    if "occurred" not in key and (dated or events):
        # The first row stands for the start (an undated one too: its time is
        # unknown, which the undated finding already says); listed newest
        # first, the last one does.
        key["occurred"] = (min(dated, key=lambda e: instant(e.at))  # type: ignore[arg-type]
                           if backwards else (dated or events)[0])
        occurred_first = True
    resolved = [e for e in events + fm_events if e.kind == "resolved" and e.at is not None]
    last_resolved = max(resolved, key=lambda e: instant(e.at)) if resolved else None  # type: ignore[arg-type]
    has_zone = zone is not None or builder.zone_stated or any(
        e.at is not None and e.at.tzinfo is not None for e in events + fm_events)
    return Timeline(
        events=tuple(events + fm_events),
        problems=tuple(sorted(problems, key=lambda p: (p.line, p.column))),
        stated=tuple(find_labelled_durations(parsed)), has_zone=has_zone,
        section_line=sections[0][0] if sections else None, key=key,
        last_resolved=last_resolved, occurred_is_first_event=occurred_first,
        newest_first=backwards)


def runs_backwards(rows: list[Event]) -> bool:
    """Whether dated rows run backwards: at least two steps back, over twice as many as forward.

    Status pages list their updates newest first; such a timeline is in order
    read bottom up, and a row out of it is one later than the row before.
    """
    back = forward = 0
    for earlier, later in pairwise(rows):
        step = instant(later.at) - instant(earlier.at)  # type: ignore[arg-type]
        back += step < dt.timedelta(0)
        forward += step > dt.timedelta(0)
    return back >= 2 and back > 2 * forward


_TYPO_SLACK = dt.timedelta(days=1)
_TYPO_GAP = dt.timedelta(days=7)


def _date_typos(events: list[Event]) -> tuple[list[Event], list[TimeProblem]]:
    """Rows dated a year or a month off from every other row: likely typos, set aside.

    A row counts when it is out of order with a neighbouring row, lies more
    than a week from every other row, and changing only its year or only its
    month to one the other rows use puts it inside their span. Such a row is
    reported once as a typo and left undated, so that the order and duration
    checks do not report the same slip again.
    """
    dated = [(index, e) for index, e in enumerate(events) if e.at is not None]
    if len(dated) < 3:
        return events, []
    result = list(events)
    problems: list[TimeProblem] = []
    ordered = sorted(instant(e.at) for _, e in dated)  # type: ignore[arg-type]
    for position, (index, event) in enumerate(dated):
        assert event.at is not None
        at = instant(event.at)
        # The others' span: the whole span, without this row when it is an end.
        low = ordered[1] if at == ordered[0] else ordered[0]
        high = ordered[-2] if at == ordered[-1] else ordered[-1]
        if low - _TYPO_GAP <= at <= high + _TYPO_GAP:
            continue
        others = [e.at for _, e in dated if e is not event and e.at is not None]
        before = dated[position - 1][1] if position > 0 else None
        after = dated[position + 1][1] if position + 1 < len(dated) else None
        if not ((before is not None and before.at is not None and at < instant(before.at))
                or (after is not None and after.at is not None and at > instant(after.at))):
            continue  # in order: an early trigger or a late follow-up, not a slip
        repaired = _repair(event.at, others, low - _TYPO_SLACK, high + _TYPO_SLACK)
        if repaired is None:
            continue
        unit = "year" if repaired.year != event.at.year else "month"
        around = ", ".join(f"{e.at.date().isoformat()} (line {e.line})"
                           for e in (before, after) if e is not None and e.at is not None)
        problems.append(TimeProblem(
            event.line, event.column, event.at.date().isoformat(),
            f"{event.at.strftime('%Y-%m-%d %H:%M')} is a {unit} off from the rows around it "
            f"({around}): likely a typo for {repaired.date().isoformat()}; the row is left "
            "out of the order and duration checks", typo=True))
        result[index] = replace(event, at=None)
    return result, problems


def _repair(at: dt.datetime, others: list[dt.datetime], low: dt.datetime,
            high: dt.datetime) -> dt.datetime | None:
    """``at`` with only its year or only its month changed to the others', inside low..high."""
    for field, values in (("year", {o.year for o in others}), ("month", {o.month for o in others})):
        for value in sorted(values):
            try:
                fixed = at.replace(year=value) if field == "year" else at.replace(month=value)
            except ValueError:  # February 29 in another year, day 31 in a shorter month
                continue
            if fixed != at and low <= instant(fixed) <= high:
                return fixed
    return None


def _with_neighbours(problems: list[TimeProblem], events: list[Event]) -> list[TimeProblem]:
    """An implausible year ("20211-03-18") names the dates of the rows around it."""
    dated = sorted((e for e in events if e.at is not None), key=lambda e: e.line)
    lines = [e.line for e in dated]
    found = []
    for problem in problems:
        if IMPLAUSIBLE_YEAR in problem.message and dated:
            cut = bisect.bisect_left(lines, problem.line)
            before = dated[max(cut - 1, 0):cut]
            after = dated[bisect.bisect_right(lines, problem.line):][:1]
            around = ", ".join(f"{e.at.date().isoformat()} (line {e.line})"  # type: ignore[union-attr]
                               for e in before + after)
            problem = replace(
                problem, message=f"{problem.message}; likely a typo: the rows around it are "
                f"dated {around}")
        found.append(problem)
    return found


def _front_matter_events(parsed: ParsedDocument, builder: _Builder) -> list[Event]:
    events = []
    for raw in parsed.fields:
        kind = _FIELD_KINDS.get(normalize_key(raw.key))
        if kind is None or not isinstance(raw.value, str):
            continue
        found = find_timestamp(raw.value, builder.context())
        if isinstance(found, ParsedTime):
            events.append(Event(f"{raw.raw_key}: {raw.value}", found.value, raw.line,
                                raw.column, kind, "front-matter", found.date_from_context))
        elif isinstance(found, TimeError):
            builder.problems.append(TimeProblem(raw.line, raw.column + found.start, found.found,
                                                found.message))
    return events


def _key_events(events: list[Event]) -> dict[str, Event]:
    """The earliest event of each kind; front matter fields count like rows."""
    key: dict[str, Event] = {}
    for event in events:
        if event.kind is None:
            continue
        current = key.get(event.kind)
        if current is None or (event.at is not None and (
                current.at is None or instant(event.at) < instant(current.at))):
            key[event.kind] = event  # an undated event still says the moment was recorded
    return key
