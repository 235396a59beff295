"""GitLab Code Quality JSON: findings shown in the merge-request widget and on the diff.

GitLab compares the ``fingerprint`` of the base and head pipelines to tell new findings
from fixed ones, so it must not change when a finding only moves lines, and must differ
between distinct findings (GitLab treats findings sharing one as the same finding).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from aoslint.diagnostics import Diagnostic, Severity
from aoslint.reporters import RenderContext
from aoslint.reporters._shared import fingerprints, report_path, start_line

# The common linter mapping (errors are "major", warnings "minor"): "critical" and
# "blocker" would overstate a documentation finding.
_SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def render(diagnostics: Sequence[Diagnostic], context: RenderContext) -> str:
    prints = fingerprints(diagnostics, context.root)
    issues = [
        _issue(diag, fingerprint, context.root)
        for diag, fingerprint in zip(diagnostics, prints, strict=True)
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(diag: Diagnostic, fingerprint: str, root: str) -> dict[str, Any]:
    issue: dict[str, Any] = {
        "type": "issue",
        # The widget shows only the description, so it names the rule too.
        "description": f"{diag.code} {diag.message} [{diag.name}]",
        "check_name": diag.code,
        "fingerprint": fingerprint,
        "severity": _SEVERITIES[diag.severity],
        "location": {"path": report_path(diag.path, root), "lines": {"begin": start_line(diag)}},
    }
    if diag.hint:
        # Code Climate's place for remediation text; GitLab ignores it, other viewers show it.
        issue["content"] = {"body": diag.hint}
    return issue
