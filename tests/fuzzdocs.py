"""Structure-aware random documents for fuzzing the check.

A document is built from the pieces incident documents are made of — front
matter, headings, header fields, timeline rows, tables, action items,
comments, placeholders — with awkward values (calendar ends, odd zones,
unclosed brackets) and random bytes spliced in. ``check_bytes`` checks one
in-process and returns what went wrong, if anything. Shared by
``tests/test_fuzz.py`` (bounded, in CI) and ``benchmarks/fuzz_check.py``.
"""

from __future__ import annotations

import io
import json
import random
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from aoslint.cli import main

SECTIONS = ("Executive Summary", "Impact", "Timeline", "Root Cause Analysis (RCA)",
            "Root Cause", "AOS Hardening (The Feedback Loop)", "Action Items",
            "Lessons Learned", "Closure Approval", "Detection", "Resolution", "Summary")
FIELDS = ("Incident ID: INC-20261102-001", "Incident ID: [INC-YYYYMMDD-XXX]", "Date: 2026-11-02",
          "Date: 9999-12-31", "Date: 0001-01-01", "Date: 2026-02-30", "Severity: HIGH",
          "Severity: LOW | MEDIUM | HIGH | CRITICAL", "Status: CLOSED", "Status: RESOLVED",
          "Status: OPEN", "Author: @debugger", "Author: @[agent-name]",
          "Approved by: @orchestrator (2026-11-03)", "Verified by: @qa (2026-11-03)",
          "Duration: 35 minutes", "**Total Downtime**: [duration]")
TIMES = ("14:05", "23:59", "00:00", "24:00", "9:5", "14:05:59", "`HH:MM UTC`", "2:05 PM",
         "2026-11-02 14:05", "9999-12-31 23:59", "0001-01-01 00:01", "2026-11-02T14:05:00Z",
         "2026-11-02T14:05:00+14:00", "25:61", "14h05")
ZONES = ("", " UTC", " PST", " CET", " +05:45", " -12:00", " (all times UTC)", " Europe/Berlin")
EVENTS = ("Incident occurred", "Detected via alert", "Fix deployed", "Resolution confirmed",
          "Containment applied", "Root cause identified", "", "[description]")
FRONT = ("type: postmortem", "type: incident-plan", "severity: HIGH", "severity: [x]",
         "a: &a [*a]", "s: !!float x", "date: 9999-12-31", "tags: [a, b", "- list",
         "key: {", "x: " + "[" * 80 + "]" * 80, "status: CLOSED", ": :", "? a", "a: b: c")
NOISE = ("[", "](", "<!--", "-->", "{{", "@[", "`", "|", "**", "\\", "<", "#", ">", "~~~",
         "```", "\t", "\u00a0", "\ufeff", "\u202e", "é", "😀", "\r", "\r\n", "---", "***")


def _line(rnd: random.Random) -> str:
    kind = rnd.randrange(11)
    if kind == 0:
        number = rnd.choice(("", f"{rnd.randint(0, 12)}. ", "1.2 ", "iv. "))
        return f"{'#' * rnd.randint(1, 7)} {number}{rnd.choice(SECTIONS)}" \
            + rnd.choice(("", " (Optional)", " [x]", ":", " 🔥"))
    if kind == 1:
        return rnd.choice(FIELDS)
    if kind == 2:
        return f"- `{rnd.choice(TIMES)}{rnd.choice(ZONES)}`: {rnd.choice(EVENTS)}"
    if kind == 3:
        return f"| {rnd.choice(TIMES)}{rnd.choice(ZONES)} | {rnd.choice(EVENTS)} |"
    if kind == 4:
        return rnd.choice(("| Time | Event |", "|---|---|", "| --- | :---: |", "|", "||"))
    if kind == 5:
        return f"- [{rnd.choice(' xX?')}] {rnd.choice(EVENTS)} " \
            + rnd.choice(("", "@qa", "(owner: @sre)", "`.agent/rules/security/auth.md`",
                          "[link](https://example.com)", "PR #12", "commit abc1234"))
    if kind == 6:
        return rnd.choice(("<!-- aoslint-disable AOS101 -->", "<!-- aoslint-disable-next-line -->",
                           "<!-- note", "-->", "<!-- aoslint-enable -->", "<!---->"))
    if kind == 7:
        return "".join(rnd.choice(NOISE) for _ in range(rnd.randint(1, 12)))
    if kind == 8:
        return rnd.choice(("", "", "Text with words.", "Setext", "===", "   ", "> quote"))
    if kind == 9:
        return rnd.choice(("```", "~~~", "    indented code", "```yaml", "1. step", "* item"))
    return rnd.choice(("**Business Impact**: none.", "Root cause: [describe]", "TBD", "...",
                       "See [the rule](.agent/rules/x.md) and [ref][1].", "[1]: https://x"))


def random_document(rnd: random.Random, splice: bytes = b"") -> bytes:
    """One random document; ``splice`` is inserted at a random byte offset."""
    lines: list[str] = []
    if rnd.random() < 0.4:
        lines += ["---", *(rnd.choice(FRONT) for _ in range(rnd.randint(0, 4))), "---"]
    lines += [_line(rnd) for _ in range(rnd.randint(0, 40))]
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    if splice:
        at = rnd.randint(0, len(data))
        data = data[:at] + splice + data[at:]
    return data


def check_bytes(folder: Path, data: bytes) -> str | None:
    """Check one document in-process; what went wrong, or ``None`` when all is well.

    Wrong is: an exception escaping, an exit code other than 0 or 1, output
    that is not JSON, a finding without path, line or code, or an internal
    error (AOS905) — the containment's report of a crash.
    """
    path = folder / "docs" / "incidents" / "postmortem.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["check", "--no-git", "--no-cache", "--format", "json", str(path)])
    except BaseException as exc:  # any escape, even SystemExit, is what is looked for
        return f"exception escaped: {exc.__class__.__name__}: {exc}"
    if code not in (0, 1):
        return f"exit {code}: {err.getvalue().strip()}"
    try:
        findings = json.loads(out.getvalue())
    except ValueError:
        return f"output is not JSON: {out.getvalue()[:200]!r}"
    for finding in findings:
        if not finding.get("path") or not isinstance(finding.get("line"), int) \
                or finding["line"] < 1 or not finding.get("code"):
            return f"finding without path, line or code: {finding}"
        if finding["code"] == "AOS905":
            return f"internal error: {finding['message']}"
    return None
