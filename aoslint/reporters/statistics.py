"""``--statistics``: how many findings of each code, instead of the findings themselves.

Not an output format of its own (``get_renderer`` only imports the modules named
in ``FORMATS``): it is a summary view of the text and json formats, like ruff's.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from aoslint.diagnostics import Diagnostic
from aoslint.reporters import RenderContext
from aoslint.reporters.text_format import summary_line

STATISTICS_FORMATS = ("text", "json")


def counts(diagnostics: Sequence[Diagnostic]) -> list[tuple[int, str, str]]:
    """``(count, code, name)`` rows, the most frequent first, then by code."""
    tally = Counter((d.code, d.name) for d in diagnostics)
    return sorted(((n, code, name) for (code, name), n in tally.items()),
                  key=lambda row: (-row[0], row[1]))


def render(diagnostics: Sequence[Diagnostic], context: RenderContext, fmt: str) -> str:
    rows = counts(diagnostics)
    if fmt == "json":
        data = [{"code": code, "name": name, "count": n} for n, code, name in rows]
        return json.dumps(data, indent=2) + "\n"
    width = max((len(str(n)) for n, _, _ in rows), default=1)
    lines = [f"{n:>{width}}  {code}  {name}" for n, code, name in rows]
    lines.append(summary_line(diagnostics, context.checked_files))
    return "\n".join(lines) + "\n"
