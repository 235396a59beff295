"""Machine output: a JSON list of findings with stable keys."""

from __future__ import annotations

import json
from collections.abc import Sequence

from aoslint.diagnostics import Diagnostic
from aoslint.reporters import RenderContext


def render(diagnostics: Sequence[Diagnostic], context: RenderContext) -> str:
    del context  # the JSON list carries everything a consumer needs per finding
    return json.dumps([d.to_json() for d in diagnostics], indent=2) + "\n"
