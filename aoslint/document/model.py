"""The document model: a plain, immutable value that checks read and schemas validate.

Every value knows its source line. ``Document.to_json()`` is what
``aoslint model`` prints and what a document type's JSON Schema validates.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Container
from typing import Any

import msgspec

from aoslint.closure import Closure, find_closure
from aoslint.document.actions import ACTION_SECTION_KEYS, ActionItem, extract_action_items
from aoslint.document.doctypes import DocType
from aoslint.document.normalize import heading_number, slug, trailing_notes
from aoslint.document.parse import Heading, Label, ParsedDocument
from aoslint.document.placeholders import has_substance
from aoslint.lazyre import compile_lazily
from aoslint.timeline.extract import extract_timeline
from aoslint.timeline.model import Timeline


# gc=False: a leaf record, never in a reference cycle; untracked, the cache loads it faster.
class Field(msgspec.Struct, frozen=True, gc=False):
    """One metadata field, merged from front matter and header lines."""

    key: str
    raw_key: str
    value: Any
    line: int
    column: int
    source: str


class Section(msgspec.Struct, frozen=True):
    """A heading (or a bold label standing in for one) and the lines it spans."""

    key: str
    title: str
    level: int
    line: int
    column: int
    end_line: int
    kind: str  # "heading" or "label"
    known: bool
    fallback: bool
    number: tuple[int, ...] | None
    notes: tuple[str, ...]
    empty: bool
    children: tuple[Section, ...]
    # Named only by a stand-in title ("Context" for the Root Cause); a bold label
    # that is one counts only when it says something of its own (``says``).
    stand_in: bool = False
    says: bool = True

    def with_children(self, children: tuple[Section, ...]) -> Section:
        """This section with its subsections (far cheaper than ``dataclasses.replace``)."""
        return Section(self.key, self.title, self.level, self.line, self.column, self.end_line,
                       self.kind, self.known, self.fallback, self.number, self.notes,
                       self.empty, children, self.stand_in, self.says)

    def walk(self) -> list[Section]:
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "title": self.title, "level": self.level, "line": self.line,
            "end_line": self.end_line, "kind": self.kind, "fallback": self.fallback,
            "empty": self.empty,
            "children": [c.to_json() for c in self.children],
        }


class Document(msgspec.Struct, frozen=True):
    """Metadata, title and section tree of one incident document."""

    path: str
    type: str
    title: str | None
    title_line: int
    fields: tuple[Field, ...]
    sections: tuple[Section, ...]
    header_line: int
    line_count: int
    action_items: tuple[ActionItem, ...] = ()
    timeline: Timeline | None = None
    closure: Closure = msgspec.field(default_factory=Closure)

    @property
    def metadata(self) -> dict[str, Any]:
        return {f.key: f.value for f in self.fields}

    def field(self, key: str) -> Field | None:
        for candidate in self.fields:
            if candidate.key == key:
                return candidate
        return None

    def all_sections(self) -> list[Section]:
        found: list[Section] = []
        for section in self.sections:
            found.extend(section.walk())
        return found

    def line_map(self) -> dict[str, int]:
        lines = {"metadata": self.header_line}
        lines.update({f"metadata.{f.key}": f.line for f in self.fields})
        for section in self.all_sections():
            lines.setdefault(f"sections.{section.key}", section.line)
        return lines

    def to_json(self, only: Container[str] | None = None) -> dict[str, Any]:
        """The model as ``aoslint model`` prints it; ``only`` names the keys to build."""
        parts: tuple[tuple[str, Callable[[], Any]], ...] = (
            ("path", lambda: self.path),
            ("type", lambda: self.type),
            ("title", lambda: self.title),
            ("metadata", lambda: self.metadata),
            ("lines", self.line_map),
            ("sections", lambda: [s.to_json() for s in self.sections]),
            ("action_items", lambda: [item.to_json() for item in self.action_items]),
            ("timeline", lambda: self.timeline.to_json() if self.timeline else None),
            ("closure", self.closure.to_json),
        )
        return {key: build() for key, build in parts if only is None or key in only}


def merge_fields(parsed: ParsedDocument) -> tuple[Field, ...]:
    """Front matter first, then header lines; a key given twice keeps its first value."""
    seen: dict[str, Field] = {}
    for raw in parsed.fields:
        if raw.key and raw.key not in seen:
            seen[raw.key] = Field(raw.key, raw.raw_key, raw.value, raw.line, raw.column,
                                  raw.source)
    return tuple(seen.values())


def build_document(parsed: ParsedDocument, doctype: DocType) -> Document:
    """Key the parsed headings by the document type's section names."""
    lines = parsed.lines
    headings = [h for h in parsed.headings if h is not parsed.title]
    heading_lines = {line for h in parsed.headings for line in range(h.line, h.end_line + 1)}
    total = len(lines)
    flat = [_heading_section(heading, end, doctype, lines, heading_lines)
            for heading, end in zip(headings, _section_ends(headings, total), strict=True)]
    sections = _nest(flat, _label_sections(parsed, doctype, headings, total))
    in_order = sorted((s for top in sections for s in top.walk()), key=_line)
    fields = merge_fields(parsed)
    timeline = None
    if any(spec.key == "timeline" for spec in doctype.sections):
        spans = _outermost(in_order, "timeline")
        timeline = extract_timeline(parsed, {f.key: f.value for f in fields},
                                    [(s.line, s.end_line, s.title) for s in spans])
    return Document(
        path=parsed.source.display,
        type=doctype.name,
        title=parsed.title.title if parsed.title else _front_matter_title(parsed),
        title_line=parsed.title.line if parsed.title else 1,
        fields=fields,
        sections=sections,
        header_line=parsed.header_line,
        line_count=total,
        action_items=_action_items(parsed, in_order),
        timeline=timeline,
        closure=find_closure(parsed, [(s.line, s.end_line)
                                      for s in _outermost(in_order, "closure-approval")]),
    )


