"""What a postmortem takes from its incident plan (``aoslint new postmortem --from``)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import msgspec

from aoslint.diagnostics import Diagnostic
from aoslint.discovery.discover import Candidate
from aoslint.discovery.layout import display_path
from aoslint.document.placeholders import find_placeholders, is_enum_choice
from aoslint.errors import UsageError
from aoslint.lazyre import compile_lazily
from aoslint.project import Project
from aoslint.runner import Loaded, load_document
from aoslint.scaffold.ids import IdFormat
from aoslint.scaffold.used import WorkingTree
from aoslint.scaffold.values import unescape_markdown
from aoslint.timeline.dates import iso_date

_PLAN_TITLE = compile_lazily(
    r"^\s*(?:incident\s+(?:response\s+|action\s+)?plan|emergency\s+plan)"
    r"(?:\s+template)?\s*(?:[:\-\u2013\u2014]\s*|$)", re.IGNORECASE)
_STAMP = compile_lazily(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?\s*(?:Z|UTC|[+-]\d{2}:?\d{2})?$")
_RULE_FILE = compile_lazily(
    r"(?<![\w./-])((?:\.agents?/)?rules/[A-Za-z0-9_][A-Za-z0-9_./-]*\.md)\b")
# Header fields of a plan that date a moment of the postmortem's timeline.
TIMELINE_FIELDS = {
    "occurred": "occurred", "started": "occurred", "start": "occurred",
    "impact_start": "occurred", "detected": "detected", "detected_at": "detected",
    "timestamp": "plan", "opened": "plan", "mitigated": "contained", "contained": "contained",
    "containment": "contained", "root_cause_identified": "root-cause", "fixed": "fixed",
    "resolved": "resolved", "resolved_at": "resolved",
}


class PlanFacts(msgspec.Struct, frozen=True):
    """The plan's path, and what a postmortem can take from it."""

    path: Path
    incident_id: str
    title: str
    severity: str | None
    primary_agent: str | None
    moments: dict[str, str]
    rule_files: tuple[str, ...]
    # The incident's day as the plan gives it: what `aoslint check` compares the
    # postmortem's Date with (AOS407), so the two cannot disagree.
    incident_date: dt.date | None = None


def _filled(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    if is_enum_choice(value) or any(True for _ in find_placeholders(value)):
        return None
    return value.strip()


def plan_title(title: str | None, incident_id: str) -> str:
    """``Incident Plan: checkout rejects valid sessions`` -> ``checkout rejects valid sessions``."""
    if not title:
        return ""
    text = unescape_markdown(_PLAN_TITLE.sub("", title, count=1)).strip()
    return "" if text == incident_id else text


def find_plan(reference: str, project: Project, tree: WorkingTree, ids: IdFormat) -> PlanFacts:
    """``--from``: a plan's path, or an Incident ID that one plan in the working tree has."""
    path = Path(reference)
    if path.is_file():
        sink: list[Diagnostic] = []
        loaded = load_document(project, Candidate(path, display_path(path), True), sink)
        if loaded is None or loaded.doctype.name != "incident-plan":
            what = loaded.doctype.name if loaded else "not a readable incident document"
            raise UsageError(f"--from: {display_path(path)} is not an incident plan ({what})")
        return facts(loaded, path)
    if not ids.valid(reference):
        raise UsageError(f"--from: '{reference}' is neither a file nor an Incident ID")
    plans = tree.with_id(reference, "incident-plan")
    if not plans:
        raise UsageError(f"--from: no incident plan with Incident ID {reference} in the "
                         "working tree (pass the plan's path instead)")
    if len(plans) > 1:
        listed = ", ".join(p.display for p in plans)
        raise UsageError(f"--from: several incident plans have Incident ID {reference} "
                         f"({listed}); pass one path")
    return facts(plans[0].loaded, plans[0].path)


def facts(loaded: Loaded, path: Path) -> PlanFacts:
    document = loaded.document
    incident_id = _filled(document.metadata.get("incident_id"))
    if incident_id is None:
        raise UsageError(f"--from: {display_path(path)} has no Incident ID yet; fill it in "
                         "first")
    moments: dict[str, str] = {}
    for item in document.fields:
        moment = TIMELINE_FIELDS.get(item.key)
        value = _filled(item.value)
        if moment and value and _STAMP.match(value) and moment not in moments:
            moments[moment] = value
    text = "\n".join(loaded.parsed.lines)
    rule_files = tuple(dict.fromkeys(m.group(1) for m in _RULE_FILE.finditer(text)))
    agent = _filled(document.metadata.get("primary_agent"))
    day = next((found for key in ("timestamp", "date")
                if (found := iso_date(document.metadata.get(key, ""))) is not None), None)
    return PlanFacts(
        path=path,
        incident_id=incident_id,
        title=plan_title(document.title, incident_id),
        severity=_filled(document.metadata.get("severity")),
        primary_agent=agent,
        moments=moments,
        rule_files=rule_files,
        incident_date=day,
    )
