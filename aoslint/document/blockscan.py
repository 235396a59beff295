"""A fast block scanner for the Markdown that incident documents are written in.

``scan_blocks(text)`` returns the block tokens that ``parse.py``'s markdown-it
configuration (CommonMark, tables, front matter, inline rules off) produces
for ``text``, or ``None``. The contract is strict: the result is either
identical to markdown-it's, token by token, in ``type``, ``tag``, ``map`` and
``content`` (the only attributes aoslint reads), or ``None`` when the document
uses anything this module does not reproduce with certainty. On ``None`` the
caller parses with markdown-it, so a decline costs time, never a finding.
``tests/test_blockscan.py`` enforces the contract on the fixtures, the
benchmark corpus and generated documents.

The subset handled: front matter; ATX and setext headings; paragraphs, lazy
continuation lines included; thematic breaks; fenced code and HTML comment
blocks at the top level; pipe tables at the top level; bullet and ordered
lists holding paragraphs and nested lists (tight or loose, task items
included). Everything else declines: block quotes, indented code, other HTML
blocks, possible reference definitions, tabs in a line's indentation (outside
verbatim blocks) or after a list marker, and any block other than a paragraph
or a list inside a list item.

The code follows markdown-it-py's block rules (``markdown_it/rules_block``)
and keeps their names where that helps to compare: ``B`` is the block indent
(``blkIndent``), ``list_indent`` is ``listIndent``, a line's ``col`` is its
``sCount`` and its ``txt`` is the text after its indentation. No markdown-it
import happens here: a run whose documents all scan never pays for it.
"""

from __future__ import annotations

from itertools import repeat
from operator import sub
from typing import Protocol

from aoslint.lazyre import compile_lazily

#: The characters markdown-it's ``mdTrim`` strips (JavaScript's ``trim`` set).
MD_TRIM = "".join(sorted(
    {"\t", "\n", "\v", "\f", "\r", " ", "\xa0", "\u1680", "\u2028", "\u2029", "\u202f",
     "\u205f", "\u3000"} | {chr(code) for code in range(0x2000, 0x200B)}))

# A line starting with one of these may open a block that interrupts a
# paragraph (or be a setext underline); any other line can only continue it,
# unless it holds a '|' and so may head a table.
_SPECIAL = frozenset("`~>*-_+<#=0123456789")
_ORDERED = compile_lazily(r"[0-9]{1,9}[.)](?=[ \t]|$)")
_DELIMITER_ROW = compile_lazily(r"[|:-][|: \t-]*")
_DELIMITER_CELL = compile_lazily(r":?-+:?")
_MAX_AUTOCOMPLETED_CELLS = 0x10000
_MAX_LIST_DEPTH = 8  # markdown-it stops nesting at level 20; stay well below it


class BlockToken(Protocol):
    """What aoslint reads of a block token, from markdown-it or from this scanner."""

    @property
    def type(self) -> str: ...

    @property
    def tag(self) -> str: ...

    @property
    def map(self) -> list[int] | None: ...

    @property
    def content(self) -> str: ...


class Block:
    """One block token: markdown-it's ``Token`` reduced to the attributes aoslint reads.

    Tokens are read, never changed, so the ones without a map or content
    (closing tags, the opening tags of table cells) are shared instances.
    """

    __slots__ = ("content", "map", "tag", "type")

    def __init__(self, type: str, tag: str, map: list[int] | None = None,
                 content: str = "") -> None:
        self.type = type
        self.tag = tag
        self.map = map
        self.content = content

    def __repr__(self) -> str:
        return f"Block({self.type!r}, {self.tag!r}, {self.map!r}, {self.content!r})"


_P_CLOSE = Block("paragraph_close", "p")
_HEADING_CLOSE = tuple(Block("heading_close", f"h{level}") for level in range(7))
_LI_CLOSE = Block("list_item_close", "li")
_UL_CLOSE = Block("bullet_list_close", "ul")
_OL_CLOSE = Block("ordered_list_close", "ol")
_TH_OPEN = Block("th_open", "th")
_TH_CLOSE = Block("th_close", "th")
_TD_OPEN = Block("td_open", "td")
_TD_CLOSE = Block("td_close", "td")
_TR_CLOSE = Block("tr_close", "tr")
_THEAD_CLOSE = Block("thead_close", "thead")
_TBODY_CLOSE = Block("tbody_close", "tbody")
_TABLE_CLOSE = Block("table_close", "table")


class _Decline(Exception):
    """The document leaves the subset this scanner reproduces exactly."""


