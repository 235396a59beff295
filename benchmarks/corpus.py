"""Postmortem-like corpora for the benchmarks: kit style and public styles.

``write_corpus(root, count)`` writes an AOS repository with ``count`` incident
documents of about 5 KB each: the kit's postmortem and incident plan (header
lines, numbered sections, task lists, code blocks), postmortems with YAML
front matter and table timelines, PagerDuty-, GitLab- and Google-SRE-style
postmortems. Most documents are clean; about one in twenty has a realistic
mistake (a placeholder left in, a missing section), so every tool has some
findings to report. The output is deterministic for a given count.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

SERVICES = ("checkout", "search", "billing", "auth", "registry", "notifications",
            "payments", "inventory", "reporting", "gateway")
SEVERITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
RULES = (("security", "auth.md"), ("api", "rate-limits.md"), ("data", "migrations.md"),
         ("ops", "deployments.md"), ("qa", "regression.md"))
WORDS = ("the", "deploy", "queue", "cache", "replica", "token", "retry", "latency",
         "alert", "rollback", "config", "worker", "index", "shard", "timeout", "request",
         "database", "pool", "load", "traffic", "node", "region", "service", "job")

CONFIG = """\
# aoslint configuration of the benchmark repository.
include = ["docs/incidents/**/*.md", "docs/postmortems/**/*.md"]
"""
ORCHESTRATOR = """\
# Orchestrator

## Security Review Checklist

- [ ] Tokens from rotated keys are rejected with a re-login.
"""


def _sentence(rng: random.Random, words: int = 17) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, sentences: int = 4) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def _log_block(rng: random.Random, day: dt.date, lines: int = 8) -> str:
    body = "\n".join(
        f"{day.isoformat()}T14:{10 + i:02}:{rng.randint(0, 59):02}Z ERROR "
        f"{rng.choice(SERVICES)}: {rng.choice(WORDS)} {rng.choice(WORDS)} failed "
        f"(attempt {i + 1}, code {rng.choice((500, 502, 503, 504))})"
        for i in range(lines))
    return f"```text\n{body}\n```"


def _events(start_minute: int) -> list[tuple[str, str]]:
    steps = ("Incident occurred: release deployed", "Detected via the error-rate alert",
             "Containment applied: rollback started", "Root cause identified",
             "Fix deployed and verified", "Resolution confirmed and hardening started")
    offsets = (0, 7, 15, 26, 35, 65)
    result = []
    for offset, step in zip(offsets, steps, strict=True):
        minute = start_minute + offset
        result.append((f"{10 + minute // 60:02}:{minute % 60:02}", step))
    return result


def kit_postmortem(rng: random.Random, iid: str, day: dt.date, severity: str,
                   broken: bool) -> str:
    service = rng.choice(SERVICES)
    domain, rule_file = rng.choice(RULES)
    events = _events(rng.randint(0, 50))
    timeline = "\n".join(f"- `{t} UTC`: {text} on {service}." for t, text in events)
    impact = "[duration]" if broken else f"35 minutes ({events[0][0]} to {events[4][0]} UTC)"
    return f"""# Postmortem Report: {service} {_sentence(rng, 5).lower()[:-1]}

Incident ID: {iid}
Date: {day.isoformat()}
Severity: {severity}
Status: CLOSED
Author: @debugger

---

## 1. Executive Summary

**Total Downtime / Unavailability**: {impact}
**Business Impact**: {_paragraph(rng, 3)}

{_paragraph(rng, 5)}

## 2. Timeline

{timeline}

{_paragraph(rng, 3)}

## 3. Root Cause Analysis (RCA)

- **Technical Trigger**: {_sentence(rng)}
- **Process Failure**: {_sentence(rng)}
- **AOS Gap**: `{domain}/{rule_file}` said nothing about this case.

{_paragraph(rng, 4)}

{_log_block(rng, day)}

## 4. AOS Hardening (The Feedback Loop)

Link to specific PRs or file changes.

- [x] **Rule Update**: `.agent/rules/{domain}/{rule_file}` now covers the case.
  {_sentence(rng)}
- [x] **Orchestrator Gate Update**: added an item to the Security Review
  Checklist in `.agent/agents/orchestrator.md`.
- [x] **QA Suite Update**: regression test `test_{service}_{rng.randint(1, 999)}` added.

## 5. Lessons Learned

{_paragraph(rng, 5)}

{_paragraph(rng, 5)}

| What | Went well | Went wrong |
| --- | --- | --- |
| Detection | {_sentence(rng, 6)} | {_sentence(rng, 6)} |
| Response | {_sentence(rng, 6)} | {_sentence(rng, 6)} |

## 6. Closure Approval

- [x] Stability verified by @qa-automation-engineer
- [x] Rules updated and pushed

