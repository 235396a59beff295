"""Document types as data: JSON Schemas with an ``x-aoslint`` block.

The block names a type's sections (title, aliases, required, order) and how to
recognise a document of that type. Repositories add or extend types with their
own schema files, named in the config; no Python is needed.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Sequence
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import msgspec

from aoslint.config import Config
from aoslint.document.normalize import normalize_title
from aoslint.errors import UsageError
from aoslint.profiles import Profile, default_profile
from aoslint.resources import data_dir, load_json

BUILTIN_SCHEMAS = ("postmortem.schema.json", "incident-plan.schema.json")
_TITLE_HEAD = re.compile(r"^\W*(\w.*?\w)\s*(?:[(\[:,;\u2013\u2014]|\s-\s|\s\d)")


class SectionSpec(msgspec.Struct, frozen=True):
    """A section a document type knows, and every title that names it."""

    key: str
    title: str
    required: bool
    names: frozenset[str]
    fallbacks: frozenset[str] = frozenset()
    empty_while_open: bool = False
    # Words that name the section inside a longer title no alias covers
    # ("Remediation and follow-up steps"); such a title is a stand-in, like a fallback.
    keywords: tuple[str, ...] = ()
    # What the section's content looks like in prose with no heading at all (see AOS101):
    # patterns, and how many lines must show one.
    prose: tuple[re.Pattern[str], ...] = ()
    prose_lines: int = 1

    def named_at(self, normalized_title: str) -> int | None:
        """Where the title first names a keyword as whole words, if it does."""
        padded = f" {normalized_title} "
        found = [at for keyword in self.keywords if (at := padded.find(f" {keyword} ")) >= 0]
        return min(found) if found else None


class DocType(msgspec.Struct, frozen=True, dict=True):
    """One document type: its schema, sections and recognition hints."""

    name: str
    schema: dict[str, Any]
    sections: tuple[SectionSpec, ...]
    ordered: bool
    titles: tuple[str, ...]
    filenames: tuple[re.Pattern[str], ...]
    min_sections: int
    source: str

    def section_for(self, normalized_title: str) -> tuple[SectionSpec, bool] | None:
        """The spec a title names, and whether only as a fallback (a stand-in title).

        A fallback such as "Executive Summary" satisfies the Impact requirement
        when no Impact heading exists, but it is a section of its own: a
        document with both is not duplicating anything.
        """
        for spec in self.sections:
            if normalized_title in spec.names:
                return spec, False
        for spec in self.sections:
            if normalized_title in spec.fallbacks:
                return spec, True
        return None

    def section_for_title(self, title: str) -> tuple[SectionSpec, bool] | None:
        """The spec a heading or label names, also with more text after the name.

        "Timeline (all times PST) 3/2 - 3/5, approximate" is the Timeline: when
        the whole title names nothing, its part before a bracket, colon, comma,
        dash or number is tried.
        """
        normalized = normalize_title(title)
        found = self.section_for(normalized)
        if found is not None:
            return found
        head = _TITLE_HEAD.match(title)
        found = self.section_for(normalize_title(head.group(1))) if head else None
        if found is not None:
            return found
        # The part named first is the title's subject: "Timeline of impact" is a timeline.
        named = [(at, index, spec) for index, spec in enumerate(self.sections)
                 if (at := spec.named_at(normalized)) is not None]
        return (min(named)[2], True) if named else None

    @cached_property
    def schema_text(self) -> str:
        """The schema as canonical JSON, made once: every document's memo key hashes it."""
        return json.dumps(self.schema, sort_keys=True, default=str)

    @cached_property
    def validator(self) -> Any:
        """The compiled JSON Schema validator, built once and reused for every document."""
        from jsonschema import FormatChecker
        from jsonschema.validators import validator_for

        cls = validator_for(self.schema)
        return cls(self.schema, format_checker=FormatChecker())

    @cached_property
    def instance_keys(self) -> frozenset[str] | None:
        """The document keys the schema reads, when it reads no other part of the document.

        Then a model with only these keys passes or fails exactly as the whole one
        does; ``None`` when the schema (its root or a root ``allOf``) may look further.
        """
        return _root_keys(self.validator, self.schema)

    def certainly_valid(self, instance: Any) -> bool:
        """True when the instance meets the schema, judged without a full jsonschema walk.

        jsonschema builds a validator for every subschema it descends into,
        which costs more than the checks; most documents are valid. False
        means: ask :attr:`validator` (which also gives the errors).
        """
        return _passes(self.validator, self.schema, instance)

    def field_title(self, key: str) -> str:
        props = self.schema.get("properties", {}).get("metadata", {}).get("properties", {})
        title = props.get(key, {}).get("title")
        return str(title) if title else key

    def field_hint(self, key: str) -> str:
        props = self.schema.get("properties", {}).get("metadata", {}).get("properties", {})
        return str(props.get(key, {}).get("x-hint", ""))


