"""The git access layer against real throwaway repositories.

Each scenario builds repositories with plain git in ``tmp_path`` (fixed
author/committer dates, no global or system config), then checks every
answer both ways: proven when the proof is there, "no" or "unknown" (with
the right :class:`Problem`) when it is not.
"""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aoslint.git.command import GitRunner
from aoslint.git.facts import GitFacts
from aoslint.git.gate import checklist_entries, new_checklist_entries
from aoslint.git.lines import LineTracker, shift_lines
from aoslint.git.model import Problem, Verdict
from aoslint.git.parse import parse_log, parse_patch, unquote
from aoslint.git.validate import valid_path, valid_ref, valid_sha

RULE = ".agent/rules/security/auth.md"
RENAMED = ".agent/rules/security/authentication.md"
GATE = ".agent/agents/orchestrator.md"
SCRIPT = ".agent/scripts/checklist.py"
INCIDENT = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)

ORCHESTRATOR = """\
# Orchestrator

## Review Checklist (MANDATORY)

### Security Review Checklist

- Secrets are never logged.
- REJECT if any item fails.

### QA Review Checklist

- Tests cover the change.
"""

CHECKLIST = '''\
"""Master checklist runner."""
CORE_CHECKS = [
    ("Security Scan", ".agent/skills/vulnerability-scanner/scripts/security_scan.py", True),
    ("Lint Check", ".agent/skills/lint-and-validate/scripts/lint_runner.py", True),
]

PERFORMANCE_CHECKS = [
    ("Lighthouse Audit", ".agent/skills/performance-profiling/scripts/lighthouse_audit.py", True),
]
'''


def heading_range(text: str, heading: str) -> tuple[int, int]:
    """1-based line range of a Markdown section, up to the next heading of any level."""
    lines = text.splitlines()
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("#")), len(lines))
    return start, end


class Repo:
    """A throwaway repository driven with plain git and fixed dates."""

    def __init__(self, path: Path, env: dict[str, str]) -> None:
        self.path = path
        self.env = env

    def git(self, *args: str, when: str | None = None) -> str:
        env = dict(self.env)
        if when is not None:
            env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
        done = subprocess.run(
            ["git", "-c", "init.defaultBranch=main", *args],
            cwd=self.path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def write(self, rel: str, text: str) -> None:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def commit(self, message: str, when: str, files: dict[str, str] | None = None) -> str:
        for rel, text in (files or {}).items():
            self.write(rel, text)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, when=when)
        return self.git("rev-parse", "HEAD")

    def facts(self, **kwargs: object) -> GitFacts:
        return GitFacts.load(self.path, runner=GitRunner(self.path, env=self.env), **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Ada",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
        "LC_ALL": "C",
    }


def make_repo(path: Path, env: dict[str, str], *, bare: bool = False) -> Repo:
    path.mkdir(parents=True)
    repo = Repo(path, env)
    repo.git("init", "-q", *(["--bare"] if bare else []))
    return repo


class World:
    """origin (bare) + a clone with pushed hardening, an unpushed commit and a side branch."""

    def __init__(self, tmp_path: Path, env: dict[str, str]) -> None:
        self.origin = make_repo(tmp_path / "origin.git", env, bare=True)
        repo = self.repo = make_repo(tmp_path / "work", env)
        self.c1 = repo.commit(
            "Kit install",
            "2026-01-01T09:00:00+00:00",
            {RULE: "# Auth\n\n## Purpose\n\nTokens.\n", GATE: ORCHESTRATOR, SCRIPT: CHECKLIST},
        )
        repo.git("remote", "add", "origin", str(self.origin.path))
        repo.git("push", "-q", "-u", "origin", "main")
        repo.git("remote", "set-head", "origin", "main")
        hardened = ORCHESTRATOR.replace(
            "- REJECT if any item fails.",
            "- Tokens expire within 15 minutes.\n- REJECT if any item fails.",
        )
        script = CHECKLIST.replace(
            '    ("Lint Check"',
            '    ("Token Audit", ".agent/skills/auth/scripts/token_audit.py", True),\n'
            '    ("Lint Check"',
        )
        self.c2 = repo.commit(
            "Harden auth after INC-20260110-001",
            "2026-01-11T10:00:00+02:00",
            {RULE: "# Auth\n\n## Purpose\n\nTokens.\n- MUST expire.\n", GATE: hardened,
             SCRIPT: script},
        )
        repo.git("mv", RULE, RENAMED)
        self.c3 = repo.commit("Rename auth rule", "2026-01-12T10:00:00+00:00")
        repo.git("push", "-q", "origin", "main")
        self.c4 = repo.commit(
            "Local only", "2026-01-13T10:00:00+00:00", {".agent/rules/api.md": "# API\n"}
        )
        repo.git("checkout", "-q", "-b", "side", self.c3)
        self.c5 = repo.commit(
            "Fix on a side branch", "2026-01-14T10:00:00+00:00", {".agent/rules/other.md": "x\n"}
        )
        repo.git("checkout", "-q", "main")


