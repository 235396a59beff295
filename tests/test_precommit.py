"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit in throwaway repositories.

The hook repository is a fresh git repository holding a copy of this checkout's
package files, committed, so the tests see the working tree (committed or not)
and need neither this checkout's git history nor a network clone of it.
pre-commit builds the hook's virtual environment from it once per module (a
shared PRE_COMMIT_HOME); that build installs aoslint's dependencies with pip.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pre_commit  # noqa: F401  (the test extra installs it: missing, these tests fail)
import pytest
import yaml

from aoslint.checks import all_rules
from aoslint.cli import build_parser
from aoslint.registry import Rule, matches
from tests.conftest import FIXTURES, write_tree

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

ROOT = Path(__file__).parent.parent
# What `pip install` of the hook repository needs, and the hook manifest.
HOOK_REPO_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml",
                   "aoslint", "rules-schema", "templates")
GOOD_PM = (FIXTURES / "good" / "kit-postmortem.md").read_text()
BAD_PM = (FIXTURES / "bad" / "missing-section.md").read_text()
BAD_FINDING = "postmortem.md:6:1: AOS101 postmortem has no 'Impact' section"
RULE_FILE = ".agent/rules/security/auth.md"


def environment(pre_commit_home: Path) -> dict[str, str]:
    """The caller's environment (pip's index settings, proxies) minus what would leak in."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("GIT_", "PRE_COMMIT")) and key not in (
               "PYTHONPATH", "VIRTUAL_ENV", "NO_COLOR")}
    env.update({
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
        "PRE_COMMIT_HOME": str(pre_commit_home), "PRE_COMMIT_COLOR": "never",
    })
    return env


Run = Callable[..., subprocess.CompletedProcess[str]]


def runner(env: dict[str, str]) -> Run:
    def run(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True,
                              check=False)
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed ({done.returncode}):\n"
                                 f"{done.stdout}\n{done.stderr}")
        return done

    return run


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, pre_commit_home: Path) -> tuple[Path, str]:
    """A git repository with this checkout's hooks and package at one commit: (path, sha)."""
    repo = tmp_path_factory.mktemp("hook-repo")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "_data")
    for name in HOOK_REPO_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=ignore)
        else:
            shutil.copy2(source, repo / name)
    run = runner(environment(pre_commit_home))
    run(repo, "git", "init", "-q", "-b", "main")
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-q", "-m", "hooks under test")
    sha = run(repo, "git", "rev-parse", "HEAD").stdout.strip()
    return repo, sha


@pytest.fixture
def project(tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
            ) -> tuple[Path, Run]:
    """An AOS repository with both hooks installed and one good postmortem committed."""
    repo_path, sha = hook_repo
    root = tmp_path / "service"
    config = (f"repos:\n  - repo: {repo_path}\n    rev: {sha}\n"
              "    hooks:\n      - id: aoslint\n      - id: aoslint-repo\n")
    write_tree(root, {
        ".pre-commit-config.yaml": config,
        "README.md": "# Checkout service\n\nHow to run it.\n",
        RULE_FILE: "# Auth rules\n\n- Tokens are validated against the current key.\n",
        ".agent/agents/orchestrator.md": "# Orchestrator\n\n## Security Review Checklist\n",
        "docs/incidents/INC-20261102-001/postmortem.md": GOOD_PM,
        "src/app.py": "print('hello')\n",
    })
    env = environment(pre_commit_home)
    run = runner(env)
    run(tmp_path, "git", "init", "-q", "--bare", "-b", "main", "origin.git")
    run(root, "git", "init", "-q", "-b", "main")
    run(root, "git", "remote", "add", "origin", str(tmp_path / "origin.git"))
    run(root, "git", "add", "-A")
    # The rule and gate as the hardening left them, on the day after the incident,
    # pushed: the good postmortem's STOP rule holds.
    run(root, "env", "GIT_AUTHOR_DATE=2026-11-02T16:00:00+00:00",
        "GIT_COMMITTER_DATE=2026-11-02T16:00:00+00:00", "git", "commit", "-q", "-m", "initial")
    run(root, "git", "push", "-q", "-u", "origin", "main")
    run(root, sys.executable, "-m", "pre_commit", "install")
    return root, run


