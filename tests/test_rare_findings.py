"""Findings that need an unusual setup: git missing, no AOS tree, a cited commit
that reached no branch of the upstream, a check that crashes. Each runs on real
files and a real throwaway repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from aoslint.checks import structure
from aoslint.runner import run_check
from tests.conftest import FIXTURES, git, write_tree
from tests.coverage import covers
from tests.test_hardening import BEFORE, POSTMORTEM, aos_repo, check, codes_of, harden

RULE_LINE = "- [x] **Rule Update**: `.agent/rules/security/auth.md` now requires"


@covers("AOS509")
def test_git_not_installed_is_said_not_passed(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    repo = aos_repo(tmp_path)
    harden(repo)
    assert check(repo) == []  # with git: proven
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    found = check(repo)
    assert codes_of(found) == ["AOS509"]
    [(_, _, severity, message)] = found
    assert severity == "warning" and "git" in message


@covers("AOS513")
def test_a_repository_without_rules_directory_is_no_aos_tree(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git(tmp_path, "init", "-q", "repo")
    write_tree(repo, {"README.md": "# A service without an AOS tree\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Start", date=BEFORE)
    found = check(repo, codes=["AOS513"])
    assert [(code, message) for _, code, _, message in found] == [
        ("AOS513", "no rules directory found; rule files cannot be checked")]
    assert check(repo, codes=["AOS513"], git=False) == []  # --no-git: nothing to prove


@covers("AOS511")
def test_a_cited_commit_on_an_unmerged_branch_is_not_on_the_branch(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    git(repo, "checkout", "-q", "-b", "fix")
    sha = harden(repo, push=False)
    git(repo, "push", "-q", "origin", "fix")
    git(repo, "checkout", "-q", "main")  # the pull request is never merged
    document = POSTMORTEM.replace(RULE_LINE, RULE_LINE.replace("now requires",
                                                               f"in {sha[:9]} requires"))
    found = check(repo, document, codes=["AOS511"])
    assert [(code, severity) for _, code, severity, _ in found] == [("AOS511", "error")]
    assert f"commit {sha[:9]}" in found[0][3]
    assert "neither in this branch's history nor landed" in found[0][3]


@covers("AOS905")
def test_a_check_that_crashes_is_an_internal_error_finding(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*_: object) -> None:
        raise RuntimeError("boom")

    good = FIXTURES / "good" / "kit-postmortem.md"
    monkeypatch.setattr(structure, "_missing", crash)
    write_tree(tmp_path, {"pm.md": good.read_text(encoding="utf-8")})
    result = run_check([tmp_path / "pm.md"], git=False)
    [finding] = [d for d in result.diagnostics if d.code == "AOS905"]
    assert "internal error while checking this document (RuntimeError: boom)" in finding.message
    assert result.has_errors  # the document was not checked, so the run fails


@covers("AOS510")
def test_a_cited_commit_cut_off_by_a_shallow_clone_is_shallow_history(tmp_path: Path) -> None:
    repo = aos_repo(tmp_path)
    sha = harden(repo)
    write_tree(repo, {"README.md": "# Later work\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Later work", date="2026-11-05T10:00:00+00:00")
    git(repo, "push", "-q")
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{tmp_path / 'origin.git'}", "ci")
    document = POSTMORTEM.replace(RULE_LINE, RULE_LINE.replace("now requires",
                                                               f"in {sha[:9]} requires"))
    found = check(tmp_path / "ci", document, codes=["AOS510"])
    assert codes_of(found) and set(codes_of(found)) == {"AOS510"}
    assert any(f"find commit {sha[:9]}" in message for _, _, _, message in found)