@pytest.fixture
def world(tmp_path: Path, env: dict[str, str]) -> World:
    return World(tmp_path, env)


# ---------------------------------------------------------------- validation


def test_validators_refuse_option_like_and_odd_values() -> None:
    assert valid_sha("ABCDEF1") == "abcdef1"
    assert valid_sha("abc123") is None  # 6 digits
    assert valid_sha("--output=/tmp/x") is None
    assert valid_sha("g" * 40) is None
    assert valid_ref("origin/main") == "origin/main"
    for bad in ("-x", "--output=/tmp/x", "a..b", "a b", "a~1", "x.lock", "@", "a@{1}", "a/", ""):
        assert valid_ref(bad) is None, bad
    assert valid_path("./.agent/rules/a.md") == ".agent/rules/a.md"
    assert valid_path(".agent/rules/") == ".agent/rules/"
    for bad in ("--output=/tmp/x", "/etc/passwd", "../x", "a/../../b", "a\nb", ""):
        assert valid_path(bad) is None, bad


# ------------------------------------------------------------- core answers


def test_commit_exists_both_ways(world: World) -> None:
    facts = world.repo.facts(since=INCIDENT, shas=[world.c2[:7], "deadbeef00"])
    assert facts.commit_exists(world.c2[:7]).yes
    assert facts.commit_exists(world.c2).yes
    missing = facts.commit_exists("deadbeef00")
    assert missing.no and missing.issue is not None
    assert missing.issue.problem is Problem.UNKNOWN_COMMIT
    assert facts.commit_exists("not-a-sha").issue.problem is Problem.INVALID_INPUT  # type: ignore[union-attr]


def test_answers_are_not_booleans(world: World) -> None:
    answer = world.repo.facts(since=INCIDENT).commit_exists(world.c2)
    with pytest.raises(TypeError):
        bool(answer)


def test_commit_touches_follows_a_later_rename(world: World) -> None:
    facts = world.repo.facts(since=INCIDENT, shas=[world.c2])
    assert facts.commit_touches(world.c2, RULE).yes
    assert facts.commit_touches(world.c2, RENAMED).yes  # the file's name today
    assert facts.commit_touches(world.c2, ".agent/rules/api.md").no
    assert facts.commit_touches(world.c4, RENAMED).no
    assert facts.lineage(RENAMED) == {RULE, RENAMED}


def test_commit_touches_commits_older_than_the_window(world: World) -> None:
    facts = world.repo.facts(since=INCIDENT, shas=[world.c1])
    assert facts.commit_touches(world.c1, RENAMED).yes
    assert facts.commit_touches(world.c1, ".agent/rules/api.md").no


def test_changes_to_since_both_names_and_both_ways(world: World) -> None:
    facts = world.repo.facts(since=INCIDENT)
    for name in (RULE, RENAMED):
        found = facts.changes_to(name)
        assert found.yes
        assert [c.sha for c in found.commits] == [world.c2, world.c3]
    later = datetime(2026, 1, 12, 12, 0, tzinfo=UTC)
    assert facts.changes_to(RENAMED, later).no
    assert facts.changes_to(".agent/rules/never.md").no
    # committed_at is aware and keeps the committer's offset
    assert facts.changes_to(RULE).commits[0].committed_at.utcoffset() is not None


def test_changes_to_before_the_loaded_window_is_unknown(world: World) -> None:
    facts = world.repo.facts(since=INCIDENT)
    early = datetime(2025, 12, 1, tzinfo=UTC)
    answer = facts.changes_to(".agent/rules/never.md", early)
    assert answer.unknown and answer.issue is not None
    assert answer.issue.problem is Problem.NOT_LOADED