Verified by: @qa-automation-engineer ({(day + dt.timedelta(days=1)).isoformat()})
Approved by: @orchestrator
Date: {(day + dt.timedelta(days=1)).isoformat()}
"""


def kit_plan(rng: random.Random, iid: str, day: dt.date, severity: str) -> str:
    service = rng.choice(SERVICES)
    return f"""# Incident Plan: {service} {_sentence(rng, 5).lower()[:-1]}

Incident ID: {iid}
Severity: {severity}
Status: RESOLVED
Primary Agent: @debugger
Timestamp: {day.isoformat()} 10:20 UTC

---

## 1. Situation Overview (What is happening?)

{_paragraph(rng, 5)}

{_paragraph(rng, 4)}

## 2. Immediate Risk Assessment

- **Data at risk**: {_sentence(rng)}
- **Users affected**: {_sentence(rng)}

{_paragraph(rng, 4)}

## 3. Stabilization Actions (MANDATORY FIRST)

- [x] Roll back the {service} service to the previous release
- [x] Confirm the error rate is back under 0.1%
- [x] {_sentence(rng, 8)}

## 4. Evidence Preservation (MANDATORY)

- [x] Save the {service} logs from 10:00 to 11:40 UTC
- [x] Record the failing commit `{rng.getrandbits(28):07x}`

{_log_block(rng, day, 6)}

## 5. Root Cause Hypothesis

{_paragraph(rng, 6)}

## 6. Ownership & Next Steps

- **Owner**: @debugger
- **Next step**: @security-auditor reviews the {service} handling.

{_paragraph(rng, 3)}

## 7. Resolution Criteria

- [x] Phase X verification passes
- [x] Error rate below 0.1% for one hour

## 8. Post-Incident Follow-up (AFTER RESOLUTION)

- [x] Postmortem written: `postmortem.md` in this folder

{_paragraph(rng, 4)}
"""


def front_matter_postmortem(rng: random.Random, iid: str, day: dt.date, severity: str,
                            broken: bool) -> str:
    service = rng.choice(SERVICES)
    rows = "\n".join(f"| {day.isoformat()} {t} | {text} on {service}. |"
                     for t, text in _events(rng.randint(0, 50)))
    root = "" if broken else f"## Root Cause\n\n{_paragraph(rng, 5)}\n\n{_log_block(rng, day)}\n"
    return f"""---
type: postmortem
incident_id: {iid}
date: {day.isoformat()}
severity: {severity}
status: CLOSED
authors: [sre-oncall, platform-team]
tags: [{service}, availability]
---

# {service.title()} outage postmortem

## Impact

{_paragraph(rng, 5)}

{_paragraph(rng, 4)}

## Timeline

| Time (UTC) | Event |
| --- | --- |
{rows}

{root}
## Action Items

- [x] {_sentence(rng, 9)} (owner: @devops-engineer)
- [x] {_sentence(rng, 9)} (owner: @backend-specialist)
- [x] {_sentence(rng, 9)} (owner: @qa-automation-engineer)

## Lessons Learned

{_paragraph(rng, 6)}

{_paragraph(rng, 6)}

## Sign-off

Verified by: @qa-automation-engineer ({(day + dt.timedelta(days=1)).isoformat()})
Approved by: @orchestrator ({(day + dt.timedelta(days=1)).isoformat()})
"""


def pagerduty_postmortem(rng: random.Random, iid: str, day: dt.date, severity: str,
                         broken: bool) -> str:
    service = rng.choice(SERVICES)
    rows = "\n".join(f"| {t} | {text} on {service}. |" for t, text in _events(rng.randint(0, 50)))
    owner = "[e.g., Jane]" if broken else "Tom"
    return f"""# Postmortem: {service} {_sentence(rng, 5).lower()[:-1]}

Incident ID: {iid}
Date: {day.isoformat()}
Severity: SEV{SEVERITIES.index(severity) + 1}
Status: Final

## Overview

{_paragraph(rng, 4)}

## What Happened

{_paragraph(rng, 6)}

## Impact

{_paragraph(rng, 4)}

## Responders

- Incident commander: Priya
- Subject matter expert: {owner}

## Timeline

| Time (UTC) | Event |
| --- | --- |
{rows}

## Contributing Factors

{_paragraph(rng, 5)}

{_log_block(rng, day)}

## Resolution

{_paragraph(rng, 4)}

## Action Items

| Action | Owner | Ticket | Status |
| --- | --- | --- | --- |
| {_sentence(rng, 8)} | Tom | OPS-{rng.randint(100, 999)} | Done |
| {_sentence(rng, 8)} | Priya | OPS-{rng.randint(100, 999)} | Open |
| {_sentence(rng, 8)} | Sam | OPS-{rng.randint(100, 999)} | Open |

## Messaging

