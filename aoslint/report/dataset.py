"""``incidents.json``: the dashboard's data, for other tools (format in the README)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from aoslint import __version__
from aoslint.diagnostics import Diagnostic
from aoslint.report.incidents import Incident
from aoslint.report.metrics import minutes, per_month, recent

FORMAT_VERSION = 1


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def incident_json(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.id,
        "page": f"incidents/{incident.slug}.html",
        "title": incident.title,
        "severity": incident.severity,
        "status": incident.status,
        "mode": incident.mode,
        "started": incident.started.isoformat() if incident.started else None,
        "times": {kind: _iso(at) for kind, at in incident.times.items()},
        "minutes": {name: minutes(value) for name, value in incident.durations.items()},
        "hardening": incident.hardening,
        "rule_files": incident.rule_files,
        "commits": [{"sha": c.sha, "subject": c.subject, "pushed": c.pushed}
                    for c in incident.commits],
        "closure": [{"condition": c.name, "holds": c.holds, "detail": c.detail}
                    for c in incident.conditions],
        "documents": [{"path": p.path, "type": p.type,
                       "findings": [d.to_json() for d in p.findings]} for p in incident.pages],
        "errors": incident.errors,
        "warnings": incident.warnings,
    }


def build_dataset(incidents: list[Incident], today: dt.date,
                  unplaced: dict[str, list[Diagnostic]] | None = None) -> dict[str, Any]:
    """The whole report's data: the summary, the chart series and every incident."""
    summary: dict[str, Any] = {"incidents": len(incidents),
                               "open": sum(i.open for i in incidents)}
    for name in ("time_to_detect", "time_to_resolve"):
        pairs = [(i.started, i.durations[name]) for i in incidents]
        for days in (30, 90):
            summary[f"median_{name}_{days}d_minutes"] = minutes(recent(pairs, today, days))
    hardened: Counter[str] = Counter(f for i in incidents for f in i.rule_files)
    return {
        "format": FORMAT_VERSION,
        "generator": f"aoslint {__version__}",
        "today": today.isoformat(),
        "summary": summary,
        "per_month": {month: dict(counts) for month, counts in
                      per_month((i.started, i.severity) for i in incidents).items()},
        "most_hardened": [{"rule_file": name, "incidents": count}
                          for name, count in hardened.most_common(10)],
        "incidents": [incident_json(i) for i in incidents],
        "unplaced": [{"path": path, "findings": [d.to_json() for d in found]}
                     for path, found in sorted((unplaced or {}).items())],
    }
