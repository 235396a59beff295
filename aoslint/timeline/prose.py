"""Durations that prose states together with their own span.

Summaries say "an outage lasting 2 hours and 5 minutes, from 13:40 to 15:45
UTC" or "09:10 to 10:52 UTC (102 minutes)". The sentence carries both the
duration and the clock times it spans, so the two can be compared without
guessing which of the timeline's events the writer meant: a disagreement is a
defect in the sentence itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import timedelta

import msgspec

from aoslint.lazyre import compile_lazily
from aoslint.timeline.durations import ParsedDuration, parse_duration

# Every quantifier is bounded, and no group repeats another: linear on any line.
_CLOCK = r"(?:[01]?\d|2[0-3])[:.][0-5]\d(?:[ \t]?[AaPp]\.?[Mm]\.?)?"
_AMOUNT = r"\d{1,4}(?:\.\d{1,2})?[ \t]{0,3}[A-Za-z]{1,10}"
_DURATION = rf"{_AMOUNT}(?:[ \t]{{0,3}}(?:,|and)?[ \t]{{0,3}}{_AMOUNT}){{0,2}}"
_TO = r"[ \t]{0,3}(?:-|\u2013|\u2014|to|until|till|and)[ \t]{0,3}"
_ZONE = r"(?:[ \t]{1,3}[A-Z]{2,5}(?:[+-]\d{1,2})?)?"
# "lasting 2 hours and 5 minutes, from 13:40 to 15:45"
_STATED_THEN_SPAN = compile_lazily(
    rf"\b(?:lasting|lasted|for|of)[ \t]{{1,3}}(?P<duration>{_DURATION}),?[ \t]{{0,3}}"
    rf"(?:\([ \t]{{0,3}})?(?:from|between)[ \t]{{1,3}}(?P<start>{_CLOCK}){_TO}"
    rf"(?P<end>{_CLOCK})")
# "from 09:10 to 10:52 UTC (102 minutes)"
_SPAN_THEN_STATED = compile_lazily(
    rf"(?<![\d:.])(?P<start>{_CLOCK}){_TO}(?P<end>{_CLOCK}){_ZONE}[ \t]{{0,3}}"
    rf"\((?:[A-Za-z]{{1,12}}[ \t]{{1,3}})?(?P<duration>{_DURATION})\)")


class ProseSpan(msgspec.Struct, frozen=True):
    """A sentence's stated duration and the clock span it names."""

    line: int
    column: int
    text: str
    stated: ParsedDuration
    start: str
    end: str
    span: timedelta


def _minutes(clock: str) -> int:
    """Minutes after midnight of ``13:40``, ``1.40 pm``."""
    lower = clock.lower().replace(".", ":", 1)
    meridiem = "p" if "p" in lower else "a" if "a" in lower else ""
    digits = lower.rstrip(" apm.")
    hours, minutes = (int(part) for part in digits.split(":")[:2])
    if meridiem == "p" and hours < 12:
        hours += 12
    elif meridiem == "a" and hours == 12:
        hours = 0
    return hours * 60 + minutes


def find_prose_spans(lines: Iterable[str], skip: frozenset[int]) -> Iterator[ProseSpan]:
    """Every sentence that states a duration beside the span it covers.

    ``skip`` holds line numbers (from 1) of code blocks. The span wraps past
    midnight when its end is earlier than its start.
    """
    for number, line in enumerate(lines, start=1):
        if number in skip or ("(" not in line and " from " not in line \
                and " between " not in line):
            continue
        for pattern in (_STATED_THEN_SPAN, _SPAN_THEN_STATED):
            for match in pattern.finditer(line):
                stated = parse_duration(match["duration"])
                if not isinstance(stated, ParsedDuration) or not stated:
                    continue
                minutes = (_minutes(match["end"]) - _minutes(match["start"])) % (24 * 60)
                yield ProseSpan(number, match.start("duration") + 1, match["duration"],
                                stated, match["start"], match["end"],
                                timedelta(minutes=minutes))


__all__ = ["ProseSpan", "find_prose_spans"]
