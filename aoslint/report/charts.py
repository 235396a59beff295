"""The dashboard's charts as inline SVG, each with a data table as its text alternative.

Every mark carries ``data-*`` attributes with the value it draws, so what the
chart shows can be compared with ``incidents.json``.
"""

from __future__ import annotations

from html import escape
from typing import Any

from markupsafe import Markup

WIDTH, HEIGHT, PAD = 400, 220, 36
# Severity colours, each with at least 3:1 contrast on white (WCAG non-text contrast).
LABELS = 170  # room for the rule file names of the hardened chart
PALETTE = ("#b3261e", "#c2410c", "#8a6100", "#1d6b3a", "#1f5fa8", "#6b3fa0", "#555555")


def _svg(name: str, title: str, description: str, body: str) -> str:
    return (f'<svg class="chart" id="chart-{name}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-labelledby="chart-{name}-title chart-{name}-desc" '
            f'preserveAspectRatio="xMidYMid meet">'
            f'<title id="chart-{name}-title">{escape(title)}</title>'
            f'<desc id="chart-{name}-desc">{escape(description)}</desc>{body}</svg>')


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th scope=\"col\">{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>"
                   for row in rows)
    return (f"<details><summary>Data table</summary><table class=\"data\"><thead><tr>{head}"
            f"</tr></thead><tbody>{body}</tbody></table></details>")


def _empty(name: str, title: str) -> Markup:
    return Markup(f'<p class="empty" id="chart-{name}">{escape(title)}: no data yet.</p>')


def per_month(data: dict[str, dict[str, int]], severities: list[str]) -> Markup:
    """Stacked bars: incidents per month by severity."""
    title = "Incidents per month by severity"
    if not data:
        return _empty("per-month", title)
    months = list(data)
    top = max(sum(c.values()) for c in data.values())
    step = (WIDTH - 2 * PAD) / len(months)
    parts: list[str] = []
    for index, month in enumerate(months):
        x = PAD + index * step + step * 0.15
        y = float(HEIGHT - PAD)
        for colour, severity in zip(PALETTE * 4, severities, strict=False):
            count = data[month].get(severity, 0)
            if not count:
                continue
            height = (HEIGHT - 2 * PAD) * count / top
            y -= height
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" '
                         f'height="{height:.1f}" fill="{colour}" data-month="{month}" '
                         f'data-severity="{escape(severity)}" data-count="{count}">'
                         f'<title>{month}: {count} {escape(severity)}</title></rect>')
        parts.append(f'<text x="{x + step * 0.35:.1f}" y="{HEIGHT - PAD + 16}" '
                     f'text-anchor="middle">{month}</text>')
    parts.append(f'<text x="{PAD - 6}" y="{PAD + 4}" text-anchor="end">{top}</text>'
                 f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" '
                 f'y2="{HEIGHT - PAD}" class="axis"/>')
    legend = "".join(f'<li><span class="swatch" style="background:{c}"></span>{escape(s)}</li>'
                     for c, s in zip(PALETTE * 4, severities, strict=False))
    rows = [[m, *(data[m].get(s, 0) for s in severities)] for m in months]
    description = f"{sum(sum(c.values()) for c in data.values())} incidents over " \
                  f"{len(months)} months."
    return Markup(_svg("per-month", title, description, "".join(parts))
                  + f'<ul class="legend">{legend}</ul>'
                  + _table(["Month", *severities], rows))


def durations(incidents: list[dict[str, Any]]) -> Markup:
    """Time to detect and to resolve per incident, in start order (unknown: not drawn)."""
    title = "Time to detect and time to resolve per incident (minutes)"
    dated = sorted((i for i in incidents if i["started"]), key=lambda i: (i["started"], i["id"]))
    values = [i["minutes"][k] for i in dated for k in ("time_to_detect", "time_to_resolve")
              if i["minutes"][k] is not None]
    if not values:
        return _empty("durations", title)
    top = max(values) or 1.0
    step = (WIDTH - 2 * PAD) / max(len(dated), 1)
    parts: list[str] = []
    for name, colour, shape in (("time_to_detect", "#1f5fa8", "circle"),
                                ("time_to_resolve", "#b3261e", "rect")):
        points = []
        for index, incident in enumerate(dated):
            value = incident["minutes"][name]
            if value is None:
                continue
            x = PAD + step * (index + 0.5)
            y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / top
            points.append(f"{x:.1f},{y:.1f}")
            label = f"{escape(incident['id'])}: {name.replace('_', ' ')} {value:g} min"
            mark = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5"' if shape == "circle" else
                    f'<rect x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9"')
            parts.append(f'{mark} fill="{colour}" class="point" data-series="{name}" '
                         f'data-id="{escape(incident["id"])}" data-minutes="{value:g}">'
                         f'<title>{label}</title></{shape}>')
        if len(points) > 1:
            parts.insert(0, f'<polyline points="{" ".join(points)}" fill="none" '
                            f'stroke="{colour}" stroke-width="2"/>')
    parts.append(f'<text x="{PAD - 6}" y="{PAD + 4}" text-anchor="end">{top:g}</text>'
                 f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" '
                 f'y2="{HEIGHT - PAD}" class="axis"/>')
    legend = ('<ul class="legend"><li><span class="swatch" style="background:#1f5fa8"></span>'
              'time to detect (circles)</li><li><span class="swatch" '
              'style="background:#b3261e"></span>time to resolve (squares)</li></ul>')

    def cell(value: float | None) -> str:
        return "unknown" if value is None else f"{value:g}"

    rows = [[i["id"], i["started"], cell(i["minutes"]["time_to_detect"]),
             cell(i["minutes"]["time_to_resolve"])] for i in dated]
    return Markup(_svg("durations", title, f"{len(dated)} dated incidents; the highest value "
                       f"is {top:g} minutes.", "".join(parts)) + legend
                  + _table(["Incident", "Started", "Time to detect (min)",
                            "Time to resolve (min)"], rows))


def hardened(most: list[dict[str, Any]]) -> Markup:
    """Horizontal bars: the rule files incidents hardened most often."""
    title = "Rule files most often hardened"
    if not most:
        return _empty("hardened", title)
    top = max(m["incidents"] for m in most)
    bar = min(40.0, (HEIGHT - 20) / len(most))
    parts = []
    for index, item in enumerate(most):
        y = 10 + index * bar
        width = (WIDTH - LABELS - 10) * item["incidents"] / top
        name = escape(item["rule_file"])
        parts.append(f'<text x="{LABELS - 8}" y="{y + bar * 0.6:.1f}" text-anchor="end">'
                     f'{name}</text><rect x="{LABELS}" y="{y + bar * 0.15:.1f}" '
                     f'width="{width:.1f}" '
                     f'height="{bar * 0.7:.1f}" fill="#1d6b3a" data-rule-file="{name}" '
                     f'data-count="{item["incidents"]}"><title>{name}: {item["incidents"]}'
                     f'</title></rect>')
    rows = [[m["rule_file"], m["incidents"]] for m in most]
    return Markup(_svg("hardened", title, f"{len(most)} rule files; the most hardened was "
                       f"changed by {top} incidents.", "".join(parts))
                  + _table(["Rule file", "Incidents"], rows))
