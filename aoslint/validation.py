"""A document model validated against its type's JSON Schema, remembered across runs.

Importing jsonschema costs about 0.1 s, more than checking one document. A
pre-commit run usually re-checks a document whose metadata did not change,
so the outcome of validating the part of the model the schema reads is kept
in the result cache, and jsonschema is imported only for a part not seen
before. A large run validates directly: there, the import is paid once and
reading the cache per document would cost more.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Protocol

from aoslint.doctypes import DocType

# Top-level keywords whose errors at a property depend on that property alone.
_PER_PROPERTY_KEYWORDS = frozenset({
    "$schema", "$id", "$comment", "$defs", "definitions", "title", "description",
    "x-aoslint", "type", "required", "properties",
})


@dataclass(frozen=True)
class SchemaError:
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


def schema_errors(doctype: DocType, instance: dict[str, Any],
                  memo: Memo | None = None) -> list[SchemaError]:
    """The schema's errors for ``instance``, in a stable order."""
    read = _read_part(doctype.schema, instance)
    if memo is None or read is None:
        return _validate(doctype, instance)
    key = _memo_key(doctype, read)
    found = memo.get(key)
    if isinstance(found, tuple) and all(isinstance(e, SchemaError) for e in found):
        return list(found)
    errors = _validate(doctype, read)
    if any(not error.absolute_path for error in errors):
        return _validate(doctype, instance)  # a top-level error may quote the whole model
    memo.put(key, tuple(errors))
    return errors


def _read_part(schema: dict[str, Any], instance: dict[str, Any]) -> dict[str, Any] | None:
    """The properties the schema validates, when the rest of the model cannot matter."""
    if not set(schema) <= _PER_PROPERTY_KEYWORDS:
        return None
    named = set(schema.get("properties", {})) | set(schema.get("required", []))
    return {key: value for key, value in instance.items() if key in named}


def _memo_key(doctype: DocType, read: dict[str, Any]) -> str:
    digest = hashlib.blake2b(b"schema\0", digest_size=20)
    for part in (doctype.name, json.dumps(doctype.schema, sort_keys=True, default=str),
                 json.dumps(read, sort_keys=True, default=str)):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return "schema-" + digest.hexdigest()


def _validate(doctype: DocType, instance: dict[str, Any]) -> list[SchemaError]:
    errors = [SchemaError(tuple(e.absolute_path), e.message, str(e.validator),
                          e.validator_value, e.instance)
              for e in doctype.validator.iter_errors(instance)]
    return sorted(errors, key=lambda e: [str(p) for p in e.absolute_path])
