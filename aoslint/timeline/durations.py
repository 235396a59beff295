"""Stated durations ("time to detect: 4h 12m") and how closely they must match.

A stated duration is checked against durations computed from timeline
timestamps, so its value alone is not enough: "2 hours" is a rounded claim and
"4h 12m" a precise one. :class:`ParsedDuration` keeps the finest unit written
and any approximation marker so :func:`durations_match` can judge fairly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Literal

import msgspec

from aoslint.lazyre import compile_lazily

__all__ = [
    "MAX_DURATION",
    "DurationError",
    "DurationUnknown",
    "ParsedDuration",
    "duration_tolerance",
    "durations_match",
    "parse_duration",
]

MAX_DURATION = timedelta(days=3660)
"""Longest duration accepted; a postmortem claiming more than ten years has a typo."""

Bound = Literal["<", "<=", ">", ">="]


class ParsedDuration(timedelta):
    """A ``timedelta`` that remembers how it was stated.

    ``unit`` is the finest unit written (one hour for "2 hours", one minute for
    "4h 12m"), ``approximate`` is set by "~" or "approx.", and ``bound`` by a
    leading "<" or ">" ("< 5 min"). It compares equal to a plain timedelta of
    the same length.
    """

    unit: timedelta
    approximate: bool
    bound: Bound | None

    def __new__(
        cls,
        value: timedelta,
        unit: timedelta,
        approximate: bool = False,
        bound: Bound | None = None,
    ) -> ParsedDuration:
        self = super().__new__(
            cls, days=value.days, seconds=value.seconds, microseconds=value.microseconds
        )
        self.unit = unit
        self.approximate = approximate
        self.bound = bound
        return self

    @property
    def value(self) -> timedelta:
        """The plain duration, without how it was stated."""
        return timedelta(self.days, self.seconds, self.microseconds)

    def __repr__(self) -> str:
        extra = ", approximate=True" if self.approximate else ""
        extra += f", bound={self.bound!r}" if self.bound else ""
        return f"ParsedDuration({self.value!r}, unit={self.unit!r}{extra})"

    def __reduce__(self) -> tuple[type[ParsedDuration], tuple[object, ...]]:
        return (ParsedDuration, (self.value, self.unit, self.approximate, self.bound))


class DurationUnknown(msgspec.Struct, frozen=True):
    """The author said the duration is not known (``?``, ``TBD``, ``N/A``)."""

    text: str


class DurationError(msgspec.Struct, frozen=True):
    """Text that tries to state a duration and fails, with what was expected."""

    text: str
    message: str


_Fail = Callable[[str], "DurationError"]

EXPECTED_DURATION = "expected e.g. 4h 12m, 35 minutes, 1.5 hours, PT4H12M or H:MM"

_UNKNOWN = frozenset(
    {"?", "??", "???", "tbd", "tbc", "unknown", "unk", "n/a", "na", "-", "--", "\u2013", "\u2014"}
    | {"pending", "not known", "not measured", "to be determined", "to be confirmed"}
)
_UNITS: dict[str, timedelta] = {}
for _names, _unit in (
    ("w wk wks week weeks", timedelta(weeks=1)),
    ("d day days", timedelta(days=1)),
    ("h hr hrs hour hours", timedelta(hours=1)),
    ("m min mins minute minutes", timedelta(minutes=1)),
    ("s sec secs second seconds", timedelta(seconds=1)),
):
    for _name in _names.split():
        _UNITS[_name] = _unit

_WRAPPERS = (("**", "**"), ("__", "__"), ("`", "`"), ("*", "*"), ("_", "_"), ("[", "]"))
_APPROX_PREFIXES = (
    "~",
    "\u2248",
    "approximately ",
    "approx. ",
    "approx ",
    "about ",
    "around ",
    "roughly ",
    "circa ",
    "ca. ",
    "c. ",
)
_APPROX_SUFFIXES = (
    "(approx.)",
    "(approx)",
    "(approximately)",
    "(approximate)",
    "(estimated)",
    "(est.)",
    "(est)",
    "(rough)",
    "approx.",
    "approx",
    "approximately",
    "or so",
    "-ish",
    "ish",
)
_BOUNDS: tuple[tuple[str, Bound], ...] = (
    ("<=", "<="),
    ("\u2264", "<="),
    (">=", ">="),
    ("\u2265", ">="),
    ("<", "<"),
    (">", ">"),
    ("under ", "<"),
    ("less than ", "<"),
    ("within ", "<="),
    ("over ", ">"),
    ("more than ", ">"),
)

_PLACEHOLDER_RE = compile_lazily(
    r"\[[^\]\d]{0,40}\]|(?i:x{1,2}|n)[ \t]?(?:h|hrs?|hours?|m|mins?|minutes?)"
    r"(?:[ \t]?(?i:y{1,2}|n)[ \t]?(?:m|mins?|minutes?))?|(?i:hh:mm(?::ss)?)"
)
_ISO_RE = compile_lazily(
    r"P(?:(?P<w>\d{1,6})W)?(?:(?P<d>\d{1,6})D)?"
    r"(?:T(?:(?P<h>\d{1,7}(?:[.,]\d{1,6})?)H)?(?:(?P<m>\d{1,7}(?:[.,]\d{1,6})?)M)?"
    r"(?:(?P<s>\d{1,7}(?:[.,]\d{1,6})?)S)?)?",
    re.IGNORECASE,
)
_CLOCK_RE = compile_lazily(r"(?P<h>\d{1,3}):(?P<m>\d{2})(?::(?P<s>\d{2}))?")
_NUMBER_RE = compile_lazily(r"(?P<n>\d{1,12}(?:\.\d{1,6})?|an?(?![A-Za-z]))", re.IGNORECASE)
_UNIT_RE = compile_lazily(r"[ \t]{0,3}(?P<u>[A-Za-z]{1,10})\.?(?![A-Za-z])")
_SEPARATOR_RE = compile_lazily(r"[ \t,]{0,5}(?:and[ \t]{1,3}|&[ \t]{0,3})?")
_RANGE_RE = compile_lazily(r"\d[ \t]{0,3}(?:-|\u2013|\u2014|to)[ \t]{0,3}\d")


def _unwrap(text: str) -> str:
    """Strip Markdown emphasis and code around the value."""
    body = text.strip()
    for _ in range(3):
        for opener, closer in _WRAPPERS:
            if len(body) > 2 * len(opener) and body.startswith(opener) and body.endswith(closer):
                body = body[len(opener) : -len(closer)].strip()
    return body


def _strip_markers(body: str) -> tuple[str, bool, Bound | None]:
    """Remove approximation and bound markers: (rest, approximate, bound)."""
    approximate = False
    bound: Bound | None = None
    lowered = body.lower()
    for prefix, sign in _BOUNDS:
        if lowered.startswith(prefix):
            bound = sign
            body = body[len(prefix) :].lstrip()
            lowered = body.lower()
            break
    for _ in range(4):  # a few markers at most; bounded so garbage costs linear time
        changed = False
        for prefix in _APPROX_PREFIXES:
            if lowered.startswith(prefix):
                approximate, changed = True, True
                body = body[len(prefix) :].lstrip()
                lowered = body.lower()
        for suffix in _APPROX_SUFFIXES:
            if lowered.endswith(suffix) and len(lowered) > len(suffix):
                approximate, changed = True, True
                body = body[: -len(suffix)].rstrip(" \t,")
                lowered = body.lower()
        if not changed:
            break
    return body, approximate, bound


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def parse_duration(
    text: str,
) -> ParsedDuration | DurationUnknown | DurationError | None:
    """Read a stated duration such as ``4h 12m``, ``35 minutes`` or ``PT4H12M``.

    Returns DurationUnknown when the author says it is not known, DurationError
    when the text tries to state one and fails, and None when the text does not
    state a duration at all (empty, or prose without any number).
    """
    stripped = text.strip()
    if _PLACEHOLDER_RE.fullmatch(stripped):
        if stripped.lower().strip("[]") in _UNKNOWN:
            return DurationUnknown(stripped)
        return DurationError(
            stripped,
            f"`{stripped}` is a template placeholder that was never filled in; {EXPECTED_DURATION}",
        )
    body = _unwrap(text)
    if not body:
        return None
    if body.lower().strip("() \t") in _UNKNOWN or body.lower() in _UNKNOWN:
        return DurationUnknown(stripped)
    if _PLACEHOLDER_RE.fullmatch(body):
        return DurationError(
            text.strip(),
            f"`{body}` is a template placeholder that was never filled in; {EXPECTED_DURATION}",
        )
    body, approximate, bound = _strip_markers(body)
    if not body:
        return DurationError(text.strip(), f"`{text.strip()}` has no value; {EXPECTED_DURATION}")

    def fail(reason: str) -> DurationError:
        return DurationError(text.strip(), f"`{body}` {reason}; {EXPECTED_DURATION}")

    if body[0] in "-\u2212":
        return fail("is negative")
    if _RANGE_RE.search(body.split("(", 1)[0]):
        return fail("is a range; state one value")

    result: tuple[timedelta, timedelta] | DurationError | None
    if body[0] in "Pp" and len(body) > 1 and (body[1].isdigit() or body[1] in "Tt"):
        result = _parse_iso(body, fail)
    elif _CLOCK_RE.fullmatch(body):
        result = _parse_clock(body, fail)
    else:
        result = _parse_units(body, fail)
    if result is None or isinstance(result, DurationError):
        return result
    value, unit = result
    if value > MAX_DURATION:
        return fail(f"is longer than {MAX_DURATION.days} days")
    return ParsedDuration(value, unit, approximate, bound)


def _parse_iso(body: str, fail: _Fail) -> tuple[timedelta, timedelta] | DurationError:
    m = _ISO_RE.fullmatch(body)
    if m is None or not any(m.groupdict().values()) or body.upper().endswith("T"):
        return fail("is not an ISO 8601 duration (PnDTnHnMnS)")
    value = timedelta()
    unit = timedelta()
    for group, size in (
        ("w", timedelta(weeks=1)),
        ("d", timedelta(days=1)),
        ("h", timedelta(hours=1)),
        ("m", timedelta(minutes=1)),
        ("s", timedelta(seconds=1)),
    ):
        if m.group(group) is not None:
            value += size * _number(m.group(group))
            unit = size
    return value, unit


def _parse_clock(body: str, fail: _Fail) -> tuple[timedelta, timedelta] | DurationError:
    m = _CLOCK_RE.fullmatch(body)
    assert m is not None
    minutes, seconds = int(m.group("m")), int(m.group("s") or 0)
    if minutes > 59 or seconds > 59:
        return fail("is not H:MM: minutes and seconds run 00\u201359")
    unit = timedelta(seconds=1) if m.group("s") else timedelta(minutes=1)
    return timedelta(hours=int(m.group("h")), minutes=minutes, seconds=seconds), unit


def _parse_units(body: str, fail: _Fail) -> tuple[timedelta, timedelta] | DurationError | None:
    """Read a sequence of number-and-unit pairs, largest unit first."""
    value = timedelta()
    finest: timedelta | None = None
    pos = 0
    while pos < len(body):
        if body[pos] == "(" and finest is not None and body.endswith(")"):
            break  # a trailing remark: "12 minutes (alert to page)"
        num = _NUMBER_RE.match(body, pos)
        if num is None:
            if finest is None and not any(c.isdigit() for c in body):
                return None  # prose, not a duration
            return fail(f"has unexpected `{body[pos:]}`")
        amount = 1.0 if num.group("n").lower() in ("a", "an") else _number(num.group("n"))
        unit_match = _UNIT_RE.match(body, num.end())
        if unit_match is None:
            # "1h30": two bare digits right after hours can only be minutes.
            bare_ok = (
                finest == timedelta(hours=1)
                and num.start() == pos
                and body[pos - 1].isalpha()
                and num.end() == len(body)
                and len(num.group("n")) == 2
                and num.group("n").isdigit()
                and int(num.group("n")) < 60
            )
            if not bare_ok:
                if finest is None and not any(c.isdigit() for c in body):
                    return None
                return fail(f"gives `{num.group('n')}` without a unit")
            size = timedelta(minutes=1)
            end = num.end()
        else:
            unit_name = unit_match.group("u").lower()
            if unit_name not in _UNITS:
                if finest is None and not any(c.isdigit() for c in body):
                    return None
                return fail(f"has an unknown unit `{unit_match.group('u')}`")
            size = _UNITS[unit_name]
            end = unit_match.end()
        if finest is not None and size >= finest:
            return fail("repeats a unit or lists units out of order (largest first)")
        if amount > MAX_DURATION / size:
            return fail(f"is longer than {MAX_DURATION.days} days")
        value += size * amount
        finest = size
        sep = _SEPARATOR_RE.match(body, end)
        assert sep is not None
        pos = sep.end()
        if pos == end and pos < len(body) and not body[pos].isdigit() and body[pos] != "(":
            return fail(f"has unexpected `{body[pos:]}`")
    if finest is None:
        return None
    return value, finest


def duration_tolerance(stated: timedelta) -> timedelta:
    """How far a computed duration may be from ``stated`` and still agree.

    At least one minute (timeline times are to the minute) and 2 % of the
    value. A value stated in hours or coarser may be rounded: "2 hours" agrees
    with 1h55m to 2h05m, and a value in days with one hour either way. An
    approximate value ("~45m") may be off by 10 %, and at least five minutes.
    """
    magnitude = abs(stated)
    tolerance = max(timedelta(minutes=1), magnitude * 0.02)
    if isinstance(stated, ParsedDuration):
        if stated.unit >= timedelta(days=1):
            tolerance = max(tolerance, timedelta(hours=1))
        elif stated.unit >= timedelta(hours=1):
            tolerance = max(tolerance, timedelta(minutes=5))
        if stated.approximate:
            tolerance = max(tolerance, magnitude * 0.10, timedelta(minutes=5))
    return tolerance


def durations_match(
    stated: timedelta,
    candidates: Iterable[timedelta],
    tolerance: timedelta | None = None,
) -> bool:
    """Whether any candidate (a duration computed from the timeline) agrees with ``stated``.

    ``tolerance`` defaults to :func:`duration_tolerance`. A bound stated as
    "< 5 min" agrees with every candidate up to five minutes plus tolerance.
    """
    slack = duration_tolerance(stated) if tolerance is None else tolerance
    bound = stated.bound if isinstance(stated, ParsedDuration) else None
    for candidate in candidates:
        if bound in ("<", "<="):
            if candidate <= stated + slack:
                return True
        elif bound in (">", ">="):
            if candidate >= stated - slack:
                return True
        elif abs(candidate - stated) <= slack:
            return True
    return False
