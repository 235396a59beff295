"""Title and key normalisation, so that wording variants name one section or field."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from aoslint.lazyre import compile_lazily

_COMMENT = compile_lazily(r"<!--.*?(?:-->|$)", re.DOTALL)
_EMPHASIS = compile_lazily(r"[*_`~]+")
_NUMBERING = compile_lazily(r"^\s*(?:(?:\d+|[ivxlc]+|[a-z])[.)]|\d+(?:\.\d+)+\.?|\d+\s*[-:])\s+",
                            re.IGNORECASE)
# A trailing ``(note)`` or ``[note]`` read backwards, from the title's end: matching
# at the end of a reversed title takes time in the group's length, where a search
# for the group with ``$`` tries every start of the title.
_TRAILING_GROUP_REVERSED = compile_lazily(r"\s*[)\]]([^()\[\]]*)[(\[]\s*")
_NON_WORD = compile_lazily(r"[^0-9a-z]+")
_ASCII_SYMBOLS = dict.fromkeys(map(ord, "$+<=>^`|~"))  # the ASCII characters in category S


def strip_comments(text: str) -> str:
    """Drop HTML comments (an unclosed one runs to the end of the text)."""
    return _COMMENT.sub("", text) if "<!--" in text else text


def strip_inline_markup(text: str) -> str:
    """Drop HTML comments, Markdown emphasis, code ticks and link targets, keeping the words."""
    text = strip_comments(text)
    if "[" in text:  # every link has one; most texts have none
        text = _drop_link_targets(text)
    return _EMPHASIS.sub("", text).strip()


def _drop_link_targets(text: str) -> str:
    r"""``[words](target)`` and ``![words](target)`` become ``words``, in one pass.

    The words run to the first ``]`` after the ``[`` and the target to the
    first ``)`` after the ``(``. Each is found once with ``str.find`` and
    kept for the ``[`` that follow, so a line of ``[`` or ``[a](`` with no
    closing bracket costs time in its length, not its square (a pattern like
    ``\[[^\]]*\]\([^)]*\)`` scans to the end again from every ``[``).
    """
    out: list[str] = []
    done = 0  # text before this index is in ``out``
    close = paren = -1  # the last ``]`` and ``)`` found, reused while still ahead
    start = text.find("[")
    while start != -1:
        if close <= start:
            close = text.find("]", start + 1)
            if close == -1:
                break  # no ``]`` after this ``[``, nor after any later one
        if text.startswith("(", close + 1):
            if paren <= close + 1:
                paren = text.find(")", close + 2)
                if paren == -1:
                    break  # no ``)`` after this ``(``, nor after any later one
            begin = start - 1 if start > done and text[start - 1] == "!" else start
            out += (text[done:begin], text[start + 1:close])
            done = paren + 1
            start = text.find("[", done)
        else:
            start = text.find("[", start + 1)
    return "".join(out) + text[done:] if out else text


def _trailing_groups(text: str, colons: bool) -> tuple[str, list[str]]:
    """The text without its trailing parenthetical groups, and the groups' contents.

    Groups come off from the end, last first; ``colons`` drops ``:`` between
    them too. Read on the reversed text, so the cost is the length of the
    groups taken off, not a search of the whole title per group.
    """
    reversed_text = text[::-1]
    position = _past_colons(reversed_text, 0) if colons else 0
    notes: list[str] = []
    while match := _TRAILING_GROUP_REVERSED.match(reversed_text, position):
        notes.append(match.group(1)[::-1])
        position = _past_colons(reversed_text, match.end()) if colons else match.end()
    return (reversed_text[position:][::-1] if position else text), notes


def _drop_symbols(text: str) -> str:
    """Remove emoji and other symbols, keeping letters, digits and punctuation."""
    if text.isascii():  # most titles: no per-character Unicode lookup needed
        return text.translate(_ASCII_SYMBOLS)
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("S")
                   or ch == "&")


def _past_colons(text: str, position: int) -> int:
    """The first index from ``position`` on that is neither ``:`` nor white space."""
    while position < len(text) and (text[position] == ":" or text[position].isspace()):
        position += 1
    return position


@lru_cache(maxsize=8192)
def normalize_title(title: str) -> str:
    """``## 3. Root Cause Analysis (RCA) 🔥`` and ``root cause analysis`` are one title."""
    text = _drop_symbols(strip_inline_markup(title)).strip().rstrip(":").strip()
    text = _NUMBERING.sub("", text)
    text = _trailing_groups(text, colons=True)[0]
    text = text.replace("&", " and ").lower()
    return _NON_WORD.sub(" ", text).strip()


@lru_cache(maxsize=8192)
def heading_number(title: str) -> tuple[int, ...] | None:
    """The number a heading gives itself (``3.`` or ``2.1``), if any."""
    match = re.match(r"^\s*(\d+(?:\.\d+)*)[.)]\s|^\s*(\d+(?:\.\d+)+)\s",
                     strip_inline_markup(title) + " ")
    if not match:
        return None
    return tuple(int(part) for part in (match.group(1) or match.group(2)).split("."))


@lru_cache(maxsize=8192)
def trailing_notes(title: str) -> tuple[str, ...]:
    """The parenthetical suffixes of a title, lower-cased: ``(Optional at this stage)``.

    Cached like :func:`normalize_title`: documents of one template share titles.
    """
    return tuple(note.lower() for note in
                 _trailing_groups(strip_inline_markup(title).strip(), colons=False)[1])


def normalize_key(name: str) -> str:
    """``Incident ID`` / ``incident-id`` / ``**Incident Id**`` all become ``incident_id``."""
    return _NON_WORD.sub("_", name.strip("*` ").lower()).strip("_")


def shorten(text: str, limit: int = 60) -> str:
    """A text cut to ``limit`` characters with an ellipsis, for quoting in a message."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def slug(text: str) -> str:
    """A kebab-case key for a section the document type does not know."""
    return normalize_title(text).replace(" ", "-")
