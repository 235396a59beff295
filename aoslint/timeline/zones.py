"""Time zone names as postmortems write them, resolved to ``tzinfo`` objects.

Two kinds of name mean different things. A season-specific abbreviation (PDT,
CEST, EST) names one fixed UTC offset, so it resolves to a fixed
``datetime.timezone``: "14:05 PDT" is 21:05 UTC on any date. A region name (an
IANA key such as ``Europe/Berlin``, a generic name such as "Pacific Time" or
"PT", a pair such as "CET/CEST", and "CET" when a whole timeline is stated in
it) resolves to a ``zoneinfo.ZoneInfo``, so daylight saving time is applied for
each timestamp's own date.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING

import msgspec

from aoslint.lazyre import compile_lazily

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

__all__ = ["ZoneMatch", "match_zone", "zone_note"]


def _fixed(hours: int, minutes: int, name: str) -> timezone:
    sign = -1 if hours < 0 else 1
    return timezone(sign * timedelta(hours=abs(hours), minutes=minutes), name)


# Abbreviation -> (hours, minutes) of its fixed UTC offset.
_FIXED_OFFSETS: dict[str, tuple[int, int]] = {
    "UTC": (0, 0),
    "GMT": (0, 0),
    "UT": (0, 0),
    "WET": (0, 0),
    "WEST": (1, 0),
    "BST": (1, 0),
    "CET": (1, 0),
    "CEST": (2, 0),
    "EET": (2, 0),
    "EEST": (3, 0),
    "MSK": (3, 0),
    "IST": (5, 30),
    "SGT": (8, 0),
    "HKT": (8, 0),
    "AWST": (8, 0),
    "JST": (9, 0),
    "KST": (9, 0),
    "ACST": (9, 30),
    "ACDT": (10, 30),
    "AEST": (10, 0),
    "AEDT": (11, 0),
    "NZST": (12, 0),
    "NZDT": (13, 0),
    "HST": (-10, 0),
    "AKST": (-9, 0),
    "AKDT": (-8, 0),
    "PST": (-8, 0),
    "PDT": (-7, 0),
    "MST": (-7, 0),
    "MDT": (-6, 0),
    "CST": (-6, 0),
    "CDT": (-5, 0),
    "EST": (-5, 0),
    "EDT": (-4, 0),
}

# Daylight abbreviations, with the region whose summer they name. Writing one
# on a date when the region is on standard time is always a mistake.
_DAYLIGHT_HOME: dict[str, str] = {
    "WEST": "Europe/Lisbon",
    "BST": "Europe/London",
    "CEST": "Europe/Paris",
    "EEST": "Europe/Helsinki",
    "ACDT": "Australia/Adelaide",
    "AEDT": "Australia/Sydney",
    "NZDT": "Pacific/Auckland",
    "AKDT": "America/Anchorage",
    "PDT": "America/Los_Angeles",
    "MDT": "America/Denver",
    "CDT": "America/Chicago",
    "EDT": "America/New_York",
}

# Standard abbreviations that no large region keeps all year, so writing one
# in its region's summer most likely meant local time. (MST, CST and AEST are
# left out: Arizona, Saskatchewan and Queensland use them all year.)
_STANDARD_HOME: dict[str, str] = {
    "PST": "America/Los_Angeles",
    "EST": "America/New_York",
    "CET": "Europe/Paris",
    "EET": "Europe/Helsinki",
    "NZST": "Pacific/Auckland",
    "AKST": "America/Anchorage",
}

# Names of a region's local time, whatever the season.
_GENERIC: dict[str, str] = {
    "PT": "America/Los_Angeles",
    "MT": "America/Denver",
    "CT": "America/Chicago",
    "ET": "America/New_York",
    "PACIFIC TIME": "America/Los_Angeles",
    "MOUNTAIN TIME": "America/Denver",
    "CENTRAL TIME": "America/Chicago",
    "EASTERN TIME": "America/New_York",
    "CENTRAL EUROPEAN TIME": "Europe/Paris",
    "PST/PDT": "America/Los_Angeles",
    "MST/MDT": "America/Denver",
    "CST/CDT": "America/Chicago",
    "EST/EDT": "America/New_York",
    "CET/CEST": "Europe/Paris",
    "EET/EEST": "Europe/Helsinki",
    "GMT/BST": "Europe/London",
    "AEST/AEDT": "Australia/Sydney",
    "NZST/NZDT": "Pacific/Auckland",
}

# Abbreviations that, stated once for a whole timeline, mean a region's local
# time: European teams say "all times in CET" all year round.
_STATEMENT_GENERIC: dict[str, str] = {"CET": "Europe/Paris"}

_IANA_AREAS = (
    "Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific"
    "|Etc|US|Canada|Brazil|Mexico|Chile"
)

_ABBREVIATIONS = sorted(_FIXED_OFFSETS.keys() - {"UTC", "GMT"}, key=len, reverse=True)
_GENERIC_WORDS = sorted((k for k in _GENERIC if " " in k), key=len, reverse=True)
_GENERIC_PAIRS = sorted((k for k in _GENERIC if "/" in k), key=len, reverse=True)
_GENERIC_SHORT = sorted((k for k in _GENERIC if " " not in k and "/" not in k), key=len)

# Every quantifier is bounded, so a match attempt costs O(1) at any position.
_ZONE_RE = compile_lazily(
    r"(?P<open>[(\[][ \t]{0,2})?"
    r"(?:"
    r"(?P<utcoff>(?i:UTC|GMT)[ \t]?(?P<sign>[+\-\u2212])(?P<oh>\d{1,2})"
    r"(?::?(?P<om>\d{2}))?)"
    r"|(?P<iana>(?:" + _IANA_AREAS + r")/[A-Za-z0-9_+\-]{1,30}(?:/[A-Za-z0-9_+\-]{1,30})?)"
    r"|(?P<pair>" + "|".join(re.escape(k) for k in _GENERIC_PAIRS) + r")"
    r"|(?P<words>" + "|".join(k.replace(" ", r"[ \t]") for k in _GENERIC_WORDS) + r")"
    r"|(?P<utc>(?i:UTC|GMT)|Z)"
    r"|(?P<abbr>" + "|".join(_ABBREVIATIONS) + r")"
    r"|(?P<generic>" + "|".join(_GENERIC_SHORT) + r")"
    r")"
    r"(?(open)[ \t]{0,2}[)\]])"
    r"(?![A-Za-z0-9/_])",
)
_WORDS_RE = compile_lazily(
    r"(?:" + "|".join(k.replace(" ", r"[ \t]") for k in _GENERIC_WORDS) + r")",
    re.IGNORECASE,
)


class ZoneMatch(msgspec.Struct, frozen=True):
    """A zone name found in text: what it resolved to, and where it was."""

    zone: tzinfo | None  # None: looked like an IANA key, but no such zone exists
    text: str
    start: int
    end: int


@lru_cache(maxsize=256)
def _zoneinfo(key: str) -> ZoneInfo | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # documents that name a zone only

    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _fold_case_words(name: str) -> str:
    return " ".join(name.upper().split())


def match_zone(text: str, pos: int, *, statement: bool = False) -> ZoneMatch | None:
    """Read a zone name at ``pos``; ``statement`` selects the whole-timeline meaning.

    Abbreviations must be upper case (a lower-case "est" is more often
    "estimated"); only UTC and GMT are accepted in any case.
    """
    m = _ZONE_RE.match(text, pos)
    if m is None:
        if statement:
            w = _WORDS_RE.match(text, pos)
            if w is not None:
                key = _GENERIC[_fold_case_words(w.group(0))]
                return ZoneMatch(_zoneinfo(key), w.group(0), w.start(), w.end())
        return None
    zone: tzinfo | None
    if m.group("utcoff") is not None:
        hours = int(m.group("oh"))
        minutes = int(m.group("om") or 0)
        if hours > 14 or minutes > 59:
            return None
        sign = -1 if m.group("sign") in "-\u2212" else 1
        offset = sign * timedelta(hours=hours, minutes=minutes)
        label = m.group("utcoff")
        zone = timezone(offset, label.replace(" ", "").replace("\u2212", "-"))
        name = label
    elif m.group("iana") is not None:
        name = m.group("iana")
        zone = _zoneinfo(name)
    elif m.group("pair") is not None:
        name = m.group("pair")
        zone = _zoneinfo(_GENERIC[name])
    elif m.group("words") is not None:
        name = m.group("words")
        zone = _zoneinfo(_GENERIC[_fold_case_words(name)])
    elif m.group("utc") is not None:
        name = m.group("utc")
        zone = UTC
    elif m.group("abbr") is not None:
        name = m.group("abbr")
        if statement and name in _STATEMENT_GENERIC:
            zone = _zoneinfo(_STATEMENT_GENERIC[name])
        else:
            hours, minutes = _FIXED_OFFSETS[name]
            zone = _fixed(hours, minutes, name)
    else:
        name = m.group("generic")
        zone = _zoneinfo(_GENERIC[name])
    return ZoneMatch(zone, name, m.start(), m.end())


def _offset_text(offset: timedelta | None) -> str:
    if offset is None:
        return "UTC"
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def zone_note(zone: tzinfo, day: date, clock: time) -> str | None:
    """Say when a season-specific abbreviation does not match its region's season.

    "PDT" in January (or "CET" in July) gives a well-defined instant, but most
    likely not the one the writer meant, so the caller may want to warn.
    """
    if not isinstance(zone, timezone):
        return None
    name = zone.tzname(None)
    home_key = _DAYLIGHT_HOME.get(name) or _STANDARD_HOME.get(name)
    if home_key is None:
        return None
    home = _zoneinfo(home_key)
    if home is None:
        return None
    instant = datetime.combine(day, clock, zone)
    local = instant.astimezone(home)
    actual = local.tzname()
    if actual is None or actual == name:
        return None
    return (
        f"{name} is {_offset_text(zone.utcoffset(None))}, but on {day.isoformat()} "
        f"{home_key} observes {actual} ({_offset_text(local.utcoffset())}); "
        "if local time was meant, the instant is off"
    )