def commit(root: Path, run: Run, files: dict[str, str], *extra: str
           ) -> subprocess.CompletedProcess[str]:
    write_tree(root, files)
    run(root, "git", "add", "-A")
    return run(root, "git", "commit", "-m", "change", *extra, check=False)


def hook_status(output: str) -> dict[str, str]:
    """``{hook name: Passed | Failed | Skipped}`` from pre-commit's summary lines."""
    found = re.findall(r"^(aoslint \([^)]*\))\.*(?:\([^)]*\))?(Passed|Failed|Skipped)$",
                       output, re.MULTILINE)
    return dict(found)


DOCS_HOOK = "aoslint (incident documents)"
REPO_HOOK = "aoslint (repository-wide hardening and closure checks)"


def test_a_bad_postmortem_blocks_the_commit_and_shows_the_finding(
        project: tuple[Path, Run]) -> None:
    root, run = project
    done = commit(root, run, {"docs/incidents/INC-20261115-002/postmortem.md": BAD_PM,
                              "README.md": "# Checkout service\n\nHow to run it, again.\n"})
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert hook_status(output)[DOCS_HOOK] == "Failed"
    assert f"docs/incidents/INC-20261115-002/{BAD_FINDING}" in output
    assert "hint: add a '## Impact' section" in output
    assert "README.md" not in output  # a changed non-document is not reported
    assert run(root, "git", "rev-list", "--count", "HEAD").stdout.strip() == "1"


def test_a_good_postmortem_passes(project: tuple[Path, Run]) -> None:
    root, run = project
    good = GOOD_PM.replace("INC-20261102-001", "INC-20261120-003")
    done = commit(root, run, {"docs/incidents/INC-20261120-003/postmortem.md": good,
                              "README.md": "# Checkout service\n\nNew text.\n"})
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert hook_status(output) == {DOCS_HOOK: "Passed", REPO_HOOK: "Passed"}
    assert run(root, "git", "rev-list", "--count", "HEAD").stdout.strip() == "2"