{_paragraph(rng, 4)}
"""


def gitlab_postmortem(rng: random.Random, iid: str, day: dt.date, severity: str,
                      broken: bool) -> str:
    service = rng.choice(SERVICES)
    events = "\n".join(f"- {t} UTC - {text.lower()} on {service}"
                       for t, text in _events(rng.randint(0, 50)))
    return f"""# Incident Review: {service} {_sentence(rng, 4).lower()[:-1]}

Incident ID: {iid}
Severity: SEV{SEVERITIES.index(severity) + 1}
Status: Closed

## Summary

{_paragraph(rng, 5)}

**Time to detect**: 7 minutes
**Time to resolve**: 35 minutes

## Timeline

{day.isoformat()}

{events}

## Root Cause

{_paragraph(rng, 6)}

{_log_block(rng, day)}

## Corrective Actions

- [x] {_sentence(rng, 9)} (owner: @devops-engineer)
- [{' ' if broken else 'x'}] {_sentence(rng, 9)} (owner: @backend-specialist)

## What went well

{_paragraph(rng, 5)}

## What can be improved

{_paragraph(rng, 5)}

## Sign-off

Verified by: @qa-automation-engineer ({(day + dt.timedelta(days=1)).isoformat()})
Approved by: @orchestrator ({(day + dt.timedelta(days=1)).isoformat()})
"""


def sre_postmortem(rng: random.Random, iid: str, day: dt.date, severity: str,
                   broken: bool) -> str:
    service = rng.choice(SERVICES)
    events = "\n".join(f"- {t} {text} on {service}." for t, text in _events(rng.randint(0, 50)))
    impact = "" if broken else f"**Impact:** {_paragraph(rng, 2)}\n\n"
    return f"""# {service.title()} Postmortem (incident #{rng.randint(100, 999)})

**Date:** {day.isoformat()}

**Incident ID:** {iid}

**Authors:** jennifer, martym

**Status:** Complete, action items in progress

**Summary:** {_paragraph(rng, 2)}

{impact}**Root Causes:** {_paragraph(rng, 3)}

**Trigger:** {_sentence(rng)}

**Resolution:** {_sentence(rng)}

**Detection:** {_sentence(rng)}

## Action Items

| Action Item | Type | Owner | Bug |
| --- | --- | --- | --- |
| {_sentence(rng, 8)} | mitigate | jennifer | n/a **DONE** |
| {_sentence(rng, 8)} | prevent | martym | Bug {rng.randint(1000, 9999)} **TODO** |

## Lessons Learned

### What went well

- {_sentence(rng)}
- {_sentence(rng)}

### What went wrong

- {_sentence(rng)}
- {_sentence(rng)}

{_paragraph(rng, 5)}

## Timeline

{day.isoformat()} (all times UTC)

{events}

## Supporting information

{_log_block(rng, day, 10)}

{_paragraph(rng, 5)}
"""


PUBLIC_STYLES = (front_matter_postmortem, pagerduty_postmortem, gitlab_postmortem, sre_postmortem)


def write_corpus(root: Path, count: int, seed: int = 7) -> list[Path]:
    """Write a repository with ``count`` incident documents; return their paths."""
    rng = random.Random(seed)
    (root / ".agent" / "agents").mkdir(parents=True, exist_ok=True)
    (root / ".agent" / "agents" / "orchestrator.md").write_text(ORCHESTRATOR, encoding="utf-8")
    for domain, name in RULES:
        folder = root / ".agent" / "rules" / domain
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(f"# {name}\n\n{_paragraph(rng)}\n", encoding="utf-8")
    (root / ".aoslint.toml").write_text(CONFIG, encoding="utf-8")
    (root / "README.md").write_text("# Benchmark repository\n", encoding="utf-8")
    written: list[Path] = []
    start = dt.date(2012, 1, 1)
    incident = 0
    while len(written) < count:
        day = start + dt.timedelta(days=incident // 3)
        iid = f"INC-{day:%Y%m%d}-{incident % 3 + 1:03}"
        severity = rng.choice(SEVERITIES)
        broken = rng.random() < 0.05
        kind = incident % 5
        if kind < 2:  # the kit's layout: one folder per incident, plan and postmortem
            folder = root / "docs" / "incidents" / iid
            folder.mkdir(parents=True, exist_ok=True)
            documents = [("postmortem.md", kit_postmortem(rng, iid, day, severity, broken))]
            if count - len(written) > 1:
                documents.insert(0, ("incident-plan.md", kit_plan(rng, iid, day, severity)))
        else:
            style = PUBLIC_STYLES[(incident // 5 + kind) % len(PUBLIC_STYLES)]
            folder = root / "docs" / "postmortems" / f"{day.year}"
            folder.mkdir(parents=True, exist_ok=True)
            name = f"{day.isoformat()}-{incident % 3 + 1}-{style.__name__.split('_')[0]}.md"
            documents = [(name, style(rng, iid, day, severity, broken))]
        for name, text in documents:
            path = folder / name
            path.write_text(text, encoding="utf-8")
            written.append(path)
        incident += 1
    return written
