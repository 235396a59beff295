"""Action items: checkbox lists, plain bullets and tables in the action sections.

The policy asks for "explicit tasks to prevent recurrence"; this module turns
the Action Items / AOS Hardening / Corrective Actions section into items with
their state, owner, type and references, each with its source line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import msgspec

from aoslint.document.normalize import normalize_title, strip_inline_markup
from aoslint.document.parse import ParsedDocument, blocks_between, column_of
from aoslint.document.placeholders import strip_unwritten
from aoslint.lazyre import compile_lazily

if TYPE_CHECKING:
    from aoslint.document.blockscan import BlockToken

ACTION_SECTION_KEYS = ("action-items",)
_CHECKBOX = compile_lazily(r"^\[([ xX])\]\s*")
_LABEL = compile_lazily(
    r"^(?:\*\*|__)(?P<label>[^*_:\n]{1,60}?)(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:?)\s*(?P<rest>.*)$",
    re.DOTALL)
_OWNER = compile_lazily(
    r"\b(?:owner|owners|assignee|who|dri)\s*[:=]\s*(@?[\w.-]+(?:\s+[\w.-]+)?)", re.IGNORECASE)
_MENTION = compile_lazily(r"(?<![\w\[])@([A-Za-z0-9][\w-]*)")
_URL = compile_lazily(r"https?://[^\s)>\]`]+")
_PR_REF = compile_lazily(r"(?<![\w/&])(?:[\w.-]+/[\w.-]+)?[#!]\d+\b")
_TICKET = compile_lazily(r"\b[A-Z][A-Z0-9]{1,9}-\d+\b")
_SHA = compile_lazily(r"(?<![\w/.-])[0-9a-f]{7,40}(?![\w/.-])")
_PATH = compile_lazily(r"(?<![\w/\\.@=-])(?:\.{0,2}[/\\])?(?:[\w.=+-]+[/\\])*[\w-][\w.=+-]*\."
                       r"(?:md|py|ya?ml|json|"
                       r"toml|txt|sh|j2)\b")
_MARKDOWN_LINK = compile_lazily(r"\[[^\]]*\]\(([^)\s]+)\)")
_DONE_WORDS = compile_lazily(
    r"\b(done|closed|complete|completed|fixed|resolved|merged|shipped)\b|✅|✔", re.IGNORECASE)
_OPEN_WORDS = compile_lazily(r"\b(todo|tbd|open|in progress|in review|pending|planned|not started|"
                             r"blocked|waiting|wip|to be \w+|incomplete|undone|failed|partially|"
                             r"partly|half|reverted|rolled back|cancell?ed|dropped)\b|❌|✗",
                             re.IGNORECASE)
_NEGATION = compile_lazily(r"\b(not|never|no|un\w+(?:ed|e))\b", re.IGNORECASE)
_COLUMNS = {
    "text": ("action item", "action items", "action", "actions", "task", "item", "description",
             "what", "remediation", "corrective action"),
    "owner": ("owner", "owners", "who", "assignee", "dri", "responsible"),
    "type": ("type", "kind", "category"),
    "ticket": ("bug", "ticket", "issue", "link", "tracking", "jira", "pr"),
    "status": ("status", "state", "done"),
    "due": ("due", "due date", "deadline", "eta"),
}


class References(msgspec.Struct, frozen=True):
    """What an item points at: files, commits, pull requests or tickets, URLs."""

    paths: tuple[str, ...] = ()
    commits: tuple[str, ...] = ()
    changes: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()

    def to_json(self) -> dict[str, list[str]]:
        return {"paths": list(self.paths), "commits": list(self.commits),
                "changes": list(self.changes), "urls": list(self.urls)}


class ActionItem(msgspec.Struct, frozen=True):
    """One explicit task, as written, with where it is."""

    text: str
    label: str | None
    done: bool | None
    owner: str | None
    type: str | None
    due: str | None
    references: References
    line: int
    column: int
    end_line: int
    source: str  # "checkbox", "bullet" or "table"

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "label": self.label, "done": self.done, "owner": self.owner,
                "type": self.type, "due": self.due, "references": self.references.to_json(),
                "line": self.line, "column": self.column, "source": self.source}

    @property
    def has_substance(self) -> bool:
        """False for a label with nothing after it, or nothing but template text."""
        return any(ch.isalnum() for ch in strip_inline_markup(strip_unwritten(self.text)))


def _status_done(status: str) -> bool | None:
    """Done, open, or unknown from a Status cell; "Not done" and "to be fixed" are open."""
    if _OPEN_WORDS.search(status) or _NEGATION.search(status):
        return False
    return True if _DONE_WORDS.search(status) else None


def find_references(text: str) -> References:
    """Files, commit SHAs, PR/MR or ticket references and URLs mentioned in a text.

    A pattern runs only if the text holds what all its matches hold ("://",
    "](", ".", "#" or "!", "-"): most items cite one kind of thing at most.
    """
    urls = _URL.findall(text) if "://" in text else []
    without_urls = _URL.sub(" ", text) if urls else text
    links = _MARKDOWN_LINK.findall(without_urls) if "](" in without_urls else []
    paths = [p for p in _PATH.findall(without_urls) if not p.startswith("http")] \
        if "." in without_urls else []
    paths += [t for t in links if _PATH.fullmatch(t)]
    shas = [s for s in _SHA.findall(without_urls)
            if any(c.isdigit() for c in s) and any(c.isalpha() for c in s)]
    changes = (_PR_REF.findall(without_urls) if "#" in without_urls or "!" in without_urls
               else []) + (_TICKET.findall(without_urls) if "-" in without_urls else [])
    return References(tuple(dict.fromkeys(paths)), tuple(dict.fromkeys(shas)),
                      tuple(dict.fromkeys(changes)), tuple(dict.fromkeys(urls)))


def _owner_in(text: str) -> str | None:
    match = _OWNER.search(text)
    if match:
        return match.group(1).strip()
    mention = _MENTION.search(text)
    return f"@{mention.group(1)}" if mention else None


def extract_action_items(parsed: ParsedDocument, start: int, end: int) -> tuple[ActionItem, ...]:
    """Items of the top-level lists and tables between source lines ``start`` and ``end``."""
    items: list[ActionItem] = []
    tokens = parsed.tokens
    for index, token, depth in blocks_between(tokens, start, end):
        if token.type == "list_item_open" and depth == 1:
            item = _list_item(parsed, tokens, index)
            if item is not None:
                items.append(item)
        elif token.type == "table_open" and depth == 0:
            items.extend(_table_items(parsed, tokens, index))
    return tuple(items)


def _list_item(parsed: ParsedDocument, tokens: tuple[BlockToken, ...], index: int
               ) -> ActionItem | None:
    opening = tokens[index]
    assert opening.map is not None
    content = ""
    for token in tokens[index + 1:]:
        if token.type == "inline":
            content = token.content
            break
        if token.type == "list_item_close":
            break
    first_line = opening.map[0] + 1
    text = " ".join(part.strip() for part in content.split("\n")).strip()
    done: bool | None = None
    source = "bullet"
    checkbox = _CHECKBOX.match(text)
    if checkbox:
        done = checkbox.group(1) != " "
        source = "checkbox"
        text = text[checkbox.end():]
    label = None
    labelled = _LABEL.match(text)
    if labelled:
        label = strip_inline_markup(labelled.group("label")).strip()
        text = labelled.group("rest").strip()
    return ActionItem(
        text=text, label=label, done=done, owner=_owner_in(text), type=None, due=None,
        references=find_references(text), line=first_line,
        column=column_of(parsed.lines, first_line, content), end_line=opening.map[1],
        source=source)


def _cells(tokens: tuple[BlockToken, ...], start: int, closing: str) -> list[str]:
    cells = []
    for token in tokens[start:]:
        if token.type == closing:
            break
        if token.type == "inline":
            cells.append(token.content.strip())
    return cells


def _table_items(parsed: ParsedDocument, tokens: tuple[BlockToken, ...],
                 index: int) -> list[ActionItem]:
    header = [normalize_title(c) for c in _cells(tokens, index, "thead_close")]
    roles: dict[str, int] = {}
    for role, names in _COLUMNS.items():
        for position, name in enumerate(header):
            if name in names and role not in roles:
                roles[role] = position
    if "text" not in roles:
        roles["text"] = 0
    items = []
    for position in range(index, len(tokens)):
        token = tokens[position]
        if token.type == "table_close":
            break
        if token.type != "tr_open" or not token.map or tokens[position - 1].type == "thead_open":
            continue
        cells = _cells(tokens, position, "tr_close")

        def cell(role: str, row: list[str] = cells) -> str | None:
            at = roles.get(role)
            value = row[at] if at is not None and at < len(row) else None
            return value or None

        text = cell("text") or ""
        status = " ".join(filter(None, (cell("status"), cell("ticket"))))
        done = _status_done(status) if status else None
        line = token.map[0] + 1
        everything = " ".join(cells)
        items.append(ActionItem(
            text=text, label=None, done=done, owner=cell("owner") or _owner_in(text),
            type=cell("type"), due=cell("due"), references=find_references(everything),
            line=line, column=column_of(parsed.lines, line, text), end_line=line,
            source="table"))
    return items
