"""Template text left in a document: ``[INC-YYYYMMDD-XXX]``, ``@[agent-name]``, ``HH:MM UTC``.

Shared by the placeholder check (which reports each one) and the model (which
treats a section holding nothing else as empty).
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Container, Iterable, Iterator

import msgspec

from aoslint.lazyre import compile_lazily

_TEMPLATE_TOKEN = r"(?:YYYY|XXX|HH:MM|MM:SS|\bMM-DD\b|\bDD\b|\.\.\.|…)"
_KNOWN_WORDS = (r"(?:UTC|TBD|TODO|N/A|duration|date|time|timestamp|name|owner|link|url|id|"
                r"description|summary|details|component|service|team|value|number|agent|"
                r"reason|impact|ticket|pr|commit|sha|rule file|file|path|title|version)")
_PROMPT_VERB = (r"(?:describe|explain|list|add|insert|enter|link to|summari[sz]e|specify|state|"
                r"fill in|write|provide|who|what|when|why|how|which)")
# (kind, text every match holds, pattern): a pattern is tried only on lines with its text.
PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("agent placeholder", "@[", compile_lazily(r"@\[[^\]\n]{1,60}\]")),
    ("example prompt", "[", compile_lazily(
        r"\[(?:e\.g\.|eg\b|i\.e\.|example|for example)[^\]\n]{0,200}\]", re.IGNORECASE)),
    ("template field", "[", compile_lazily(
        r"\[(?![ xX]\])(?=[^\]\n]{1,80}\])[^\]\n]*" + _TEMPLATE_TOKEN + r"[^\]\n]*\]")),
    ("template field", "[", compile_lazily(r"\[(?:" + _KNOWN_WORDS + r"|[a-z]+(?:-[a-z]+)+)\]",
                                           re.IGNORECASE)),
    ("prompt text", "[", compile_lazily(r"\[" + _PROMPT_VERB + r"\b[^\]\n]{0,200}\]",
                                        re.IGNORECASE)),
    ("time placeholder", "HH:MM", compile_lazily(r"\bHH:MM(?::SS)?\b(?:\s*UTC)?")),
    ("date placeholder", "YYYY", compile_lazily(r"\bYYYY-?MM-?DD\b")),
    ("ID placeholder", "YYYYMMDD", compile_lazily(r"\b[A-Z]{2,5}-YYYYMMDD-X{2,}\b")),
)
_ENUM_CHOICE = compile_lazily(r"^\s*[A-Za-z0-9_-]+(?:\s*\|\s*[A-Za-z0-9_-]+)+\s*$")
_COMMENT = compile_lazily(r"<!--.*?-->", re.DOTALL)
_SKELETON = compile_lazily(
    r"^\s*(?:>\s*)*(?:(?:[-*+]|\d+[.)])\s+)?(?:\[[ xX]\]\s*)?"
    r"(?:(?:\*\*|__)[^*_\n]{1,60}?(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:?)\s*)?$"
)
_TABLE_RULE = compile_lazily(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


class Placeholder(msgspec.Struct, frozen=True):
    """One piece of unfilled template text at its 1-based column."""

    kind: str
    text: str
    column: int


def find_placeholders(line: str, extra: Iterable[re.Pattern[str]] = ()) -> Iterator[Placeholder]:
    """Every placeholder on one line, left to right, without overlaps."""
    if not extra and "[" not in line and "HH:MM" not in line and "YYYY" not in line:
        # Every built-in pattern needs one of these (PATTERNS' texts, tested): most
        # lines skip here, with no generator per line.
        return iter(())
    taken: list[tuple[int, int]] = []  # spans already found, sorted and disjoint
    found: list[Placeholder] = []
    for kind, needle, pattern in (*PATTERNS, *(("configured placeholder", "", p) for p in extra)):
        if needle not in line:
            continue
        for match in pattern.finditer(line):
            start, end = match.span()
            if start == end or _overlaps(taken, start, end):
                continue
            if _is_link(line, start, end, match.group(0)):
                continue
            insort(taken, (start, end))
            found.append(Placeholder(kind, match.group(0), start + 1))
    return iter(sorted(found, key=lambda p: p.column))


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``start:end`` overlaps one of the sorted, disjoint spans in ``taken``.

    Only the spans either side of ``start`` can: a bisection, not a scan of
    them all (a line of a thousand placeholders compared each with each).
    """
    index = bisect_left(taken, (start, end))
    return (index > 0 and taken[index - 1][1] > start) or \
        (index < len(taken) and taken[index][0] < end)


