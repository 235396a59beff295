"""``aoslint new`` and ``aoslint init`` as a user meets them, in throwaway repositories."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from aoslint.scaffold.paths import slugify
from aoslint.scaffold.values import inert_text
from tests.conftest import EXAMPLE, CliResult, git, write_tree

Cli = Callable[..., CliResult]
ROOT = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"
PLAN = "docs/incidents/INC-20261129-001/incident-plan.md"
POSTMORTEM = "docs/incidents/INC-20261129-001/postmortem.md"
AOS_TREE = {
    ".agent/rules/security/auth.md": "# Auth\n\n## Purpose\n\nTokens.\n",
    ".agent/agents/orchestrator.md": "# Orchestrator\n\n## Review Checklist (MANDATORY)\n",
}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with an AOS tree and no templates; the date pinned to 2026-11-29."""
    root = tmp_path / "repo"
    root.mkdir()
    write_tree(root, AOS_TREE)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "AOS tree")
    monkeypatch.setenv("AOSLINT_DATE", "2026-11-29")
    return root


def assert_golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME; AOSLINT_UPDATE_GOLDEN=1 rewrites the file."""
    path = GOLDEN / name
    if os.environ.get("AOSLINT_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def set_status(path: Path, status: str) -> None:
    text = path.read_text()
    assert "\nStatus: OPEN\n" in text
    path.write_text(text.replace("\nStatus: OPEN\n", f"\nStatus: {status}\n", 1))


# --- what a user runs -----------------------------------------------------------------------

def test_new_incident_plan_prints_only_its_path_and_matches_the_golden_file(
        cli: Cli, repo: Path) -> None:
    result = cli("new", "incident-plan", "Checkout returns 500", "--severity", "high",
                 "--author", "debugger", cwd=repo)
    assert result.exit_code == 0, result.err
    assert result.out == f"{PLAN}\n"
    assert result.err == ""
    assert_golden("incident-plan.md", (repo / PLAN).read_text())


def test_new_postmortem_without_a_plan_matches_the_golden_file(cli: Cli, repo: Path) -> None:
    result = cli("new", "postmortem", "Checkout returns 500", cwd=repo)
    assert result.exit_code == 0, result.err
    assert result.out == f"{POSTMORTEM}\n"
    assert_golden("postmortem.md", (repo / POSTMORTEM).read_text())


def test_postmortem_from_plan_is_prefilled_and_sits_beside_it(cli: Cli, repo: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    assert cli("new", "incident-plan", "Checkout <rejects> valid sessions", "--severity",
               "HIGH", "--author", "@debugger", cwd=repo).exit_code == 0
    plan = repo / PLAN
    text = plan.read_text().replace("Timestamp: 2026-11-29\n", "Timestamp: 2026-11-29 14:20 UTC\n")
    text = text.replace("## 5. Root Cause Hypothesis\n", "## 5. Root Cause Hypothesis\n\n"
                        "`.agent/rules/security/auth.md` says nothing about rotated keys.\n")
    plan.write_text(text)
    monkeypatch.setenv("AOSLINT_DATE", "2026-11-30")
    result = cli("new", "postmortem", "--from", "INC-20261129-001", cwd=repo)
    assert result.exit_code == 0, result.err
    assert result.out == f"{POSTMORTEM}\n"
    written = (repo / POSTMORTEM).read_text()
    assert_golden("postmortem-from-plan.md", written)
    assert written.startswith("# Postmortem Report: Checkout \\<rejects\\> valid sessions\n")
    # The incident's day from the plan's Timestamp, not today's (AOSLINT_DATE).
    assert "Incident ID: INC-20261129-001\nDate: 2026-11-29\nSeverity: HIGH\n" in written
    assert "Author: @debugger\n" in written
    assert "- `2026-11-29 14:20 UTC`: Incident Mode entered" in written
    assert "- [ ] **Rule Update**: `.agent/rules/security/auth.md`:" in written
    assert "Incident Plan: [incident-plan.md](incident-plan.md)" in written


def test_from_accepts_the_plans_path_and_an_explicit_title_wins(cli: Cli, repo: Path) -> None:
    cli("new", "incident-plan", "Old title", cwd=repo)
    result = cli("new", "postmortem", "New title", "--from", PLAN, "--severity", "low",
                 cwd=repo)
    assert result.exit_code == 0, result.err
    written = (repo / POSTMORTEM).read_text()
    assert written.startswith("# Postmortem Report: New title\n")
    assert "Severity: LOW\n" in written


@pytest.mark.parametrize(("header", "expected"), [
    ("Timestamp: 2026-11-27 23:10 UTC\n", "2026-11-27"),
    ("Date: 2026-11-26\n", "2026-11-26"),
])
def test_from_takes_the_incidents_date_and_check_agrees(
        cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch, header: str,
        expected: str) -> None:
    assert cli("new", "incident-plan", "Queue stalls", "--severity", "HIGH", cwd=repo
               ).exit_code == 0
    plan = repo / PLAN
    text = plan.read_text()
    assert "Timestamp: 2026-11-29\n" in text
    plan.write_text(text.replace("Timestamp: 2026-11-29\n", header))
    monkeypatch.setenv("AOSLINT_DATE", "2026-12-03")
    assert cli("new", "postmortem", "--from", PLAN, cwd=repo).exit_code == 0
    written = (repo / POSTMORTEM).read_text()
    assert f"\nDate: {expected}\n" in written
    # Neither document draws a finding about its own header fields.
    found = cli("check", "--format", "json", cwd=repo).json()
    assert [f for f in found if f["code"].startswith("AOS2") or f["code"] == "AOS407"] == []


def test_date_overrides_the_plans_date(cli: Cli, repo: Path) -> None:
    assert cli("new", "incident-plan", cwd=repo).exit_code == 0
    result = cli("new", "postmortem", "--from", PLAN, "--date", "2026-12-01", cwd=repo)
    assert result.exit_code == 0, result.err
    assert "\nDate: 2026-12-01\n" in (repo / POSTMORTEM).read_text()
    found = cli("check", "--format", "json", cwd=repo).json()
    assert [f["code"] for f in found if f["code"] == "AOS407"] == ["AOS407"]  # as asked


def test_from_errors_are_one_line(cli: Cli, repo: Path) -> None:
    missing = cli("new", "postmortem", "--from", "INC-20261129-009", cwd=repo)
    assert missing.exit_code == 2
    assert missing.err == ("aoslint: error: --from: no incident plan with Incident ID "
                           "INC-20261129-009 in the working tree (pass the plan's path "
                           "instead)\n")
    nonsense = cli("new", "postmortem", "--from", "checkout", cwd=repo)
    assert nonsense.exit_code == 2
    assert "neither a file nor an Incident ID" in nonsense.err
    cli("new", "incident-plan", cwd=repo)
    clash = cli("new", "postmortem", "--from", PLAN, "--id", "INC-20261129-002", cwd=repo)
    assert clash.exit_code == 2
    assert "disagrees with the plan's Incident ID INC-20261129-001" in clash.err


def test_stdout_prints_the_document_and_writes_nothing(cli: Cli, repo: Path) -> None:
    result = cli("new", "postmortem", "Dry run", "--stdout", cwd=repo)
    assert result.exit_code == 0
    assert result.out.startswith("# Postmortem Report: Dry run\n\nIncident ID: INC-20261129-001")
    assert not (repo / "docs").exists()


def test_date_option_and_environment_and_numbering(cli: Cli, repo: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("new", "incident-plan", cwd=repo).out == f"{PLAN}\n"
    assert cli("new", "incident-plan", cwd=repo).out == \
        "docs/incidents/INC-20261129-002/incident-plan.md\n"
    dated = cli("new", "incident-plan", "--date", "2026-12-01", cwd=repo)
    assert dated.out == "docs/incidents/INC-20261201-001/incident-plan.md\n"
    monkeypatch.setenv("AOSLINT_DATE", "29.11.2026")
    bad = cli("new", "incident-plan", cwd=repo)
    assert bad.exit_code == 2
    assert bad.err.startswith("aoslint: error: AOSLINT_DATE: '29.11.2026' is not a date")


def test_an_existing_file_is_never_overwritten(cli: Cli, repo: Path) -> None:
    cli("new", "incident-plan", cwd=repo)
    assert cli("new", "postmortem", "--id", "INC-20261129-001", cwd=repo).exit_code == 0
    (repo / POSTMORTEM).write_text("my notes\n")
    again = cli("new", "postmortem", "--from", "INC-20261129-001", cwd=repo)
    assert again.exit_code == 2
    assert again.err == (f"aoslint: error: {POSTMORTEM} already exists; aoslint new never "
                         "overwrites a file\n")
    assert (repo / POSTMORTEM).read_text() == "my notes\n"


def test_parallel_runs_get_distinct_ids_and_files(repo: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AOSLINT_DATE": "2026-11-29"}
    runs = [subprocess.Popen([sys.executable, "-m", "aoslint", "new", "incident-plan",
                              f"Parallel {n}"], cwd=repo, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for n in range(6)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0] * 6, outputs
    paths = sorted(out.strip() for out, _ in outputs)
    assert paths == [f"docs/incidents/INC-20261129-00{n}/incident-plan.md" for n in range(1, 7)]
    ids = {line for path in paths for line in (repo / path).read_text().splitlines()
           if line.startswith("Incident ID:")}
    assert len(ids) == 6
    leftovers = [p for p in (repo / "docs").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


# --- IDs unique across branches ----------------------------------------------------------

def test_an_id_used_on_another_local_branch_is_skipped_and_refused(cli: Cli, repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    assert cli("new", "incident-plan", "On feature", cwd=repo).out == f"{PLAN}\n"
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "incident on feature")
    git(repo, "checkout", "-q", "main")
    assert not (repo / PLAN).exists()
    minted = cli("new", "incident-plan", "On main", cwd=repo)
    assert minted.out == "docs/incidents/INC-20261129-002/incident-plan.md\n"
    refused = cli("new", "incident-plan", "--id", "INC-20261129-001", cwd=repo)
    assert refused.exit_code == 2
    assert refused.err == ("aoslint: error: --id: incident ID INC-20261129-001 is already "
                           "used on branch feature\n")


def test_an_id_on_a_remote_tracking_branch_is_skipped(cli: Cli, repo: Path,
                                                      tmp_path: Path) -> None:
    git(repo, "checkout", "-q", "-b", "hotfix")
    write_tree(repo, {"docs/incidents/INC-20261129-001/incident-plan.md": "# Incident Plan\n\n"
                      "Incident ID: INC-20261129-001\n",
                      "docs/incidents/INC-20261129-002/postmortem.md": "# Postmortem\n\n"
                      "Incident ID: INC-20261129-002\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hotfix incidents")
    git(repo, "checkout", "-q", "main")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    assert "origin/hotfix" in git(clone, "branch", "-r")
    assert "hotfix" not in git(clone, "branch")
    result = cli("new", "postmortem", cwd=clone)
    assert result.out == "docs/incidents/INC-20261129-003/postmortem.md\n"


def test_ids_in_the_working_tree_count_even_when_uncommitted(cli: Cli, repo: Path) -> None:
    write_tree(repo, {"docs/incidents/2026-11-29-outage.md": "# Postmortem: outage\n\n"
                      "Incident ID: INC-20261129-007\n"})
    result = cli("new", "incident-plan", cwd=repo)
    assert result.out == "docs/incidents/INC-20261129-008/incident-plan.md\n"
    used = cli("new", "incident-plan", "--id", "INC-20261129-007", cwd=repo)
    assert used.exit_code == 2
    assert "already used by docs/incidents/2026-11-29-outage.md" in used.err


def test_outside_a_git_repository_the_working_tree_is_enough(cli: Cli, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.setenv("AOSLINT_DATE", "2026-11-29")
    result = cli("new", "incident-plan", cwd=tmp_path)
    assert result.exit_code == 0
    assert result.out == f"{PLAN}\n"
    assert result.err == ""


# --- where files go, and titles that stay text ---------------------------------------------

def test_configured_directory_path_pattern_and_id_format(cli: Cli, repo: Path) -> None:
    write_tree(repo, {".aoslint.toml": 'new-dir = "incidents"\n'
                      'new-path = "{year}/{date}-{slug}-{id}-{type}.md"\n'
                      'incident-id-format = "OPS-{date:%Y}-{n:04d}"\n'
                      'incident-id-pattern = "^OPS-[0-9]{4}-[0-9]{4}$"\n'})
    title = "Zahlungsausfall für alle Kunden — Überlast, Datenbank & Cache " * 3
    result = cli("new", "postmortem", title, cwd=repo)
    assert result.exit_code == 0, result.err
    path = result.out.strip()
    slug = path.split("2026-11-29-", 1)[1].split("-OPS-", 1)[0]
    assert slug == "zahlungsausfall-fur-alle-kunden-uberlast"
    assert path == f"incidents/2026/2026-11-29-{slug}-OPS-2026-0001-postmortem.md"
    assert path.isascii()
    assert cli("check", cwd=repo).exit_code == 0


def test_slugs_are_ascii_and_bounded() -> None:
    assert slugify("Checkout returns 500 — für alle!") == "checkout-returns-500-fur-alle"
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("日本語") == ""
    long = slugify("word " * 40)
    assert len(long) <= 48 and long.endswith("word")
    assert slugify("x" * 100) == "x" * 48


@pytest.mark.parametrize("args, message", [
    (("--dir", "../elsewhere"), "--dir: '../elsewhere' is outside the repository"),
    (("--dir", "/tmp"), "--dir: '/tmp' is outside the repository"),
])
def test_dir_outside_the_repository_is_refused(cli: Cli, repo: Path, args: tuple[str, ...],
                                               message: str) -> None:
    result = cli("new", "incident-plan", *args, cwd=repo)
    assert result.exit_code == 2
    assert result.err.startswith(f"aoslint: error: {message}")
    assert not (repo.parent / "elsewhere").exists()


def test_dir_inside_the_repository_is_used(cli: Cli, repo: Path) -> None:
    result = cli("new", "incident-plan", "--dir", "ops/incidents", cwd=repo)
    assert result.out == "ops/incidents/INC-20261129-001/incident-plan.md\n"
    assert "not matched by the configured include patterns" in result.err


@pytest.mark.parametrize("config, message", [
    ('new-path = "{type}.md"', "'new-path' '{type}.md' must contain {id}"),
    ('new-path = "{id}/{owner}.md"', "'new-path' '{id}/{owner}.md': unknown field {owner}"),
    ('new-path = "../{id}.md"', "must be a relative path that stays below new-dir"),
    ('new-dir = "../shared"', "'new-dir' '../shared' is outside the repository"),
    ('incident-id-format = "INC-{date:%Y%m%d}"', "needs the sequence number {n}"),
    ('incident-id-format = "INC-{when}-{n}"', "unknown field {when}"),
    ('incident-id-format = "INC-{date:%Y}-{n:02d}"',
     "makes IDs such as 'INC-2026-01', which 'incident-id-pattern'"),
    ("new-dir = 3", "'new-dir' must be of type string"),
])
def test_config_errors_name_the_file_and_key(cli: Cli, repo: Path, config: str,
                                             message: str) -> None:
    write_tree(repo, {".aoslint.toml": config + "\n"})
    result = cli("new", "incident-plan", cwd=repo)
    assert result.exit_code == 2
    assert result.err.startswith(f"aoslint: error: {repo / '.aoslint.toml'}: ")
    assert message in result.err
    assert len(result.err.splitlines()) == 1


BAD_TITLES = [
    "Checkout\n## Injected Section\n\nStatus: CLOSED",
    "# Not a heading",
    "<script>alert(1)</script><!-- hidden",
    "{{ 7*7 }} {% for x in range(3) %}loop{% endfor %} {# c #}",
    "[link](javascript:alert(1)) **bold** `code` | table |",
    "---",
    "1. list",
    "\u202eevil\u2028split\rcarriage",
]


@pytest.mark.parametrize("title", BAD_TITLES)
def test_bad_titles_are_inert_text(cli: Cli, repo: Path, title: str) -> None:
    reference = cli("new", "incident-plan", "Plain", "--stdout", cwd=repo).out
    result = cli("new", "incident-plan", "--", title, cwd=repo)
    assert result.exit_code == 0, result.err
    written = (repo / result.out.strip()).read_text()
    first, rest = written.split("\n", 1)
    assert first.startswith("# Incident Plan: ")
    assert rest.replace("INC-20261129-001", "ID") == \
        reference.split("\n", 1)[1].replace("INC-20261129-001", "ID")
    html = MarkdownIt("commonmark").render(written)
    assert html.count("<h1>") == 1 and html.count("<h2>") == 8
    head = html.split("</h1>")[0]
    for active in ("<script", "<!--", "<a ", "<strong>", "<code>", "<ol>", "<hr"):
        assert active not in head
    assert "49" not in first
    assert "\u202e" not in first and "\r" not in written
    model = cli("model", result.out.strip(), cwd=repo).json()
    titles = [s["title"] for s in model["sections"]]
    assert titles[0] == "1. Situation Overview (What is happening?)"
    assert len(titles) == 8
    assert model["metadata"]["status"] == "OPEN"


def test_template_syntax_in_a_title_is_data() -> None:
    assert inert_text("{{ 7*7 }}") == "{{ 7\\*7 }}"
    assert inert_text("a\nb\r\nc\u2029d") == "a b c d"
    assert inert_text("# x") == "\\# x"
    assert inert_text("- x") == "\\- x"
    assert inert_text("3. x") == "3\\. x"
    assert inert_text("AT&T <b>") == "AT\\&T \\<b\\>"


LINUX_ONLY = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the memory cap reads /proc")

# --- templates: the repository's own win, and run sandboxed --------------------------------

KIT = EXAMPLE / ".agent" / "templates"


def test_kit_plain_templates_are_filled_in_only_in_their_header(cli: Cli, repo: Path) -> None:
    write_tree(repo, {".agent/templates/incident-plan.md": (KIT / "incident-plan.md").read_text(),
                      ".agent/templates/postmortem-report.md":
                      (KIT / "postmortem-report.md").read_text()})
    plan = cli("new", "incident-plan", "Kit style", "--severity", "CRITICAL", "--author",
               "debugger", cwd=repo)
    assert plan.exit_code == 0, plan.err
    assert_golden("kit-incident-plan.md", (repo / PLAN).read_text())
    postmortem = cli("new", "postmortem", "--from", "INC-20261129-001", cwd=repo)
    assert postmortem.exit_code == 0, postmortem.err
    written = (repo / POSTMORTEM).read_text()
    assert_golden("kit-postmortem.md", written)
    kit_body = (KIT / "postmortem-report.md").read_text().split("---", 1)[1]
    assert written.split("---", 1)[1] == kit_body
    assert cli("check", cwd=repo).exit_code == 0


def test_repository_jinja_template_wins_over_kit_and_builtin(cli: Cli, repo: Path) -> None:
    write_tree(repo, {
        ".agent/templates/incident-plan.md": (KIT / "incident-plan.md").read_text(),
        ".agent/templates/incident-plan.md.j2":
            "# Incident Plan: {{ title }}\n\nIncident ID: {{ incident_id }}\n"
            "Owner team: payments\n",
    })
    result = cli("new", "incident-plan", "Ours", cwd=repo)
    assert (repo / result.out.strip()).read_text() == (
        "# Incident Plan: Ours\n\nIncident ID: INC-20261129-001\nOwner team: payments\n")
    builtin = cli("new", "incident-plan", "--template", "builtin", "--stdout", cwd=repo)
    assert "## 8. Post-Incident Follow-up (AFTER RESOLUTION)" in builtin.out


@pytest.mark.parametrize("template, message", [
    ("# Plan\n\n{{ incident_id }}\n{{ owner_team }}\n",
     ".agent/templates/incident-plan.md.j2:4: template uses an unknown variable: "
     "'owner_team' is undefined"),
    ("# Plan\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n",
     ".agent/templates/incident-plan.md.j2:2: template reaches for something the sandbox "
     "forbids"),
    ("# Plan\n{{ cycler.__init__.__globals__.os.system('id') }}\n",
     ".agent/templates/incident-plan.md.j2:2: template reaches for something the sandbox "
     "forbids"),
    ("# Plan\n\n{% for x in %}\n", ".agent/templates/incident-plan.md.j2:3: template syntax "
     "error"),
    ("# Plan\n{% include '../../README.md' %}\n", ".agent/templates/incident-plan.md.j2: "
     "template includes '../../README.md', which is not in .agent/templates"),
    ("# Plan\n{{ 1 // 0 }}\n", ".agent/templates/incident-plan.md.j2:2: template failed: "
     "ZeroDivisionError"),
    # memory: no value, range or output grows past the sandbox's bounds
    ("# Plan\n{{ 'x' * 10**9 }}\n", ".agent/templates/incident-plan.md.j2:2: template reaches "
     "for something the sandbox forbids: '*' would build a value of 1,000,000,000 items"),
    ("# Plan\n{% set s = 'x' * 600000 %}{{ s + s }}\n", ".agent/templates/incident-plan.md.j2:2: "
     "template reaches for something the sandbox forbids: '+' would build a value"),
    ("# Plan\n{{ 10 ** (10**9) }}\n", ".agent/templates/incident-plan.md.j2:2: template "
     "reaches for something the sandbox forbids: '**' would build a number"),
    ("# Plan\n{{ range(10**9)|list }}\n", ".agent/templates/incident-plan.md.j2:2: template "
     "failed: OverflowError: Range too big"),
    # past the operator bounds, the address-space cap (Linux) stops the render
    pytest.param("# Plan\n{{ 'x'|center(2000000000) }}\n",
                 ".agent/templates/incident-plan.md.j2:2: template needs more than 512 MiB",
                 marks=LINUX_ONLY),
    pytest.param("# Plan\n{% set ns = namespace(s='x') %}{% for i in range(40) %}"
                 "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}\n",
                 ".agent/templates/incident-plan.md.j2:2: template needs more than 512 MiB",
                 marks=LINUX_ONLY),
    ("# Plan\n{% for i in range(100000) %}{{ 'y' * 1000 }}{% endfor %}\n",
     ".agent/templates/incident-plan.md.j2: template renders more than 1,000,000 characters"),
])
def test_bad_repository_templates_fail_cleanly_with_path_and_line(
        cli: Cli, repo: Path, template: str, message: str) -> None:
    write_tree(repo, {".agent/templates/incident-plan.md.j2": template})
    result = cli("new", "incident-plan", cwd=repo)
    assert result.exit_code == 2
    assert result.err.startswith(f"aoslint: error: {message}"), result.err
    assert len(result.err.splitlines()) == 1
    assert "Traceback" not in result.err
    assert not (repo / "docs").exists()


# --- generated documents and the gates ---------------------------------------------------

@pytest.mark.parametrize("kind, closed", [("incident-plan", "RESOLVED"), ("postmortem", "CLOSED")])
def test_generated_documents_pass_while_open_and_fail_closure_until_filled(
        cli: Cli, repo: Path, kind: str, closed: str) -> None:
    path = repo / cli("new", kind, "Checkout returns 500", "--severity", "HIGH", "--author",
                      "@debugger", cwd=repo).out.strip()
    open_run = cli("check", "--format", "json", cwd=repo)
    assert open_run.exit_code == 0, open_run.out
    # Open: template slots are warnings, the closure gates pending information.
    assert {f["severity"] for f in open_run.json()} <= {"warning", "info"}
    set_status(path, closed)
    closed_run = cli("check", "--format", "json", cwd=repo)
    assert closed_run.exit_code == 1
    errors = {f["code"] for f in closed_run.json() if f["severity"] == "error"}
    assert errors >= ({"AOS102", "AOS601", "AOS602"} if kind == "postmortem" else {"AOS102"})


def test_generated_postmortem_covers_the_whole_policy(cli: Cli, repo: Path) -> None:
    path = repo / cli("new", "postmortem", cwd=repo).out.strip()
    model = cli("model", str(path), cwd=repo).json()
    keys = [s["key"] for s in model["sections"]]
    assert keys == ["impact", "timeline", "root-cause", "action-items", "lessons-learned",
                    "closure-approval"]
    text = path.read_text()
    for line in ("- **Business Impact**:", "- [ ] **Rule Update**:",
                 "- [ ] **Orchestrator Gate Update**: `.agent/agents/orchestrator.md`",
                 "- [ ] **QA Suite Update**:", "\nVerified by: @qa-automation-engineer",
                 "\nApproved by: @orchestrator\nDate: ", "\nStatus: OPEN\n"):
        assert line in text


def test_check_never_imports_jinja2(repo: Path) -> None:
    probe = ("import sys; from aoslint.cli import main; main(['check']); "
             "print('jinja2' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=EXAMPLE, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert done.stdout.strip().splitlines()[-1] == "False"


# --- aoslint init --------------------------------------------------------------------------

def test_init_writes_a_starter_config_and_templates_and_never_overwrites(
        cli: Cli, repo: Path) -> None:
    (repo / ".agent" / "templates").mkdir()
    first = cli("init", "--templates", cwd=repo)
    assert first.exit_code == 0, first.err
    assert first.out.splitlines() == ["wrote .aoslint.toml",
                                      "wrote .agent/templates/incident-plan.md.j2",
                                      "wrote .agent/templates/postmortem.md.j2"]
    assert "# new-path = \"{id}/{type}.md\"" in (repo / ".aoslint.toml").read_text()
    assert "# aos-dir = \".agent\"" in (repo / ".aoslint.toml").read_text()
    (repo / ".agent/templates/postmortem.md.j2").write_text("# Postmortem: {{ title }}\n")
    second = cli("init", "--templates", cwd=repo)
    assert second.out.splitlines() == [
        "kept .aoslint.toml (aoslint is already configured there)",
        "kept .agent/templates/incident-plan.md.j2 (already exists)",
        "kept .agent/templates/postmortem.md.j2 (already exists)"]
    assert (repo / ".agent/templates/postmortem.md.j2").read_text() == \
        "# Postmortem: {{ title }}\n"
    assert cli("new", "postmortem", "Custom", "--stdout", cwd=repo).out == \
        "# Postmortem: Custom\n"
    assert cli("check", cwd=repo).exit_code == 0


def test_init_appends_tool_aoslint_to_an_existing_pyproject(cli: Cli, repo: Path) -> None:
    original = '[project]\nname = "shop"\n\n[tool.ruff]\nline-length = 100\n'
    (repo / "pyproject.toml").write_text(original)
    result = cli("init", cwd=repo)
    assert result.out == ("wrote [tool.aoslint] to pyproject.toml (appended; nothing else "
                          "changed)\n")
    text = (repo / "pyproject.toml").read_text()
    assert text.startswith(original + "\n[tool.aoslint]\n")
    assert not (repo / ".aoslint.toml").exists()
    assert cli("check", "--verbose", cwd=repo).err.startswith(
        f"aoslint: config: {repo / 'pyproject.toml'}")
    again = cli("init", cwd=repo)
    assert again.out == "kept pyproject.toml (aoslint is already configured there)\n"
    assert (repo / "pyproject.toml").read_text() == text


def test_init_templates_without_an_aos_tree_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("init", "--templates", cwd=tmp_path)
    assert result.exit_code == 2
    assert "no AOS templates directory" in result.err
    assert list(tmp_path.iterdir()) == []
