"""Benchmark of the git cross-reference: 500 postmortems on a 5,000-commit repository.

Builds the repository of ``bench_git.py`` (fast-import) with the quality gate,
and 500 closed postmortems in kit style, each citing one rule file and the
Security Review Checklist; the commit an hour after each incident started
appends to that rule file and to the gate, so every incident is proven. Then
times ``aoslint check`` over all of them with the git checks on and off. The
difference is the git cross-reference: one batched GitFacts load plus every
rule, gate and push question. Prints figures; asserts nothing.

    PYTHONPATH=. python benchmarks/bench_hardening.py [--commits 5000] [--postmortems 500]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_git import START, scratch_repository

from aoslint.runner import run_check

GATE = """# Orchestrator

## Review Checklist (MANDATORY)

### Security Review Checklist

- Tokens are verified with the current signing key.
- REJECT the task if any item fails.
"""

POSTMORTEM = """# Postmortem Report: incident {n}

Incident ID: INC-{day}-{seq:03}
Date: {date}
Severity: HIGH
Status: CLOSED
Author: @debugger

## 1. Executive Summary

**Total Downtime / Unavailability**: 35 minutes
**Business Impact**: checkouts failed.

## 2. Timeline

- `{h:02}:05 UTC`: Incident occurred.
- `{h:02}:12 UTC`: Detected via the error-rate alert.
- `{h:02}:40 UTC`: Fix deployed and verified.

## 3. Root Cause Analysis (RCA)

- **AOS Gap**: `{rule}` did not cover the case.

## 4. AOS Hardening (The Feedback Loop)

- [x] **Rule Update**: `{rule}` now covers it.
- [x] **Orchestrator Gate Update**: added to the Security Review Checklist.

## 5. Closure Approval

Verified by: @qa-automation-engineer ({date})
Approved by: @orchestrator
Date: {date}
"""


def timed(root: Path, git: bool, repeats: int) -> tuple[float, str]:
    old = Path.cwd()
    os.chdir(root)
    try:
        runs = []
        codes: Counter[str] = Counter()
        for _ in range(repeats):
            started = time.perf_counter()
            result = run_check([], git=git)
            runs.append(time.perf_counter() - started)
            codes = Counter(f"{d.code} {d.name}" for d in result.diagnostics)
        summary = ", ".join(f"{n} {code}" for code, n in codes.most_common()) or "no findings"
        return statistics.median(runs), summary
    finally:
        os.chdir(old)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--rules", type=int, default=300)
    parser.add_argument("--postmortems", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    rng = random.Random(5)
    # Each incident starts at {h}:05 of the hour ``START + hours``; the commit an hour
    # later (dated like every commit of the stream: START plus its number in hours)
    # hardens its rule file and the gate, inside the window (start to approval day).
    incidents = [(rng.randint(1, options.commits // 2), rng.randrange(options.rules))
                 for _ in range(options.postmortems)]
    hardening: dict[int, list[int]] = {}
    for hours, rule_index in incidents:
        hardening.setdefault(hours + 1, []).append(rule_index)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        root, env, paths, _ = scratch_repository(
            tmp, options.commits, options.rules, hardening=hardening,
            gate=(".agent/agents/orchestrator.md", GATE))
        subprocess.run(["git", "reset", "-q", "--hard"], cwd=root, env=env, check=True)
        for n, (hours, rule_index) in enumerate(incidents):
            when = START + timedelta(hours=hours)
            rule = paths[rule_index].removeprefix(".agent/rules/")
            folder = root / "docs/incidents" / f"pm-{n:04}"
            folder.mkdir(parents=True)
            (folder / "postmortem.md").write_text(POSTMORTEM.format(
                n=n, day=when.strftime("%Y%m%d"), seq=n % 1000, date=when.date().isoformat(),
                h=when.hour if when.hour < 23 else 22, rule=rule))
        for args in (["add", "-A"], ["commit", "-q", "-m", "postmortems"],
                     ["update-ref", "refs/remotes/origin/main", "HEAD"]):  # all pushed
            subprocess.run(["git", "-c", "user.name=B", "-c", "user.email=b@example.com",
                            *args], cwd=root, env=env, check=True)
        built = time.perf_counter() - started
        os.environ.update({k: v for k, v in env.items() if k != "PATH"})
        with_git, findings_git = timed(root, True, options.repeats)
        without_git, findings_plain = timed(root, False, options.repeats)
        print(f"repository: {options.commits} commits, {options.rules} rule files, "
              f"{options.postmortems} postmortems; built in {built:.1f}s")
        print(f"aoslint check, git checks on:  {with_git:.2f}s median of {options.repeats} "
              f"({findings_git})")
        print(f"aoslint check, --no-git:       {without_git:.2f}s median of {options.repeats} "
              f"({findings_plain})")
        print(f"git cross-reference: {with_git - without_git:.2f}s for "
              f"{options.postmortems} postmortems "
              f"({(with_git - without_git) / options.postmortems * 1000:.2f} ms each)")


if __name__ == "__main__":
    main()