def test_is_pushed_uses_branch_upstream(world: World) -> None:
    facts = world.repo.facts(since=INCIDENT, shas=[world.c2, world.c4, world.c5])
    assert facts.upstream.source == "@{upstream}"
    assert facts.upstream.ref == "refs/remotes/origin/main"
    assert facts.is_pushed(world.c2).yes
    assert facts.is_pushed(world.c3).yes
    assert facts.is_pushed(world.c4).no
    assert facts.is_pushed(world.c5).no


def test_configured_upstream_wins_and_missing_one_is_explained(world: World) -> None:
    facts = world.repo.facts(shas=[world.c5], upstream="side")
    assert facts.upstream.source == "configured"
    assert facts.is_pushed(world.c5).yes
    gone = world.repo.facts(shas=[world.c2], upstream="origin/nope")
    answer = gone.is_pushed(world.c2)
    assert answer.unknown and answer.issue is not None
    assert answer.issue.problem is Problem.NO_UPSTREAM
    assert "origin/nope" in answer.issue.message


def test_proof_on_another_branch(world: World) -> None:
    facts = world.repo.facts(since=INCIDENT, shas=[world.c5, world.c2])
    assert facts.commit_exists(world.c5).yes
    assert facts.commit_touches(world.c5, ".agent/rules/other.md").yes
    off = facts.on_head(world.c5)
    assert off.no and off.issue is not None and off.issue.problem is Problem.NOT_ON_HEAD
    assert facts.on_head(world.c2).yes
    assert facts.on_head(world.c1).yes  # older than the window: asked of git
    assert facts.changes_to(".agent/rules/other.md").no  # not in HEAD's history


def test_added_lines_map_to_a_checklist_heading(world: World) -> None:
    facts = world.repo.facts(since=INCIDENT, paths_of_interest=[".agent/"])
    current = (world.repo.path / GATE).read_text()
    security = heading_range(current, "### Security Review Checklist")
    qa = heading_range(current, "### QA Review Checklist")
    added = facts.added_lines(GATE)
    assert added.complete
    assert added.lines == {current.splitlines().index("- Tokens expire within 15 minutes.") + 1}
    assert added.within(*security).yes
    assert added.within(*qa).no
    after = datetime(2026, 1, 12, tzinfo=UTC)
    assert facts.added_lines(GATE, after).within(*security).no


def test_added_lines_follow_a_rename(world: World) -> None:
    facts = world.repo.facts(since=INCIDENT)
    added = facts.added_lines(RULE)
    assert added.path == RENAMED
    assert added.lines == {6}


def test_added_lines_shift_with_later_edits(world: World) -> None:
    repo = world.repo
    text = (repo.path / GATE).read_text()
    repo.commit("Intro", "2026-01-15T10:00:00+00:00", {GATE: "<!-- kit -->\n\n" + text})
    facts = repo.facts(since=INCIDENT)
    current = (repo.path / GATE).read_text().splitlines()
    # The blank line 2 is added too, but a blank line is no substance: not counted.
    assert facts.added_lines(GATE).lines == {
        1, current.index("- Tokens expire within 15 minutes.") + 1
    }


def test_checklist_additions_from_git(world: World) -> None:
    facts = world.repo.facts(since=INCIDENT)
    found = facts.checklist_additions(SCRIPT)
    assert found.yes and found.names == ("Token Audit",)
    later = datetime(2026, 1, 12, tzinfo=UTC)
    assert facts.checklist_additions(SCRIPT, later).no


# ------------------------------------------------------ base range and stage


def test_base_range_staged_changes_and_merges_from_main(world: World) -> None:
    repo = world.repo
    repo.git("checkout", "-q", "-b", "fix", world.c3)
    mine = repo.commit("PR hardening", "2026-01-20T10:00:00+00:00",
                       {".agent/rules/pr.md": "# PR\n\n- MUST check.\n"})
    # main moves on and is merged into the PR branch: its lines are not the PR's
    repo.git("checkout", "-q", "main")
    text = (repo.path / GATE).read_text()
    repo.commit("Main edits gate", "2026-01-21T10:00:00+00:00", {GATE: text + "\n- main line\n"})
    repo.git("checkout", "-q", "fix")
    repo.git("merge", "-q", "--no-edit", "main", when="2026-01-22T10:00:00+00:00")
    # staged, not committed: counts in pre-commit
    staged_text = (repo.path / GATE).read_text().replace(
        "- Tests cover the change.", "- Tests cover the change.\n- Staged QA line."
    )
    repo.write(GATE, staged_text)
    repo.git("add", GATE)

    facts = repo.facts(base="main", shas=[mine])
    assert facts.changes_to(".agent/rules/pr.md").yes
    assert facts.changes_to(".agent/rules/api.md").no  # only on main
    gate = facts.changes_to(GATE)
    assert gate.yes and [c.path for c in gate.staged] == [GATE]
    added = facts.added_lines(GATE)
    lines = staged_text.splitlines()
    assert added.lines == {lines.index("- Staged QA line.") + 1}
    assert added.within(*heading_range(staged_text, "### QA Review Checklist")).yes
    assert added.within(*heading_range(staged_text, "### Security Review Checklist")).no

    no_stage = repo.facts(base="main", staged=False)
    assert no_stage.changes_to(GATE).staged == ()


