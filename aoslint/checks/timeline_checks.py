"""Timeline: readable timestamps, a zone, order, the three key events, stated durations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from aoslint.checks.context import CheckContext
from aoslint.diagnostics import Diagnostic, Severity
from aoslint.registry import Rule, rule
from aoslint.timeline.durations import duration_tolerance, durations_match
from aoslint.timeline.key_events import KINDS
from aoslint.timeline.model import Event, Timeline, format_duration, instant
from aoslint.timeline.prose import find_prose_spans

_POLICY_TIMELINE = """
Timeline: When it happened, when it was detected, when it was fixed.
(Incident Response & Postmortem Policy, 3)"""

TIMELINE_UNPARSEABLE = rule(
    "AOS301", "timeline-unparseable", "A timeline row's timestamp cannot be read.",
    explanation="""
Timeline rows start with a timestamp. aoslint reads the kit's `HH:MM UTC` (the
date from the document's Date or the nearest date line), ISO 8601, `YYYY-MM-DD
HH:MM`, 12-hour times and month names. A row that starts with something like a
time but is not one (`15.26`, `1600`, `25:61`, `?`) is reported at its column,
with what was expected; nothing computed from the timeline can use it. A row
dated a year or a month off from every other row, out of order with its
neighbours and back among them once only its year or month is changed
(`2020-06-09` among rows of `2021-06-09`), is reported here as a likely typo
naming the neighbours' dates, and left out of the order and duration checks,
which would otherwise report the same slip again. A clock time when no date
is given anywhere (no Date field, date line, dated row or date in the title)
is not malformed: it is reported once, as a warning, because the rows cannot
be placed in time and so their order and the stated durations go unchecked.""",
    example="- 15.26: cache node replaced",
    fix="Write the time as HH:MM (24-hour) with its zone, e.g. 15:26 UTC.",
    policy=_POLICY_TIMELINE,
)
TIMELINE_NO_TIMEZONE = rule(
    "AOS302", "timeline-no-timezone", "The timeline never says which time zone it uses.",
    severity=Severity.WARNING,
    explanation="""
Without a zone, `14:05` is a different instant for every reader, and the
durations computed from it cannot be compared with alerts or logs. State the
zone on each row (`14:05 UTC`), in a table header (`Time (UTC)`), in the
timeline's heading (`## Timeline (UTC)`), or once for the whole timeline ("All
times in CET").""",
    example="""
## Timeline
- 14:05 deploy
- 14:12 alert""",
    fix="Add the zone: '(all times UTC)' under the heading, or 'UTC' on each row.",
)
TIMELINE_ORDER = rule(
    "AOS303", "timeline-order", "A timeline row is earlier than the row before it.",
    explanation="""
Timeline rows read top to bottom in time. A row earlier than its predecessor is
usually a typo in the hour or the date. Key-event lines that name the event
before its moment ("Incident declared 2024-03-02 10:40") list the moments by
kind, not by time: their order is judged by key-event-order. A time-only row that is more than 12
hours earlier than the one before is read as the next day (a midnight
crossing), and `aoslint model` marks it `rolled_over`. A timeline listed
newest first (as status pages list their updates: at least two steps back in
time, and over twice as many steps back as forward) is read bottom up, and a
row later than the one before it is the one out of order.""",
    example="""
- 14:20 UTC: rollback started
- 14:02 UTC: alert fired""",
    fix="Correct the time, or move the row to where it belongs.",
)
KEY_EVENT_MISSING = rule(
    "AOS304", "key-event-missing", "The timeline lacks when it happened, was detected or fixed.",
    severity=Severity.WARNING,
    policy=_POLICY_TIMELINE,
    explanation="""
The policy's timeline records three moments: when the incident happened, when
it was detected, and when it was fixed. aoslint recognises them from the kit's
wording ("Incident occurred", "Detected via ...", "Fix deployed and verified"),
common public wording (start of impact, alert fired, paged, reported by a
user, incident declared, mitigated, rolled back, restored, service
operational, end of outage, all clear) and front matter fields (`started_at`,
`detected_at`, `resolved_at`); the vocabulary is data, in
`rules-schema/key-events.json`. The first row (the earliest, in a timeline
listed newest first) stands for the start only when no row names it.
A warning while the document is open, an error once it is closed; under the
generic profile (no closure gates, and wording the kit does not prescribe)
always a warning.""",
    example="""
- `14:05 UTC`: Incident occurred.
- `14:40 UTC`: Fix deployed and verified.     <- no detection""",
    fix="Add the missing moment to the timeline with its time.",
)
KEY_EVENT_ORDER = rule(
    "AOS305", "key-event-order", "Key events are out of order (happened, detected, fixed).",
    explanation="""
An incident is detected after it happens and fixed after it is detected (and
mitigated after it happens). A detection time before the start, or a fix
before the detection, means one of the times is wrong.""",
    example="""
- `14:12 UTC`: Incident occurred.
- `14:05 UTC`: Detected via alert.""",
    fix="Correct the times of the key events.",
)
DURATION_MISMATCH = rule(
    "AOS306", "duration-mismatch", "A stated duration contradicts the document's own timeline.",
    explanation="""
Stated durations (Total Downtime / Unavailability, Duration, Time to
detect/mitigate/resolve, TTD/TTM/TTR) are recomputed from the key events.
Teams define them differently, so every reasonable pair of events is tried:
from the trigger, the first symptom (any row before the first detection), the
detection or the declaration, to the first mitigation ("rolled back",
"restored"), a repair or the full resolution. This fires only when the stated
value matches none of them within a small tolerance (1 minute or 2 %, wider
for values stated in hours or as approximate); the message names the events
of the closest readings. A duration scoped to part of the day ("7h during
support hours 10:00-17:00 M-F") counts only the time inside that window; one
whose scope names no window is not compared. A sentence that states a duration
beside its own span ("an outage lasting 2 hours, from 13:40 to 15:25 UTC",
"09:10 to 10:52 UTC (102 minutes)") is compared with that span; past
midnight, the span wraps to the next day.""",
    example="""
**Total Downtime / Unavailability**: 2 hours
- `14:05 UTC`: Incident occurred.
- `14:40 UTC`: Fix deployed and verified.""",
    fix="Correct the stated duration, or the timeline's times.",
)
DURATION_UNKNOWN = rule(
    "AOS307", "duration-unknown", "A stated duration is '?', TBD, unknown or unreadable.",
    severity=Severity.WARNING,
    explanation="""
A duration field left as `?`, `TBD`, `unknown` or `N/A` has not been worked out,
and one written as prose ("40 minutes, then 50 degraded") cannot be compared
with the timeline. aoslint can usually compute it (see `aoslint model`).""",
    example="**Time to detect**: TBD",
    fix="State the duration, e.g. '7 minutes' (aoslint model prints the computed value).",
)

