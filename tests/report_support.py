"""Building the example repository's report in a throwaway clone (for the report tests)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import EXAMPLE, git, write_tree

AFTER = "2026-11-02T16:00:00+00:00"  # after the example incidents started
TODAY = "2026-11-20"


def example_clone(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    """The example repository, committed after its incidents and pushed to an origin."""
    repo = tmp_path / "example"
    # Not what running the README's command leaves in the example: its cache and report.
    shutil.copytree(EXAMPLE, repo, ignore=shutil.ignore_patterns(".aoslint_cache",
                                                                 "aoslint-report"))
    write_tree(repo, extra or {})
    git(tmp_path, "init", "-q", "--bare", "origin.git")
    git(tmp_path, "init", "-q", "example")
    git(repo, "remote", "add", "origin", str(tmp_path / "origin.git"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "example", date=AFTER)
    git(repo, "push", "-q", "-u", "origin", "main")
    return repo


# A postmortem whose text tries to run script in the report.
HOSTILE = """\
# Postmortem Report: a <script> in the notes

Incident ID: INC-20261118-003
Date: 2026-11-18
Severity: LOW
Status: INVESTIGATING
Author: @debugger

## 1. Executive Summary

<script>window.reportWasScripted = true;</script>
<img src="x" onerror="window.reportWasScripted = true">

[a safe link](https://example.com/runbook) and [a bad one](javascript:alert(1))

## 2. Timeline

- `10:00 UTC`: Incident occurred.
- `10:30 UTC`: Detected via a support ticket.

## 3. Root Cause Analysis (RCA)

- **Technical Trigger**: not yet known.

## 4. AOS Hardening (The Feedback Loop)

- [ ] **Rule Update**: `.agent/rules/security/auth.md` to be decided.

## 5. Lessons Learned

To be written.
"""