def scan_blocks(text: str) -> list[Block] | None:
    """markdown-it's block tokens for ``text``, or ``None`` when not certain to match."""
    if "\r" in text or "\0" in text:  # markdown-it normalises these first
        return None
    try:
        return _Scanner(text).run()
    except _Decline:
        return None


class _Scanner:
    """One document's lines and the tokens found so far."""

    __slots__ = ("col", "end", "newlines", "out", "raw", "tabbed", "txt", "verbatim")

    def __init__(self, text: str) -> None:
        raw = text.split("\n")
        self.newlines = len(raw) - 1  # lines before this index end with "\n"
        if not raw[-1].strip(" \t"):
            raw.pop()  # markdown-it makes no line of a blank tail without "\n"
        self.raw = raw
        self.txt = txt = list(map(str.lstrip, raw, repeat(" ")))
        self.col = list(map(sub, map(len, raw), map(len, txt)))
        self.tabbed = "\t" in text
        if self.tabbed:  # a line of spaces and tabs is blank
            self.txt = [t if t[:1] != "\t" or t.strip(" \t") else "" for t in txt]
        self.end = len(raw)
        self.out: list[Block] = []
        self.verbatim: list[tuple[int, int, int]] = []  # (first, stop, indent removed)

    def run(self) -> list[Block]:
        """Tokenise the whole document, then make sure no tab was misread."""
        self.blocks(0, 0, -1, 0)
        if self.tabbed:
            self.check_tabs()
        return self.out

    def check_tabs(self) -> None:
        """Decline where a tab in a line's indentation may have been misread.

        markdown-it expands indenting tabs to tab stops; this scanner counts
        spaces only. A tab after a line's first character reads the same to
        both (a tab right after a list marker declines where it is met), and
        so does a blank line of tabs. In a block copied verbatim (fence,
        comment, front matter) an indenting tab only makes a line indented,
        so not a closing line, either way; but a fence indented by spaces has
        its lines' indentation removed, tabs partly expanded: that declines.
        """
        for index, line in enumerate(self.raw):
            if "\t" not in line or self.txt[index][:1] not in ("\t", ""):
                continue  # no tab, or only after the line's first character
            indent = next((indent for first, stop, indent in self.verbatim
                           if first <= index < stop), None)
            if indent != 0 and (indent is not None or self.txt[index]):
                raise _Decline

    # -- the block loop -------------------------------------------------------------

    def blocks(self, line: int, B: int, list_indent: int, depth: int) -> int:
        """markdown-it's ``tokenize``: blocks from ``line`` while indented at least ``B``."""
        txt, col, end = self.txt, self.col, self.end
        while line < end:
            while line < end and not txt[line]:
                line += 1
            if line >= end or col[line] < B:
                break
            line = self.block(line, B, list_indent, depth)
            if line < end and not txt[line]:
                line += 1
        return line

    def block(self, line: int, B: int, list_indent: int, depth: int) -> int:
        """Try the block rules in markdown-it's order at ``line``; return the next line."""
        t = self.txt[line]
        first = t[0]
        nested = B > 0
        if line == 0 and self.raw[0][:1] == "-":
            found = self.front_matter(nested)
            if found:
                return found
        if first not in _SPECIAL and first != "[" and "|" not in t:
            if self.col[line] - B >= 4:
                raise _Decline  # indented code
            return self.paragraph(line, B, list_indent)
        if "|" in t:
            head = self.table_head(line, B)
            if head is not None:
                if nested:
                    raise _Decline
                return self.table(line, head)
        if self.col[line] - B >= 4:
            raise _Decline  # indented code
        if first in "`~" and _fence_open(t):
            if nested:
                raise _Decline
            return self.fence(line)
        if first == ">":
            raise _Decline  # block quote
        if first in "*-_" and _is_hr(t):
            if nested:
                raise _Decline
            self.out.append(Block("hr", "hr", [line, line + 1]))
            return line + 1
        if first in "*-+" or "0" <= first <= "9":
            marker = _list_marker(t)
            if marker is not None:
                return self.list(line, B, depth, marker)
        if first == "[" and _may_be_reference(t):
            raise _Decline
        if first == "<":
            if nested or not t.startswith("<!--"):
                raise _Decline  # only comment blocks are reproduced
            return self.comment(line)
        if first == "#":
            heading = _atx_heading(t)
            if heading is not None:
                if nested:
                    raise _Decline
                level, content = heading
                self.out += (Block("heading_open", f"h{level}", [line, line + 1]),
                             Block("inline", "", [line, line + 1], content),
                             _HEADING_CLOSE[level])
                return line + 1
        return self.paragraph(line, B, list_indent)

    # -- leaf blocks ----------------------------------------------------------------

    def front_matter(self, nested: bool) -> int:
        """The front_matter plugin at line 0: the line after the block, or 0 if none.

        The plugin counts the dashes from the line's first content character,
        so inside a list item at line 0 it can fire on the item's text; that
        case declines.
        """
        rest = self.txt[0][1:]
        count = 1 + len(rest) - len(rest.lstrip("-"))
        if nested:
            if count >= 3:
                raise _Decline
            return 0
        if count < 3:
            return 0
        txt, col = self.txt, self.col
        for close in range(1, self.end):
            t = txt[close]
            if not t or t[0] not in "-.":
                continue
            if t[0] == "." and col[close] == 0 and t.startswith("...") and not t[3:].strip(" \t"):
                break
            if t[0] == "-" and col[close] < 4:
                run = len(t) - len(t.lstrip("-"))
                if run >= count and not t[run:].strip(" \t"):
                    break
        else:
            return 0  # unclosed: not front matter
        self.out.append(Block("front_matter", "", [0, close + 1], "\n".join(self.raw[1:close])))
        self.verbatim.append((1, close + 1, 0))
        return close + 1

    def paragraph(self, start: int, B: int, list_indent: int) -> int:
        """A paragraph, or a setext heading when an underline ends it (lheading)."""
        txt, col, end = self.txt, self.col, self.end
        line = start + 1
        while line < end:
            t = txt[line]
            if not t:
                break
            c = col[line]
            if c - B > 3:  # indented: a continuation whatever it holds
                line += 1
                continue
            first = t[0]
            if first in _SPECIAL or "|" in t:
                if c >= B and first in "-=" and not t.lstrip(first).strip(" \t"):
                    if B:
                        raise _Decline
                    level = 1 if first == "=" else 2
                    self.out += (Block("heading_open", f"h{level}", [start, line + 1]),
                                 Block("inline", "", [start, line],
                                       self.lines(start, line, B).strip(MD_TRIM)),
                                 _HEADING_CLOSE[level])
                    return line + 1
                if self.interrupts(line, B, list_indent, True):
                    break
            line += 1  # a continuation, lazy when indented less than B
        if line == start + 1:  # the strip takes any indentation left
            content = txt[start].strip(MD_TRIM)
        else:
            content = self.lines(start, line, B).strip(MD_TRIM)
        self.out += (Block("paragraph_open", "p", [start, line]),
                     Block("inline", "", [start, line], content), _P_CLOSE)
        return line

    def lines(self, start: int, stop: int, B: int) -> str:
        """``getLines`` without the last newline: each line less ``B`` columns of indent."""
        if not B:
            return "\n".join(self.raw[start:stop])
        txt, col = self.txt, self.col
        return "\n".join(" " * (col[i] - B) + txt[i] if col[i] > B else txt[i]
                         for i in range(start, stop))

    def verbatim_lines(self, start: int, stop: int, indent: int) -> str:
        """``getLines`` keeping newlines: each line less up to ``indent`` leading spaces."""
        raw = self.raw
        if indent:
            col = self.col
            text = "\n".join(raw[i][min(col[i], indent):] for i in range(start, stop))
        else:
            text = "\n".join(raw[start:stop])
        if stop > start and stop - 1 < self.newlines:
            text += "\n"
        return text

    def fence(self, start: int) -> int:
        """A fenced code block at the top level, closed or running to the end."""
        t = self.txt[start]
        marker = t[0]
        length = len(t) - len(t.lstrip(marker))
        txt, col, end = self.txt, self.col, self.end
        line = start + 1
        stop = end
        while line < end:
            t = txt[line]
            if t[:1] == marker and col[line] < 4:
                run = len(t) - len(t.lstrip(marker))
                if run >= length and not t[run:].strip(" \t"):
                    stop = line + 1
                    break
            line += 1
        indent = col[start]
        self.out.append(Block("fence", "code", [start, stop],
                              self.verbatim_lines(start + 1, line, indent)))
        self.verbatim.append((start + 1, stop, indent))
        return stop

    def comment(self, start: int) -> int:
        """An HTML comment block at the top level: it ends on the line holding ``-->``."""
        stop = start + 1
        if "-->" not in self.txt[start]:
            raw = self.raw
            while stop < self.end:
                stop += 1
                if "-->" in raw[stop - 1]:
                    break
        self.out.append(Block("html_block", "", [start, stop],
                              self.verbatim_lines(start, stop, 0)))
        self.verbatim.append((start + 1, stop, 0))
        return stop

    # -- tables ---------------------------------------------------------------------

    def table_head(self, line: int, B: int) -> list[str] | None:
        """The header cells if ``line`` and the next one open a table, else ``None``."""
        if line + 1 >= self.end:
            return None
        c = self.col[line + 1] - B
        row = self.txt[line + 1]
        if c < 0 or c >= 4 or len(row) < 2 or not _DELIMITER_ROW.fullmatch(row):
            return None
        if row[0] == "-" and row[1] in " \t":
            return None
        parts = row.split("|")
        last = len(parts) - 1
        aligns = 0
        for index, part in enumerate(parts):
            cell = part.strip(MD_TRIM)
            if not cell:
                if index == 0 or index == last:
                    continue
                return None
            if not _DELIMITER_CELL.fullmatch(cell):
                return None
            aligns += 1
        head = self.txt[line].strip(MD_TRIM)
        if "|" not in head or self.col[line] - B >= 4:
            return None
        cells = _row_cells(head)
        if not cells or len(cells) != aligns:
            return None
        return cells

    def table(self, start: int, head: list[str]) -> int:
        """A top-level pipe table: header, delimiter row, body rows until a blank or a block."""
        count = len(head)
        table_map = [start, 0]
        out = self.out
        out += (Block("table_open", "table", table_map),
                Block("thead_open", "thead", [start, start + 1]),
                Block("tr_open", "tr", [start, start + 1]))
        for cell in head:
            out += (_TH_OPEN, Block("inline", "", [start, start + 1], cell.strip(MD_TRIM)),
                    _TH_CLOSE)
        out += (_TR_CLOSE, _THEAD_CLOSE)
        txt, col, end = self.txt, self.col, self.end
        body_map: list[int] | None = None
        autocompleted = 0
        line = start + 2
        while line < end:
            t = txt[line]
            if not t:
                break
            if t[0] in _SPECIAL and self.interrupts(line, 0, -1, False):
                break
            text = t.strip(MD_TRIM)
            if not text or col[line] >= 4:
                break
            cells = _row_cells(text)
            autocompleted += count - len(cells)
            if autocompleted > _MAX_AUTOCOMPLETED_CELLS:
                break
            if body_map is None:
                body_map = [start + 2, 0]
                out.append(Block("tbody_open", "tbody", body_map))
            out.append(Block("tr_open", "tr", [line, line + 1]))
            for index in range(count):
                cell = cells[index] if index < len(cells) else ""
                out += (_TD_OPEN,
                        Block("inline", "", [line, line + 1], cell.strip(MD_TRIM) if cell else ""),
                        _TD_CLOSE)
            out.append(_TR_CLOSE)
            line += 1
        if body_map is not None:
            body_map[1] = line
            out.append(_TBODY_CLOSE)
        out.append(_TABLE_CLOSE)
        table_map[1] = line
        return line

    # -- lists ----------------------------------------------------------------------

    def list(self, start: int, B: int, depth: int, marker: tuple[bool, int]) -> int:
        """A bullet or ordered list: its items, each a nested block loop."""
        if depth >= _MAX_LIST_DEPTH:
            raise _Decline
        txt, col, end, out = self.txt, self.col, self.end, self.out
        ordered, after = marker
        char = txt[start][after - 1]
        list_map = [start, 0]
        out.append(Block("ordered_list_open", "ol", list_map) if ordered
                   else Block("bullet_list_open", "ul", list_map))
        line = start
        while True:
            t = txt[line]
            rest = t[after:]
            content = rest.lstrip(" ")
            initial = col[line] + after
            offset = initial + len(rest) - len(content)
            pad = offset - initial if content else 1
            if pad > 4 or content[:1] == "\t":
                raise _Decline  # indented code in the item, or tab stops to count
            item_map = [line, 0]
            out.append(Block("list_item_open", "li", item_map))
            saved_txt, saved_col = t, col[line]
            txt[line], col[line] = content, offset
            if not content and (line + 1 >= end or not txt[line + 1]):
                line = min(line + 2, end)
            else:
                line = self.blocks(line, initial + pad, B, depth + 1)
            txt[item_map[0]], col[item_map[0]] = saved_txt, saved_col
            out.append(_LI_CLOSE)
            item_map[1] = line
            if line >= end:
                break
            t = txt[line]
            if not t or col[line] < B or col[line] - B >= 4:
                break
            if t[0] in "`~>*-_" and self.ends_list(t):
                break
            following = _list_marker(t)
            if following is None or t[following[1] - 1] != char:  # the char tells the type
                break
            after = following[1]
        out.append(_OL_CLOSE if ordered else _UL_CLOSE)
        list_map[1] = line
        return line

    def ends_list(self, t: str) -> bool:
        """The list's terminators (fence, block quote, thematic break) at a non-code line."""
        first = t[0]
        if first == ">":
            raise _Decline
        if first in "`~":
            return _fence_open(t)
        return _is_hr(t)

    def interrupts(self, line: int, B: int, list_indent: int, in_paragraph: bool) -> bool:
        """Whether a block starting at ``line`` ends the paragraph (or table) before it.

        These are the rules markdown-it runs in validation mode: tables only
        end paragraphs, and a list ends a paragraph only with a non-empty
        item, ordered ones only from 1.
        """
        t = self.txt[line]
        c = self.col[line]
        if c - B >= 4:
            return False
        if in_paragraph and "|" in t and self.table_head(line, B) is not None:
            return True
        first = t[0]
        if first in "`~":
            return _fence_open(t)
        if first == ">":
            raise _Decline
        if first in "*-_" and _is_hr(t):
            return True
        if first in "*-+" or "0" <= first <= "9":
            return self.list_interrupts(t, c, B, list_indent, in_paragraph)
        if first == "<":
            if t.startswith("<!--"):
                return True
            raise _Decline
        if first == "#":
            return _atx_heading(t) is not None
        return False

    @staticmethod
    def list_interrupts(t: str, c: int, B: int, list_indent: int, in_paragraph: bool) -> bool:
        """The list rule in validation mode (``list_block`` with ``silent``)."""
        if list_indent >= 0 and c - list_indent >= 4 and c < B:
            return False
        marker = _list_marker(t)
        if marker is None:
            return False
        if in_paragraph and c >= B:
            ordered, after = marker
            if ordered and int(t[:after - 1]) != 1:
                return False
            if not t[after:].strip(" \t"):
                return False
        return True