def test_merge_commit_counts_what_it_brought(world: World) -> None:
    repo = world.repo
    repo.git("checkout", "-q", "-b", "feature", world.c4)
    repo.commit("Feature rule", "2026-01-16T10:00:00+00:00", {".agent/rules/f.md": "f\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("Main moves", "2026-01-17T10:00:00+00:00", {"README.md": "r\n"})
    repo.git("merge", "-q", "--no-ff", "--no-edit", "feature", when="2026-01-18T10:00:00+00:00")
    merge = repo.git("rev-parse", "HEAD")
    facts = repo.facts(since=INCIDENT, shas=[merge])
    assert facts.commit_touches(merge, ".agent/rules/f.md").yes
    assert facts.commit_touches(merge, "README.md").no
    assert facts.added_lines(".agent/rules/f.md").lines == {1}


# -------------------------------------------------------------- environments


def test_detached_head_falls_back_to_origin_head(world: World) -> None:
    world.repo.git("checkout", "-q", "--detach", world.c3)
    facts = world.repo.facts(since=INCIDENT, shas=[world.c2])
    env = facts.environment
    assert env.detached and env.branch is None
    assert Problem.DETACHED_HEAD in {i.problem for i in env.issues}
    assert facts.upstream.source == "origin/HEAD"
    assert facts.upstream.ref == "refs/remotes/origin/main"
    assert "detached" in facts.upstream.reason
    assert facts.is_pushed(world.c2).yes


def test_no_origin_is_a_stated_reason_not_a_failure(tmp_path: Path, env: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "lonely", env)
    sha = repo.commit("Rule", "2026-01-11T10:00:00+00:00", {RULE: "x\n"})
    facts = repo.facts(since=INCIDENT, shas=[sha])
    assert facts.upstream.ref is None
    assert "no upstream" in facts.upstream.reason
    assert "no origin remote" in facts.upstream.reason
    answer = facts.is_pushed(sha)
    assert answer.unknown and answer.issue is not None
    assert answer.issue.problem is Problem.NO_UPSTREAM and answer.issue.hint
    assert facts.changes_to(RULE).yes  # other answers still work


def test_detached_without_origin_head(world: World) -> None:
    world.repo.git("remote", "set-head", "origin", "--delete")
    world.repo.git("checkout", "-q", "--detach", world.c3)
    facts = world.repo.facts(shas=[world.c2])
    # As actions/checkout leaves it: origin's branches fetched, no origin/HEAD.
    assert (facts.upstream.ref, facts.upstream.source) == ("refs/remotes/origin/main",
                                                           "origin's default branch")
    assert facts.is_pushed(world.c2).yes
    for ref in world.repo.git("for-each-ref", "--format=%(refname)",
                              "refs/remotes/origin/").split():
        world.repo.git("update-ref", "-d", ref)
    facts = world.repo.facts(shas=[world.c2])
    assert facts.upstream.ref is None
    assert "detached" in facts.upstream.reason
    assert "origin has no remote-tracking branches" in facts.upstream.reason
    assert facts.is_pushed(world.c2).unknown
    world.repo.git("remote", "remove", "origin")
    assert "there is no origin remote" in world.repo.facts().upstream.reason


def shallow_clone(world: World, tmp_path: Path, *args: str) -> Repo:
    target = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", *args, f"file://{world.origin.path}", str(target)],
        env=world.repo.env, check=True, capture_output=True,
    )
    return Repo(target, world.repo.env)


def test_shallow_clone_answers_unknown_not_no(world: World, tmp_path: Path) -> None:
    clone = shallow_clone(world, tmp_path)
    facts = clone.facts(since=INCIDENT, shas=[world.c2, world.c3], paths_of_interest=[".agent/"])
    env = facts.environment
    assert env.shallow and Problem.SHALLOW in {i.problem for i in env.issues}
    # c2 is beyond the depth: neither "exists" nor "missing"
    cut = facts.commit_exists(world.c2)
    assert cut.unknown and cut.issue is not None and cut.issue.problem is Problem.SHALLOW
    assert "fetch-depth: 0" in cut.issue.hint and "--unshallow" in cut.issue.hint
    # c3 is the graft: its "changes" are the whole tree, so they prove nothing
    assert facts.commit_exists(world.c3).yes
    assert facts.commit_touches(world.c3, RENAMED).unknown
    assert facts.changes_to(RENAMED).unknown
    assert facts.changes_to(".agent/rules/never.md").unknown
    added = facts.added_lines(GATE)
    assert not added.complete and added.within(1, 100).unknown
    assert facts.checklist_additions(SCRIPT).unknown
    assert facts.is_pushed(world.c3).yes  # positive answers stay reliable
    # the history after a later instant is complete even in this clone
    later = datetime(2026, 1, 12, 12, 0, tzinfo=UTC)
    assert facts.changes_to(RENAMED, later).no


def test_shallow_pull_request_without_merge_base_is_unknown(
    world: World, tmp_path: Path
) -> None:
    repo = world.repo
    repo.git("checkout", "-q", "-b", "pr", world.c3)
    repo.commit("PR change 1", "2026-01-20T10:00:00+00:00", {".agent/rules/pr.md": "a\n"})
    repo.commit("PR change 2", "2026-01-20T11:00:00+00:00", {".agent/rules/pr2.md": "b\n"})
    repo.git("push", "-q", "origin", "pr")
    repo.git("checkout", "-q", "main")
    repo.commit("Main moves", "2026-01-21T10:00:00+00:00", {"README.md": "r\n"})
    repo.git("push", "-q", "origin", "main")
    clone = shallow_clone(world, tmp_path, "--branch", "pr")
    clone.git("fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main")
    facts = clone.facts(base="origin/main")
    assert facts.changes_to(".agent/rules/pr2.md").unknown  # graft: not proof
    assert facts.changes_to(".agent/rules/never.md").unknown
    assert facts.added_lines(".agent/rules/pr2.md").within(1, 1).unknown


def test_not_a_repository(tmp_path: Path, env: dict[str, str]) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    facts = GitFacts.load(plain, since=INCIDENT, runner=GitRunner(plain, env=env))
    assert facts.blocker is not None and facts.blocker.problem is Problem.NOT_A_REPOSITORY
    assert facts.commit_exists("abcdef1").unknown
    assert facts.changes_to(RULE).unknown
    assert facts.is_pushed("abcdef1").unknown
    assert facts.added_lines(RULE).within(1, 2).unknown
    assert facts.checklist_additions(SCRIPT).unknown
    assert facts.environment.issues[0].problem is Problem.NOT_A_REPOSITORY


def test_git_missing(world: World) -> None:
    empty_path = dict(world.repo.env, PATH="")
    facts = GitFacts.load(world.repo.path, runner=GitRunner(world.repo.path, env=empty_path))
    assert facts.blocker is not None and facts.blocker.problem is Problem.GIT_MISSING
    assert facts.commit_exists(world.c2).unknown
    assert facts.is_pushed(world.c2).unknown
    assert facts.calls == []


def test_repository_without_commits(tmp_path: Path, env: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "fresh", env)
    facts = repo.facts(since=INCIDENT)
    assert facts.blocker is not None and facts.blocker.problem is Problem.NO_COMMITS
    assert facts.changes_to(RULE).unknown


def test_option_injection_is_refused_and_nothing_is_written(
    world: World, tmp_path: Path
) -> None:
    target = tmp_path / "pwned"
    evil = f"--output={target}"
    facts = world.repo.facts(
        since=INCIDENT, base=evil, upstream=evil, shas=[evil, world.c2], paths_of_interest=[evil]
    )
    assert {i.problem for i in facts.issues} >= {Problem.INVALID_INPUT}
    for answer in (
        facts.commit_exists(evil),
        facts.commit_touches(evil, RULE),
        facts.commit_touches(world.c2, evil),
        facts.is_pushed(evil),
        facts.on_head(evil),
        facts.changes_to(evil),
        facts.checklist_additions(evil),
    ):
        assert answer.no and answer.issue is not None
        assert answer.issue.problem is Problem.INVALID_INPUT
    assert facts.added_lines(evil).issue.problem is Problem.INVALID_INPUT  # type: ignore[union-attr]
    assert facts.read_files([(evil, RULE), (None, evil)]) == [None, None]
    assert not target.exists()
    assert not any(evil in arg for call in facts.calls for arg in call)


# ------------------------------------------------------------------- batching


def test_many_items_cost_a_constant_number_of_git_calls(world: World) -> None:
    repo = world.repo
    paths = [f".agent/rules/r{i:02}.md" for i in range(50)]
    shas = []
    for i in range(0, 50, 5):
        shas.append(repo.commit(f"Rules {i}", f"2026-01-15T{10 + i // 5:02}:00:00+00:00",
                                {p: f"{p}\n" for p in paths[i : i + 5]}))
    repo.git("push", "-q", "origin", "main")

    def ask(facts: GitFacts, some_paths: list[str], some_shas: list[str]) -> None:
        for path in some_paths:
            facts.changes_to(path)
            facts.added_lines(path).within(1, 1)
            facts.checklist_additions(SCRIPT)
        for sha in some_shas:
            facts.commit_exists(sha)
            facts.commit_touches(sha, some_paths[0])
            facts.is_pushed(sha)
            facts.on_head(sha)

    cited = [*shas, world.c1, world.c5] * 4 + [s[:8] for s in shas]  # 50 citations
    many = repo.facts(since=INCIDENT, base="origin/main", shas=cited, paths_of_interest=paths)
    ask(many, paths, cited)
    one = repo.facts(since=INCIDENT, base="origin/main", shas=[world.c1],
                     paths_of_interest=paths[:1])
    ask(one, paths[:1], [world.c1])
    assert len(many.calls) == len(one.calls)
    # rev-parse, for-each-ref, cat-file --batch-check, log (base..HEAD), log (--since),
    # log --no-walk (cited), diff --cached (staged), log --first-parent -p,
    # diff --merge-base, merge-base, cat-file --batch, rev-list per target (1-2)
    assert len(many.calls) <= 13
    assert all(many.is_pushed(s).yes for s in shas)


# -------------------------------------------------------------- gate scripts


def test_new_checklist_entries_with_ast() -> None:
    old = CHECKLIST
    new = CHECKLIST.replace(
        "]\n\nPERFORMANCE",
        '    # ("Commented Out", "x.py", True),\n'
        '    ("Token Audit", "t.py", True),\n]\nNOTE = "(\\"Fake\\", \\"f.py\\", True)"\n'
        "\nPERFORMANCE",
    )
    assert new_checklist_entries(old, new) == ["Token Audit"]
    assert new_checklist_entries(None, old) == ["Security Scan", "Lint Check", "Lighthouse Audit"]
    assert new_checklist_entries(old, old) == []
    appended = old + 'CORE_CHECKS.append(("Late Check", "l.py", False))\n'
    assert new_checklist_entries(old, appended) == ["Late Check"]
    with pytest.raises(SyntaxError):
        new_checklist_entries(old, "CORE_CHECKS = [")


def test_verification_suite_shape() -> None:
    old = """
VERIFICATION_SUITE = [
    {"category": "Security", "checks": [("Security Scan", "s.py", True)]},
]
"""
    new = """
VERIFICATION_SUITE: list[dict[str, object]] = [
    {"category": "Security", "checks": [
        ("Security Scan", "s.py", True),
        ("Dependency Analysis", "d.py", False),
    ]},
    {"category": "Build", "web_checks": [("Build Check", ["npm", "run", "build"], True)]},
]
OTHER = [("Not A Gate", "x.py", True)]
"""
    assert checklist_entries(new) == ["Security Scan", "Dependency Analysis", "Build Check"]
    assert new_checklist_entries(old, new) == ["Dependency Analysis", "Build Check"]


# ------------------------------------------------------------------- parsers


def test_unquote_c_style_paths() -> None:
    assert unquote('"a\\tb"') == "a\tb"
    assert unquote('"caf\\303\\251.md"') == "café.md"
    assert unquote('"q\\"uote\\\\"') == 'q"uote\\'
    assert unquote("plain.md") == "plain.md"


def test_parse_patch_is_not_fooled_by_content_lines() -> None:
    patch = (
        "diff --git a/sp ace.md b/sp ace.md\n"
        "index 1..2 100644\n"
        "--- a/sp ace.md\t\n"
        "+++ b/sp ace.md\t\n"
        "@@ -2 +2,2 @@\n"
        "-- old bullet\n"
        "+++ looks like a header\n"
        "+--- so does this\n"
        "\\ No newline at end of file\n"
        'diff --git "a/t\\tab.md" "b/t\\tab x.md"\n'
        "new file mode 100644\n"
        "--- /dev/null\n"
        '+++ "b/t\\tab x.md"\t\n'
        "@@ -0,0 +1 @@\n"
        "+x\n"
        "diff --git a/old.md b/new.md\n"
        "similarity index 90%\n"
        "rename from old.md\n"
        "rename to new.md\n"
    )
    files = parse_patch(patch)[0].files
    assert [(f.status, f.path, f.old_path) for f in files] == [
        ("M", "sp ace.md", None),
        ("A", "t\tab x.md", None),
        ("R", "new.md", "old.md"),
    ]
    assert files[0].hunks == [(2, 1, 2, 2)]


def test_parse_log_with_renames_and_empty_commits() -> None:
    sha_a, sha_b = "a" * 40, "b" * 40
    text = (
        f"\x1e>\x1f{sha_a}\x1f{sha_b}\x1f2026-01-11T10:00:00+02:00\x1f2026-01-11T09:00:00+02:00"
        "\x1fsubject\x1e x\x00\nR087\x00old.md\x00new.md\x00M\x00b.md\x00"
        f"\x1e>\x1f{sha_b}\x1f\x1f2026-01-10T10:00:00Z\x1f2026-01-10T10:00:00Z\x1fempty\x00"
    )
    first, second = (r.commit for r in parse_log(text))
    assert first.subject == "subject\x1e x"
    assert [(c.status, c.path, c.old_path) for c in first.changes] == [
        ("R", "new.md", "old.md"), ("M", "b.md", None)
    ]
    assert second.parents == () and second.changes == ()


def test_shift_lines_through_hunks() -> None:
    tracked = {1: 0, 3: 0, 5: 0, 9: 0}
    # insert 2 after line 2; replace lines 5-6 by one line; delete line 8
    moved = shift_lines(tracked, [(2, 0, 3, 2), (5, 2, 7, 1), (8, 1, 9, 0)])
    assert moved == {1: 0, 5: 0, 9: 0}
    tracker = LineTracker()
    for item in parse_patch(
        "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -0,0 +1,2 @@\n+a\n+b\n"
    )[0].files:
        tracker.apply(item, 7)
    assert tracker.lines("x") == {1: 7, 2: 7}


def test_verdict_values() -> None:
    assert {v.value for v in Verdict} == {"yes", "no", "unknown"}


def test_odd_file_names_survive_log_and_patch(world: World) -> None:
    repo = world.repo
    odd = ".agent/rules/ça va/règle \"une\".md"
    body = "# R\n\n## Purpose\n\nKeep names odd.\n"
    repo.commit("Odd name", "2026-01-15T10:00:00+00:00", {odd: body})
    repo.git("mv", odd, ".agent/rules/ça va/tab\there.md")
    repo.commit("Odd rename", "2026-01-15T11:00:00+00:00",
                {".agent/rules/ça va/tab\there.md": body + "- MUST.\n"})
    facts = repo.facts(since=INCIDENT, paths_of_interest=[".agent/rules/"])
    assert [c.subject for c in facts.changes_to(odd).commits] == ["Odd name", "Odd rename"]
    added = facts.added_lines(odd)
    assert added.path == ".agent/rules/ça va/tab\there.md"
    assert added.lines == {1, 3, 5, 6}  # the blank lines 2 and 4 are no substance


def test_undeclared_sha_costs_one_batch_and_environment_is_reported(world: World) -> None:
    facts = world.repo.facts(since=INCIDENT)
    before = len(facts.calls)
    assert facts.commit_touches(world.c1, RENAMED).yes  # not declared, older than the window
    assert len(facts.calls) == before + 2  # cat-file --batch-check + log --no-walk
    assert facts.commit_exists(world.c1).yes
    assert len(facts.calls) == before + 2
    env = facts.environment
    assert env.branch == "refs/heads/main" and not env.detached and not env.shallow
    assert env.head == world.c4 and env.issues == ()
    assert facts.read_files([(world.c1, SCRIPT), (None, "nope.md")]) == [CHECKLIST, None]
