"""Checks that join a repository's documents: IDs, missing postmortems, disagreements."""

from __future__ import annotations

import os
from pathlib import Path

from aoslint.checks import cross_document
from aoslint.runner import run_check
from tests.conftest import FIXTURES, write_tree
from tests.coverage import covers

PLAN = (FIXTURES / "good" / "kit-incident-plan.md").read_text()
POSTMORTEM = (FIXTURES / "good" / "kit-postmortem.md").read_text()
CROSS = [item.code for item in cross_document.RULES]  # the family's own list


def findings(root: Path, *paths: str) -> list[tuple[str, int, str, str]]:
    old = Path.cwd()
    os.chdir(root)
    try:
        result = run_check([Path(p) for p in paths], select=CROSS)
    finally:
        os.chdir(old)
    return [(d.path, d.line, d.code, d.message) for d in result.diagnostics]


def test_matching_plan_and_postmortem_are_clean(tmp_path: Path) -> None:
    write_tree(tmp_path, {"docs/incidents/INC-1/incident-plan.md": PLAN,
                          "docs/incidents/INC-1/postmortem.md": POSTMORTEM})
    assert findings(tmp_path) == []


@covers("AOS405")
def test_resolved_plan_without_postmortem(tmp_path: Path) -> None:
    write_tree(tmp_path, {"docs/incidents/INC-1/incident-plan.md": PLAN})
    assert findings(tmp_path) == [(
        "docs/incidents/INC-1/incident-plan.md", 5, "AOS405",
        "incident INC-20261102-001 is RESOLVED but no postmortem has this Incident ID")]


def test_open_plan_without_postmortem_is_fine(tmp_path: Path) -> None:
    write_tree(tmp_path, {"docs/incidents/a.md": PLAN.replace("Status: RESOLVED",
                                                              "Status: OPEN")})
    assert findings(tmp_path) == []


@covers("AOS404")
def test_duplicate_ids_reported_on_each_named_file_naming_the_other(tmp_path: Path) -> None:
    write_tree(tmp_path, {"docs/incidents/a.md": POSTMORTEM, "docs/incidents/b.md": POSTMORTEM,
                          "docs/incidents/plan.md": PLAN})
    assert findings(tmp_path) == [
        ("docs/incidents/a.md", 3, "AOS404",
         "postmortem Incident ID INC-20261102-001 is also used by docs/incidents/b.md:3"),
        ("docs/incidents/b.md", 3, "AOS404",
         "postmortem Incident ID INC-20261102-001 is also used by docs/incidents/a.md:3"),
    ]


def test_one_named_file_is_judged_against_the_whole_repository(tmp_path: Path) -> None:
    write_tree(tmp_path, {"docs/incidents/a.md": POSTMORTEM, "docs/incidents/b.md": POSTMORTEM,
                          "docs/incidents/plan.md": PLAN})
    assert [f[:3] for f in findings(tmp_path, "docs/incidents/b.md")] == [
        ("docs/incidents/b.md", 3, "AOS404")]


@covers("AOS406")
def test_postmortem_without_plan_when_the_repository_keeps_plans(tmp_path: Path) -> None:
    other = POSTMORTEM.replace("INC-20261102-001", "INC-20261102-010")
    write_tree(tmp_path, {"docs/incidents/plan.md": PLAN, "docs/incidents/pm.md": POSTMORTEM,
                          "docs/incidents/other.md": other})
    assert findings(tmp_path) == [("docs/incidents/other.md", 3, "AOS406",
                                   "no incident plan has Incident ID INC-20261102-010")]
    (tmp_path / "docs/incidents/plan.md").unlink()
    (tmp_path / "docs/incidents/pm.md").unlink()
    assert findings(tmp_path) == []  # no plans at all: imported postmortems, no noise


@covers("AOS407")
def test_severity_and_date_disagreements_name_both_lines(tmp_path: Path) -> None:
    postmortem = POSTMORTEM.replace("Severity: HIGH", "Severity: CRITICAL").replace(
        "Date: 2026-11-02", "Date: 2026-11-09")
    write_tree(tmp_path, {"docs/incidents/plan.md": PLAN, "docs/incidents/pm.md": postmortem})
    assert findings(tmp_path) == [
        ("docs/incidents/pm.md", 4, "AOS407",
         "Date 2026-11-09 here, but the incident plan's Timestamp is 2026-11-02 "
         "(docs/incidents/plan.md:7)"),
        ("docs/incidents/pm.md", 5, "AOS407",
         "Severity CRITICAL here, but the incident plan says HIGH (docs/incidents/plan.md:4)"),
    ]


def test_a_plan_checked_alone_sees_the_postmortem_beside_it(tmp_path: Path) -> None:
    write_tree(tmp_path, {"ops/INC1/incident-plan.md": PLAN,
                          "ops/INC1/postmortem.md": POSTMORTEM})
    assert findings(tmp_path, "ops/INC1/incident-plan.md") == []
