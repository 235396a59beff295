"""The incident's day as its metadata states it: a Date field or the Incident ID."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aoslint.lazyre import compile_lazily
from aoslint.timeline.stamps import find_date_line

_ISO_DATE = compile_lazily(r"(\d{4})-(\d{2})-(\d{2})")
_ID_DAY = compile_lazily(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")


def iso_date(value: object) -> dt.date | None:
    """The ``YYYY-MM-DD`` date a metadata value starts with (or contains), if valid."""
    match = _ISO_DATE.search(str(value))
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def metadata_date(fields: dict[str, Any]) -> dt.date | None:
    """The incident's day from Date/Timestamp-like fields, else from an INC-YYYYMMDD ID."""
    for key in ("date", "timestamp", "incident_date", "started_at"):
        value = fields.get(key)
        found = iso_date(value) or find_date_line(value, None) if isinstance(value, str) else None
        if found is not None:
            return found
    # INC-YYYYMMDD-NNN: the ID carries the incident's day.
    match = _ID_DAY.search(str(fields.get("incident_id", "")))
    return iso_date(f"{match[1]}-{match[2]}-{match[3]}") if match else None