def _is_link(line: str, start: int, end: int, text: str) -> bool:
    """``[text](url)``, ``[text][ref]`` and a ``[ref]: url`` definition are links, not slots."""
    if not text.startswith("["):
        return False
    after = line[end:end + 1]
    if after in ("(", "["):
        return True
    return after == ":" and not line[:start].strip() and line[end + 1:end + 2] in (" ", "")


def is_enum_choice(value: str) -> bool:
    """``LOW | MEDIUM | HIGH`` copied from the template instead of one value chosen."""
    inner = value.strip()
    if inner.startswith("[") and inner.endswith("]"):
        inner = inner[1:-1]
    if not _ENUM_CHOICE.match(inner):
        return False
    return all(part.strip().isupper() for part in inner.split("|"))


def blank_comments(text: str) -> str:
    """Replace HTML comments by spaces, keeping every column and line in place.

    An unclosed ``<!--`` stays as it is. Only the text up to the last ``-->``
    is searched: past it no comment can close, and a search there would scan
    to the end again from every ``<!--`` (quadratic in a line of them).
    """
    end = text.rfind("-->")
    if end == -1:
        return text
    end += 3
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text[:end]) + text[end:]


_NOT_WRITTEN = compile_lazily(
    r"(?<![A-Za-z0-9])(?:TBD|TBC|TODO|FIXME)(?![A-Za-z0-9])|\.\.\.|…|\?{1,3}", re.IGNORECASE)


def strip_unwritten(text: str) -> str:
    """Drop placeholders and "not written yet" markers (TBD, TODO, ...) from a text."""
    pieces: list[str] = []
    done = 0  # one pass over the spans: a replace per placeholder rescans the line
    for placeholder in find_placeholders(text):
        start = placeholder.column - 1
        pieces += (text[done:start], " ")
        done = start + len(placeholder.text)
    if pieces:
        text = "".join(pieces) + text[done:]
    return _NOT_WRITTEN.sub(" ", text) if _may_be_unwritten(text) else text


def _may_be_unwritten(text: str) -> bool:
    """False when no marker can be in the text: the pattern is slow, most lines have none.

    Only ASCII text is judged here: the pattern ignores case the Unicode way
    (a dotless i matches ``i``), and ``…`` is not ASCII anyway.
    """
    if not text.isascii():
        return True
    lower = text.lower()
    return ("?" in text or "..." in text or "tbd" in lower or "tbc" in lower or "todo" in lower
            or "fixme" in lower)


def has_substance(lines: tuple[str, ...], body: range, skip: Container[int] = ()) -> bool:
    """True when the lines hold more than blank space, comments and template skeleton.

    ``body`` and ``skip`` are 1-based line numbers; skipped lines (the headings
    of subsections) do not count. A code block is content. Lines are read one
    by one until the first with substance: most sections have it at once.
    """
    stop = min(body.stop, len(lines) + 1)
    for number in range(max(body.start, 1), stop):
        text = lines[number - 1]
        if "<!--" in text:  # a comment may span lines: blank the rest of the body at once
            rest = blank_comments("\n".join(lines[number - 1:stop - 1])).split("\n")
            return any(_is_substance(line) for offset, line in enumerate(rest)
                       if number + offset not in skip)
        if number not in skip and _is_substance(text):
            return True
    return False


def _is_substance(text: str) -> bool:
    """One line holds written content: not blank, a rule, skeleton or template text."""
    if not text.strip() or _TABLE_RULE.match(text) or text.strip() in ("---", "***", "___"):
        return False
    text = strip_unwritten(text)
    if _SKELETON.match(text):
        return False
    return any(ch.isalnum() for ch in text)
