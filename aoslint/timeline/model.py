"""The timeline model: events with absolute times, key events, and the spans they imply.

Checks and the dashboard read a :class:`Timeline`; :mod:`aoslint.timeline.extract`
builds it from a document. Durations between events are computed here, in UTC,
so every reader gets the same figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from aoslint.timeline.key_events import KINDS
from aoslint.timeline.labelled import LabelledDuration, within_window


class Event(msgspec.Struct, frozen=True):
    """One timeline row with its absolute time (aware, or naive without any zone)."""

    text: str
    at: dt.datetime | None
    line: int
    column: int
    kind: str | None
    source: str  # "bullet", "table", "line" or "front-matter"
    date_from_context: bool = False
    rolled_over: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text, "at": self.at.isoformat() if self.at else None,
            "line": self.line, "column": self.column, "kind": self.kind, "source": self.source,
        }
        if self.date_from_context:
            data["date_from_context"] = True
        if self.rolled_over:
            data["rolled_over"] = "next day: the row's time is earlier than the row before"
        return data


class TimeProblem(msgspec.Struct, frozen=True):
    """A row whose timestamp could not be read, at its line and column."""

    line: int
    column: int
    found: str
    message: str
    typo: bool = False  # readable, but a year or a month off from the rows around it
    undated: bool = False  # a clock time with no date anywhere: readable, not placeable


class Timeline(msgspec.Struct, frozen=True):
    """Events in document order, the key events, and what could not be read."""

    events: tuple[Event, ...] = ()
    problems: tuple[TimeProblem, ...] = ()
    stated: tuple[LabelledDuration, ...] = ()
    has_zone: bool = False
    section_line: int | None = None
    key: dict[str, Event] = msgspec.field(default_factory=dict)
    last_resolved: Event | None = None
    occurred_is_first_event: bool = False
    newest_first: bool = False  # the rows run backwards in time, as status pages list updates

    def span(self, start: str, end: str, *, last: bool = False) -> dt.timedelta | None:
        """Time between two key events, if both are known."""
        first = self.key.get(start)
        second = self.last_resolved if (last and end == "resolved") else self.key.get(end)
        if first is None or second is None or first.at is None or second.at is None:
            return None
        return instant(second.at) - instant(first.at)

    def computed(self) -> dict[str, dt.timedelta | None]:
        return {
            "time_to_detect": self.span("occurred", "detected"),
            "time_to_mitigate": self.span("occurred", "mitigated"),
            "time_to_resolve": self.span("occurred", "resolved"),
        }

    def candidates(self, kind: str, window: tuple[int, int, bool] | None = None,
                   ) -> list[tuple[str, dt.timedelta]]:
        """Every reasonable reading of a stated duration, named by the events it spans.

        With a daily ``window`` (a duration "during support hours 10:00-17:00")
        each reading counts only the time inside the window.
        """
        found = []
        for start, end, value in self.readings(kind):
            if window is not None:
                assert start.at is not None and end.at is not None
                clipped = within_window(start.at, end.at, window)
                if clipped is None:
                    continue
                value = clipped
            found.append((f"{_event_name(start)} → {_event_name(end)}", value))
        return found

    def readings(self, kind: str) -> list[tuple[Event, Event, dt.timedelta]]:
        """Every reasonable (start, end) pair of events for a stated duration's kind.

        Teams measure from the trigger, the first symptom, the detection or the
        declaration, and to the first mitigation, a repair or the full
        resolution. Detection may start at any row before the first detection
        (the trigger or a symptom); the rest may also start at any detection
        (an alert, a declaration); recovery, repair and resolution may end at
        the first mitigation as well as at a resolution, or at the timeline's
        last moment. Pairs run forwards only.
        """
        rows = [e for e in self.events if e.at is not None]
        by_kind = {k: [e for e in rows if e.kind == k] for k in KINDS}
        detections = by_kind["detected"]
        first = self.key.get("occurred")
        early: list[Event] = list(by_kind["occurred"])
        if first is not None and first.at is not None and first not in early:
            early.append(first)
        ends = detections if kind == "detect" else by_kind["mitigated"] + by_kind["resolved"]
        if not ends:
            return []
        if kind != "detect" and not by_kind["resolved"]:
            # The timeline's last moment ("back to normal", "queue drained") ends the
            # incident for many teams, whatever its words.
            dated = [e for e in rows if e.source != "front-matter"]
            last = max(dated, key=lambda e: instant(e.at)) if dated else None  # type: ignore[arg-type]
            if last is not None and last not in ends:
                ends = [*ends, last]
        # The trigger or the first symptom: any row before the first detection,
        # or, when nothing names a detection, before the first end. Events are
        # frozen, so a set answers "already a start?" as the list would, by value.
        limit = min(instant(e.at) for e in (detections or ends))  # type: ignore[arg-type]
        known = set(early)
        for e in rows:
            if instant(e.at) <= limit and e not in known and e.source != "front-matter":  # type: ignore[arg-type]
                early.append(e)
                known.add(e)
        starts = early if kind == "detect" else early + [e for e in detections
                                                          if e not in known]
        found: list[tuple[Event, Event, dt.timedelta]] = []
        seen: set[tuple[int, int]] = set()
        for start in starts:
            for end in ends:
                if start is end or (start.line, end.line) in seen:
                    continue
                value = instant(end.at) - instant(start.at)  # type: ignore[arg-type]
                if value >= dt.timedelta(0):
                    seen.add((start.line, end.line))
                    found.append((start, end, value))
        found.sort(key=lambda r: (instant(r[0].at), instant(r[1].at)))  # type: ignore[arg-type]
        return found

    def to_json(self) -> dict[str, Any]:
        def fmt(value: dt.timedelta | None) -> str | None:
            return format_duration(value) if value is not None else None

        return {
            "events": [e.to_json() for e in self.events],
            "has_zone": self.has_zone,
            "key_times": {k: (e.at.isoformat() if e.at else None) for k, e in self.key.items()},
            "occurred_is_first_event": self.occurred_is_first_event,
            "computed": {k: fmt(v) for k, v in self.computed().items()},
            "stated": [{"kind": s.kind, "label": s.label, "text": s.text,
                        "value": fmt(s.value), "line": s.line} for s in self.stated],
        }


def _event_name(event: Event) -> str:
    """An event as a message names it: its kind (or its first words) and its line."""
    words = event.kind or " ".join(event.text.split()[:3]) or "row"
    return f"{words} (line {event.line})"


def instant(value: dt.datetime) -> dt.datetime:
    """Comparable instants in UTC; a naive time (no zone anywhere) is read as UTC.

    Converting matters: Python subtracts two datetimes that share one tzinfo
    by wall clock, which is an hour off across a DST change.
    """
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def format_duration(value: dt.timedelta) -> str:
    """``1d 5h 47m`` style, the way postmortems state durations."""
    sign = "-" if value < dt.timedelta(0) else ""
    minutes = int(abs(value).total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if mins or not parts:
        parts.append(f"{mins}m")
    return sign + " ".join(parts)
