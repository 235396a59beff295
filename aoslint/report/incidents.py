"""The run's documents grouped into incidents, with what the dashboard shows of each.

Everything here is read from a finished check run (its findings) and the same
document model, timeline and closure code the checks use, so the dashboard
and ``aoslint check`` cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import msgspec

from aoslint.checks.cross_document import usable_id
from aoslint.closure import APPROVER, closure_reason
from aoslint.diagnostics import Diagnostic, Severity
from aoslint.discovery.layout import find_repository_root
from aoslint.document.model import Document
from aoslint.hardening_case import incident_start
from aoslint.project import Project
from aoslint.report.metrics import durations, key_times
from aoslint.report.prepare import Prepared

# Findings that mean the hardening is not (yet) proven.
_UNPROVEN = ("AOS501", "AOS502", "AOS503", "AOS504", "AOS505", "AOS506", "AOS507", "AOS511",
             "AOS603")
_NO_GIT = ("AOS508", "AOS509", "AOS510", "AOS512", "AOS514")
_TITLE_PREFIX = re.compile(
    r"^\s*(?:postmortem(?: report)?|incident(?: response)? plan)\s*[:\u2014-]\s*", re.IGNORECASE)
_REVERTED = ("AOS515",)  # the proving change was undone on the upstream


class Page(msgspec.Struct):
    """One document of an incident: its text and its findings."""

    path: str
    type: str
    text: str
    html: str
    findings: list[Diagnostic]


class CommitInfo(msgspec.Struct):
    sha: str
    subject: str | None
    pushed: bool | None  # None: unknown (no upstream, no git, commit not found)


class Condition(msgspec.Struct):
    """A STOP condition and whether it holds (None: cannot tell)."""

    name: str
    holds: bool | None
    detail: str


class Incident(msgspec.Struct):
    id: str
    slug: str
    title: str
    severity: str
    status: str
    started: dt.date | None
    mode: str  # open; blocked: claims closure while a STOP condition fails; closed
    times: dict[str, dt.datetime | None]
    durations: dict[str, dt.timedelta | None]
    hardening: str  # proven, pending, reverted or unknown
    rule_files: list[str]
    commits: list[CommitInfo]
    conditions: list[Condition]
    pages: list[Page]
    errors: int
    warnings: int

    @property
    def open(self) -> bool:
        """Still in Incident Mode."""
        return self.mode != "closed"

    @property
    def blockers(self) -> list[Condition]:
        return [c for c in self.conditions if c.holds is not True]


def _text(document: Document, key: str, default: str) -> str:
    field = document.field(key)
    value = field.value if field is not None else None
    return str(value).strip() if isinstance(value, str | int) and str(value).strip() else default


def _slug(name: str, taken: set[str]) -> str:
    base = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name).strip("-") or "doc"
    slug, number = base[:80], 2
    while slug in taken:
        slug, number = f"{base[:80]}-{number}", number + 1
    taken.add(slug)
    return slug


def build_incidents(project: Project, documents: Sequence[Prepared],
                    findings: Sequence[Diagnostic], git: bool) -> list[Incident]:
    """One incident per Incident ID (a document without a usable ID stands alone)."""
    by_path: dict[str, list[Diagnostic]] = {}
    for diag in findings:
        by_path.setdefault(diag.path, []).append(diag)
    groups: dict[str, list[Prepared]] = {}
    for prepared in documents:
        field = prepared.document.field("incident_id")
        key = field.value if field is not None and usable_id(field.value) else prepared.display
        groups.setdefault(str(key), []).append(prepared)
    taken: set[str] = set()
    incidents = [_incident(project, key, docs, by_path, taken)
                 for key, docs in sorted(groups.items())]
    _add_commits(project, incidents, git)
    return incidents


def unplaced(checked: Sequence[str], findings: Sequence[Diagnostic]
             ) -> dict[str, list[Diagnostic]]:
    """Findings of files that are in no incident (unreadable, broken front matter, ...)."""
    known = set(checked)
    found: dict[str, list[Diagnostic]] = {}
    for diag in findings:
        if diag.path not in known:
            found.setdefault(diag.path, []).append(diag)
    return found


def _incident(project: Project, key: str, docs: list[Prepared],
              by_path: dict[str, list[Diagnostic]], taken: set[str]) -> Incident:
    docs.sort(key=lambda p: (p.document.type != "incident-plan", p.display))
    postmortem = next((p for p in docs if p.document.type == "postmortem"), None)
    lead = (postmortem or docs[0]).document
    timeline = lead.timeline
    if postmortem is not None and (timeline is None or not timeline.key):
        timeline = next((p.document.timeline for p in docs
                         if p.document.timeline and p.document.timeline.key), timeline)
    start = incident_start(lead)  # as the hardening checks date the incident
    own = [d for p in docs for d in by_path.get(p.display, [])]
    codes = {d.code for d in own if d.severity is not Severity.INFO}
    rule_files = list(postmortem.rule_files) if postmortem is not None else []
    shas = list(postmortem.shas) if postmortem is not None else []
    state = _hardening_state(postmortem is not None, codes, bool(rule_files))
    closed = any(closure_reason(p.document, project.config) for p in docs)
    conditions = _conditions(postmortem.document if postmortem else None, codes, state)
    mode = "open" if not closed else (
        "blocked" if any(c.holds is False for c in conditions) else "closed")
    return Incident(
        id=key, slug=_slug(key, taken),
        title=_TITLE_PREFIX.sub("", lead.title or "") or _text(lead, "title", key),
        severity=_text(lead, "severity", "unknown").upper(),
        status=_text(lead, "status", "unknown"),
        started=start.date() if start is not None else None,
        mode=mode, times=key_times(timeline), durations=durations(timeline),
        hardening=state, rule_files=rule_files,
        commits=[CommitInfo(s, None, None) for s in shas],
        conditions=conditions,
        pages=[Page(p.display, p.document.type, p.text, p.html, by_path.get(p.display, []))
               for p in docs],
        errors=sum(d.severity is Severity.ERROR for d in own),
        warnings=sum(d.severity is Severity.WARNING for d in own))


def _hardening_state(has_postmortem: bool, codes: set[str], cites: bool) -> str:
    if not has_postmortem or not cites:
        return "pending"
    if codes.intersection(_REVERTED):
        return "reverted"
    if codes.intersection(_UNPROVEN):
        return "pending"
    if codes.intersection(_NO_GIT):
        return "unknown"
    return "proven"


def _conditions(postmortem: Document | None, codes: set[str], state: str) -> list[Condition]:
    """The STOP rule's conditions for leaving Incident Mode."""
    if postmortem is None:
        return [Condition("postmortem written", False, "no postmortem has this Incident ID")]
    closure = postmortem.closure
    qa = closure.qa_verification()
    approval = closure.approval_by(APPROVER)
    if "AOS604" in codes or state in ("pending", "reverted"):
        pushed: bool | None = False
        detail = "hardening not proven and pushed (see the findings)"
    elif "AOS605" in codes or state == "unknown":
        pushed, detail = None, "cannot tell: no upstream or no git history"
    else:
        pushed, detail = True, "the proving commits are on the upstream"
    return [
        Condition("postmortem written", True, postmortem.path),
        Condition("QA verified stability", qa is not None,
                  "recorded" if qa is not None else "no verification by "
                  "@qa-automation-engineer is recorded"),
        Condition("orchestrator approved", approval is not None,
                  f"approved on {approval.date}" if approval is not None
                  else "no dated 'Approved by: @orchestrator'"),
        Condition("rule updates merged and pushed", pushed, detail),
    ]


def _add_commits(project: Project, incidents: list[Incident], git: bool) -> None:
    """Each cited commit's subject and whether the upstream has it, in one git load."""
    shas = sorted({c.sha for incident in incidents for c in incident.commits})
    root = find_repository_root(project.layout.root) if git and shas else None
    if root is None:
        return
    from aoslint.git.facts import GitFacts
    from aoslint.git.model import Verdict

    facts = GitFacts.load(root, shas=shas, upstream=project.config.settings.upstream)
    for incident in incidents:
        for info in incident.commits:
            commit, _ = facts.commit(info.sha)
            if commit is None:
                continue
            info.subject = commit.subject
            answer = facts.is_pushed(info.sha)
            info.pushed = answer.yes if answer.verdict is not Verdict.UNKNOWN else None
