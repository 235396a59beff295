"""Turn the timestamp and duration text of postmortems into values.

Timestamps come in a closed set of shapes (kit ``HH:MM UTC``, ISO 8601, 12-hour
clocks, month names), so each shape is a hand-written, anchored regular
expression whose numbers are validated by ``datetime``; a general parser such
as ``dateutil`` would accept ``15.26`` or ``1600`` and could not report the
span of a malformed attempt. Zones are resolved with the standard library's
``zoneinfo``, which needs the ``tzdata`` package where the system has no zone
database.
"""

from aoslint.timeparse._durations import (
    MAX_DURATION,
    DurationError,
    DurationUnknown,
    StatedDuration,
    duration_tolerance,
    durations_match,
    parse_duration,
)
from aoslint.timeparse._prose import ProseSpan, find_prose_spans
from aoslint.timeparse._stamps import (
    IMPLAUSIBLE_YEAR,
    MAX_YEAR,
    MIN_YEAR,
    ParsedTime,
    TimeContext,
    TimeError,
    find_date_in,
    find_date_line,
    find_timestamp,
    find_zone_statement,
    out_of_range,
)

__all__ = [
    "IMPLAUSIBLE_YEAR",
    "MAX_DURATION",
    "MAX_YEAR",
    "MIN_YEAR",
    "DurationError",
    "DurationUnknown",
    "ParsedTime",
    "ProseSpan",
    "StatedDuration",
    "TimeContext",
    "TimeError",
    "duration_tolerance",
    "durations_match",
    "find_date_in",
    "find_date_line",
    "find_prose_spans",
    "find_timestamp",
    "find_zone_statement",
    "out_of_range",
    "parse_duration",
]
