"""Where the AOS tree is, on copies of the layouts real kits use."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from aoslint.config import load_config
from aoslint.discovery.layout import discover_layout
from tests.conftest import EXAMPLE, CliResult, git, write_tree

Cli = Callable[..., CliResult]
KIT_PARTS = ("rules", "agents", "templates")
POSTMORTEM = (Path(__file__).parent / "fixtures" / "good" / "kit-postmortem.md").read_text()
PM_PATH = "docs/incidents/INC-20261102-001/postmortem.md"
SKILL = "---\nname: lint-and-validate\ndescription: Lint.\n---\n\n# Lint and validate\n"


def kit_repository(tmp_path: Path, at_root: bool) -> Path:
    """The example's AOS tree, either under .agent/ or (agent-antigravity) at the root.

    At the root, `.agent/` holds only `skills/`, as in JustCallMeMin/agent-antigravity.
    The hardening commit comes after the incident and is pushed to a bare origin.
    """
    repo = tmp_path / "repo"
    prefix = "" if at_root else ".agent/"
    for part in KIT_PARTS:
        shutil.copytree(EXAMPLE / ".agent" / part, repo / f"{prefix}{part}")
    write_tree(repo, {".agent/skills/lint-and-validate/SKILL.md": SKILL})
    git(tmp_path, "init", "-q", "--bare", "origin.git")
    git(tmp_path, "init", "-q", "repo")
    git(repo, "remote", "add", "origin", str(tmp_path / "origin.git"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "kit", date="2026-10-01T10:00:00+00:00")
    with (repo / f"{prefix}rules/security/auth.md").open("a") as handle:
        handle.write("- **Rotation**: rotated-out keys get a re-login.\n")
    gate = repo / f"{prefix}agents/orchestrator.md"
    gate.write_text(gate.read_text().replace("- REJECT the task if any item fails.\n\n### QA",
                                             "- New rotated-key check.\n"
                                             "- REJECT the task if any item fails.\n\n### QA"))
    document = POSTMORTEM if not at_root else POSTMORTEM.replace(".agent/", "")
    write_tree(repo, {PM_PATH: document})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Hardening", date="2026-11-02T16:00:00+00:00")
    git(repo, "push", "-q", "-u", "origin", "main")
    return repo


@pytest.mark.parametrize("at_root", [True, False], ids=["kit-at-root", "dot-agent"])
def test_the_aos_tree_is_where_rules_and_agents_are(tmp_path: Path, at_root: bool) -> None:
    repo = kit_repository(tmp_path, at_root)
    layout = discover_layout(load_config(repo), repo)
    tree = repo if at_root else repo / ".agent"
    assert (layout.aos_dir, layout.rules_dir, layout.templates_dir, layout.gate_file) == (
        tree, tree / "rules", tree / "templates", tree / "agents" / "orchestrator.md")


@pytest.mark.parametrize("at_root", [True, False], ids=["kit-at-root", "dot-agent"])
def test_a_kit_postmortem_is_proven_against_the_kits_own_rules(cli: Cli, tmp_path: Path,
                                                               at_root: bool) -> None:
    repo = kit_repository(tmp_path, at_root)
    result = cli("check", "--format", "json", cwd=repo)
    assert (result.exit_code, result.json()) == (0, [])


def test_kit_at_root_templates_feed_new_and_are_never_checked(cli: Cli, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    repo = kit_repository(tmp_path, at_root=True)
    # Pre-commit passes every changed Markdown file: a template is not a document.
    named = cli("check", "--format", "json", "templates/postmortem-report.md",
                "templates/incident-plan.md", cwd=repo)
    assert (named.exit_code, named.json()) == (0, [])
    monkeypatch.setenv("AOSLINT_DATE", "2026-11-29")
    made = cli("new", "postmortem", "Kit style", cwd=repo)
    assert made.exit_code == 0, made.err
    written = (repo / made.out.strip()).read_text()
    kit_body = (repo / "templates/postmortem-report.md").read_text().split("---", 1)[1]
    assert written.split("---", 1)[1] == kit_body


def test_a_bare_dot_agent_is_still_the_tree_when_the_root_is_no_kit(tmp_path: Path) -> None:
    write_tree(tmp_path, {".agent/templates/postmortem-report.md": "# Postmortem Report\n"})
    layout = discover_layout(load_config(tmp_path), tmp_path)
    assert layout.templates_dir == tmp_path / ".agent" / "templates"
