"""User input made safe: titles that stay inert text, agents, severities, dates."""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from collections.abc import Sequence

from aoslint.errors import UsageError
from aoslint.lazyre import compile_lazily
from aoslint.settings import DEFAULT_SEVERITIES

DATE_ENV = "AOSLINT_DATE"
KIT_SEVERITY_CHOICES = "LOW | MEDIUM | HIGH | CRITICAL"
MAX_TITLE = 200

# Characters with a meaning in Markdown (or HTML) wherever they stand; a backslash
# makes each one literal text (CommonMark escapes every ASCII punctuation mark).
_MARKDOWN_ACTIVE = set("\\`*_[]<>#|~&")
# Characters that only matter at the start of a line (lists, quotes, setext rules).
_LINE_START_ACTIVE = set("-+=")
_ORDERED_LIST = compile_lazily(r"^(\d{1,9})([.)])")
_BACKSLASH_ESCAPE = compile_lazily(r"\\([!-/:-@\[-`{-~])")
_AGENT = compile_lazily(r"^@?([A-Za-z0-9][A-Za-z0-9_.-]{0,63})$")


def inert_text(value: str) -> str:
    """One line of Markdown text that reads as ``value`` and can do nothing else.

    Line breaks of every kind become spaces, so the value cannot start a heading
    or a section; control characters go; Markdown and HTML punctuation is
    backslash-escaped, so ``<script>``, ``# Heading`` and ``[link](x)`` stay
    text. Template syntax such as ``{{ x }}`` needs no escaping: values are
    data to a template, never template source.
    """
    cleaned = []
    for char in value:
        category = unicodedata.category(char)
        if char.isspace() or category in ("Zl", "Zp"):
            cleaned.append(" ")
        elif category in ("Cc", "Cs", "Co", "Cn") or char in "\u202a\u202b\u202c\u202d\u202e" \
                "\u2066\u2067\u2068\u2069":
            continue
        else:
            cleaned.append(char)
    text = " ".join("".join(cleaned).split())
    if len(text) > MAX_TITLE:
        text = text[:MAX_TITLE].rstrip() + "…"
    out = "".join(f"\\{c}" if c in _MARKDOWN_ACTIVE else c for c in text)
    match = _ORDERED_LIST.match(out)
    if match:
        out = f"{match.group(1)}\\{match.group(2)}{out[match.end():]}"
    elif out and out[0] in _LINE_START_ACTIVE:
        out = "\\" + out
    return out


def unescape_markdown(text: str) -> str:
    """Undo backslash escapes, so a title read from a document is not escaped twice."""
    return _BACKSLASH_ESCAPE.sub(r"\1", text)


def agent(value: str, option: str = "--author") -> str:
    """``debugger`` or ``@debugger`` -> ``@debugger``; anything else is a usage error."""
    match = _AGENT.match(value.strip())
    if not match:
        raise UsageError(f"{option}: '{value}' is not an agent name "
                         "(letters, digits, '.', '_' or '-', for example @debugger)")
    return "@" + match.group(1)


def severity(value: str, allowed: Sequence[str] | None) -> str:
    """One of the configured severities, in the configured spelling."""
    choices = list(allowed) if allowed else list(DEFAULT_SEVERITIES)
    for choice in choices:
        if value.strip().lower() == choice.lower():
            return choice
    raise UsageError(f"--severity: '{value}' is not one of {', '.join(choices)} "
                     "(configurable: severities)")


def severity_placeholder(allowed: Sequence[str] | None) -> str:
    """What the author chooses from: the kit's choice list, or the configured one."""
    if not allowed:
        return KIT_SEVERITY_CHOICES
    if all(choice.isupper() and " " not in choice and "|" not in choice for choice in allowed):
        return " | ".join(allowed)
    return "[severity-level]"


def parse_when(value: str, source: str) -> dt.datetime | dt.date:
    """``YYYY-MM-DD``, or an ISO date and time (read as UTC unless it names an offset)."""
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        text = text.removesuffix("UTC").strip().replace(" ", "T", 1)
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{source}: '{value}' is not a date (YYYY-MM-DD, or "
                         "YYYY-MM-DDTHH:MM for a time as well)") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def today(option: str | None) -> dt.datetime | dt.date:
    """``--date``, else ``AOSLINT_DATE`` (pins the date for tests), else now in UTC."""
    if option:
        return parse_when(option, "--date")
    pinned = os.environ.get(DATE_ENV)
    if pinned:
        return parse_when(pinned, DATE_ENV)
    return dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)


def date_of(when: dt.datetime | dt.date) -> dt.date:
    return when.date() if isinstance(when, dt.datetime) else when


def timestamp_text(when: dt.datetime | dt.date) -> str:
    """``2026-11-29 14:05 UTC``, or only the date when no time is known."""
    if isinstance(when, dt.datetime):
        return when.strftime("%Y-%m-%d %H:%M UTC")
    return when.isoformat()
