"""What a document records about leaving Incident Mode: approvals, QA, closure boxes.

The STOP rule: nobody exits Incident Mode until QA verified stability, the
orchestrator approved the postmortem, and the rule updates are pushed. A
document claims closure by its Status, by ticking every Closure Approval box,
or by carrying a dated approval; this module finds those claims and the
evidence for QA's verification and the orchestrator's approval.

Open or closed decides severity: a document that claims to leave Incident
Mode is held to every gate, as errors, so template text left in an open draft
is a warning, in a closed one an error (:func:`closure_reason`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import msgspec

from aoslint.document.normalize import strip_inline_markup
from aoslint.document.parse import ParsedDocument
from aoslint.lazyre import compile_lazily

if TYPE_CHECKING:  # the document model is built from what this module finds
    from aoslint.config import Config
    from aoslint.document.model import Document

QA_AGENT = "qa-automation-engineer"
APPROVER = "orchestrator"
_SIGN_LINE = compile_lazily(
    r"^\s*(?:[-*+]\s+)?(?:\[(?P<box>[ xX])\]\s*)?(?:\*\*|__)?(?P<verb>approved|verified|"
    r"signed[- ]off|stability verified|reviewed)\s+by(?:\*\*|__)?\s*:?\s*(?:\*\*|__)?\s*"
    r"(?P<rest>.*)$", re.IGNORECASE)
_DATE = compile_lazily(r"\b(\d{4}-\d{2}-\d{2})\b")
_DATE_LINE = compile_lazily(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?date(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.*)$", re.IGNORECASE)
_MENTION = compile_lazily(r"(?<![\w\[])@([A-Za-z0-9][\w-]*)")
_HEDGE = compile_lazily(r"\b(will|after|pending|once|to be|tbd|todo|expected|planned|not yet|"
                   r"awaiting|scheduled|target|due|tentative|proposed|requested)\b",
                   re.IGNORECASE)
_TICKED = compile_lazily(r"^\s*(?:[-*+]|\d+[.)])\s+\[[xX]\]\s+(?P<text>.*)$")
_BOX = compile_lazily(r"^\s*(?:[-*+]|\d+[.)])\s+\[(?P<state>[ xX])\]\s+")
_QA_WORDS = compile_lazily(r"\b(verif\w*|stab\w*|qa|tested|regression)\b", re.IGNORECASE)


class Signature(msgspec.Struct, frozen=True):
    """``Approved by: @orchestrator`` (or Verified by) with its date, if any."""

    verb: str
    agents: tuple[str, ...]
    date: str | None
    line: int
    column: int
    boxed: bool = False  # a checklist item ("- [x] Stability verified by ..."), not a record line

    def by(self, agent: str) -> bool:
        return agent in self.agents


class Closure(msgspec.Struct, frozen=True):
    """Closure claims and evidence found in one document."""

    signatures: tuple[Signature, ...] = ()
    boxes_total: int = 0
    boxes_ticked: int = 0
    qa_ticked_line: int | None = None
    checklist_line: int | None = None  # the closure checklist's first box
    section_line: int | None = None  # the Closure Approval heading

    def place(self, verb: str) -> int | None:
        """The line a finding about ``verb`` ("verified"/"approved") judges.

        The record line itself (``Verified by:`` / ``Approved by:``), else the
        closure checklist, else the Closure Approval heading; None: none of these.
        """
        record = next((s for s in self.signatures if s.verb == verb and not s.boxed), None)
        if record is not None:
            return record.line
        return self.checklist_line or self.section_line

    def qa_conflict(self) -> tuple[int, Signature] | None:
        """A ticked QA box beside a ``Verified by:`` line that names someone else."""
        if self.qa_ticked_line is None:
            return None
        other = next((s for s in self.signatures if s.verb == "verified" and not s.boxed
                      and s.agents and not s.by(QA_AGENT)), None)
        return (self.qa_ticked_line, other) if other is not None else None

    @property
    def all_boxes_ticked(self) -> bool:
        return self.boxes_total > 0 and self.boxes_ticked == self.boxes_total

    @property
    def dated_approval(self) -> Signature | None:
        return next((s for s in self.signatures
                     if s.verb == "approved" and s.agents and s.date), None)

    def approval_by(self, agent: str) -> Signature | None:
        return next((s for s in self.signatures
                     if s.verb == "approved" and s.by(agent) and s.date), None)

    def qa_verification(self) -> Signature | int | None:
        """A dated ``Verified by: @qa-automation-engineer``, or the line of a ticked QA item.

        A ticked item does not count against a ``Verified by:`` line naming
        another agent (see :meth:`qa_conflict`).
        """
        signed = next((s for s in self.signatures if s.verb != "approved" and s.by(QA_AGENT)
                       and s.date), None)
        if signed is not None:
            return signed
        return None if self.qa_conflict() is not None else self.qa_ticked_line

    def claim(self) -> str | None:
        """Why the document itself claims to be closed, or None."""
        if self.all_boxes_ticked:
            return "every Closure Approval box is ticked"
        approval = self.dated_approval
        if approval is not None:
            return f"it is approved by {', '.join('@' + a for a in approval.agents)} " \
                   f"on {approval.date} (line {approval.line})"
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "signatures": [{"verb": s.verb, "agents": list(s.agents), "date": s.date,
                            "line": s.line} for s in self.signatures],
            "boxes": {"total": self.boxes_total, "ticked": self.boxes_ticked},
            "claims_closure": self.claim(),
        }


def _signature(parsed: ParsedDocument, number: int, match: re.Match[str]) -> Signature:
    rest = strip_inline_markup(match.group("rest"))
    if _HEDGE.search(rest):
        rest = ""  # "will approve after ..." is a promise, not an approval
    agents = tuple(dict.fromkeys(_MENTION.findall(rest)))
    date = _DATE.search(rest)
    found = date.group(1) if date else None
    if found is None:
        for following in parsed.lines[number:number + 2]:
            date_line = _DATE_LINE.match(following)
            if date_line:
                inner = _DATE.search(date_line.group(1))
                hedged = _HEDGE.search(date_line.group(1))
                found = inner.group(1) if inner and not hedged else None
                break
    verb = match.group("verb").lower().split()[0].replace("-", " ")
    verb = {"stability": "verified", "signed": "approved"}.get(verb, verb)
    column = len(parsed.lines[number - 1]) - len(parsed.lines[number - 1].lstrip()) + 1
    return Signature(verb, agents, found, number, column, match.group("box") is not None)


def find_closure(parsed: ParsedDocument, closure_ranges: list[tuple[int, int]]) -> Closure:
    """Scan the document once for signatures, ticked QA items and closure boxes."""
    signatures: list[Signature] = []
    qa_line: int | None = None
    first_box: int | None = None
    total = ticked = 0
    in_closure = {n for start, end in closure_ranges for n in range(start, end + 1)}
    # Each pattern is tried only where it can match: a signature says "by", boxes
    # count in the closure sections, and the QA item names the QA agent.
    for number, line in enumerate(parsed.lines, start=1):
        if number in parsed.code_lines or not line.strip():
            continue
        match = _SIGN_LINE.match(line) if "by" in line.lower() else None
        if match and (match.group("box") in (None, "x", "X")):
            signatures.append(_signature(parsed, number, match))
        box = _BOX.match(line) if number in in_closure else None
        if box is not None:
            first_box = first_box or number
            total += 1
            ticked += box.group("state") != " "
        done = _TICKED.match(line) if qa_line is None and QA_AGENT in line else None
        if done and QA_AGENT in done.group("text") and _QA_WORDS.search(done.group("text")):
            qa_line = number
    section = min((start for start, _ in closure_ranges), default=None)
    return Closure(tuple(signatures), total, ticked, qa_line, first_box, section)


# Open or closed: the document's claim to leave Incident Mode.

def status_word(document: Document) -> str | None:
    """The first word of the Status field, upper-cased (``Resolved, monitoring`` -> RESOLVED)."""
    status = document.field("status")
    if status is None or not isinstance(status.value, str) or not status.value.strip():
        return None
    word = re.match(r"[^A-Za-z]*([A-Za-z]+)", status.value)
    return word.group(1).upper() if word else None


def closure_reason(document: Document, config: Config) -> str | None:
    """Why the document claims to leave Incident Mode, or None while it is open.

    A resolved or closed Status, every Closure Approval box ticked, or a dated
    approval line: each is the document vouching that the STOP rule holds.
    """
    closed = {s.upper() for s in config.settings.closed_statuses}
    word = status_word(document)
    if word in closed:
        return f"its Status is {word}"
    return document.closure.claim()


def claims_closure(document: Document, config: Config) -> bool:
    """True when the document claims the incident is closed."""
    return closure_reason(document, config) is not None