# Keywords that read only the instance they apply to; their own jsonschema
# functions are called. Any other keyword sends the document to the full walk.
_LEAF_KEYWORDS = frozenset({"type", "required", "pattern", "minLength", "maxLength", "format",
                            "enum", "const"})


def _passes(validator: Any, schema: Any, instance: Any) -> bool:
    """The schema's keywords hold for the instance, each tested as jsonschema tests it.

    ``properties`` and ``allOf`` (extending schemas) are walked here when they
    are the standard ones: each present property against its subschema, the
    instance against every subschema of ``allOf``.
    """
    if not isinstance(schema, dict):
        return False  # a boolean schema: left to jsonschema
    keywords = validator.VALIDATORS
    for keyword, value in schema.items():
        test = keywords.get(keyword)
        if test is None:
            continue  # an annotation such as title or x-hint: jsonschema skips it too
        if keyword == "properties" and test is _standard("properties"):
            if validator.is_type(instance, "object") and not all(
                    _passes(validator, subschema, instance[name])
                    for name, subschema in value.items() if name in instance):
                return False
        elif keyword == "allOf" and test is _standard("allOf"):
            if not all(_passes(validator, subschema, instance) for subschema in value):
                return False
        elif keyword not in _LEAF_KEYWORDS or any(True for _ in test(validator, value,
                                                                     instance, schema) or ()):
            return False
    return True


def _root_keys(validator: Any, schema: Any) -> frozenset[str] | None:
    """The keys the root's ``properties`` and ``required`` name.

    None when another keyword (``enum``, ``additionalProperties``, ...) could
    read the rest of the document.
    """
    if not isinstance(schema, dict):
        return None
    keys: set[str] = set()
    for keyword, value in schema.items():
        if keyword not in validator.VALIDATORS or keyword == "type":
            continue  # annotations; and every model is an object
        if keyword in ("properties", "required"):
            keys.update(value)
        elif keyword == "allOf":
            for subschema in value:
                inner = _root_keys(validator, subschema)
                if inner is None:
                    return None
                keys |= inner
        else:
            return None
    return frozenset(keys)


@cache
def _standard(keyword: str) -> Any:
    """jsonschema's function for a keyword since draft 4 (draft 3's ``properties`` differs)."""
    from jsonschema.validators import Draft202012Validator

    return Draft202012Validator.VALIDATORS[keyword]


def _section_specs(raw: list[dict[str, Any]], source: str) -> tuple[SectionSpec, ...]:
    specs = []
    for entry in raw:
        try:
            names = {normalize_title(entry["title"]), normalize_title(entry["key"])}
            names.update(normalize_title(a) for a in entry.get("aliases", []))
            fallbacks = frozenset(normalize_title(a) for a in entry.get("fallbacks", []))
            prose = entry.get("prose", {})
            specs.append(SectionSpec(
                entry["key"], entry["title"], bool(entry.get("required")), frozenset(names),
                fallbacks - names, bool(entry.get("empty_while_open")),
                tuple(normalize_title(k) for k in entry.get("keywords", [])),
                tuple(re.compile(p, re.IGNORECASE) for p in prose.get("patterns", [])),
                int(prose.get("lines", 1))))
        except (KeyError, TypeError, AttributeError, ValueError):
            raise UsageError(f"{source}: each x-aoslint section needs a 'key' and a 'title'; "
                             f"got {json.dumps(entry)}") from None
        except re.error as exc:
            raise UsageError(f"{source}: x-aoslint section {entry.get('key')!r}: prose "
                             f"pattern: {exc}") from None
    return tuple(specs)


def _build(schema: dict[str, Any], source: str) -> DocType:
    meta = schema.get("x-aoslint")
    if not isinstance(meta, dict) or not isinstance(meta.get("type"), str):
        raise UsageError(f"{source}: a document-type schema needs \"x-aoslint\": "
                         "{\"type\": NAME, \"sections\": [...]}")
    detect = meta.get("detect", {})
    try:
        filenames = tuple(re.compile(p, re.IGNORECASE) for p in detect.get("filenames", []))
    except re.error as exc:
        raise UsageError(f"{source}: x-aoslint.document.detect.filenames: {exc}") from None
    return DocType(
        name=meta["type"],
        schema=schema,
        sections=_section_specs(meta.get("sections", []), source),
        ordered=bool(meta.get("order")),
        titles=tuple(normalize_title(t) for t in detect.get("titles", [])),
        filenames=filenames,
        min_sections=int(detect.get("min_sections", 3)),
        source=source,
    )


