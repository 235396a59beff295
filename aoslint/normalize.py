"""Title and key normalisation, so that wording variants name one section or field."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from aoslint.lazyre import compile_lazily

_COMMENT = compile_lazily(r"<!--.*?(?:-->|$)", re.DOTALL)
_LINK = compile_lazily(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = compile_lazily(r"[*_`~]+")
_NUMBERING = compile_lazily(r"^\s*(?:(?:\d+|[ivxlc]+|[a-z])[.)]|\d+(?:\.\d+)+\.?|\d+\s*[-:])\s+",
                            re.IGNORECASE)
_TRAILING_PAREN = compile_lazily(r"\s*[(\[][^()\[\]]*[)\]]\s*$")
_NON_WORD = compile_lazily(r"[^0-9a-z]+")
_ASCII_SYMBOLS = dict.fromkeys(map(ord, "$+<=>^`|~"))  # the ASCII characters in category S


def strip_comments(text: str) -> str:
    """Drop HTML comments (an unclosed one runs to the end of the text)."""
    return _COMMENT.sub("", text) if "<!--" in text else text


def strip_inline_markup(text: str) -> str:
    """Drop HTML comments, Markdown emphasis, code ticks and link targets, keeping the words."""
    text = strip_comments(text)
    if "[" in text:  # every link has one; most texts have none
        text = _LINK.sub(r"\1", text)
    return _EMPHASIS.sub("", text).strip()


def _drop_symbols(text: str) -> str:
    """Remove emoji and other symbols, keeping letters, digits and punctuation."""
    if text.isascii():  # most titles: no per-character Unicode lookup needed
        return text.translate(_ASCII_SYMBOLS)
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("S")
                   or ch == "&")


@lru_cache(maxsize=8192)
def normalize_title(title: str) -> str:
    """``## 3. Root Cause Analysis (RCA) 🔥`` and ``root cause analysis`` are one title."""
    text = _drop_symbols(strip_inline_markup(title)).strip().rstrip(":").strip()
    text = _NUMBERING.sub("", text)
    previous = None
    while previous != text:
        previous = text
        text = _TRAILING_PAREN.sub("", text).rstrip(":").strip()
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
    notes: list[str] = []
    text = strip_inline_markup(title).strip()
    while True:
        match = _TRAILING_PAREN.search(text)
        if not match:
            return tuple(notes)
        notes.append(match.group(0).strip()[1:-1].lower())
        text = text[: match.start()]


def normalize_key(name: str) -> str:
    """``Incident ID`` / ``incident-id`` / ``**Incident Id**`` all become ``incident_id``."""
    return _NON_WORD.sub("_", name.strip("*` ").lower()).strip("_")


def shorten(text: str, limit: int = 60) -> str:
    """A text cut to ``limit`` characters with an ellipsis, for quoting in a message."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def slug(text: str) -> str:
    """A kebab-case key for a section the document type does not know."""
    return normalize_title(text).replace(" ", "-")
