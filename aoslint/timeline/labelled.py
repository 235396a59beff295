"""Durations a document states under a label: ``**Time to detect**: 7 minutes``.

Bold or plain, in bullets or table rows; the labels each kind answers to
(time to detect, MTTR, total downtime) are listed here. A duration counted only
within part of the day ("during support hours 10:00-17:00") keeps that window.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import TYPE_CHECKING

import msgspec

from aoslint.document.normalize import normalize_title, strip_inline_markup
from aoslint.document.placeholders import find_placeholders
from aoslint.lazyre import compile_lazily
from aoslint.timeline.durations import DurationError, DurationUnknown, parse_duration

if TYPE_CHECKING:
    from aoslint.document.parse import ParsedDocument

_ZERO = compile_lazily(r"0+(?:\.0+)?\s*[a-z]*", re.IGNORECASE)
# A duration counted only within part of the day or week, not by the wall clock:
# "5h (during support hours 10:00-17:00)", "2 business days".
_SCOPED = compile_lazily(
    r"\b(?:support|business|working|office|core|staffed|on-?call) (?:hours?|days?)\b|"
    r"\bwork(?:ing)? ?days?\b|\bin[- ]hours\b", re.IGNORECASE)
# The window such a scope names: "10:00-17:00", "9 to 17:30"; "M-F" limits it to weekdays.
_WINDOW = compile_lazily(
    r"(?<![\d:])(?P<h1>[01]?\d|2[0-4])(?::(?P<m1>[0-5]\d))?[ \t]*(?:-|\u2013|\u2014|to)[ \t]*"
    r"(?P<h2>[01]?\d|2[0-4])(?::(?P<m2>[0-5]\d))?(?![\d:])")
_WEEKDAYS = compile_lazily(
    r"\b(?:m-f|mon(?:day)?[ \t]*(?:-|\u2013|to)[ \t]*fri(?:day)?|weekdays?|business days?|"
    r"working days?|work ?days?)\b", re.IGNORECASE)
# Only the label is matched by the pattern; the value is the rest of the line,
# trimmed in Python (a lazy value group before optional trailing blanks
# backtracks cubically on long runs of spaces).
_DURATION_LABEL = compile_lazily(
    r"[ \t]*(?:[-*+][ \t]+)?(?:\|[ \t]*)?(?:\*\*|__)?(?P<label>[A-Za-z][A-Za-z /()&-]{1,60}?)"
    r"(?:(?:\*\*|__)[ \t]*:|:[ \t]*(?:\*\*|__)|[ \t]*:|[ \t]*\|)")
_DURATION_KINDS = {
    "detect": ("time to detect", "time to detection", "ttd", "mttd", "detection time"),
    "mitigate": ("time to mitigate", "time to mitigation", "ttm", "mttm",
                 "time to contain", "time to containment"),
    "resolve": ("time to repair", "time to recover", "time to recovery", "time to resolve",
                "time to resolution", "ttr", "mttr", "time to restore", "time to fix"),
    "downtime": ("total downtime unavailability", "total downtime", "downtime",
                 "unavailability", "duration", "incident duration", "outage duration",
                 "impact duration", "total duration", "length of impact", "outage length"),
}


class LabelledDuration(msgspec.Struct, frozen=True):
    """A duration stated under a label, e.g. ``**Time to detect**: 7 minutes``.

    Unlike the :class:`~aoslint.timeline.durations.ParsedDuration` it holds as
    ``value``, it knows its kind, label and line; ``value`` is None when the
    document says it is unknown or ``error`` says why it cannot be read.
    """

    kind: str
    label: str
    text: str
    value: dt.timedelta | None
    unknown: bool
    error: str | None
    line: int
    column: int
    comparable: bool = True  # False when scoped to part of the day ("during support hours")
    # The daily window a scoped duration counts ("support hours 10:00-17:00 M-F"):
    # (first minute, last minute, weekdays only); None when none is stated.
    window: tuple[int, int, bool] | None = None


def find_labelled_durations(parsed: ParsedDocument) -> list[LabelledDuration]:
    """``Label: value`` lines (bold or plain, bullets or table rows) that state a duration."""
    names = _duration_names()
    found = []
    code_lines = parsed.code_lines
    for number, line in enumerate(parsed.lines, start=1):
        if (":" not in line and "|" not in line) or number in code_lines:
            continue
        if not _may_name_duration(line.lower()):
            continue  # spare the pattern
        match = _DURATION_LABEL.match(line)
        if not match:
            continue
        label = strip_inline_markup(match.group("label"))
        kind = names.get(normalize_title(label))
        if kind is None:
            continue
        raw_value = line[match.end():].strip().strip("|").strip()
        text = strip_inline_markup(raw_value).strip(" |")
        if not text or _ZERO.fullmatch(text):
            continue  # nothing stated, or 0 (a degraded-only incident): nothing to compare
        parsed_value = parse_duration(text)
        column = line.find(raw_value, match.end()) + 1 if raw_value else match.end() + 1
        if parsed_value is None:
            continue
        if isinstance(parsed_value, DurationUnknown):
            found.append(LabelledDuration(kind, label, text, None, True, None, number, column))
        elif isinstance(parsed_value, DurationError):
            if not any(True for _ in find_placeholders(text)):
                found.append(LabelledDuration(kind, label, text, None, False,
                                            parsed_value.message, number, column))
        else:
            # Keep the parsed value itself: its unit and "approximate" flag set the tolerance.
            scope = _SCOPED.search(text)
            window = _scope_window(text[scope.start():]) if scope else None
            found.append(LabelledDuration(kind, label, text, parsed_value, False, None, number,
                                        column, scope is None or window is not None, window))
    return found


def _scope_window(scope: str) -> tuple[int, int, bool] | None:
    """The daily window a scoped duration states ("support hours 10:00-17:00 M-F")."""
    match = _WINDOW.search(scope)
    if match is None:
        return None
    first = int(match["h1"]) * 60 + int(match["m1"] or 0)
    last = int(match["h2"]) * 60 + int(match["m2"] or 0)
    if not first < last <= 24 * 60:
        return None
    return first, last, _WEEKDAYS.search(scope) is not None


def within_window(start: dt.datetime, end: dt.datetime,
                  window: tuple[int, int, bool]) -> dt.timedelta | None:
    """The part of start..end that falls in a daily window, by the start's wall clock.

    None for a span too long to count day by day (over a year).
    """
    if end.tzinfo is not None and start.tzinfo is not None:
        end = end.astimezone(start.tzinfo)
    start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    if end - start > dt.timedelta(days=366):
        return None
    first, last, weekdays = window
    total = dt.timedelta(0)
    day = start.date()
    while day <= end.date():
        if not (weekdays and day.weekday() >= 5):
            midnight = dt.datetime.combine(day, dt.time())
            opens = midnight + dt.timedelta(minutes=first)
            closes = midnight + dt.timedelta(minutes=last)
            overlap = min(end, closes) - max(start, opens)
            if overlap > dt.timedelta(0):
                total += overlap
        day += dt.timedelta(days=1)
    return total


def _may_name_duration(lower: str) -> bool:
    """Whether a lower-cased line holds a word that each duration name holds one of.

    A label's words are letter runs of its line: a line with none of them
    states no duration.
    """
    return ("time" in lower or "tt" in lower or "duration" in lower or "length" in lower
            or "unavailab" in lower)


@cache
def _duration_names() -> dict[str, str]:
    """Each normalised duration label and the kind of duration it names."""
    return {name: kind for kind, all_names in _DURATION_KINDS.items() for name in all_names}
