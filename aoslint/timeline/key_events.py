"""Which key event a timeline row names: occurred, detected, mitigated or resolved."""

from __future__ import annotations

import re
from functools import cache

from aoslint.resources import schema

KINDS = ("occurred", "detected", "mitigated", "resolved")
KEY_EVENTS_FILE = "key-events.json"


def classify(plain: str) -> str | None:
    """occurred, detected, mitigated or resolved, from the kit's and public wording.

    ``plain`` is the row's text without inline markup (the event's text).
    """
    for kind, pattern in _classifiers():
        if pattern.search(plain):
            return kind
    return None


@cache
def _classifiers() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The key-event vocabulary of ``rules-schema/key-events.json``, one pattern per kind.

    The words are data, so a team's wording is added without touching code;
    the kinds are tried in the file's order.
    """
    data = schema(KEY_EVENTS_FILE)
    found = []
    for kind in data["order"]:
        entry = data["kinds"][kind]
        words = "|".join(f"(?:{p})" for p in entry["phrases"])
        start = "|".join(f"(?:{p})" for p in entry.get("at-start", []))
        source = (f"^(?:{start})\\b|" if start else "") + f"\\b(?:{words})\\b"
        found.append((kind, re.compile(source, re.IGNORECASE)))
    return tuple(found)
