"""SARIF 2.1.0: the log GitHub code scanning and other SARIF viewers import.

Every known rule is listed in ``tool.driver.rules`` (not only those that fired), so a
viewer can show a rule's documentation next to any finding, and results point at their
rule by ``ruleIndex`` as well as ``ruleId``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from aoslint import __version__
from aoslint.diagnostics import Diagnostic, Severity
from aoslint.links import RULES_INDEX, file_url, rule_page
from aoslint.registry import Rule
from aoslint.reporters import RenderContext
from aoslint.reporters._shared import (
    FINGERPRINT_VERSION,
    end_line,
    fingerprints,
    message_with_hint,
    report_path,
    start_column,
    start_line,
)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = f"aoslintFindingHash/{FINGERPRINT_VERSION}"

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(diagnostics: Sequence[Diagnostic], context: RenderContext) -> str:
    rules = _rules_for(diagnostics, context)
    index = {rule.code: position for position, rule in enumerate(rules)}
    prints = fingerprints(diagnostics, context.root)
    log = {
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "aoslint",
                        **_uri("informationUri", information_uri(context)),
                        "version": context.tool_version or __version__,
                        "rules": [_descriptor(rule, rule.code in context.rules)
                                  for rule in rules],
                    }
                },
                # Diagnostic columns count Python string positions, i.e. code points.
                "columnKind": "unicodeCodePoints",
                **_base_ids(context.root),
                "results": [
                    _result(diag, index[diag.code], fingerprint, context.root)
                    for diag, fingerprint in zip(diagnostics, prints, strict=True)
                ],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def information_uri(context: RenderContext) -> str | None:
    """The rules' documentation: the caller's choice, else the repository's index page."""
    return context.extra.get("information_uri") or file_url(RULES_INDEX)


def _rules_for(diagnostics: Sequence[Diagnostic], context: RenderContext) -> list[Rule]:
    """Every rule of the context in code order, plus a stub for a code it does not know.

    A finding whose code is missing from ``context.rules`` (for example a tool error)
    still needs a valid ``ruleIndex``, so it gets a minimal descriptor of its own.
    """
    rules = sorted(context.rules.values(), key=lambda r: r.code)
    known = {rule.code for rule in rules}
    for diag in diagnostics:
        if diag.code not in known:
            known.add(diag.code)
            rules.append(Rule(diag.code, diag.name, diag.name, diag.severity, "", "", ""))
    return rules


def _uri(key: str, uri: str | None) -> dict[str, str]:
    """``{key: uri}``, or nothing: an unknown address is left out, never guessed."""
    return {key: uri} if uri else {}


def _descriptor(rule: Rule, known: bool = True) -> dict[str, Any]:
    """``known``: a registered rule, which has a page of its own."""
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation or rule.summary},
        **_uri("helpUri", file_url(rule_page(rule.code)) if known else None),
        "help": {"text": help_text(rule), "markdown": help_markdown(rule)},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"tags": [rule.group]},
    }


def help_text(rule: Rule) -> str:
    """Plain-text help: why the rule exists, a failing example, the fix, the policy."""
    parts = [rule.explanation or rule.summary]
    if rule.example:
        parts.append(f"Example:\n{rule.example}")
    if rule.fix:
        parts.append(f"Fix: {rule.fix}")
    if rule.policy:
        parts.append(f'Policy: "{rule.policy}"')
    return "\n\n".join(parts)


def help_markdown(rule: Rule) -> str:
    """The same help as Markdown; the example is fenced because it is Markdown itself."""
    parts = [rule.explanation or rule.summary]
    if rule.example:
        fence = _fence_for(rule.example)
        parts.append(f"**Example**\n\n{fence}markdown\n{rule.example}\n{fence}")
    if rule.fix:
        parts.append(f"**Fix:** {rule.fix}")
    if rule.policy:
        quoted = "\n".join(f"> {line}".rstrip() for line in rule.policy.splitlines())
        parts.append(f"**Policy**\n\n{quoted}")
    return "\n\n".join(parts)


def _fence_for(text: str) -> str:
    """A backtick fence longer than any backtick run inside ``text``, so it cannot close early."""
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


def _result(diag: Diagnostic, rule_index: int, fingerprint: str, root: str) -> dict[str, Any]:
    return {
        "ruleId": diag.code,
        "ruleIndex": rule_index,
        "level": _LEVELS[diag.severity],
        "message": {"text": message_with_hint(diag)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(diag.path, root),
                    "region": {
                        "startLine": start_line(diag),
                        "startColumn": start_column(diag),
                        "endLine": end_line(diag),
                    },
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }


def _base_ids(root: str) -> dict[str, Any]:
    """Where ``%SRCROOT%`` is: the repository root, as a file URI ending in ``/``."""
    if not root:
        return {}
    uri = PurePath(os.path.abspath(root)).as_uri()
    return {"originalUriBaseIds": {SRCROOT: {
        "uri": uri if uri.endswith("/") else f"{uri}/",
        "description": {"text": "The repository root."}}}}


def artifact_location(path: str, root: str = "") -> dict[str, str]:
    """A relative, percent-encoded URI against ``%SRCROOT%`` (the repository root);
    a file outside it gets an absolute file URI."""
    posix = report_path(path, root)
    pure = PurePath(posix)
    if pure.is_absolute():
        return {"uri": pure.as_uri()}
    return {"uri": quote(posix, safe="/"), "uriBaseId": SRCROOT}
