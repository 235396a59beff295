"""Parsers for the few git output formats the layer reads.

Kept free of subprocess calls so that odd inputs (quoted paths, renames,
"\\ No newline" markers, content lines that look like headers) can be
tested directly.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from aoslint.git.model import Commit, FileChange

# %m marks boundary commits ("-") when --boundary is used; harmless otherwise.
LOG_FORMAT = "%x1e%m%x1f%H%x1f%P%x1f%cI%x1f%aI%x1f%s"
PATCH_FORMAT = "%x1e%H%x1f%cI"
# The options whose output parse_log and parse_patch read (pinned: no external
# diff, no textconv, fixed prefixes, hunks without context).
LOG_OPTIONS = (
    "-z",
    "--name-status",
    "-M",
    "--diff-merges=first-parent",
    "--no-ext-diff",
    "--no-textconv",
    f"--format={LOG_FORMAT}",
)
PATCH_OPTIONS = (
    "-p",
    "-U0",
    "-M",
    "--inter-hunk-context=0",
    "--no-ext-diff",
    "--no-textconv",
    "--src-prefix=a/",
    "--dst-prefix=b/",
)

_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def unquote(text: str) -> str:
    """Undo git's C-style quoting of a path (``"a\\tb"``, octal UTF-8 bytes)."""
    if not (len(text) >= 2 and text.startswith('"') and text.endswith('"')):
        return text
    out = bytearray()
    body = text[1:-1]
    i = 0
    while i < len(body):
        char = body[i]
        if char != "\\" or i + 1 == len(body):
            out += char.encode("utf-8", "surrogateescape")
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif body[i + 1 : i + 4].isdigit():
            out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            out += nxt.encode("utf-8", "surrogateescape")
            i += 2
    return out.decode("utf-8", "surrogateescape")


def _split_quoted(text: str) -> tuple[str, str]:
    """Split a leading quoted string from the rest (both still quoted/raw)."""
    i = 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == '"':
            return text[: i + 1], text[i + 1 :]
        i += 1
    return text, ""


class LogRecord(msgspec.Struct, frozen=True):
    """A parsed ``git log`` entry; ``boundary`` for ``--boundary`` commits."""

    commit: Commit
    boundary: bool


def parse_log(text: str) -> list[LogRecord]:
    """Parse ``git log -z --name-status --format=LOG_FORMAT`` output."""
    records: list[LogRecord] = []
    header: list[str] | None = None
    changes: list[FileChange] = []

    def flush() -> None:
        if header is None:
            return
        mark, sha, parents, committed, authored, subject = header
        commit = Commit(
            sha=sha,
            parents=tuple(parents.split()),
            committed_at=datetime.fromisoformat(committed),
            author_date=datetime.fromisoformat(authored),
            subject=subject,
            changes=tuple(changes),
        )
        records.append(LogRecord(commit, mark == "-"))

    tokens = text.split("\0")
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip("\n")
        i += 1
        if not token:
            continue
        if token.startswith("\x1e"):
            flush()
            header = token[1:].split("\x1f", 5)
            while len(header) < 6:
                header.append("")
            changes = []
            continue
        status = token[:1]  # "R087" -> "R": the score is not needed
        if status in ("R", "C") and i + 1 < len(tokens):
            changes.append(FileChange(status, tokens[i + 1], tokens[i]))
            i += 2
        elif i < len(tokens):
            changes.append(FileChange(status, tokens[i]))
            i += 1
    flush()
    return records


Hunk = tuple[int, int, int, int]


class FilePatch(msgspec.Struct):
    """One file of a ``-U0`` patch: status, paths and hunks (old start/count, new start/count)."""

    status: str = "M"
    path: str = ""
    old_path: str | None = None
    hunks: list[Hunk] = msgspec.field(default_factory=list)
    binary: bool = False
    # Per hunk, the text of its removed and of its added lines (without "-"/"+").
    texts: list[tuple[list[str], list[str]]] = msgspec.field(default_factory=list)

    def change(self) -> FileChange:
        return FileChange(self.status, self.path, self.old_path)


class PatchRecord(msgspec.Struct):
    """The files of one commit in a ``log -p`` (or the whole of a ``diff``)."""

    sha: str
    committed_at: datetime | None
    files: list[FilePatch] = msgspec.field(default_factory=list)


def _count(text: str) -> tuple[int, int]:
    start, _, count = text.partition(",")
    return int(start), int(count) if count else 1


def _parse_hunk_header(line: str) -> Hunk:
    # "@@ -a[,b] +c[,d] @@ optional section heading"
    old, new = line.split(" ", 3)[1:3]
    a, b = _count(old[1:])
    c, d = _count(new[1:])
    return a, b, c, d