RULES: tuple[Rule, ...] = (
    TIMELINE_UNPARSEABLE,
    TIMELINE_NO_TIMEZONE,
    TIMELINE_ORDER,
    KEY_EVENT_MISSING,
    KEY_EVENT_ORDER,
    DURATION_MISMATCH,
    DURATION_UNKNOWN,
)


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    yield from _prose_spans(ctx)
    timeline = ctx.document.timeline
    if timeline is None:
        return
    yield from _problems(ctx, timeline)
    rows = [e for e in timeline.events if e.source != "front-matter"]
    if rows and not timeline.has_zone:
        line = timeline.section_line or rows[0].line
        yield TIMELINE_NO_TIMEZONE.diagnostic(
            ctx.path, line, 1, "the timeline states no time zone; its times are ambiguous")
    # Key-event lines that name the event before its moment ("Repaired 2021-03-02
    # 14:30") summarise the incident by kind of event, not by time: their order
    # is judged by key-event-order, not row by row.
    yield from _order(ctx, [e for e in rows if e.source != "key-event"], timeline.newest_first)
    if timeline.section_line is not None:
        yield from _key_events(ctx, timeline)
    yield from _durations(ctx, timeline)


def _problems(ctx: CheckContext, timeline: Timeline) -> Iterator[Diagnostic]:
    for problem in timeline.problems:
        if problem.typo:
            yield TIMELINE_UNPARSEABLE.diagnostic(
                ctx.path, problem.line, problem.column,
                f"likely mistyped date: {problem.message}",
                "correct the row's year or month to the incident's")
        elif problem.undated:
            # Nothing is malformed; the rows just cannot be placed, so order and
            # durations go unchecked: worth saying, not worth failing a build for.
            yield TIMELINE_UNPARSEABLE.diagnostic(
                ctx.path, problem.line, problem.column, problem.message,
                "then the rows' order and the stated durations can be checked",
                severity=Severity.WARNING)
        else:
            yield TIMELINE_UNPARSEABLE.diagnostic(ctx.path, problem.line, problem.column,
                                                  f"unreadable timestamp: {problem.message}")


def _order(ctx: CheckContext, rows: list[Event], backwards: bool) -> Iterator[Diagnostic]:
    previous: Event | None = None
    for event in rows:
        if event.at is None:
            continue
        if previous is not None and previous.at is not None:
            step = instant(event.at) - instant(previous.at)
            if (step > dt.timedelta(0)) if backwards else (step < dt.timedelta(0)):
                which = "later" if backwards else "earlier"
                listed = " in a timeline listed newest first" if backwards else ""
                yield TIMELINE_ORDER.diagnostic(
                    ctx.path, event.line, event.column,
                    f"{event.at.isoformat(' ', 'minutes')} is {which} than the row before it "
                    f"({previous.at.isoformat(' ', 'minutes')}, line {previous.line}){listed}")
        previous = event


