"""The config's keys as one typed, frozen value, with every default in one place.

A config file is validated against ``rules-schema/config.schema.json`` (the
errors a user reads come from there) and then decoded once into ``Settings``;
every module reads its attributes, so a default is written here and nowhere
else. A key whose default is worked out when the run starts (from the AOS
tree, git or the document types) is ``None`` here, and ``REFERENCE_DEFAULTS``
says in words what it becomes; the generated config reference reads both.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

DEFAULT_PROFILE = "aos"
# The documents a run checks when no include is configured; below an AOS tree,
# AOS_INCLUDE (relative to it) as well.
DEFAULT_INCLUDE = (
    "docs/incidents/**/*.md",
    "docs/postmortems/**/*.md",
    "incidents/**/*.md",
    "postmortems/**/*.md",
)
AOS_INCLUDE = ("incidents/**/*.md", "postmortems/**/*.md")
DEFAULT_EXCLUDE = (".git/", ".venv/", "venv/", "node_modules/")
# The built-in document types' own Incident ID pattern and severities, which
# ``aoslint new`` also mints and offers while the config names none.
DEFAULT_INCIDENT_ID_PATTERN = "^INC-[0-9]{8}-[0-9]{3}$"
DEFAULT_SEVERITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL", "SEV1", "SEV2", "SEV3", "SEV4",
                      "SEV5", "P1", "P2", "P3", "P4")
DEFAULT_INCIDENT_ID_FORMAT = "INC-{date:%Y%m%d}-{n:03d}"
DEFAULT_NEW_DIR = "docs/incidents"
DEFAULT_NEW_PATH = "{id}/{type}.md"
DEFAULT_CLOSED_STATUSES = ("RESOLVED", "CLOSED")
DEFAULT_CACHE_DIR = ".aoslint_cache"

ActionItemOwner = Literal["unlabelled", "all", "off"]


class Settings(msgspec.Struct, frozen=True, kw_only=True, rename="kebab",
               forbid_unknown_fields=True):
    """Every config key, typed, at its default unless the config file sets it.

    ``None``: worked out when the run starts (see ``REFERENCE_DEFAULTS``).
    """

    profile: str = DEFAULT_PROFILE
    include: tuple[str, ...] | None = None  # DEFAULT_INCLUDE, plus AOS_INCLUDE in the tree
    extend_include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    aos_dir: str | None = None
    rules_dir: str | None = None
    templates_dir: str | None = None
    gate_file: str | None = None
    incident_id_pattern: str | None = None  # the document type's own
    incident_id_format: str = DEFAULT_INCIDENT_ID_FORMAT
    new_dir: str = DEFAULT_NEW_DIR
    new_path: str = DEFAULT_NEW_PATH
    severities: tuple[str, ...] | None = None  # the document type's own
    statuses: tuple[str, ...] | None = None  # the document type's own
    closed_statuses: tuple[str, ...] = DEFAULT_CLOSED_STATUSES
    types: dict[str, tuple[str, ...]] = msgspec.field(default_factory=dict)
    schemas: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = ()
    git: bool = True
    upstream: str | None = None
    cache_dir: str | None = None
    action_item_owner: ActionItemOwner = "unlabelled"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    allow_closure_suppression: bool = False


def decode_settings(values: dict[str, Any]) -> Settings:
    """The validated ``[tool.aoslint]`` table as ``Settings``.

    Raises ``msgspec.ValidationError`` for what the config schema refuses;
    the caller validates first, so the user reads the schema's messages.
    """
    return msgspec.convert(values, Settings)


# What the reference says a key's default is, where the value in ``Settings``
# is not the whole story: worked out at run time, or (``None``) no default at
# all, the key only adds to another. Every other key's default is its field's.
REFERENCE_DEFAULTS: dict[str, str | tuple[str, ...] | None] = {
    "include": (*DEFAULT_INCLUDE, *(f"<aos-dir>/{p}" for p in AOS_INCLUDE)),
    "extend-include": None,
    # The templates folder is excluded whatever exclude says (see discover).
    "exclude": (*DEFAULT_EXCLUDE, "<templates-dir>/"),
    "extend-exclude": None,
    "aos-dir": ".agents, else .agent, else .",
    "rules-dir": "<aos-dir>/rules",
    "templates-dir": "<aos-dir>/templates",
    "gate-file": "<aos-dir>/agents/orchestrator.md, else <aos-dir>/scripts/checklist.py",
    "incident-id-pattern": DEFAULT_INCIDENT_ID_PATTERN,
    "severities": DEFAULT_SEVERITIES,
    "statuses": "per document type",
    "upstream": "the branch's upstream, else origin/HEAD",
    "cache-dir": f"{DEFAULT_CACHE_DIR} at the repository root",
    "select": None,
    "ignore": None,
}


def reference_defaults() -> dict[str, Any]:
    """Each key's default as the config reference states it (``None``: none to state)."""
    defaults: dict[str, Any] = {}
    for field in msgspec.structs.fields(Settings):
        if field.encode_name in REFERENCE_DEFAULTS:
            defaults[field.encode_name] = REFERENCE_DEFAULTS[field.encode_name]
        elif field.default_factory is not msgspec.NODEFAULT:
            defaults[field.encode_name] = field.default_factory()
        else:
            defaults[field.encode_name] = field.default
    return defaults
