"""The STOP rule end to end: ``aoslint check`` on real throwaway repositories.

One test per git flow teams really use. Every repository has a bare origin
(unless the scenario is its absence); commits are dated inside the incident
window of the kit postmortem fixture: from its start (2026-11-02 14:05 UTC)
to its approval (2026-11-03).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import CliResult, git, write_tree
from tests.coverage import covers
from tests.test_hardening import AFTER, PM_PATH, POSTMORTEM, aos_repo, harden

Cli = Callable[..., CliResult]
RULE = ".agent/rules/security/auth.md"
GATE = ".agent/agents/orchestrator.md"
LATER = "2026-11-02T18:00:00+00:00"
WEEKS_LATER = "2026-12-01T10:00:00+00:00"
RULE_LINE = "- [x] **Rule Update**: `.agent/rules/security/auth.md` now requires"
OPEN = POSTMORTEM.replace("Status: CLOSED", "Status: OPEN").replace(
    "- [x] Rules updated and pushed", "- [ ] Rules updated and pushed").replace(
    "Approved by: @orchestrator\nDate: 2026-11-03\n", "")


def citing(sha: str, document: str = POSTMORTEM) -> str:
    """The postmortem naming ``sha`` as the commit of its rule update."""
    return document.replace(RULE_LINE, RULE_LINE.replace("now requires",
                                                         f"in {sha[:9]} requires"))


def run(cli: Cli, repo: Path, document: str = POSTMORTEM, *args: str) -> CliResult:
    write_tree(repo, {PM_PATH: document})
    return cli("check", "--no-cache", "--format", "json", *args, PM_PATH, cwd=repo)


def found(result: CliResult) -> list[tuple[str, str, str]]:
    return [(d["code"], d["severity"], d["message"]) for d in result.json()]



def pr_branch(repo: Path) -> str:
    """The hardening on a pull-request branch ``fix``, pushed; returns its commit."""
    git(repo, "checkout", "-q", "-b", "fix")
    sha = harden(repo, push=False)
    git(repo, "push", "-q", "origin", "fix")
    git(repo, "checkout", "-q", "main")
    return sha


def test_no_remote_at_all(tmp_path: Path, cli: Cli) -> None:
    repo = aos_repo(tmp_path, push=False)
    git(repo, "remote", "remove", "origin")
    harden(repo, push=False)
    closed = run(cli, repo)
    [(code, severity, message)] = found(closed)
    assert (closed.exit_code, code, severity) == (1, "AOS605", "error")
    assert "no upstream to compare with" in message and "there is no origin remote" in message
    opened = run(cli, repo, OPEN)
    assert opened.exit_code == 0
    assert ("AOS605", "info") in [(c, s) for c, s, _ in found(opened)]
    assert all(s != "error" for _, s, _ in found(opened))


def test_a_remote_never_pushed_to(tmp_path: Path, cli: Cli) -> None:
    repo = aos_repo(tmp_path, push=False)
    harden(repo, push=False)
    result = run(cli, repo)
    [(code, severity, message)] = found(result)
    assert (result.exit_code, code, severity) == (1, "AOS605", "error")
    assert "origin has no remote-tracking branches (never pushed to or fetched from)" in message


def test_ci_style_detached_checkout_uses_origin_main(tmp_path: Path, cli: Cli) -> None:
    repo = aos_repo(tmp_path)
    sha = harden(repo)
    ci = tmp_path / "ci"
    ci.mkdir()
    git(ci, "init", "-q")
    git(ci, "remote", "add", "origin", str(tmp_path / "origin.git"))
    git(ci, "fetch", "-q", "origin", "+refs/heads/*:refs/remotes/origin/*")
    git(ci, "checkout", "-q", "--detach", sha)
    result = run(cli, ci)
    assert (result.exit_code, found(result)) == (0, [])
    verbose = run(cli, ci, POSTMORTEM, "--verbose")
    assert verbose.exit_code == 0
    assert "aoslint: upstream: refs/remotes/origin/main (origin's default branch)" in verbose.err
    assert f".agent/rules/security/auth.md proven by {sha[:12]} on refs/remotes/origin/main" \
        in verbose.err


def test_a_later_unpushed_commit_to_the_rule_keeps_the_closed_incident_green(
        tmp_path: Path, cli: Cli) -> None:
    repo = aos_repo(tmp_path)
    harden(repo)
    with (repo / RULE).open("a") as handle:
        handle.write("- work in progress\n")
    git(repo, "commit", "-q", "-am", "wip", date=WEEKS_LATER)
    for args in ((), ("--base", "HEAD")):
        result = run(cli, repo, POSTMORTEM, *args)
        assert (result.exit_code, found(result)) == (0, []), args


def test_whitespace_only_changes_are_not_hardening(tmp_path: Path, cli: Cli) -> None:
    repo = aos_repo(tmp_path)
    rule = repo / RULE
    rule.write_text("".join(line + "   \n" for line in rule.read_text().splitlines()))
    gate = repo / GATE
    anchor = "- REJECT the task if any item fails.\n\n### QA"
    gate.write_text(gate.read_text().replace(anchor, "\n" + anchor, 1))
    git(repo, "commit", "-q", "-am", "whitespace", date=AFTER)
    git(repo, "push", "-q")
    result = run(cli, repo)
    assert result.exit_code == 1
    assert [(c, s) for c, s, _ in found(result)] == [("AOS505", "error"), ("AOS506", "error")]
    rule_message, gate_message = (m for _, _, m in found(result))
    assert f"changed the text of {RULE}" in rule_message
    assert f"the quality gate {GATE} gained no check" in gate_message


def squash_merge(repo: Path) -> str:
    """Squash-merge the ``fix`` branch into main, push it, return the landed commit."""
    git(repo, "merge", "-q", "--squash", "fix")
    git(repo, "commit", "-q", "-m", "Hardening (#1)", date=LATER)
    git(repo, "push", "-q")
    return git(repo, "rev-parse", "HEAD").strip()


@covers("AOS516")
def test_a_squash_merge_lands_the_cited_commit(tmp_path: Path, cli: Cli) -> None:
    repo = aos_repo(tmp_path)
    sha = pr_branch(repo)
    landed = squash_merge(repo)
    result = run(cli, repo, citing(sha))
    assert result.exit_code == 0
    assert found(result) == [("AOS516", "info", f"commit {sha[:12]} is not on "
                              f"refs/remotes/origin/main, but its change to {RULE} landed "
                              f"there as {landed[:12]}")]


def test_a_squash_of_several_commits_lands_the_cited_one(tmp_path: Path, cli: Cli) -> None:
    repo = aos_repo(tmp_path)
    git(repo, "checkout", "-q", "-b", "fix")
    sha = harden(repo, gate=None, push=False)
    harden(repo, rule=False, date=LATER, push=False)
    git(repo, "push", "-q", "origin", "fix")
    git(repo, "checkout", "-q", "main")
    landed = squash_merge(repo)
    result = run(cli, repo, citing(sha))
    assert result.exit_code == 0
    assert [(c, s) for c, s, _ in found(result)] == [("AOS516", "info")]
    assert f"landed there as {landed[:12]}" in found(result)[0][2]


def test_a_rebase_merge_lands_the_cited_commit(tmp_path: Path, cli: Cli) -> None:
    repo = aos_repo(tmp_path)
    sha = pr_branch(repo)
    write_tree(repo, {"README.md": "# Readme\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Readme", date=AFTER)
    git(repo, "push", "-q")
    git(repo, "checkout", "-q", "fix")
    git(repo, "rebase", "-q", "main", date=LATER)
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--ff-only", "fix")
    git(repo, "push", "-q")
    landed = git(repo, "rev-parse", "HEAD").strip()
    assert landed != sha
    result = run(cli, repo, citing(sha))
    assert result.exit_code == 0
    assert found(result) == [("AOS516", "info", f"commit {sha[:12]} is not on "
                              f"refs/remotes/origin/main, but its change to {RULE} landed "
                              f"there as {landed[:12]}")]
    assert "AOS511" not in result.out


@covers("AOS515")
def test_a_pushed_revert_undoes_the_hardening(tmp_path: Path, cli: Cli) -> None:
    repo = aos_repo(tmp_path)
    sha = harden(repo)
    git(repo, "revert", "--no-edit", sha, date=WEEKS_LATER)
    git(repo, "push", "-q")
    reverting = git(repo, "rev-parse", "HEAD").strip()
    closed = run(cli, repo)
    assert closed.exit_code == 1
    assert found(closed) == [
        ("AOS515", "error", f"hardening of {path} reverted by {reverting[:12]} "
                            f"(it undid {sha[:12]}) (closed: its Status is CLOSED)")
        for path in (RULE, GATE)]
    opened = run(cli, repo, OPEN)
    assert opened.exit_code == 0
    assert [(c, s) for c, s, _ in found(opened) if c == "AOS515"] == [("AOS515", "warning")] * 2
    assert json.loads(opened.out)[0]["message"].startswith(f"hardening of {RULE} reverted by")
    report = cli("report", "--format", "json", "--no-cache", cwd=repo)
    assert [i["hardening"] for i in json.loads(report.out)["incidents"]] == ["reverted"]


def test_a_revert_by_hand_of_the_rule_alone(tmp_path: Path, cli: Cli) -> None:
    repo = aos_repo(tmp_path)
    sha = harden(repo)
    rule = repo / RULE
    rule.write_text(rule.read_text().replace(
        "- **Rotation**: rotated-out keys get a re-login.\n", ""))
    git(repo, "commit", "-q", "-am", "tidy the auth rule", date=WEEKS_LATER)
    git(repo, "push", "-q")
    reverting = git(repo, "rev-parse", "HEAD").strip()
    result = run(cli, repo)
    assert result.exit_code == 1
    assert found(result) == [("AOS515", "error", f"hardening of {RULE} reverted by "
                              f"{reverting[:12]} (it undid {sha[:12]}) "
                              "(closed: its Status is CLOSED)")]


def test_a_local_unpushed_revert_breaks_nothing(tmp_path: Path, cli: Cli) -> None:
    """Only a revert on the upstream undoes hardening; the gate section proof too."""
    repo = aos_repo(tmp_path)
    sha = harden(repo)
    git(repo, "revert", "--no-edit", sha, date=WEEKS_LATER)
    for args in ((), ("--base", "HEAD")):
        result = run(cli, repo, POSTMORTEM, *args)
        assert (result.exit_code, found(result)) == (0, []), args
    git(repo, "push", "-q")
    assert [c for c, _, _ in found(run(cli, repo))] == ["AOS515", "AOS515"]
