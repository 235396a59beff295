"""One postmortem as the hardening and closure checks judge it.

What its hardening cites (rule files, the quality gate, commits), when the
incident started, and whether the document claims closure: read once per
postmortem, shared by ``checks.rule_citations``, ``checks.closure_checks`` and
``checks.git_proof``.

The kits name one rule file in several forms: `.agent/rules/x.md`,
`.agents/rules/x.md`, `rules/x.md`, `x.md` or `security/x.md` relative to the
rules directory, or a Markdown link relative to the document. All resolve to
one file here. The gate is cited by its path, by a checklist heading of the
orchestrator file ("Security Review Checklist"), or by a `CORE_CHECKS` name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import cached_property, lru_cache
from pathlib import Path

import msgspec

from aoslint.closure import APPROVER, closure_reason
from aoslint.config import Config
from aoslint.diagnostics import Diagnostic, Severity
from aoslint.discovery.layout import Layout
from aoslint.document.actions import ActionItem, References, find_references
from aoslint.document.model import Document
from aoslint.document.normalize import normalize_title
from aoslint.lazyre import compile_lazily
from aoslint.registry import Rule
from aoslint.timeline.dates import iso_date, metadata_date
from aoslint.timeline.model import instant

# Quoted by the hardening and closure rules' documentation.
POLICY_HARDENING = """
Identify the specific Rule File (.agent/rules/*) that allowed the failure.
Update the rule to cover the edge case. Update the Orchestrator Quality Gate to
enforce this new check in future tasks. An incident is not "Closed" until the
rules are updated. (Incident Response & Postmortem Policy, 4)"""
POLICY_STOP = """
You MUST NOT exit Incident Mode until: 1. Stability is verified by
qa-automation-engineer. 2. Postmortem is approved by orchestrator. 3. Rule
updates are merged and pushed to origin. (Incident Response & Postmortem
Policy, STOP Rule)"""
PENDING = ("While the document is open these are reported as pending (info); "
           "once it claims closure, as errors.")

_AOS_GAP = compile_lazily(r"(?:\*\*|__)\s*AOS Gap\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:?)\s*(.*)$",
                          re.IGNORECASE)
_RULE_LABELS = ("rule update", "rule", "rules update", "rule file", "aos gap")
_GATE_LABELS = ("orchestrator gate update", "gate update", "quality gate update", "gate")


class Citation(msgspec.Struct, frozen=True):
    """A file named in a hardening item or the AOS Gap, with where it was named."""

    cited: str
    path: Path | None  # the existing file it names, if any
    line: int
    column: int
    commits: tuple[str, ...]
    is_rule: bool


class GateHeading(msgspec.Struct, frozen=True):
    """A heading of the gate file and the lines its section spans."""

    title: str
    line: int
    end_line: int


class GateCitation(msgspec.Struct, frozen=True):
    """The gate as an item names it: the whole file, one heading, or one check entry."""

    kind: str  # "file", "heading" or "check"
    name: str
    line: int
    column: int
    heading: GateHeading | None = None


class Hardening(msgspec.Struct, frozen=True):
    """Everything the git and closure checks need from one postmortem."""

    rules: tuple[Citation, ...]
    unresolved: tuple[Citation, ...]
    gate: tuple[GateCitation, ...]
    items: tuple[ActionItem, ...]
    anchor_line: int
    anchor_column: int


class GateIndex:
    """The gate file's headings or check names, read once per run."""

    def __init__(self, gate_file: Path | None) -> None:
        self.path = gate_file if gate_file is not None and gate_file.is_file() else None

    @cached_property
    def headings(self) -> tuple[GateHeading, ...]:
        if self.path is None or self.path.suffix.lower() not in (".md", ".markdown"):
            return ()
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return ()
        return headings_of(self.path, text)

    @cached_property
    def named_headings(self) -> tuple[tuple[str, GateHeading], ...]:
        """Headings of two words or more with their normalised titles, longest first.

        An item names the most specific heading it mentions; sorted once per run.
        """
        named = [(normalize_title(h.title), h) for h in self.headings]
        return tuple(sorted(((name, h) for name, h in named if len(name.split()) >= 2),
                            key=lambda pair: -len(pair[0])))

    @cached_property
    def check_names(self) -> tuple[str, ...]:
        if self.path is None or self.path.suffix != ".py":
            return ()
        from aoslint.git.gate import checklist_entries

        try:
            return tuple(checklist_entries(self.path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            return ()


@lru_cache(maxsize=16)
def headings_of(path: Path, text: str) -> tuple[GateHeading, ...]:
    """Every heading of a Markdown gate file and the lines its section spans.

    Cached: the hardening check asks once per postmortem for the same gate.
    """
    from aoslint.document.parse import parse_source
    from aoslint.document.source import Source

    parsed = parse_source(Source(path, str(path), text))
    found = []
    headings = list(parsed.headings)
    for index, heading in enumerate(headings):
        end = len(parsed.lines)
        for later in headings[index + 1:]:
            if later.level <= heading.level:
                end = later.line - 1
                break
        found.append(GateHeading(heading.title, heading.line, end))
    return tuple(found)


def _candidates(cited: str, layout: Layout, document_dir: Path) -> Iterator[Path]:
    """The paths a citation may mean, in the order they are tried.

    Made one at a time: the first that exists ends the search.
    """
    text = cited.strip().strip("`'\"").replace("\\", "/").removeprefix("./")
    tree = layout.aos_dir
    yield document_dir / text
    for prefix in (".agents/", ".agent/"):
        if text.startswith(prefix) and tree is not None:
            yield tree / text[len(prefix):]
    if tree is not None:
        yield tree / text
    if layout.rules_dir is not None:
        yield layout.rules_dir / text
        if text.startswith("rules/"):
            yield layout.rules_dir / text[len("rules/"):]
    yield layout.root / text


def resolve(cited: str, layout: Layout, document_dir: Path,
            probes: list[tuple[str, bool]] | None = None) -> Path | None:
    """The existing file a citation names, trying every form the kits use.

    ``probes`` records each path tried and whether it was a file, so a cached
    result can be checked against the tree later.
    """
    for candidate in _candidates(cited, layout, document_dir):
        try:
            found = candidate.is_file()
        except OSError:
            found = False
        if probes is not None:
            probes.append((str(candidate), found))
        if found:
            return _real(candidate)
    return None


@lru_cache(maxsize=4096)
def _real(path: Path) -> Path:
    """``path.resolve()`` once per path and run: many postmortems cite the same files."""
    return path.resolve()


def forget_paths() -> None:
    """Start a run with no remembered resolutions (the tree may have changed)."""
    _real.cache_clear()
    _rule_files.cache_clear()


def rule_files(layout: Layout) -> list[str]:
    """Every rule file, relative to the rules directory, for "did you mean" hints."""
    return list(_rule_files(layout.rules_dir))


@lru_cache(maxsize=8)
def _rule_files(rules_dir: Path | None) -> tuple[str, ...]:
    if rules_dir is None or not rules_dir.is_dir():
        return ()
    return tuple(sorted(p.relative_to(rules_dir).as_posix()
                        for p in rules_dir.rglob("*") if p.is_file()))


def nearest_rule(cited: str, layout: Layout) -> str | None:
    """The existing rule file whose name is closest to a citation that resolves to nothing."""
    names = rule_files(layout)
    text = cited.strip("`").removeprefix("./")
    for prefix in (".agents/rules/", ".agent/rules/", "rules/"):
        text = text.removeprefix(prefix)
    import difflib  # only for a rule file that does not exist

    close = difflib.get_close_matches(text, names, n=1, cutoff=0.4)
    if close:
        return close[0]
    by_name = difflib.get_close_matches(Path(text).name, [Path(n).name for n in names], n=1,
                                        cutoff=0.4)
    if by_name:
        return next(n for n in names if Path(n).name == by_name[0])
    return None


def _is_rule_path(path: Path | None, layout: Layout) -> bool:
    return (path is not None and layout.rules_dir is not None
            and path.is_relative_to(_real(layout.rules_dir)))


def _looks_like_rule(cited: str, labelled_rule: bool) -> bool:
    text = cited.strip("`")
    if "rules/" in text:
        return True
    return labelled_rule and text.endswith(".md") and not text.startswith(
        ("agents/", ".agent/agents/", ".agents/agents/", "workflows/", "skills/"))


def collect(document: Document, layout: Layout, gate: GateIndex,
            source_path: Path, lines: tuple[str, ...],
            probes: list[tuple[str, bool]] | None = None) -> Hardening:
    """The postmortem's rule and gate citations, resolved against the repository."""
    document_dir: Path | None = None  # resolved when the first file is cited
    gate_path = _real(gate.path) if gate.path is not None else None
    rules: list[Citation] = []
    unresolved: list[Citation] = []
    gates: list[GateCitation] = []
    sources: list[tuple[str, str | None, int, int, References]] = []
    for item in document.action_items:
        # A list item's references are its text's; a table row's are the whole row's.
        cited_in_text = item.references if item.source != "table" else find_references(item.text)
        sources.append((item.text, item.label, item.line, item.column, cited_in_text))
    for number, gap_label, gap_text in _aos_gap_lines(document, lines):
        sources.append((gap_text, gap_label, number, 1, find_references(gap_text)))
    for text, label, line, column, references in sources:
        normalized_label = normalize_title(label) if label else ""
        labelled_rule = normalized_label in _RULE_LABELS
        labelled_gate = normalized_label in _GATE_LABELS
        commits = references.commits
        for cited in references.paths:
            if document_dir is None:
                document_dir = source_path.resolve().parent
            path = resolve(cited, layout, document_dir, probes)
            if path is not None and path == gate_path:
                gates.append(GateCitation("file", cited, line, column))
                continue
            if _is_rule_path(path, layout):
                rules.append(Citation(cited, path, line, column, commits, True))
            elif path is None and _looks_like_rule(cited, labelled_rule):
                unresolved.append(Citation(cited, None, line, column, commits, True))
        gates.extend(_gate_mentions(text, line, column, gate, labelled_gate))
    anchor = next((s for s in document.all_sections() if s.key == "action-items"), None)
    return Hardening(
        rules=tuple(rules), unresolved=tuple(unresolved), gate=tuple(gates),
        items=document.action_items,
        anchor_line=anchor.line if anchor else document.title_line,
        anchor_column=anchor.column if anchor else 1)


def _gate_mentions(text: str, line: int, column: int, gate: GateIndex,
                   labelled_gate: bool) -> list[GateCitation]:
    """Checklist headings and check names of the gate that an item's text names."""
    found: list[GateCitation] = []
    if gate.named_headings:
        normalized = f" {normalize_title(text)} "
        for name, heading in gate.named_headings:
            if f" {name} " in normalized:
                found.append(GateCitation("heading", heading.title, line, column, heading))
                break
    for name in gate.check_names:
        if name and name.lower() in text.lower():
            found.append(GateCitation("check", name, line, column))
    if not found and labelled_gate and gate.path is not None:
        found.append(GateCitation("file", gate.path.name, line, column))
    return found


def _aos_gap_lines(document: Document, lines: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """``**AOS Gap**: ...`` lines of the Root Cause section: which rule file was insufficient."""
    found = []
    for section in document.all_sections():
        if section.key != "root-cause":
            continue
        for number in range(section.line, min(section.end_line, len(lines)) + 1):
            match = _AOS_GAP.search(lines[number - 1])
            if match:
                found.append((number, "AOS Gap", match.group(1)))
    return found


class Subject(msgspec.Struct, frozen=True):
    """One postmortem of the run, with its file on disk."""

    document: Document
    source: Path
    lines: tuple[str, ...]


class Case(msgspec.Struct):
    """One postmortem under judgement: its citations, start, and closure claim."""

    subject: Subject
    hardening: Hardening
    start: dt.datetime | None
    closed: str | None
    approved: dt.date | None = None  # the orchestrator's approval: the proof window's end

    @property
    def end(self) -> dt.datetime | None:
        """The window's end: the approval day's end anywhere on Earth (UTC-12), else now."""
        if self.approved is None:
            return None
        day = self.approved
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) + dt.timedelta(hours=36)

    @property
    def path(self) -> str:
        return self.subject.document.path

    def severity(self, pending: Severity = Severity.INFO) -> Severity:
        return Severity.ERROR if self.closed else pending

    def state(self) -> str:
        """Why a gate is an error here: the closure claim (an open one is labelled pending)."""
        return f" (closed: {self.closed})" if self.closed else ""

    def at_anchor(self, which: Rule, message: str, hint: str | None = None) -> Diagnostic:
        """A finding about the postmortem as a whole, at its Action Items heading."""
        return which.diagnostic(self.path, self.hardening.anchor_line,
                                self.hardening.anchor_column, message, hint)


def incident_start(document: Document) -> dt.datetime | None:
    """The first key event, else the incident's day (midnight UTC): commits after it count."""
    timeline = document.timeline
    if timeline is not None:
        occurred = timeline.key.get("occurred")
        if occurred is not None and occurred.at is not None:
            return instant(occurred.at)
    day = metadata_date(document.metadata)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) if day else None


def hardening_case(subject: Subject, layout: Layout, gate: GateIndex, config: Config,
                   probes: list[tuple[str, bool]] | None = None) -> Case | None:
    """A postmortem's citations, start and closure claim; ``None`` for other types.

    ``probes`` collects the paths looked up on disk (see :func:`resolve`).
    """
    if subject.document.type != "postmortem":
        return None
    hardening = collect(subject.document, layout, gate, subject.source, subject.lines, probes)
    approval = subject.document.closure.approval_by(APPROVER)
    return Case(subject, hardening, incident_start(subject.document),
                closure_reason(subject.document, config),
                iso_date(approval.date) if approval is not None else None)