def _key_events(ctx: CheckContext, timeline: Timeline) -> Iterator[Diagnostic]:
    # The kit prescribes the key events' wording; other teams' words vary more than
    # any vocabulary, so outside the kit's closure gates a gap is only a warning.
    severity = ctx.gate_severity if ctx.profile.gates_closure else Severity.WARNING
    line = timeline.section_line or 1
    wording = {"occurred": "when it happened ('Incident occurred')",
               "detected": "when it was detected ('Detected via ...')",
               "resolved": "when it was fixed ('Fix deployed and verified')"}
    for kind in ("occurred", "detected", "resolved"):
        if kind not in timeline.key:
            yield KEY_EVENT_MISSING.diagnostic(
                ctx.path, line, 1, f"the timeline does not record {wording[kind]}",
                severity=severity)
    order = [k for k in KINDS if k in timeline.key]
    reported: set[int] = set()
    for earlier_index, earlier in enumerate(order):
        for later in order[earlier_index + 1:]:
            if "mitigated" in (earlier, later) and "occurred" not in (earlier, later):
                # Automatic mitigation may precede detection, and a fix may land
                # before a separate mitigation step is logged: only the policy's
                # happened <= detected <= fixed (and happened <= mitigated) hold.
                continue
            first, second = timeline.key[earlier], timeline.key[later]
            if first.at is None or second.at is None:
                continue
            if instant(second.at) < instant(first.at):
                reported.add(second.line)
                yield KEY_EVENT_ORDER.diagnostic(
                    ctx.path, second.line, second.column,
                    f"{later} at {second.at.isoformat(' ', 'minutes')} is before {earlier} "
                    f"at {first.at.isoformat(' ', 'minutes')} (line {first.line})")
    yield from _summary_order(ctx, timeline, reported)


def _summary_order(ctx: CheckContext, timeline: Timeline,
                   reported: set[int]) -> Iterator[Diagnostic]:
    """In a key-event summary the incident is not fully resolved before it is declared.

    The earliest detection ("First detected") is checked above. A repair may
    come before a later declaration, but the last fix listed may not.
    """
    named = [e for e in timeline.events if e.source == "key-event" and e.at is not None]
    fixes = [e for e in named if e.kind == "resolved"]
    if not fixes:
        return
    fix = max(fixes, key=lambda e: instant(e.at))  # type: ignore[arg-type]
    assert fix.at is not None
    for detection in (e for e in named if e.kind == "detected"):
        assert detection.at is not None
        if instant(fix.at) < instant(detection.at):
            later = fix if fix.line > detection.line else detection
            if later.line in reported:
                continue
            reported.add(later.line)
            yield KEY_EVENT_ORDER.diagnostic(
                ctx.path, later.line, later.column,
                f"the last fix, '{fix.text}' (line {fix.line}), is before '{detection.text}' "
                f"(line {detection.line}): it cannot be resolved before it is detected")


def _durations(ctx: CheckContext, timeline: Timeline) -> Iterator[Diagnostic]:
    for stated in timeline.stated:
        if stated.unknown:
            yield DURATION_UNKNOWN.diagnostic(
                ctx.path, stated.line, stated.column,
                f"{stated.label} is '{stated.text}'{_computed_hint(timeline, stated.kind)}")
            continue
        if stated.error is not None:
            yield DURATION_UNKNOWN.diagnostic(
                ctx.path, stated.line, stated.column,
                f"{stated.label} cannot be read: {stated.error}",
                "write the duration as e.g. '4h 12m' or '35 minutes'")
            continue
        if not stated.comparable:
            continue  # "during support hours": not a wall-clock span
        candidates = timeline.candidates(stated.kind, stated.window)
        value = stated.value
        if not value or not candidates:
            continue  # a stated 0 (degraded service only) has nothing to compare
        if durations_match(value, [computed for _, computed in candidates],
                           duration_tolerance(value)):
            continue
        closest = sorted(candidates, key=lambda c: abs(c[1] - value))[:_SHOWN]
        computed = ", ".join(f"{format_duration(v)} ({name})" for name, v in closest)
        more = len(candidates) - len(closest)
        yield DURATION_MISMATCH.diagnostic(
            ctx.path, stated.line, stated.column,
            f"{stated.label} says {format_duration(value)}, but no pair of the "
            f"timeline's events gives it{_in_window(stated.window)}; closest: {computed}"
            + (f" ({more} more compared)" if more > 0 else ""))


_SHOWN = 3  # how many of the compared readings a mismatch names (the closest ones)


def _prose_spans(ctx: CheckContext) -> Iterator[Diagnostic]:
    """A sentence whose stated duration disagrees with the clock span it names."""
    parsed = ctx.parsed
    for found in find_prose_spans(parsed.lines, parsed.code_lines):
        if durations_match(found.stated, [found.span], duration_tolerance(found.stated)):
            continue
        yield DURATION_MISMATCH.diagnostic(
            ctx.path, found.line, found.column,
            f"'{found.text}' is stated for {found.start} to {found.end}, which is "
            f"{format_duration(found.span)}",
            "correct the stated duration or the times in the sentence")


def _in_window(window: tuple[int, int, bool] | None) -> str:
    if window is None:
        return ""
    first, last, weekdays = window
    days = " on weekdays" if weekdays else ""
    return (f" (counting only {first // 60:02}:{first % 60:02}-{last // 60:02}:{last % 60:02}"
            f"{days})")


def _computed_hint(timeline: Timeline, kind: str) -> str:
    candidates = timeline.candidates(kind)
    if not candidates:
        return ""
    name, value = candidates[0]
    return f"; the timeline gives {format_duration(value)} ({name})"