def _section_ends(headings: list[Heading], total: int) -> list[int]:
    """Each heading's last line: the line before the next heading of its level or above.

    One pass with a stack of the headings still open, not a scan of the later
    headings for each one.
    """
    ends = [total] * len(headings)
    still_open: list[int] = []
    for index, heading in enumerate(headings):
        while still_open and headings[still_open[-1]].level >= heading.level:
            ends[still_open.pop()] = heading.line - 1
        still_open.append(index)
    return ends


def _heading_section(heading: Heading, end: int, doctype: DocType, lines: tuple[str, ...],
                     heading_lines: set[int]) -> Section:
    """The section a heading opens, without its subsections yet."""
    match = doctype.section_for_title(heading.title)
    spec, fallback = match if match else (None, False)
    body = range(heading.end_line + 1, end + 1)
    return Section(
        key=spec.key if spec else slug(heading.title) or f"section-{heading.line}",
        title=heading.title, level=heading.level, line=heading.line, column=heading.column,
        end_line=end, kind="heading", known=spec is not None, fallback=fallback,
        number=heading_number(heading.title), notes=trailing_notes(heading.title),
        empty=not has_substance(lines, body, heading_lines), children=(),
        stand_in=fallback,
    )


def _outermost(in_order: list[Section], key: str) -> list[Section]:
    """Sections with this key that are not nested in another one with it."""
    found: list[Section] = []
    for section in in_order:
        if section.key == key and not any(o.line <= section.line <= o.end_line for o in found):
            found.append(section)
    return found


def _action_items(parsed: ParsedDocument, in_order: list[Section]) -> tuple[ActionItem, ...]:
    """Items of every action section, outermost sections only, so none is counted twice."""
    items: list[ActionItem] = []
    for key in ACTION_SECTION_KEYS:
        for section in _outermost(in_order, key):
            items.extend(extract_action_items(parsed, section.line + 1, section.end_line))
    return tuple(items)


def _front_matter_title(parsed: ParsedDocument) -> str | None:
    for raw in parsed.fields:
        if raw.key == "title" and isinstance(raw.value, str):
            return raw.value
    return None


