"""Markdown to a flat, line-mapped structure: headings, header fields, front matter.

markdown-it-py defines the parse; its block tokens carry the source lines that
every diagnostic points at. The inline rules are switched off: checks read the
raw inline source (``token.content``) and never need inline children, and
block-level parsing alone is more than twice as fast. Most incident documents
never reach markdown-it at all: ``blockscan`` reproduces its tokens for the
Markdown they are written in several times faster, and declines (so
markdown-it parses) whenever it cannot be sure to match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import msgspec

from aoslint.document.blockscan import BlockToken, scan_blocks
from aoslint.document.normalize import normalize_key, strip_comments, strip_inline_markup
from aoslint.document.problems import InputKind, InputProblem
from aoslint.document.source import Source
from aoslint.lazyre import compile_lazily

if TYPE_CHECKING:  # markdown-it is imported on its first parse: most runs need none
    from markdown_it import MarkdownIt


_HEADER_FIELD = compile_lazily(
    r"^(?:(?:\*\*|__)(?P<bold>[^*_:\n]{1,48}?)(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)"
    r"|(?P<plain>[A-Za-z][A-Za-z0-9 /&._-]{0,47}?)\s*:)(?:\s+|$|(?=[A-Za-z@\[]))(?P<value>.*)$"
)
_EMPHASIS_MARKS = compile_lazily(r"\*\*|__|`")
_WRAPPED = compile_lazily(r"^([*_])(.+)\1$")
# ``**Impact:** ...``, ``**Impact**: ...``, or a paragraph (list item) that is only the
# bold label, its content nested below it: ``- **Key events**``.
_BOLD_LABEL = compile_lazily(
    r"^(?:\*\*|__)(?P<label>[^*_:\n]{1,60}?)(?:(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)(?P<rest>.*)"
    r"|(?:\*\*|__)[ \t]*(?:\n|$))"
)
# A bold question opening a paragraph, its answer after it: ``**What went wrong and why?**
# A route change ...`` (a common public review format).
_BOLD_QUESTION = compile_lazily(
    r"^(?:\*\*|__)(?P<label>[^*_:?\n]{1,120}\?)(?:\*\*|__)(?P<rest>[ \t].*|\n.*|$)",
    re.DOTALL)


class Heading(msgspec.Struct, frozen=True):
    """One ATX or setext heading, with its raw title text."""

    level: int
    title: str
    line: int
    column: int
    end_line: int  # last source line of the heading itself (setext underline)


class RawField(msgspec.Struct, frozen=True):
    """A metadata field as written: front matter key or ``Key: value`` header line."""

    key: str
    raw_key: str
    value: Any
    line: int
    column: int
    source: str  # "front-matter" or "header"


class Label(msgspec.Struct, frozen=True):
    """A paragraph or list item that opens with a bold label: ``**Impact:** ...``."""

    label: str
    rest: str
    line: int
    column: int
    end_line: int


class ParsedDocument(msgspec.Struct, frozen=True):
    """Everything later stages read about a document, parsed once."""

    source: Source
    lines: tuple[str, ...]
    tokens: tuple[BlockToken, ...]
    headings: tuple[Heading, ...]
    title: Heading | None
    fields: tuple[RawField, ...]
    labels: tuple[Label, ...]
    front_matter_type: str | None
    header_line: int
    code_lines: frozenset[int]
    errors: tuple[InputProblem, ...] = ()  # they stop the document being checked further
    notices: tuple[InputProblem, ...] = ()  # they do not (a repeated front matter key)

    @property
    def first_section_line(self) -> int:
        for heading in self.headings:
            if heading is not self.title:
                return heading.line
        return len(self.lines) + 1


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)
    md.disable("inline")
    return md


def block_tokens(text: str) -> tuple[BlockToken, ...]:
    """The block tokens of ``text``: scanned when possible, else from markdown-it."""
    scanned = scan_blocks(text)
    if scanned is not None:
        return tuple(scanned)
    return tuple(_markdown().parse(text))


def parse_source(source: Source) -> ParsedDocument:
    """Tokenise once and collect the line-mapped pieces the model is built from."""
    text = source.text
    tokens = block_tokens(text)
    lines = tuple(text.split("\n"))
    headings: list[Heading] = []
    fields: list[RawField] = []
    labels: list[Label] = []
    code_lines: set[int] = set()
    errors: list[InputProblem] = []
    notices: list[InputProblem] = []
    front_matter_type: str | None = None
    header_start = 0

    for index, token in enumerate(tokens):
        if not token.map:  # closing tokens: about half of them
            continue
        kind = token.type
        if kind == "inline":
            if tokens[index - 1].type != "paragraph_open":
                continue
            match = _BOLD_LABEL.match(token.content) or _BOLD_QUESTION.match(token.content)
            if match:
                start, end = token.map
                raw_line = lines[start]
                column = raw_line.find(token.content[:2]) + 1
                # The rest of the paragraph, also the lines below the label's own.
                rest = token.content[match.start("rest"):] if match.group("rest") is not None \
                    else token.content[match.end():]
                labels.append(Label(strip_inline_markup(match.group("label")).strip(),
                                    rest.strip(), start + 1, max(column, 1), end))
        elif kind == "heading_open":
            inline = tokens[index + 1]
            start, end = token.map
            raw_line = lines[start]
            column = len(raw_line) - len(raw_line.lstrip()) + 1
            text = strip_comments(inline.content)
            headings.append(Heading(int(token.tag[1]), text.strip(), start + 1, column, end))
        elif kind in ("fence", "code_block", "html_block"):
            code_lines.update(range(token.map[0] + 1, token.map[1] + 1))
        elif kind == "front_matter":
            fm_fields, error, repeated = _front_matter_fields(token.content, source.display)
            fields.extend(fm_fields)
            notices.extend(repeated)
            if error is not None:
                errors.append(error)
            for fm_field in fm_fields:
                if fm_field.key == "type" and isinstance(fm_field.value, str):
                    front_matter_type = fm_field.value.strip().lower()
            header_start = header_start or 1

    title = _title_heading(headings)
    first_section = next((h.line for h in headings if h is not title), len(lines) + 1)
    header_fields = _header_fields(tokens, lines, first_section, title)
    if header_fields and not header_start:
        header_start = header_fields[0].line
    fields.extend(header_fields)
    return ParsedDocument(
        source=source, lines=lines, tokens=tokens, headings=tuple(headings), title=title,
        fields=tuple(fields), labels=tuple(labels), front_matter_type=front_matter_type,
        header_line=header_start or (title.line if title else 1),
        code_lines=frozenset(code_lines), errors=tuple(errors),
        notices=tuple(notices),
    )


def _title_heading(headings: list[Heading]) -> Heading | None:
    """The document's title: a first-place H1 that no other H1 competes with."""
    if not headings or headings[0].level != 1:
        return None
    if any(h.level == 1 for h in headings[1:]):
        return None
    return headings[0]


