"""Incident IDs: the configured form (``INC-{date:%Y%m%d}-{n:03d}``) and the next free one."""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable, Iterator

import msgspec

from aoslint.config import Config
from aoslint.errors import UsageError
from aoslint.settings import DEFAULT_INCIDENT_ID_PATTERN

# Characters that POSIX extended regular expressions (git grep -E) treat specially.
_ERE_SPECIAL = set(".[]{}()\\*+?^$|")


def _ere_escape(text: str) -> str:
    return "".join(f"\\{c}" if c in _ERE_SPECIAL else c for c in text)


class IdFormat(msgspec.Struct, frozen=True):
    """A parsed ``incident-id-format``: literal text, ``{date:STRFTIME}`` and ``{n:SPEC}``."""

    text: str
    parts: tuple[tuple[str, str | None, str], ...]  # (literal, field, format spec)
    pattern: re.Pattern[str]
    where: str

    @classmethod
    def from_config(cls, config: Config) -> IdFormat:
        where = f"{config.path}: " if config.path else ""
        text = config.settings.incident_id_format
        raw_pattern = config.settings.incident_id_pattern
        if raw_pattern is None:
            raw_pattern = DEFAULT_INCIDENT_ID_PATTERN
        try:
            pattern = re.compile(raw_pattern)
        except re.error as exc:  # the config schema checks this too
            raise UsageError(f"{where}'incident-id-pattern': invalid regular expression: "
                             f"{exc}") from None
        problem = f"{where}'incident-id-format' {text!r}"
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as exc:
            raise UsageError(f"{problem}: {exc}") from None
        parts: list[tuple[str, str | None, str]] = []
        for literal, name, spec, conversion in parsed:
            if name is not None and name not in ("date", "n"):
                raise UsageError(f"{problem}: unknown field {{{name}}} "
                                 "(known: {date:STRFTIME} and {n:SPEC})")
            if conversion:
                raise UsageError(f"{problem}: conversions such as !{conversion} are not allowed")
            if name == "n" and any(p[1] == "n" for p in parts):
                raise UsageError(f"{problem}: {{n}} may appear only once")
            parts.append((literal, name, spec or ""))
        if not any(p[1] == "n" for p in parts):
            raise UsageError(f"{problem}: needs the sequence number {{n}}, for example "
                             "{n:03d}")
        self = cls(text, tuple(parts), pattern, where)
        sample = self.format(dt.date(2026, 11, 2), 1)
        if not self.valid(sample):
            raise UsageError(f"{problem} makes IDs such as '{sample}', which "
                             f"'incident-id-pattern' {raw_pattern!r} does not accept")
        return self

    def format(self, date: dt.date, n: int) -> str:
        out = []
        for literal, name, spec in self.parts:
            out.append(literal)
            try:
                if name == "date":
                    out.append(date.strftime(spec or "%Y%m%d"))
                elif name == "n":
                    out.append(format(n, spec))
            except ValueError as exc:
                raise UsageError(f"{self.where}'incident-id-format' {self.text!r}: "
                                 f"{{{name}:{spec}}}: {exc}") from None
        return "".join(out)

    def valid(self, incident_id: str) -> bool:
        """Whether ``incident-id-pattern`` accepts the ID (searched, as JSON Schema does)."""
        return self.pattern.search(incident_id) is not None

    def _family(self, date: dt.date, ere: bool, number: str) -> str:
        pieces = []
        for literal, name, spec in self.parts:
            pieces.append(literal)
            if name == "date":
                pieces.append(date.strftime(spec or "%Y%m%d"))
            elif name == "n":
                pieces.append("\0")
        joined = "".join(pieces)
        escaped = [_ere_escape(chunk) if ere else re.escape(chunk)
                   for chunk in joined.split("\0")]
        return number.join(escaped)

    def day_regex(self, date: dt.date) -> re.Pattern[str]:
        """Every ID of one day, whatever its number; group 1 is the number."""
        return re.compile(self._family(date, False, "([0-9]+)"))

    def day_ere(self, date: dt.date) -> str:
        """The same, as a POSIX extended regular expression for ``git grep -E``."""
        return self._family(date, True, "[0-9]+")

    def numbers(self, date: dt.date, texts: Iterable[str]) -> set[int]:
        """The sequence numbers of that day's IDs found anywhere in ``texts``."""
        regex = self.day_regex(date)
        return {int(m.group(1)) for text in texts for m in regex.finditer(text)}

    def candidates(self, date: dt.date, used: set[int], limit: int = 10_000) -> Iterator[str]:
        """IDs after the highest number used that day, in order, each valid."""
        start = max(used, default=0) + 1
        for n in range(start, start + limit):
            if n in used:
                continue
            candidate = self.format(date, n)
            if not self.valid(candidate):
                raise UsageError(
                    f"no free incident ID for {date.isoformat()}: '{candidate}' does not "
                    f"match 'incident-id-pattern' (widen the number in 'incident-id-format')")
            yield candidate
