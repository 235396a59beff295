"""Documents as HTML with mistune: raw HTML escaped, mistune's URL check on links.

A ``<script>`` in a postmortem shows as text, and ``javascript:`` links are dropped.
"""

from __future__ import annotations

from functools import cache

import mistune

from aoslint import __version__

_PLUGINS = ["table", "strikethrough", "task_lists"]
# What the HTML depends on besides the Markdown: kept HTML is reused only under the same.
# aoslint's version too: body() and any sanitising here shape the HTML as well.
RENDERER = (f"aoslint {__version__}, mistune {mistune.__version__}, escape, "
            f"{', '.join(_PLUGINS)}")


@cache
def _markdown() -> mistune.Markdown:
    return mistune.create_markdown(escape=True, plugins=list(_PLUGINS))


def body(text: str) -> str:
    """The document without its YAML front matter (shown as metadata instead)."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":
        for number, line in enumerate(lines[1:], start=1):
            if line.strip() in ("---", "..."):
                return "\n".join(lines[number + 1:])
    return text


def render_markdown(text: str) -> str:
    return str(_markdown()(body(text)))