def _header_fields(tokens: tuple[BlockToken, ...], lines: tuple[str, ...], first_section: int,
                   title: Heading | None) -> list[RawField]:
    """``Key: value`` lines (plain or bold-labelled) above the first section.

    Block tokens come in line order: the walk ends at the first section.
    """
    found: list[RawField] = []
    for index, token, depth in blocks_between(tokens, 1, first_section - 1):
        assert token.map is not None
        if depth > 1:
            continue  # a nested list item is content (key events, actions), not a header
        if token.type == "tr_open":
            found.extend(_table_field(tokens, index, lines))
            continue
        if token.type != "inline" or tokens[index - 1].type != "paragraph_open":
            continue
        if title is not None and token.map[0] + 1 == title.line:
            continue
        for offset, text in enumerate(token.content.split("\n")):
            line_no = token.map[0] + offset + 1
            if line_no >= first_section:
                break
            match = _HEADER_FIELD.match(text.strip())
            if not match:
                continue
            raw_key = (match.group("bold") or match.group("plain") or "").strip()
            if len(raw_key.split()) > 5:
                continue
            value = strip_trailing_break(match.group("value"))
            raw_line = lines[line_no - 1]
            column = raw_line.find(value) + 1 if value else len(raw_line.rstrip()) + 1
            found.append(RawField(normalize_key(raw_key), raw_key, value, line_no,
                                  max(column, 1), "header"))
    return found


