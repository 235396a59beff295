"""Metadata: the document type's JSON Schema, each error at its field's line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from aoslint.checks.context import CheckContext
from aoslint.diagnostics import Diagnostic
from aoslint.document.placeholders import find_placeholders, is_enum_choice
from aoslint.document.validation import SchemaError, schema_errors
from aoslint.registry import Rule, rule

INVALID_METADATA = rule(
    "AOS201", "invalid-metadata", "A metadata field is missing or has an invalid value.",
    explanation="""
Metadata comes from YAML front matter and from the kit's header lines under the
title (`Incident ID: ...`, `**Severity**: ...`), merged into one mapping. The
document type's JSON Schema validates it: the Incident ID pattern (default
INC-YYYYMMDD-NNN, `incident-id-pattern` in the config), the Severity and Status
values (`severities`, `statuses`), ISO dates. Each schema error is reported at
the offending field's line; a missing field at the header block.""",
    example="""
# Incident Plan: checkout returns 500
Incident ID: INC-2026-11-02
Severity: URGENT""",
    fix="Correct the value as the hint says, or add the missing field to the header lines.",
)


CONFLICTING_METADATA = rule(
    "AOS203", "conflicting-metadata", "A metadata field is given twice with different values.",
    explanation="""
Front matter and the header lines are merged into one mapping; when both (or
two header lines) give one field different values, aoslint uses the first and
the document contradicts itself: `status: open` in the front matter above
`Status: CLOSED` would hide a closure claim.""",
    example="""
---
status: open
---
# Postmortem: ...
Status: CLOSED""",
    fix="Keep one value: remove or correct the other line.",
)

RULES: tuple[Rule, ...] = (INVALID_METADATA, CONFLICTING_METADATA)


def _is_placeholder(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    return is_enum_choice(value) or any(True for _ in find_placeholders(value))


def _conflicts(ctx: CheckContext) -> Iterator[Diagnostic]:
    first: dict[str, Any] = {}
    for raw in ctx.parsed.fields:
        kept = first.setdefault(raw.key, raw)
        if kept is raw or _comparable(kept.value) == _comparable(raw.value):
            continue
        yield CONFLICTING_METADATA.diagnostic(
            ctx.path, raw.line, raw.column,
            f"{raw.raw_key} is '{raw.value}' here but '{kept.value}' at line {kept.line}, "
            "which is the value aoslint uses")


def _comparable(value: Any) -> str:
    """``Closed.`` and ``closed`` say the same; emphasis and final punctuation do not count."""
    return str(value).strip().strip("*_`").rstrip(".,;:!").strip().lower()


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    yield from _conflicts(ctx)
    document = ctx.document
    for error in schema_errors(ctx.doctype, document, ctx.memo):
        path = [str(p) for p in error.absolute_path]
        if path[:1] != ["metadata"]:
            yield INVALID_METADATA.diagnostic(ctx.path, document.header_line, 1,
                                              f"document does not match its schema: "
                                              f"{error.message}")
            continue
        if len(path) == 1:
            yield from _missing_fields(ctx, error)
            continue
        field = document.field(path[1])
        if field is None or _is_placeholder(field.value):
            continue  # a placeholder is reported once, by unfilled-placeholder
        title = ctx.doctype.field_title(field.key)
        hint = ctx.doctype.field_hint(field.key) or error.message
        yield INVALID_METADATA.diagnostic(
            ctx.path, field.line, field.column,
            f"{title} {_describe(field.value)} is not valid: {_reason(error)}", hint)


def _missing_fields(ctx: CheckContext, error: SchemaError) -> Iterator[Diagnostic]:
    if error.validator != "required":
        yield INVALID_METADATA.diagnostic(ctx.path, ctx.document.header_line, 1,
                                          f"metadata: {error.message}")
        return
    present = set(error.instance)
    for key in error.validator_value:
        if key in present:
            continue
        title = ctx.doctype.field_title(key)
        example = ctx.doctype.field_hint(key)
        outside = "" if ctx.aos_tree else (
            "; outside an AOS repository, the generic profile requires no header fields "
            "(profile = \"generic\" in the config, or --profile generic)")
        yield INVALID_METADATA.diagnostic(
            ctx.path, ctx.document.header_line, 1,
            f"metadata field '{title}' is missing",
            f"add a header line '{title}: ...' under the title, or '{key}:' in the front "
            f"matter" + (f"; {example}" if example else "") + outside)


def _describe(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else repr(value)


def _reason(error: SchemaError) -> str:
    if error.validator == "pattern":
        return "it does not have the expected form"
    if error.validator == "format" and error.validator_value == "date":
        return "it is not a date written as YYYY-MM-DD"
    if error.validator == "format":
        return f"it is not a valid {error.validator_value}"
    if error.validator == "type":
        return f"expected a {error.validator_value}"
    return str(error.message)