def _label_sections(parsed: ParsedDocument, doctype: DocType, headings: list[Heading],
                    total: int) -> list[Section]:
    """Bold labels such as ``**Impact:** ...`` that name one of the type's sections."""
    matched: list[tuple[Label, str, bool]] = []
    for label in parsed.labels:
        match = doctype.section_for_title(label.label)
        if match is not None:
            matched.append((label, match[0].key, match[1]))
    heading_starts = [h.line for h in headings]
    result = []
    for index, (label, key, stand_in) in enumerate(matched):
        end = matched[index + 1][0].line - 1 if index + 1 < len(matched) else total
        following = bisect_right(heading_starts, label.line)  # the first heading below it
        if following < len(heading_starts) and heading_starts[following] <= end:
            end = heading_starts[following] - 1
        result.append(Section(
            key=key, title=label.label, level=7, line=label.line, column=label.column,
            end_line=end, kind="label", known=True, fallback=True, number=None, notes=(),
            empty=not has_substance((label.rest,), range(1, 2))
            and not has_substance(parsed.lines, range(label.end_line + 1, end + 1)),
            children=(), stand_in=stand_in,
            says=not stand_in or says_something((label.rest, *parsed.lines[label.end_line:end]),
                                                range(1, end - label.end_line + 2)),
        ))
    return result


_LINK_OR_URL = compile_lazily(r"!?\[[^\]]*\]\([^)]*\)|<[a-z]+:[^>]*>|\b[a-z]+://\S+|"
                              r"^\s*(?:[-*+]|\d+[.)])?\s*(?:\*\*|__)?"
                              r"[A-Za-z][\w /&-]{0,30}?:(?=\s)",
                              re.IGNORECASE | re.MULTILINE)
_WORD = compile_lazily(r"[A-Za-z]{2,}")
STAND_IN_WORDS = 5  # "Pod restarted." or a lone Slack link is no root cause


def says_something(lines: tuple[str, ...], body: range) -> bool:
    """Whether lines ``body`` (1-based) hold a sentence of their own, not only links.

    A stand-in such as "Context" or "Resolution" answers for the Root Cause
    only when it explains something: links, bare URLs and ``Label:`` openers
    are not counted, and at least :data:`STAND_IN_WORDS` words must remain.
    """
    count = 0
    for number in body:
        if not 0 < number <= len(lines):
            continue
        count += len(_WORD.findall(_LINK_OR_URL.sub(" ", lines[number - 1])))
        if count >= STAND_IN_WORDS:
            return True
    return False


def _nest(flat: list[Section], labels: list[Section]) -> tuple[Section, ...]:
    """The section tree: headings nested by level, each label under the innermost heading.

    Sections are completed last to first, so each is rebuilt at most once,
    with all of its children.
    """
    parents = _parents(flat)
    children: list[list[Section]] = [[] for _ in flat]
    roots: list[Section] = []
    starts = [s.line for s in flat]
    for label in labels:
        holder = bisect_left(starts, label.line) - 1  # the last heading above the label
        while holder >= 0 and flat[holder].end_line < label.line:
            holder = parents[holder]
        (children[holder] if holder >= 0 else roots).append(label)
    for index in range(len(flat) - 1, -1, -1):
        section = flat[index]
        if children[index]:
            section = section.with_children(tuple(sorted(children[index], key=_line)))
        parent = parents[index]
        (children[parent] if parent >= 0 else roots).append(section)
    return tuple(sorted(roots, key=_line))


def _parents(flat: list[Section]) -> list[int]:
    """Each heading's parent: the nearest heading above it of a higher level (-1: none)."""
    parents: list[int] = []
    still_open: list[int] = []
    for index, section in enumerate(flat):
        while still_open and flat[still_open[-1]].level >= section.level:
            still_open.pop()
        parents.append(still_open[-1] if still_open else -1)
        still_open.append(index)
    return parents


def _line(section: Section) -> int:
    return section.line
