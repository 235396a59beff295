"""The dashboard's HTML: the index and one page per incident, from Jinja2 templates.

The documents' HTML comes from ``aoslint.report.markdown``; CSS and the small
sort/filter script are inlined, so the pages need nothing from the network.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib.resources import files
from typing import Any

import jinja2
from markupsafe import Markup

from aoslint.report import charts
from aoslint.report.incidents import Incident
from aoslint.report.metrics import shown
from aoslint.timeline.model import instant

_ASSETS = files("aoslint.report") / "templates"


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: (_ASSETS / name).read_text("utf-8")),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)
    env.filters["duration"] = shown
    env.globals["style"] = Markup((_ASSETS / "style.css").read_text("utf-8"))
    env.globals["script"] = Markup((_ASSETS / "table.js").read_text("utf-8"))
    return env


def timeline_strip(incident: Incident) -> list[dict[str, Any]]:
    """Key events placed along 0-100 % of the span from the first to the last."""
    known = {k: instant(v) for k, v in incident.times.items() if v is not None}
    if not known:
        return []
    first, last = min(known.values()), max(known.values())
    total = (last - first).total_seconds() or 1.0
    return [{"kind": kind, "at": at.strftime("%Y-%m-%d %H:%M UTC"),
             "left": round(100 * (at - first).total_seconds() / total, 1)}
            for kind, at in sorted(known.items(), key=lambda pair: pair[1])]


def render_index(incidents: list[Incident], data: dict[str, Any]) -> str:
    severities = sorted({i.severity for i in incidents})
    return _environment().get_template("index.html.j2").render(
        incidents=incidents, data=data, severities=severities,
        statuses=[m for m in ("open", "blocked", "closed") if any(i.mode == m for i in incidents)],
        chart_month=charts.per_month(data["per_month"], severities),
        chart_durations=charts.durations(data["incidents"]),
        chart_hardened=charts.hardened(data["most_hardened"]))


def render_incident(incident: Incident, generated: dt.date) -> str:
    documents = []
    for page in incident.pages:
        lines = page.text.splitlines()
        by_line: dict[int, list[Any]] = {}
        for diag in page.findings:
            by_line.setdefault(min(max(diag.line, 1), max(len(lines), 1)), []).append(diag)
        documents.append({"page": page, "html": Markup(page.html),
                          "lines": lines, "by_line": by_line})
    return _environment().get_template("incident.html.j2").render(
        incident=incident, documents=documents, strip=timeline_strip(incident),
        generated=generated)
