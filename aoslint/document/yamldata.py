"""Front matter YAML as plain data, within bounds a hostile document cannot pass.

PyYAML's safe loader builds the whole node graph and copies every alias out
when the values are converted, so a few hundred bytes of nested aliases take
gigabytes; a recursive alias or deep nesting exhausts the recursion limit,
and an explicit ``!!float x`` raises a bare ``ValueError``. Here libyaml's
event stream (flat, no recursion) is turned into JSON values with a stack:
depth and alias expansion are counted as they are read, only the standard
scalar and collection tags are accepted, and every problem is a
``FrontMatterError`` with the line and column it was found at. Duplicate keys
are collected, not silently overwritten.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

import msgspec

MAX_DEPTH = 64  # nested collections; real front matter needs two or three
MAX_NODES = 10_000  # values built, aliases counted at their expanded size

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_TAG + name for name in
                         ("str", "int", "float", "bool", "null", "timestamp"))
_SEQUENCE_TAG = _TAG + "seq"
_MAPPING_TAG = _TAG + "map"


class FrontMatterError(Exception):
    """A problem in the YAML, at a 0-based line and column of the YAML text."""

    def __init__(self, problem: str, line: int, column: int) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line
        self.column = column


class Key(msgspec.Struct, frozen=True):
    """A top-level key as written, with its 0-based position."""

    name: str
    line: int
    column: int


class FrontMatter(msgspec.Struct, frozen=True):
    """The loaded value, its top-level keys' positions, and repeated keys."""

    data: Any
    keys: dict[str, Key]
    duplicates: tuple[tuple[Key, Key], ...]  # (repeated key, its first occurrence)


class _Open:
    """A collection being read: its value, anchor and size so far."""

    __slots__ = ("anchor", "is_mapping", "key", "key_mark", "size", "start", "value")

    def __init__(self, value: Any, anchor: str | None, start: Any) -> None:
        self.value = value
        self.is_mapping = isinstance(value, dict)
        self.anchor = anchor
        self.start = start
        self.size = 1
        self.key: Any = _NO_KEY
        self.key_mark: Any = None


_NO_KEY = object()


def load_front_matter(content: str) -> FrontMatter:
    """The YAML document in ``content`` as JSON values; raises ``FrontMatterError``.

    ``yaml.YAMLError`` (a syntax error) is left to the caller, which already
    reports it where the parser stopped.
    """
    import yaml

    loader = _loader()(content)
    stack: list[_Open] = []
    anchors: dict[str, tuple[Any, int]] = {}  # anchor -> (value, expanded size)
    open_anchors: set[str] = set()
    keys: dict[str, Key] = {}
    duplicates: list[tuple[Key, Key]] = []
    total = 0
    result: Any = None
    documents = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            mark = event.start_mark
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise FrontMatterError("more than one YAML document",
                                           mark.line, mark.column)
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                done = stack.pop()
                if done.anchor is not None:
                    anchors[done.anchor] = (done.value, done.size)
                    open_anchors.discard(done.anchor)
                value, size = done.value, done.size
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor in open_anchors:
                    raise FrontMatterError(f"recursive alias *{event.anchor} (it refers to "
                                           "the collection it is in)", mark.line, mark.column)
                if event.anchor not in anchors:
                    raise FrontMatterError(f"alias *{event.anchor} names no anchor",
                                           mark.line, mark.column)
                value, size = anchors[event.anchor]
            elif isinstance(event, yaml.ScalarEvent):
                value, size = _scalar(loader, event), 1
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1)
            elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                is_mapping = isinstance(event, yaml.MappingStartEvent)
                _check_collection_tag(event, is_mapping)
                if len(stack) >= MAX_DEPTH:
                    raise FrontMatterError(f"nested more than {MAX_DEPTH} levels deep",
                                           mark.line, mark.column)
                total += 1
                stack.append(_Open({} if is_mapping else [], event.anchor, mark))
                if event.anchor is not None:
                    open_anchors.add(event.anchor)
                continue
            else:  # stream and document ends
                continue
            total += size if isinstance(event, yaml.AliasEvent) else 0
            total += 1 if isinstance(event, yaml.ScalarEvent) else 0
            if total > MAX_NODES:
                raise FrontMatterError(f"expands to more than {MAX_NODES} values "
                                       "(aliases count at their full size)",
                                       mark.line, mark.column)
            if not stack:
                result = value
                continue
            parent = stack[-1]
            parent.size += size
            if not parent.is_mapping:
                parent.value.append(value)
            elif parent.key is _NO_KEY:
                parent.key = value
                parent.key_mark = mark
            else:
                _store(parent, value, len(stack) == 1, keys, duplicates)
    finally:
        loader.dispose()
    return FrontMatter(result, keys, tuple(duplicates))


def _store(parent: _Open, value: Any, top: bool, keys: dict[str, Key],
           duplicates: list[tuple[Key, Key]]) -> None:
    """Set one key of a mapping; ``<<`` merges (as the safe loader does)."""
    key, mark = parent.key, parent.key_mark
    parent.key = _NO_KEY
    mapping: dict[str, Any] = parent.value
    if key == "<<" and isinstance(value, dict | list):
        sources = value if isinstance(value, list) else [value]
        for source in sources:
            if isinstance(source, dict):
                for name, merged in source.items():
                    mapping.setdefault(name, merged)
        return
    name = key if isinstance(key, str) else _key_text(key)
    if top:
        here = Key(name, mark.line, mark.column)
        if name in keys:
            duplicates.append((here, keys[name]))
        else:
            keys[name] = here
    mapping[name] = value


def _key_text(key: Any) -> str:
    if isinstance(key, bool) or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    return str(key)


def _check_collection_tag(event: Any, is_mapping: bool) -> None:
    tag = event.tag
    if tag is None or tag == "!" or tag == (_MAPPING_TAG if is_mapping else _SEQUENCE_TAG):
        return
    mark = event.start_mark
    raise FrontMatterError(f"tag '{tag}' is not allowed (plain YAML mappings, lists "
                           "and scalars only)", mark.line, mark.column)


def _scalar(loader: Any, event: Any) -> Any:
    """One scalar's value by its tag (resolved as the safe loader does, dates kept as text)."""
    import yaml

    tag = event.tag
    if tag is None or tag == "!":
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    mark = event.start_mark
    if tag not in _SCALAR_TAGS:
        raise FrontMatterError(f"tag '{tag}' is not allowed (plain YAML mappings, lists "
                               "and scalars only)", mark.line, mark.column)
    if tag == _TAG + "str":
        return event.value
    node = yaml.ScalarNode(tag, event.value, mark, event.end_mark, event.style)
    try:
        value = loader.yaml_constructors[tag](loader, node)
    except (ValueError, OverflowError, TypeError, yaml.YAMLError):
        short = tag.removeprefix(_TAG)
        raise FrontMatterError(f"'{event.value[:40]}' is not a valid !!{short}",
                               mark.line, mark.column) from None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


@lru_cache(maxsize=1)
def _loader() -> Any:
    """A safe loader that keeps dates as written, so the schema judges them.

    PyYAML turns ``2026-11-02`` into a date and raises on ``2026-13-45``;
    keeping the text lets a bad date be an invalid-metadata finding.
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class TextDateLoader(base):  # type: ignore[misc,valid-type]
        pass

    TextDateLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers
                if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    return TextDateLoader
