"""Hardening proven by git, and the STOP rule, on real throwaway repositories.

Each repository has a bare origin; commits carry pinned dates around the
incident's start (2026-11-02 14:05 UTC in the kit postmortem fixture).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from aoslint.diagnostics import Severity
from aoslint.runner import run_check
from tests.conftest import EXAMPLE, FIXTURES, git, write_tree
from tests.coverage import covers

POSTMORTEM = (FIXTURES / "good" / "kit-postmortem.md").read_text()
PM_PATH = "docs/incidents/INC-20261102-001/postmortem.md"
BEFORE = "2026-10-01T10:00:00+00:00"
AFTER = "2026-11-02T16:00:00+00:00"
GIT_CODES = ["AOS5", "AOS6"]


def aos_repo(tmp_path: Path, *, push: bool = True) -> Path:
    """The example's AOS tree committed before the incident, pushed to a bare origin."""
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE / ".agent", repo / ".agent")
    git(tmp_path, "init", "-q", "--bare", "origin.git")
    git(tmp_path, "init", "-q", "repo")
    git(repo, "remote", "add", "origin", str(tmp_path / "origin.git"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "AOS tree", date=BEFORE)
    if push:
        git(repo, "push", "-q", "-u", "origin", "main")
    return repo


def harden(repo: Path, *, rule: bool = True, gate: str | None = "security",
           date: str = AFTER, push: bool = True) -> str:
    """Commit the hardening after the incident: a rule line and a gate bullet."""
    if rule:
        with (repo / ".agent/rules/security/auth.md").open("a") as handle:
            handle.write("- **Rotation**: rotated-out keys get a re-login.\n")
    if gate is not None:
        gate_file = repo / ".agent/agents/orchestrator.md"
        text = gate_file.read_text()
        anchor = {"security": "- REJECT the task if any item fails.\n\n### QA",
                  "qa": "- REJECT the task if any item fails.\n\n### Incident"}[gate]
        gate_file.write_text(text.replace(anchor, "- New rotated-key check.\n" + anchor, 1))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Hardening", date=date)
    if push:
        git(repo, "push", "-q")
    return git(repo, "rev-parse", "HEAD").strip()


def check(repo: Path, document: str = POSTMORTEM, *, codes: list[str] | None = None,
          **options: object) -> list[tuple[int, str, str, str]]:
    write_tree(repo, {PM_PATH: document})
    old = Path.cwd()
    os.chdir(repo)
    try:
        result = run_check([Path(PM_PATH)], select=codes or GIT_CODES, **options)  # type: ignore[arg-type]
    finally:
        os.chdir(old)
    return [(d.line, d.code, str(d.severity), d.message) for d in result.diagnostics]


def codes_of(found: list[tuple[int, str, str, str]]) -> list[str]:
    return [code for _, code, _, _ in found]


def test_hardening_committed_and_pushed_after_the_incident_passes(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    harden(repo)
    assert check(repo) == []


@covers("AOS505")
def test_rule_unchanged_since_the_incident(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    harden(repo, rule=False)
    assert check(repo) == [(35, "AOS505", "error",
                            "no commit between 2026-11-02 14:05+00:00 and the approval "
                            "(2026-11-03) changed the text of .agent/rules/security/auth.md "
                            "(closed: its Status is CLOSED)")]


def test_open_document_gets_pending_information_not_failures(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    open_pm = POSTMORTEM.replace("Status: CLOSED", "Status: OPEN").replace(
        "- [x] Stability verified by @qa-automation-engineer\n- [x] Rules updated and pushed",
        "- [ ] Stability verified by @qa-automation-engineer\n- [ ] Rules updated and pushed"
    ).replace("Verified by: @qa-automation-engineer (2026-11-03)\nApproved by: @orchestrator\n"
              "Date: 2026-11-03\n", "")
    found = check(repo, open_pm)
    assert {severity for _, _, severity, _ in found} == {"info"}
    assert sorted(set(codes_of(found))) == ["AOS505", "AOS506", "AOS601", "AOS602"]
    assert not any("closed:" in message for *_, message in found)


@covers("AOS506")
def test_gate_not_updated(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    harden(repo, gate=None)
    assert codes_of(check(repo)) == ["AOS506"]


@covers("AOS507")
def test_gate_changed_under_another_checklist(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    harden(repo, gate="qa")
    [(line, code, _, message)] = check(repo)
    assert (line, code) == (37, "AOS507")
    assert "no line was added to .agent/agents/orchestrator.md under 'Security Review " \
           "Checklist'" in message


@covers("AOS503", "AOS504")
def test_cited_commits_must_exist_and_touch_the_rule(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    good_sha = harden(repo)
    write_tree(repo, {"README.md": "# Readme\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Readme", date=AFTER)
    git(repo, "push", "-q")
    other_sha = git(repo, "rev-parse", "HEAD").strip()
    rule_line = "- [x] **Rule Update**: `.agent/rules/security/auth.md` now requires"

    def citing(sha: str) -> str:
        return POSTMORTEM.replace(rule_line, rule_line.replace("now requires",
                                                               f"in {sha[:9]} requires"))

    assert check(repo, citing(good_sha)) == []
    assert codes_of(check(repo, citing(other_sha))) == ["AOS504"]
    found = check(repo, citing("0123abcd0"))
    assert [(c, m) for _, c, _, m in found] == [
        ("AOS503", "commit 0123abcd0 does not exist in this repository")]


def test_renamed_rule_file_is_followed(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    git(repo, "mv", ".agent/rules/security/auth.md", ".agent/rules/security/authentication.md")
    with (repo / ".agent/rules/security/authentication.md").open("a") as handle:
        handle.write("- rotated keys\n")
    harden(repo, rule=False)
    document = POSTMORTEM.replace("security/auth.md", "security/authentication.md")
    assert check(repo, document) == []


def test_a_rule_file_renamed_twice_after_its_hardening_is_followed(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    harden(repo)
    rule = ".agent/rules/security/auth.md"
    for step, name in enumerate(("auth2.md", "auth3.md"), start=1):
        git(repo, "mv", rule, f".agent/rules/security/{name}")
        git(repo, "commit", "-q", "-m", f"rename {step}", date=f"2026-12-0{step}T10:00:00+00:00")
        rule = f".agent/rules/security/{name}"
    git(repo, "push", "-q")
    assert check(repo, POSTMORTEM.replace("security/auth.md", "security/auth3.md")) == []


@covers("AOS501", "AOS502")
def test_unknown_rule_file_hint_and_missing_hardening(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    harden(repo)
    document = POSTMORTEM.replace("`.agent/rules/security/auth.md`", "`security/auth-rule.md`")
    document = document.replace("`security/auth.md` said", "`security/auth-rule.md` said")
    found = check(repo, document, codes=["AOS501", "AOS502"])
    assert [(line, code) for line, code, _, _ in found] == [(29, "AOS501"), (35, "AOS501")]
    result_hints = run_check([repo / PM_PATH], select=["AOS501"]).diagnostics
    assert result_hints[0].hint == "did you mean 'security/auth.md' (in .agent/rules/)?"
    nothing = POSTMORTEM.replace("`.agent/rules/security/auth.md` now", "the rule now").replace(
        "`security/auth.md` said", "the auth rule said")
    assert codes_of(check(repo, nothing, codes=["AOS501", "AOS502"])) == ["AOS502"]


@covers("AOS604")
def test_not_pushed_is_an_error_once_closed(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    sha = harden(repo, push=False)
    found = check(repo)
    # Each file is judged where it is cited: the rule line and the gate line.
    assert [(line, code, severity) for line, code, severity, _ in found] == [
        (35, "AOS604", "error"), (37, "AOS604", "error")]
    assert f"commit {sha[:12]} changes .agent/rules/security/auth.md but is not on " \
           "refs/remotes/origin/main" in found[0][3]


def test_staged_changes_count_with_base_but_are_not_pushed(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    harden(repo, rule=False)
    with (repo / ".agent/rules/security/auth.md").open("a") as handle:
        handle.write("- staged rule change\n")
    git(repo, "add", "-A")
    # Staged changes are "now": inside the window only while there is no approval yet.
    document = POSTMORTEM.replace("Approved by: @orchestrator\nDate: 2026-11-03\n", "")
    assert codes_of(check(repo, document, codes=["AOS5", "AOS604"])) == ["AOS505"]
    found = check(repo, document, codes=["AOS5", "AOS604"], base="origin/main")
    assert [(c, m.split(" (")[0]) for _, c, _, m in found] == [
        ("AOS604", "the change to .agent/rules/security/auth.md is only staged, not committed "
                   "and pushed")]


def test_closure_needs_qa_and_dated_approval_and_ticked_items(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    harden(repo)
    document = POSTMORTEM.replace("Verified by: @qa-automation-engineer (2026-11-03)\n", "")
    document = document.replace("- [x] Stability verified by @qa-automation-engineer\n", "")
    document = document.replace("Date: 2026-11-03\n", "Date:\n")
    document = document.replace("- [x] **QA Suite Update**", "- [ ] **QA Suite Update**")
    lines = document.splitlines()
    # Each finding points at the line it judges: the open item, the closure
    # checklist (no Verified by: line is left), the undated Approved by: line.
    assert [(line, code) for line, code, _, _ in check(repo, document)] == [
        (lines.index("- [ ] **QA Suite Update**: regression test `test_checkout_rotated_key` "
                     "added.") + 1, "AOS603"),
        (lines.index("- [x] Rules updated and pushed") + 1, "AOS601"),
        (lines.index("Approved by: @orchestrator") + 1, "AOS602")]


def test_a_ticked_qa_box_beside_another_verifier_is_a_conflict(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    harden(repo)
    document = POSTMORTEM.replace("Verified by: @qa-automation-engineer (2026-11-03)",
                                  "Verified by: @sre-oncall (2026-11-03)")
    lines = document.splitlines()
    found = check(repo, document)
    verified = lines.index("Verified by: @sre-oncall (2026-11-03)") + 1
    ticked = lines.index("- [x] Stability verified by @qa-automation-engineer") + 1
    assert [(line, code, severity) for line, code, severity, _ in found] == [
        (verified, "AOS601", "error"), (verified, "AOS606", "error")]
    conflict = next(message for _, code, _, message in found if code == "AOS606")
    assert f"line {ticked} ticks 'Stability verified by @qa-automation-engineer'" in conflict
    assert "names @sre-oncall" in conflict
    draft = document.replace("Status: CLOSED", "Status: OPEN").replace("- [x]", "- [ ]")
    draft = draft.replace("- [ ] Stability verified", "- [x] Stability verified").replace(
        "Approved by: @orchestrator\nDate: 2026-11-03\n", "")
    assert ("AOS606", "warning") in [(c, s) for _, c, s, _ in check(repo, draft)]


def test_checklist_py_gate_needs_a_new_entry(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    (repo / ".agent/agents/orchestrator.md").unlink()
    write_tree(repo, {".agent/scripts/checklist.py": 'CORE_CHECKS = [\n'
                      '    ("Lint", ".agent/scripts/lint.py", True),\n]\n'})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "script gate", date=BEFORE)
    git(repo, "push", "-q")
    harden(repo, gate=None)
    document = POSTMORTEM.replace("added the rotated-key item to the Security Review\n"
                                  "  Checklist in `.agent/agents/orchestrator.md`.",
                                  "added the Rotated Key Scan check.")
    assert codes_of(check(repo, document)) == ["AOS506"]
    gate = repo / ".agent/scripts/checklist.py"
    gate.write_text(gate.read_text().replace(
        "]\n", '    ("Rotated Key Scan", ".agent/scripts/keys.py", True),\n]\n'))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "gate entry", date=AFTER)
    git(repo, "push", "-q")
    assert check(repo, document) == []


@covers("AOS508", "AOS512", "AOS605")
def test_environments_each_say_what_is_wrong(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    shutil.copytree(EXAMPLE / ".agent", plain / ".agent")
    assert codes_of(check(plain)) == ["AOS508"]
    assert check(plain, git=False) == []

    repo = aos_repo(tmp_path, push=False)
    harden(repo, push=False)
    assert codes_of(check(repo)) == ["AOS605"]  # no upstream, no origin/HEAD

    git(repo, "push", "-q", "-u", "origin", "main")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{tmp_path / 'origin.git'}", "shallow")
    harden(shallow, date="2026-11-03T10:00:00+00:00")
    found = check(shallow, POSTMORTEM.replace("`14:05 UTC`: Incident occurred",
                                              "`14:05 UTC`: Incident occurred"))
    assert found == []  # the proof lies inside the fetched history
    deep_needed = check(shallow, POSTMORTEM.replace("Date: 2026-11-02", "Date: 2026-11-02"),
                        codes=["AOS5"], base="HEAD~5")
    assert codes_of(deep_needed) and set(codes_of(deep_needed)) <= {"AOS510", "AOS512"}


def test_detached_head_uses_origin_head(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    harden(repo)
    clone = tmp_path / "ci"
    git(tmp_path, "clone", "-q", str(tmp_path / "origin.git"), "ci")
    git(clone, "checkout", "-q", "--detach", "HEAD")
    assert check(clone) == []


def test_document_values_never_act_as_git_options(tmp_path: Path) -> None:
    """A rule file whose name looks like a git option is still just a path to git."""
    repo = aos_repo(tmp_path)
    harden(repo)
    write_tree(repo, {".agent/rules/--output=pwned.md": "# Looks like an option\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "odd rule name", date=AFTER)
    git(repo, "push", "-q")
    document = POSTMORTEM.replace("`.agent/rules/security/auth.md` now requires",
                                  "`.agent/rules/--output=pwned.md` now requires")
    found = check(repo, document)
    assert found == []  # proven like any rule file: its commit came after the incident
    assert not (repo / "pwned.md").exists() and not (tmp_path / "pwned.md").exists()


def test_a_cited_commit_from_before_the_incident_proves_nothing(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    old = git(repo, "rev-parse", "HEAD").strip()
    harden(repo)
    document = POSTMORTEM.replace("`.agent/rules/security/auth.md` now requires",
                                  f"`.agent/rules/security/auth.md` in {old} requires")
    found = check(repo, document)
    assert [(code, message.split(" on ")[0]) for _, code, _, message in found] == [
        ("AOS505", f"commit {old} changed .agent/rules/security/auth.md")]
    assert "before the incident started" in found[0][3]


@covers("AOS514")
def test_no_incident_start_is_said_not_passed(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    harden(repo)
    document = POSTMORTEM.replace("Date: 2026-11-02\n", "").replace(
        "INC-20261102-001", "OPS-42")
    assert codes_of(check(repo, document, codes=["AOS5"])) == ["AOS514"]


@pytest.mark.parametrize("claim", ["Status: CLOSED", "Approved by: @orchestrator (2026-11-03)"])
def test_what_counts_as_claiming_closure(tmp_path: Path, claim: str) -> None:
    repo = aos_repo(tmp_path)
    harden(repo, push=False)
    base = POSTMORTEM.replace("Status: CLOSED\n", "").replace(
        "Approved by: @orchestrator\nDate: 2026-11-03\n", "")
    base = base.replace("- [x] Rules updated and pushed", "- [ ] Rules updated and pushed")
    found = check(repo, base.replace("Author: @debugger", f"Author: @debugger\n{claim}")
                  if claim.startswith("Status") else base + f"\n{claim}\n", codes=["AOS604"])
    assert {severity for _, _, severity, _ in found} == {str(Severity.ERROR)}


def test_example_repository_in_a_clone_shows_only_the_bad_postmortem(tmp_path: Path) -> None:
    from tests.report_support import example_clone

    repo = example_clone(tmp_path)
    old = Path.cwd()
    os.chdir(repo)
    try:
        result = run_check([])
    finally:
        os.chdir(old)
    reported = {d.path for d in result.diagnostics if d.severity is not Severity.INFO}
    assert reported == {"docs/incidents/INC-20261115-002/postmortem.md"}
    assert result.has_errors


def test_an_old_dated_commit_on_top_does_not_hide_the_history(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    harden(repo)
    write_tree(repo, {"notes.txt": "x\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "notes", date="2026-10-30T00:00:00+00:00")
    git(repo, "push", "-q")
    assert check(repo) == []


def test_cache_dir_outside_the_repository_is_a_usage_error(tmp_path: Path) -> None:
    from aoslint.errors import UsageError

    repo = aos_repo(tmp_path)
    write_tree(repo, {".aoslint.toml": 'cache-dir = "../elsewhere"\n'})
    with pytest.raises(UsageError, match=r"'cache-dir' = '\.\./elsewhere' points outside"):
        check(repo, cache=True)
    assert not (tmp_path / "elsewhere").exists()


def test_unstaged_edits_to_the_gate_do_not_shift_the_section_proof(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    harden(repo)
    gate = repo / ".agent/agents/orchestrator.md"
    gate.write_text("\n".join(f"<!-- draft note {n} -->" for n in range(15)) + "\n"
                    + gate.read_text())
    assert check(repo) == []


def test_git_issue_rules_name_real_problems() -> None:
    """The issue-to-rule table is keyed by strings so --no-git runs skip the git layer."""
    from aoslint.checks.git_proof import _ISSUE_RULES
    from aoslint.git.model import Problem

    assert set(_ISSUE_RULES) <= {problem.value for problem in Problem}
    assert len(_ISSUE_RULES) == 7
