"""Figures of the dashboard: durations per incident, medians, counts per month.

A duration whose times are missing or unreadable is unknown (``None``): it is
left out of medians and shown as unknown, never counted as zero.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from aoslint.timeline.key_events import KINDS
from aoslint.timeline.model import Timeline, format_duration

# The report's three durations, each a span between the timeline's key events.
DURATIONS = {
    "time_to_detect": ("occurred", "detected"),
    "time_to_fix": ("detected", "resolved"),
    "time_to_resolve": ("occurred", "resolved"),
}


def stand_in_start(timeline: Timeline) -> bool:
    """The start is unknown: the first row stood in for it, and that row is another moment.

    (``- HH:MM UTC: Incident occurred.`` left unreadable, then ``09:40 Detected``:
    the detection is not the start, and a time to detect of 0 would be false.)
    """
    first = timeline.key.get("occurred")
    return (timeline.occurred_is_first_event and first is not None
            and first.kind not in (None, "occurred"))


def key_times(timeline: Timeline | None) -> dict[str, dt.datetime | None]:
    """When each key moment happened, as far as the timeline says."""
    found: dict[str, dt.datetime | None] = dict.fromkeys(KINDS)
    if timeline is not None:
        for kind in KINDS:
            event = timeline.key.get(kind)
            found[kind] = event.at if event is not None else None
        if stand_in_start(timeline):
            found["occurred"] = None
    return found


def durations(timeline: Timeline | None) -> dict[str, dt.timedelta | None]:
    """Each duration from the same key events and ``Timeline.span`` the checks use.

    Unknown (``None``) when either end is missing or unreadable, when the start
    was only stood in for, or when the times run backwards (AOS305 reports that).
    """
    found: dict[str, dt.timedelta | None] = dict.fromkeys(DURATIONS)
    if timeline is None:
        return found
    no_start = stand_in_start(timeline)
    for name, (start, end) in DURATIONS.items():
        span = None if start == "occurred" and no_start else timeline.span(start, end)
        found[name] = span if span is not None and span >= dt.timedelta(0) else None
    return found


def minutes(value: dt.timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 60, 1)


def shown(value: dt.timedelta | None) -> str:
    """A duration as text; ``unknown`` when it could not be computed."""
    return "unknown" if value is None else format_duration(value)


def median(values: Iterable[dt.timedelta | None]) -> dt.timedelta | None:
    """The median of the known values; ``None`` when none is known."""
    known = sorted(v for v in values if v is not None)
    if not known:
        return None
    middle = len(known) // 2
    return known[middle] if len(known) % 2 else (known[middle - 1] + known[middle]) / 2


def recent(items: Sequence[tuple[dt.date | None, dt.timedelta | None]], today: dt.date,
           days: int) -> dt.timedelta | None:
    """Median over the incidents that started in the last ``days`` days (undated: left out)."""
    since = today - dt.timedelta(days=days)
    return median(value for day, value in items if day is not None and since <= day <= today)


def per_month(items: Iterable[tuple[dt.date | None, str]]) -> dict[str, Counter[str]]:
    """Incidents per ``YYYY-MM`` and severity; undated incidents are not placed."""
    months: dict[str, Counter[str]] = {}
    for day, severity in items:
        if day is not None:
            months.setdefault(f"{day:%Y-%m}", Counter())[severity] += 1
    return dict(sorted(months.items()))