def _list_marker(t: str) -> tuple[bool, int] | None:
    """``(ordered, index after the marker)`` for a list item line, else ``None``."""
    first = t[0]
    if first in "*-+":
        if len(t) > 1 and t[1] not in " \t":
            return None
        return False, 1
    match = _ORDERED.match(t)
    return (True, match.end()) if match else None


def _fence_open(t: str) -> bool:
    """Three or more backticks or tildes; a backtick fence's info has no backtick."""
    marker = t[0]
    run = len(t) - len(t.lstrip(marker))
    return run >= 3 and not (marker == "`" and "`" in t[run:])


def _is_hr(t: str) -> bool:
    """Three or more of the same ``*``, ``-`` or ``_``, with only spaces between."""
    marker = t[0]
    return t.count(marker) >= 3 and not t.replace(marker, "").strip(" \t")


def _atx_heading(t: str) -> tuple[int, str] | None:
    """``(level, content)`` of an ATX heading line, closing ``#`` run removed."""
    level = len(t) - len(t.lstrip("#"))
    rest = t[level:]
    if level > 6 or (rest and rest[0] not in " \t"):
        return None
    rest = rest.rstrip(" \t")
    body = rest.rstrip("#")
    if body and body[-1] in " \t":
        rest = body
    return level, rest.strip(MD_TRIM)


def _may_be_reference(t: str) -> bool:
    """Whether ``[label]:`` may start here (a reference definition, not reproduced).

    The label may continue on the next line, so an unclosed one counts too.
    """
    pos = 1
    while pos < len(t):
        ch = t[pos]
        if ch == "[":
            return False
        if ch == "]":
            return t[pos + 1:pos + 2] == ":"
        if ch == "\\":
            pos += 1
        pos += 1
    return True


def _row_cells(text: str) -> list[str]:
    """A table row's cells: ``escapedSplit`` without the empty outer ones."""
    cells = _escaped_split(text) if "\\" in text else text.split("|")
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return cells


def _escaped_split(text: str) -> list[str]:
    """Split on ``|`` except ``\\|``, whose backslash is dropped (markdown-it's rule)."""
    result: list[str] = []
    current = ""
    last = 0
    escaped = False
    for pos, ch in enumerate(text):
        if ch == "|":
            if not escaped:
                result.append(current + text[last:pos])
                current = ""
                last = pos + 1
            else:
                current += text[last:pos - 1]
                last = pos
        escaped = ch == "\\"
    result.append(current + text[last:])
    return result
