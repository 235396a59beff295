"""``aoslint report``: run the check, group the incidents, write or print the report."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import msgspec

from aoslint.report.dataset import build_dataset
from aoslint.report.incidents import Incident, build_incidents, unplaced
from aoslint.report.prepare import prepare
from aoslint.report.rendered import RenderedHtml
from aoslint.runner import RunResult, run_check


class ReportOptions(msgspec.Struct, frozen=True):
    paths: Sequence[Path] = ()
    config: Path | None = None
    git: bool | None = None
    base: str | None = None
    cache: bool = True
    jobs: int | None = None
    profile: str | None = None
    tracked_only: bool = False
    today: dt.date | None = None


class Built(msgspec.Struct):
    result: RunResult
    incidents: list[Incident]
    data: dict[str, Any]
    root: Path


def today() -> dt.date:
    """``$AOSLINT_DATE`` (pins the date, as for ``aoslint new``), else today in UTC."""
    from aoslint.scaffold.values import date_of
    from aoslint.scaffold.values import today as pinned

    return date_of(pinned(None))


def build(options: ReportOptions) -> Built:
    """The check run and the report's data: the same discovery, config, cache and git."""
    rendered = RenderedHtml(options.cache)
    result = run_check(options.paths, config_file=options.config, git=options.git,
                       base=options.base, cache=options.cache, jobs=options.jobs,
                       profile=options.profile, tracked_only=options.tracked_only,
                       collector=partial(prepare, rendered=rendered))
    project = result.project
    assert project is not None  # run_check always loads one
    prepared = list(result.collected.values())
    rendered.save(project, {p.digest: p.html for p in prepared}, whole=not options.paths,
                  fresh=any(p.fresh for p in prepared))
    git = project.config.settings.git if options.git is None else options.git
    documents = [result.collected[path] for path in result.checked
                 if path in result.collected]
    incidents = build_incidents(project, documents, result.diagnostics, bool(git))
    data = build_dataset(incidents, options.today or today(),
                         unplaced(result.checked, result.diagnostics))
    return Built(result, incidents, data, project.layout.root)


def files(built: Built) -> dict[str, str]:
    """Every file of the report folder by its relative path."""
    from aoslint.report.pages import render_incident, render_index

    day = dt.date.fromisoformat(built.data["today"])
    found = {"index.html": render_index(built.incidents, built.data),
             "incidents.json": json.dumps(built.data, indent=2, ensure_ascii=False) + "\n"}
    for incident in built.incidents:
        found[f"incidents/{incident.slug}.html"] = render_incident(incident, day)
    return found