def _merge(base: dict[str, Any], extension: dict[str, Any]) -> dict[str, Any]:
    """An extending schema adds sections (same key replaces) and its own constraints."""
    merged = copy.deepcopy(base)
    base_meta, ext_meta = merged["x-aoslint"], extension["x-aoslint"]
    by_key = {s["key"]: s for s in base_meta.get("sections", [])}
    for section in ext_meta.get("sections", []):
        by_key[section["key"]] = section
    base_meta["sections"] = list(by_key.values())
    for key in ("order", "detect"):
        if key in ext_meta:
            base_meta[key] = ext_meta[key]
    constraints = {k: v for k, v in extension.items() if k not in ("x-aoslint", "$id", "$schema")}
    merged.setdefault("allOf", []).append(constraints)
    return merged


def _enum_pattern(values: Sequence[str], prefix_only: bool) -> str:
    alternatives = "|".join(re.escape(v) for v in values)
    return f"^(?i:{alternatives})" + ("\\b" if prefix_only else "(\\s*\\(.*\\))?$")


def _apply_config(schema: dict[str, Any], config: Config, profile: Profile) -> dict[str, Any]:
    """Configured ID pattern and enumerations replace the schema's defaults.

    A profile that requires no metadata drops the type's required fields, and
    its free fields lose their pattern and format (another team's IDs, severities and
    dates have another form).
    """
    metadata = schema.get("properties", {}).get("metadata", {})
    props = metadata.get("properties", {})
    if not profile.required_metadata:
        metadata.pop("required", None)
    for key in profile.free_fields:
        if key in props:
            props[key].pop("pattern", None)
            props[key].pop("format", None)
    settings = config.settings
    overrides = {
        "incident_id": settings.incident_id_pattern,
        "severity": _enum_pattern(settings.severities, False) if settings.severities else None,
        "status": _enum_pattern(settings.statuses, True) if settings.statuses else None,
    }
    for key, pattern in overrides.items():
        if pattern and key in props and key not in profile.free_fields:
            props[key]["pattern"] = pattern
    return schema


def load_doctypes(config: Config, profile: Profile | None = None) -> dict[str, DocType]:
    """The built-in types, then the config's schema files, with config and profile overrides."""
    profile = profile or default_profile()
    schemas: dict[str, tuple[dict[str, Any], str]] = {}
    for name in BUILTIN_SCHEMAS:
        path = data_dir("rules-schema") / name
        raw = load_json(path)
        schemas[raw["x-aoslint"]["type"]] = (copy.deepcopy(raw), str(path))
    for entry in config.settings.schemas:
        path = (config.root / entry).resolve()
        if not path.is_relative_to(config.root.resolve()) and not _in_git_tree(path, config):
            raise UsageError(f"{config.path}: 'schemas' entry {entry!r} points outside the "
                             f"repository ({path})")
        schema = _read_schema(path, config)
        meta = schema.get("x-aoslint", {})
        extends = meta.get("extends") if isinstance(meta, dict) else None
        if extends:
            if extends not in schemas:
                raise UsageError(f"{path}: x-aoslint.extends names unknown type '{extends}' "
                                 f"(known: {', '.join(sorted(schemas))})")
            schema = _merge(schemas[extends][0], schema)
        _build(schema, str(path))  # validate the x-aoslint block early
        schemas[schema["x-aoslint"]["type"]] = (schema, str(path))
    return {name: _build(_apply_config(schema, config, profile), source)
            for name, (schema, source) in schemas.items()}


def _in_git_tree(path: Path, config: Config) -> bool:
    """A schema may sit anywhere in the git work tree that holds the config."""
    from aoslint.discovery.layout import find_repository_root

    top = find_repository_root(config.root)
    return top is not None and path.is_relative_to(top.resolve())


def _read_schema(path: Path, config: Config) -> dict[str, Any]:
    where = config.path or "config"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{where}: schemas: cannot read {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: a document-type schema must be a JSON object")
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import validator_for

    try:
        validator_for(data).check_schema(data)
    except SchemaError as exc:
        raise UsageError(f"{path}: not a valid JSON Schema: {exc.message}") from None
    return data