def _table_field(tokens: tuple[BlockToken, ...], index: int, lines: tuple[str, ...]
                 ) -> list[RawField]:
    """A ``| Incident ID | INC-… |`` row of a two-column table above the first section."""
    cells = []
    for token in tokens[index + 1:]:
        if token.type == "tr_close":
            break
        if token.type == "inline":
            cells.append(token.content.strip())
    row_map = tokens[index].map
    assert row_map is not None
    line_no = row_map[0] + 1
    if len(cells) != 2 or not cells[0] or normalize_key(cells[0]) in ("field", "key", "name"):
        return []
    raw_key = strip_inline_markup(cells[0]).rstrip(":").strip()
    value = strip_trailing_break(cells[1])
    if not raw_key or len(raw_key.split()) > 5:
        return []
    return [RawField(normalize_key(raw_key), raw_key, value, line_no,
                     column_of(lines, line_no, cells[1]) if value else 1, "header")]


def blocks_between(tokens: tuple[BlockToken, ...], start: int, end: int
                   ) -> Iterator[tuple[int, BlockToken, int]]:
    """``(index, token, list depth)`` for tokens whose first line is in ``start..end``.

    The depth counts the lists open around the token (a top-level list item
    is at depth 1). Block tokens come in line order, so the walk stops at the
    first token past ``end``.
    """
    depth = 0
    for index, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        if not token.map:
            continue
        line = token.map[0] + 1
        if line > end:
            return
        if line >= start:
            yield index, token, depth


def column_of(lines: tuple[str, ...], line: int, content: str) -> int:
    """1-based column where ``content`` (inline source of a block) starts on its line.

    markdown-it-py gives lines, not columns; the inline source is found again
    in the raw line, else the line's first non-blank character is used.
    """
    raw = lines[line - 1] if 0 < line <= len(lines) else ""
    probe = content.split("\n", 1)[0].strip()[:16]
    index = raw.find(probe) if probe else -1
    return index + 1 if index >= 0 else len(raw) - len(raw.lstrip()) + 1


def strip_trailing_break(value: str) -> str:
    """Drop comments and a hard line break (two spaces or a backslash) from a header value."""
    value = strip_comments(value)
    value = value.strip()
    value = value[:-1].rstrip() if value.endswith("\\") else value
    value = _EMPHASIS_MARKS.sub("", value).strip()  # Status: **OPEN**
    wrapped = _WRAPPED.match(value)  # Status: _Closed_, Severity: *HIGH*
    return wrapped.group(2).strip() if wrapped else value


def _front_matter_fields(content: str, display: str
                         ) -> tuple[list[RawField], InputProblem | None, list[InputProblem]]:
    """Top-level front matter keys with their lines; a YAML error becomes a problem.

    Returns the fields, the blocking problem (or ``None``) and the problems that
    do not stop the document being checked (repeated keys).
    """
    import yaml

    from aoslint.document.yamldata import FrontMatterError, load_front_matter

    try:
        loaded = load_front_matter(content)
    except FrontMatterError as exc:
        return [], InputProblem(
            InputKind.FRONT_MATTER, display, exc.line + 2, exc.column + 1,
            f"front matter cannot be read: {exc.problem}"), []
    except yaml.YAMLError as exc:
        # An unclosed bracket or quote is best shown where it opened (the context).
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        column = (mark.column + 1) if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return [], InputProblem(InputKind.FRONT_MATTER, display, line, column,
                                f"front matter is not valid YAML: {problem}"), []
    data = loaded.data
    if data is None:
        return [], None, []
    if not isinstance(data, dict):
        return [], InputProblem(
            InputKind.FRONT_MATTER, display, 2, 1,
            "front matter must be a mapping of keys to values"), []
    result = []
    for key, value in data.items():
        where = loaded.keys.get(key)
        line, column = (where.line + 2, where.column + 1) if where is not None else (2, 1)
        result.append(RawField(normalize_key(key), key, value, line, column, "front-matter"))
    repeated = [InputProblem(
        InputKind.REPEATED_KEY, display, again.line + 2, again.column + 1,
        f"front matter key '{again.name}' is repeated (first at line {first.line + 2}); "
        "YAML keeps only the last value")
        for again, first in loaded.duplicates]
    return result, None, repeated
