"""Hostile documents: one line built to make a backtracking pattern quadratic.

Shared by ``tests/test_adversarial.py`` (which bounds each family by a
timeout) and ``benchmarks/bench_adversarial.py`` (which prints their times).
Each family repeats a unit that almost, but never quite, completes what a
pattern of that family looks for, and places the line where that pattern
runs: a heading, the timeline, the action items or a paragraph.
"""

from __future__ import annotations

from pathlib import Path

# A good postmortem with one known error, so every run ends with a finding to look for.
BASE = (Path(__file__).parent / "fixtures" / "good" / "kit-postmortem.md").read_text() \
    .replace("Severity: HIGH", "Severity: URGENT")
SEVERITY_FINDING = ":5:11: AOS201 Severity 'URGENT' is not valid"

# family -> (group, where the line goes, text before the repeated unit, unit)
FAMILIES: dict[str, tuple[str, str, str, str]] = {
    "heading-brackets": ("headings", "heading", "", "["),
    "heading-checkbox": ("headings", "heading", "", "[x] "),
    "heading-numbers": ("headings", "heading", "", "1. "),
    "heading-hashes": ("headings", "heading", "", "# "),
    "link-open": ("links", "paragraph", "", "[a]("),
    "link-brackets": ("links", "paragraph", "", "]["),
    "link-rule-path": ("links", "paragraph", "", "`.agent/rules/"),
    "link-angle": ("links", "paragraph", "", "<http://"),
    "comment-open": ("comments", "paragraph", "", "<!--"),
    "comment-disable": ("comments", "paragraph", "<!-- aoslint-disable ", "AOS101, "),
    "comment-dashes": ("comments", "paragraph", "<!", "-"),
    "placeholder-braces": ("placeholders", "paragraph", "", "{{"),
    "placeholder-brackets": ("placeholders", "paragraph", "", "[INC-"),
    "placeholder-agent": ("placeholders", "paragraph", "", "@["),
    "placeholder-ticks": ("placeholders", "paragraph", "", "`HH:MM "),
    "placeholder-choice": ("placeholders", "paragraph", "", "LOW | "),
    "timestamp-digits": ("timestamps", "timeline", "- `", "1"),
    "timestamp-colons": ("timestamps", "timeline", "- `", "12:"),
    "timestamp-dates": ("timestamps", "timeline", "- ", "2026-11-02 "),
    "timestamp-spaces": ("timestamps", "timeline", "- `14:05", " "),
    "timestamp-table": ("timestamps", "timeline", "| 14:05 UTC ", "| "),
    "action-boxes": ("actions", "actions", "- ", "[ ] "),
    "action-owners": ("actions", "actions", "- [ ] ", "@"),
    "emphasis": ("paragraphs", "paragraph", "", "**"),
}

_ANCHORS = {
    "heading": "## 5. Lessons Learned",
    "timeline": "- `14:40 UTC`",
    "actions": "- [x] **QA Suite Update**",
    "paragraph": "Key rotation is a normal event",
}


def hostile_line(family: str, size: int) -> str:
    """The family's hostile line, about ``size`` characters long."""
    _group, where, prefix, unit = FAMILIES[family]
    body = prefix + unit * max(1, (size - len(prefix)) // len(unit))
    return "## " + body if where == "heading" else body


def document(family: str, size: int) -> str:
    """A good postmortem with the family's hostile line put where its pattern runs."""
    where = FAMILIES[family][1]
    anchor = _ANCHORS[where]
    assert anchor in BASE
    return BASE.replace(anchor, hostile_line(family, size) + "\n\n" + anchor
                        if where in ("heading", "paragraph") else
                        hostile_line(family, size) + "\n" + anchor, 1)
