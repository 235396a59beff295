"""``aoslint new incident-plan|postmortem``: a fresh document under a fresh, unique ID."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec

from aoslint.discovery.discover import build_selector
from aoslint.discovery.layout import Layout, display_path
from aoslint.errors import UsageError
from aoslint.project import Project, load_project
from aoslint.scaffold import values
from aoslint.scaffold.create import claim_folder, create_exclusive
from aoslint.scaffold.ids import IdFormat
from aoslint.scaffold.paths import Placement, slugify
from aoslint.scaffold.prefill import PlanFacts, find_plan
from aoslint.scaffold.render import Template, find_template, render
from aoslint.scaffold.used import BranchScan, WorkingTree, ids_on_branches, scan_working_tree
from aoslint.settings import DEFAULT_SEVERITIES

DOCUMENT_TYPES = ("incident-plan", "postmortem")
AGENT_PLACEHOLDER = "@[agent-name]"
TIMELINE = (
    ("occurred", "Incident occurred."),
    ("detected", "Detected via [e.g., monitoring alert, user report, Phase X verification]."),
    ("plan", "Incident Mode entered: incident plan {id} opened."),
    ("contained", "Containment applied."),
    ("root-cause", "Root cause identified."),
    ("fixed", "Fix deployed and verified."),
    ("resolved", "Resolution confirmed and AOS Hardening started."),
)


class NewOptions(msgspec.Struct, frozen=True):
    """What the command line asked for."""

    doctype: str
    title: str | None = None
    incident_id: str | None = None
    severity: str | None = None
    author: str | None = None
    date: str | None = None
    source: str | None = None
    directory: Path | None = None
    stdout: bool = False
    config: Path | None = None
    template: str | None = None


class NewResult(msgspec.Struct):
    """The document written (``path`` is ``None`` with ``--stdout``) and notes for stderr."""

    incident_id: str
    text: str
    path: Path | None
    template: Template
    notes: list[str] = msgspec.field(default_factory=list)


def _relative(path: Path | None, layout: Layout) -> str:
    return layout.relative(path) if path is not None and path.exists() else ""


def _used_on_branches(project: Project, ids: IdFormat, incident_id: str | None,
                      day: dt.date) -> BranchScan:
    if not project.layout.is_git:
        return BranchScan()
    if incident_id is not None:
        return ids_on_branches(project.layout.root, re.compile(re.escape(incident_id)),
                               fixed=incident_id)
    return ids_on_branches(project.layout.root, ids.day_regex(day), ids.day_ere(day))


def _check_unused(incident_id: str, tree: WorkingTree, scan: BranchScan) -> None:
    documents = tree.with_id(incident_id)
    if documents:
        raise UsageError(f"--id: incident ID {incident_id} is already used by "
                         f"{documents[0].display}")
    if incident_id in scan.found:
        branches = ", ".join(sorted(scan.found[incident_id]))
        raise UsageError(f"--id: incident ID {incident_id} is already used on branch "
                         f"{branches}")


def _severity(options: NewOptions, plan: PlanFacts | None, allowed: Any) -> str:
    if options.severity is not None:
        return values.severity(options.severity, allowed)
    if plan is not None and plan.severity:
        try:
            return values.severity(plan.severity, allowed)
        except UsageError:
            return ""
    return ""


def _author(options: NewOptions, plan: PlanFacts | None) -> str:
    if options.author is not None:
        return values.agent(options.author)
    if plan is not None and plan.primary_agent:
        try:
            return values.agent(plan.primary_agent)
        except UsageError:
            return ""
    return ""


def _timeline(plan: PlanFacts | None, incident_id: str) -> list[dict[str, str | None]]:
    moments = plan.moments if plan else {}
    return [{"key": key, "time": moments.get(key), "event": text.format(id=incident_id)}
            for key, text in TIMELINE if key != "plan" or plan is not None]


def _plan_link(plan: PlanFacts | None, target: Path) -> dict[str, str] | None:
    if plan is None:
        return None
    relative = os.path.relpath(plan.path.resolve(), target.parent.resolve())
    return {"name": values.inert_text(plan.path.name),
            "link": urllib.parse.quote(Path(relative).as_posix(), safe="/._-~"),
            "incident_id": plan.incident_id,
            "title": values.inert_text(plan.title)}


def run_new(options: NewOptions) -> NewResult:
    """Choose the ID and path, render the template, and create the file exclusively."""
    if options.doctype not in DOCUMENT_TYPES:
        raise UsageError(f"unknown document kind '{options.doctype}' "
                         f"(known: {', '.join(DOCUMENT_TYPES)})")
    project = load_project([Path.cwd()], options.config)
    config, layout = project.config, project.layout
    ids = IdFormat.from_config(config)
    placement = Placement.from_config(config, layout.root, options.directory)
    when = values.today(options.date)
    day = values.date_of(when)
    allowed = config.settings.severities
    author = _author(options, None)
    severity = _severity(options, None, allowed)
    template = find_template(options.doctype, layout, options.template)
    tree = scan_working_tree(project, [placement.directory])

    plan = find_plan(options.source, project, tree, ids) if options.source else None
    explicit = options.incident_id
    if explicit is not None and not ids.valid(explicit):
        raise UsageError(f"--id: '{explicit}' does not match 'incident-id-pattern' "
                         f"{ids.pattern.pattern!r}")
    if plan is not None:
        if explicit is not None and explicit != plan.incident_id:
            raise UsageError(f"--id {explicit} disagrees with the plan's Incident ID "
                             f"{plan.incident_id} ({display_path(plan.path)})")
        if not ids.valid(plan.incident_id):
            raise UsageError(f"--from: the plan's Incident ID '{plan.incident_id}' does not "
                             f"match 'incident-id-pattern' {ids.pattern.pattern!r}")
        explicit = plan.incident_id
        if options.date is None and plan.incident_date is not None:
            when = day = plan.incident_date  # the incident's day, not today's (--date wins)
        severity = _severity(options, plan, allowed)
        author = _author(options, plan)

    result_notes: list[str] = []
    if explicit is not None:
        if options.doctype == "incident-plan":
            scan = _used_on_branches(project, ids, explicit, day)
            _check_unused(explicit, tree, scan)
            if scan.note:
                result_notes.append(scan.note)
        sequence: Iterator[str] = iter([explicit])
    else:
        scan = _used_on_branches(project, ids, None, day)
        if scan.note:
            result_notes.append(scan.note)
        used = ids.numbers(day, tree.texts) | ids.numbers(day, scan.found)
        sequence = ids.candidates(day, used)

    raw_title = options.title if options.title is not None else (plan.title if plan else "")
    title = values.inert_text(raw_title)
    slug = slugify(raw_title)
    context: dict[str, Any] = {
        "type": options.doctype,
        "title": title,
        "slug": slug,
        "severity": severity or values.severity_placeholder(allowed),
        "severity_given": severity,
        "severities": list(allowed or DEFAULT_SEVERITIES),
        "author": author or AGENT_PLACEHOLDER,
        "author_given": author,
        "status": "OPEN",
        "date": day.isoformat(),
        "timestamp": values.timestamp_text(when),
        "rule_files": list(plan.rule_files) if plan else [],
        "gate_file": _relative(layout.gate_file, layout),
        "rules_dir": _relative(layout.rules_dir, layout),
    }

    for incident_id in sequence:
        target = placement.target(incident_id, options.doctype, slug, day)
        context.update(incident_id=incident_id, timeline=_timeline(plan, incident_id),
                       plan=_plan_link(plan, target))
        text = render(template, context)
        if options.stdout:
            return NewResult(incident_id, text, None, template, result_notes)
        if _create(target, text, placement.claim_folder(target, incident_id)
                   if explicit is None else None, minted=explicit is None):
            result = NewResult(incident_id, text, target, template, result_notes)
            _note_unchecked(project, target, result)
            return result
    raise UsageError("no free incident ID found")  # pragma: no cover - candidates() raises


def _create(target: Path, text: str, folder: Path | None, *, minted: bool) -> bool:
    """Create the file; ``False`` when a minted ID turned out to be taken (try the next)."""
    try:
        if folder is not None:
            claim_folder(folder)
    except FileExistsError:
        return False
    except OSError as exc:
        raise UsageError(f"{display_path(folder or target)}: cannot create folder: "
                         f"{exc.strerror}") from None
    try:
        create_exclusive(target, text)
    except FileExistsError:
        _release(folder)
        if minted:
            return False
        raise UsageError(f"{display_path(target)} already exists; aoslint new never "
                         "overwrites a file") from None
    except OSError as exc:
        _release(folder)
        raise UsageError(f"{display_path(target)}: cannot write: {exc.strerror}") from None
    return True


def _release(folder: Path | None) -> None:
    if folder is not None:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _note_unchecked(project: Project, target: Path, result: NewResult) -> None:
    relative = project.layout.relative(target)
    selector = build_selector(project.config, project.layout)
    if not selector.included(relative):
        result.notes.append(f"{relative} is not matched by the configured include patterns; "
                            "'aoslint check' checks it only when named")