def _header_path(rest: str, prefix: str) -> str | None:
    if rest.endswith("\t"):
        rest = rest[:-1]  # git adds a tab after names that contain a space
    if rest.startswith('"'):
        rest = unquote(rest)
    if rest == "/dev/null":
        return None
    return rest[len(prefix) :] if rest.startswith(prefix) else rest


def _diff_git_paths(rest: str) -> tuple[str, str] | None:
    """Paths of ``diff --git a/X b/Y``; unambiguous unless unquoted and X != Y."""
    if rest.startswith('"'):
        first, tail = _split_quoted(rest)
        second = tail.lstrip(" ")
        return unquote(first)[2:], unquote(second)[2:]
    if len(rest) % 2 == 1:
        half = (len(rest) - 1) // 2
        a, b = rest[:half], rest[half + 1 :]
        if a.startswith("a/") and b.startswith("b/") and a[2:] == b[2:]:
            return a[2:], b[2:]
    if rest.endswith('"'):
        head, _, _ = rest.partition(' "')
        return head[2:], unquote(rest[len(head) + 1 :])[2:]
    return None


def parse_patch(text: str) -> list[PatchRecord]:
    """Parse ``git log -p -U0 --format=PATCH_FORMAT`` or ``git diff -U0`` output."""
    records: list[PatchRecord] = []
    current: PatchRecord | None = None
    patch: FilePatch | None = None
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith("\x1e"):
            sha, _, when = line[1:].partition("\x1f")
            current = PatchRecord(sha, datetime.fromisoformat(when) if when else None)
            records.append(current)
            patch = None
            continue
        if line.startswith("diff --git "):
            if current is None:
                current = PatchRecord("", None)
                records.append(current)
            patch = FilePatch()
            current.files.append(patch)
            paths = _diff_git_paths(line[len("diff --git ") :])
            if paths is not None:
                patch.old_path, patch.path = paths
            continue
        if patch is None:
            continue
        if line.startswith("@@ "):
            hunk = _parse_hunk_header(line)
            patch.hunks.append(hunk)
            removed: list[str] = []
            added: list[str] = []
            patch.texts.append((removed, added))
            # Consume exactly the hunk's content lines: a removed line reading
            # "-- x" must not be taken for a "--- a/x" header.
            remaining = hunk[1] + hunk[3]
            while remaining and i < len(lines):
                content = lines[i]
                if not content.startswith("\\"):
                    remaining -= 1
                    (removed if content.startswith("-") else added).append(content[1:])
                i += 1
            while i < len(lines) and lines[i].startswith("\\"):
                i += 1
        elif line.startswith("new file mode"):
            patch.status = "A"
        elif line.startswith("deleted file mode"):
            patch.status = "D"
        elif line.startswith(("rename from ", "copy from ")):
            patch.status = "R" if line.startswith("rename") else "C"
            patch.old_path = unquote(line.split(" ", 2)[2])
        elif line.startswith(("rename to ", "copy to ")):
            patch.path = unquote(line.split(" ", 2)[2])
        elif line.startswith("--- "):
            old = _header_path(line[4:], "a/")
            if old is not None:
                patch.old_path = old
        elif line.startswith("+++ "):
            new = _header_path(line[4:], "b/")
            if new is not None:
                patch.path = new
        elif line.startswith("Binary files "):
            patch.binary = True
    for record in records:
        for item in record.files:
            if item.status == "D":
                item.path = item.old_path or item.path
            if item.status not in ("R", "C"):
                item.old_path = None
    return records


def parse_batch_check(text: str, count: int) -> list[tuple[str, str] | str]:
    """Lines of ``cat-file --batch-check``: ``(oid, type)`` or ``"missing"``/``"ambiguous"``."""
    out: list[tuple[str, str] | str] = []
    for line in text.splitlines()[:count]:
        parts = line.split(" ")
        if len(parts) >= 3 and parts[-1].isdigit():
            out.append((parts[0], parts[1]))
        else:
            out.append(parts[-1] if parts[-1] in ("ambiguous", "missing") else "missing")
    while len(out) < count:
        out.append("missing")
    return out


def parse_batch(data: bytes, count: int) -> list[bytes | None]:
    """Contents from ``cat-file --batch``, None for names that did not resolve."""
    out: list[bytes | None] = []
    pos = 0
    while len(out) < count and pos < len(data):
        end = data.index(b"\n", pos)
        header = data[pos:end].split(b" ")
        pos = end + 1
        if len(header) >= 3 and header[-1].isdigit():
            size = int(header[-1])
            out.append(data[pos : pos + size])
            pos += size + 1
        else:
            out.append(None)
    while len(out) < count:
        out.append(None)
    return out