def test_editing_a_rule_file_re_checks_the_postmortems(project: tuple[Path, Run]) -> None:
    root, run = project
    unrelated = commit(root, run, {"src/app.py": "print('hello, world')\n"})
    assert unrelated.returncode == 0
    assert hook_status(unrelated.stdout + unrelated.stderr) == {
        DOCS_HOOK: "Skipped", REPO_HOOK: "Skipped"}

    # Moving the rule file breaks the committed postmortem that cites it.
    run(root, "git", "mv", RULE_FILE, ".agent/rules/security/tokens.md")
    done = run(root, "git", "commit", "-m", "rename", check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    # The rule file is Markdown, so the document hook sees it too, and skips it quietly.
    assert hook_status(output) == {DOCS_HOOK: "Passed", REPO_HOOK: "Failed"}
    assert re.search(r"^docs/incidents/INC-20261102-001/postmortem\.md:\d+:\d+: AOS501 ",
                     output, re.MULTILINE), output
    assert f"{RULE_FILE}:" not in output


def test_a_later_unpushed_rule_commit_does_not_block_commits(project: tuple[Path, Run]
                                                             ) -> None:
    """The closed incident was proven last month; today's work on its rule is not its business."""
    root, run = project
    rule = (root / RULE_FILE).read_text() + "- Work in progress: key pinning.\n"
    wip = commit(root, run, {RULE_FILE: rule})
    assert wip.returncode == 0, wip.stdout + wip.stderr
    assert hook_status(wip.stdout + wip.stderr) == {DOCS_HOOK: "Passed", REPO_HOOK: "Passed"}
    later = commit(root, run, {RULE_FILE: rule + "- Also: key expiry alerts.\n"})
    assert later.returncode == 0, later.stdout + later.stderr
    assert run(root, "git", "status", "-sb").stdout.startswith("## main...origin/main [ahead 2]")


UNTRACKED_DRAFT = BAD_PM.replace("INC-20261115-002", "INC-20261201-004")
DRAFT = "docs/incidents/INC-20261201-004/postmortem.md"
GOOD_PLAN = (FIXTURES / "good" / "kit-incident-plan.md").read_text()


def test_an_untracked_draft_does_not_block_an_unrelated_commit(
        project: tuple[Path, Run]) -> None:
    root, run = project
    write_tree(root, {DRAFT: UNTRACKED_DRAFT})  # written, never added
    plan = "docs/incidents/INC-20261102-001/incident-plan.md"
    write_tree(root, {plan: GOOD_PLAN})
    run(root, "git", "add", plan)
    done = run(root, "git", "commit", "-m", "plan", check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert hook_status(output) == {DOCS_HOOK: "Passed", REPO_HOOK: "Passed"}
    assert (root / DRAFT).is_file()  # still there, still untracked

    run(root, "git", "add", DRAFT)
    staged = run(root, "git", "commit", "-m", "draft", check=False)
    output = staged.stdout + staged.stderr
    assert staged.returncode == 1, output
    assert hook_status(output)[DOCS_HOOK] == "Failed"
    assert f"{DRAFT}:6:1: AOS101 postmortem has no 'Impact' section" in output


def test_both_hooks_print_each_finding_once_and_only_errors(
        project: tuple[Path, Run]) -> None:
    root, run = project
    done = commit(root, run, {"docs/incidents/INC-20261115-002/postmortem.md": BAD_PM})
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    findings = re.findall(r"^\S+:\d+:\d+: AOS\d+ .*$", output, re.MULTILINE)
    assert findings, output
    assert len(findings) == len(set(findings)), output
    assert all(" warning: " not in line and " pending: " not in line for line in findings)


def test_named_files_honour_the_config_excludes(project: tuple[Path, Run]) -> None:
    root, run = project
    done = commit(root, run, {".aoslint.toml": 'extend-exclude = ["docs/incidents/archive/"]\n',
                              "docs/incidents/archive/2019/postmortem.md": BAD_PM})
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert hook_status(output) == {DOCS_HOOK: "Passed", REPO_HOOK: "Passed"}


def test_try_repo_runs_the_hooks_on_named_files(tmp_path: Path, hook_repo: tuple[Path, str],
                                                pre_commit_home: Path) -> None:
    """What the README tells users to try first: `pre-commit try-repo` on their files."""
    repo_path, sha = hook_repo
    root = write_tree(tmp_path / "service", {
        "README.md": "# Service\n",
        "docs/incidents/INC-20261102-001/postmortem.md": GOOD_PM,
        "docs/incidents/INC-20261115-002/postmortem.md": BAD_PM,
    })
    run = runner(environment(pre_commit_home))
    run(root, "git", "init", "-q", "-b", "main")
    run(root, "git", "add", "-A")
    done = run(root, sys.executable, "-m", "pre_commit", "try-repo", str(repo_path), "aoslint",
               "--ref", sha, "--files", "README.md",
               "docs/incidents/INC-20261102-001/postmortem.md",
               "docs/incidents/INC-20261115-002/postmortem.md", check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert hook_status(output) == {DOCS_HOOK: "Failed"}
    assert f"docs/incidents/INC-20261115-002/{BAD_FINDING}" in output
    assert "INC-20261102-001" not in output.split(DOCS_HOOK)[1]
    assert "2 documents checked: 2 errors.\n" in output


def test_the_two_hooks_split_the_rules_between_them() -> None:
    """Every rule is reported by exactly one hook, so a commit never shows a finding twice."""
    hooks = {hook["id"]: hook for hook in yaml.safe_load(
        (ROOT / ".pre-commit-hooks.yaml").read_text())}
    parser = build_parser()
    parsed = {name: parser.parse_args(shlex.split(hook["entry"])[1:])
              for name, hook in hooks.items()}
    assert parsed["aoslint-repo"].tracked_only and not parsed["aoslint"].tracked_only
    assert all(args.quiet for args in parsed.values())

    def reports(args: argparse.Namespace, item: Rule) -> bool:
        select = [s for value in args.select or ["ALL"] for s in value.split(",")]
        ignore = [s for value in args.ignore for s in value.split(",")]
        return (any(matches(s, item.code, item.name) for s in select)
                and not any(matches(s, item.code, item.name) for s in ignore))

    for item in all_rules():
        owners = [name for name, args in parsed.items() if reports(args, item)]
        assert len(owners) == 1, f"{item.code} is reported by {owners or 'no hook'}"
    repo_rules = {r.code for r in all_rules() if reports(parsed["aoslint-repo"], r)}
    assert {"AOS405", "AOS505", "AOS601", "AOS604"} <= repo_rules
    assert not {"AOS101", "AOS301", "AOS403", "AOS904"} & repo_rules
