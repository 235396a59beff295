"""A document model validated against its type's JSON Schema, remembered across runs.

Importing jsonschema costs about 0.1 s, more than checking one document. A
pre-commit run usually re-checks a document whose metadata did not change,
so the outcome of validating the part of the model the schema reads is kept
in the result cache, and jsonschema is imported only for a part not seen
before. A large run validates directly: there, the import is paid once and
reading the cache per document would cost more.
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any, Protocol

import msgspec

from aoslint.document.doctypes import DocType
from aoslint.document.model import Document

# Top-level keywords whose errors at a property depend on that property alone.
_PER_PROPERTY_KEYWORDS = frozenset({
    "$schema", "$id", "$comment", "$defs", "definitions", "title", "description",
    "x-aoslint", "type", "required", "properties",
})


class SchemaError(msgspec.Struct, frozen=True):
    """What the metadata check reads of a jsonschema ``ValidationError``."""

    absolute_path: tuple[str | int, ...]
    message: str
    validator: str
    validator_value: Any
    instance: Any


class Memo(Protocol):
    """Where outcomes are kept: the result cache's ``get`` and ``put``."""

    def get(self, key: str) -> Any: ...

    def put(self, key: str, value: Any) -> None: ...


def schema_errors(doctype: DocType, document: Document,
                  memo: Memo | None = None) -> list[SchemaError]:
    """The schema's errors for the document's model, in a stable order."""
    keys = _read_keys(doctype.schema)
    # The part the schema reads: the memo's key, and all the quick test needs.
    part = document.to_json(keys) if keys is not None else None
    key = None
    if memo is not None and part is not None:
        key = _memo_key(doctype, part)
        found = memo.get(key)
        if isinstance(found, tuple) and all(isinstance(e, SchemaError) for e in found):
            return list(found)
    whole = False
    if part is None:  # the schema's root may read more: jsonschema judges what it reads
        part = document.to_json(doctype.instance_keys)
        whole = doctype.instance_keys is None
    if doctype.certainly_valid(part):  # the errors, if any, need the whole model
        errors: list[SchemaError] = []
    else:
        errors = _validate(doctype, part if whole else document.to_json())
    if memo is not None and key is not None and all(e.absolute_path for e in errors):
        memo.put(key, tuple(errors))  # a top-level error may quote the whole model: not kept
    return errors


def _read_keys(schema: dict[str, Any]) -> frozenset[str] | None:
    """The model keys the schema validates, when the rest of the model cannot matter.

    Judged from the schema's root keywords alone, so a remembered outcome is
    found without importing jsonschema.
    """
    if not set(schema) <= _PER_PROPERTY_KEYWORDS:
        return None
    return frozenset(schema.get("properties", {})) | frozenset(schema.get("required", []))


def _memo_key(doctype: DocType, read: dict[str, Any]) -> str:
    digest = _schema_digest(doctype.name, doctype.schema_text).copy()
    digest.update(json.dumps(read, sort_keys=True, default=str).encode("utf-8", "surrogatepass"))
    return "schema-" + digest.hexdigest()


@functools.cache  # the schema is hashed once per run, not once per document
def _schema_digest(name: str, schema_text: str) -> hashlib.blake2b:
    digest = hashlib.blake2b(b"schema\0", digest_size=20)
    for part in (name, schema_text):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest


def _validate(doctype: DocType, instance: dict[str, Any]) -> list[SchemaError]:
    errors = [SchemaError(tuple(e.absolute_path), e.message, str(e.validator),
                          e.validator_value, e.instance)
              for e in doctype.validator.iter_errors(instance)]
    return sorted(errors, key=lambda e: [str(p) for p in e.absolute_path])
