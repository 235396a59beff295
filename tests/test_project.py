"""Config, layout discovery and file selection, in throwaway repositories."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from aoslint.config import load_config
from aoslint.discovery.layout import discover_layout
from aoslint.runner import run_check
from tests.conftest import FIXTURES, STANDALONE, CliResult, write_tree

Cli = Callable[..., CliResult]
GOOD_PM = (FIXTURES / "good" / "kit-postmortem.md").read_text()
BAD_PM = (FIXTURES / "bad" / "missing-section.md").read_text()


def checked(root: Path, *paths: str) -> list[str]:
    import os

    old = Path.cwd()
    os.chdir(root)
    try:
        return run_check([Path(p) for p in paths]).checked
    finally:
        os.chdir(old)


def test_default_globs_find_documents_in_the_usual_places(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".git/HEAD": "ref: refs/heads/main\n",
        ".agent/rules/security/auth.md": "# Auth\n",
        ".agent/incidents/INC-1/postmortem.md": GOOD_PM,
        "docs/incidents/2026-11-02-checkout.md": GOOD_PM,
        "incidents/a.md": GOOD_PM,
        "postmortems/b.md": GOOD_PM,
        "docs/other/c.md": GOOD_PM,
        "README.md": GOOD_PM,
    })
    assert checked(tmp_path) == [
        ".agent/incidents/INC-1/postmortem.md",
        "docs/incidents/2026-11-02-checkout.md",
        "incidents/a.md",
        "postmortems/b.md",
    ]


def test_templates_are_never_checked_even_when_named(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".agent/rules/x.md": "# X\n",
        ".agent/templates/postmortem-report.md": BAD_PM,
        "docs/incidents/a.md": GOOD_PM,
    })
    assert checked(tmp_path) == ["docs/incidents/a.md"]
    assert checked(tmp_path, ".agent/templates/postmortem-report.md") == []
    assert checked(tmp_path, ".agent") == []


def test_config_exclude_wins_over_a_named_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".aoslint.toml": 'extend-exclude = ["docs/incidents/archive/"]\n',
        "docs/incidents/archive/old.md": BAD_PM,
        "docs/incidents/new.md": GOOD_PM,
    })
    assert checked(tmp_path) == ["docs/incidents/new.md"]
    assert checked(tmp_path, "docs/incidents/archive/old.md") == []
    assert checked(tmp_path, "docs/incidents/archive/old.md", "docs/incidents/new.md") == [
        "docs/incidents/new.md"]


def test_pyproject_include_replaces_defaults(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\n\n[tool.aoslint]\ninclude = ["ops/pm/*.md"]\n',
        "ops/pm/one.md": GOOD_PM,
        "docs/incidents/two.md": GOOD_PM,
    })
    assert checked(tmp_path) == ["ops/pm/one.md"]


def test_nearest_config_wins_and_dot_aoslint_beats_pyproject(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.aoslint]\nignore = ["AOS101"]\n',
        "team/.aoslint.toml": 'ignore = ["AOS104"]\n',
        "team/pyproject.toml": '[tool.aoslint]\nignore = ["AOS105"]\n',
    })
    config = load_config(tmp_path / "team")
    assert config.path == tmp_path / "team" / ".aoslint.toml"
    assert load_config(tmp_path).path == tmp_path / "pyproject.toml"


def test_pyproject_without_tool_aoslint_is_not_a_config(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n'})
    assert load_config(tmp_path).path is None


@pytest.mark.parametrize(("content", "message"), [
    ('incldue = ["x"]\n', "unknown key 'incldue'"),
    ('include = "docs/*.md"\n', "'include' must be of type array, got str 'docs/*.md'"),
    ('severities = [1, 2]\n', "'severities.0' must be of type string"),
    ('include = [\n', "invalid TOML"),
])
def test_bad_config_is_a_usage_error_naming_file_and_key(
        cli: Cli, tmp_path: Path, content: str, message: str) -> None:
    write_tree(tmp_path, {".aoslint.toml": content, "docs/incidents/a.md": GOOD_PM})
    result = cli("check", cwd=tmp_path)
    assert result.exit_code == 2
    assert ".aoslint.toml" in result.err
    assert message in result.err
    assert "Traceback" not in result.err


def test_layout_prefers_agents_over_agent_and_finds_the_gate(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".agent/rules/a.md": "# A\n",
        ".agents/rules/b.md": "# B\n",
        ".agents/scripts/checklist.py": "CORE_CHECKS = []\n",
    })
    layout = discover_layout(load_config(tmp_path), tmp_path)
    assert layout.aos_dir == tmp_path / ".agents"
    assert layout.rules_dir == tmp_path / ".agents" / "rules"
    assert layout.gate_file == tmp_path / ".agents" / "scripts" / "checklist.py"
    assert not layout.is_git


def test_layout_of_a_kit_repository_and_config_overrides(tmp_path: Path) -> None:
    write_tree(tmp_path, {"rules/a.md": "# A\n", "agents/orchestrator.md": "# O\n",
                          ".git/HEAD": "x"})
    layout = discover_layout(load_config(tmp_path), tmp_path)
    assert layout.aos_dir == tmp_path
    assert layout.gate_file == tmp_path / "agents" / "orchestrator.md"
    assert layout.is_git
    write_tree(tmp_path, {".aoslint.toml": 'gate-file = "ci/gate.py"\nrules-dir = "policy"\n'})
    layout = discover_layout(load_config(tmp_path), tmp_path)
    assert layout.gate_file == tmp_path / "ci" / "gate.py"
    assert layout.rules_dir == tmp_path / "policy"


def test_verbose_says_which_config_applies(cli: Cli, tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[tool.aoslint]\n", "docs/incidents/a.md": GOOD_PM})
    result = cli("check", "-v", cwd=tmp_path)
    assert f"aoslint: config: {tmp_path / 'pyproject.toml'}" in result.err
    assert "docs/incidents/a.md: postmortem (title)" in result.err


def test_configured_enumerations_and_id_pattern(tmp_path: Path) -> None:
    document = GOOD_PM.replace("INC-20261102-001", "OPS-42").replace("Severity: HIGH",
                                                                     "Severity: Sev-A")
    write_tree(tmp_path, {"docs/incidents/a.md": document})
    before = run_check([tmp_path / "docs/incidents/a.md"], **STANDALONE).diagnostics
    assert sorted(d.message.split(" is ")[0] for d in before) == ["Incident ID 'OPS-42'",
                                                                  "Severity 'Sev-A'"]
    write_tree(tmp_path, {".aoslint.toml": 'incident-id-pattern = "^OPS-[0-9]+$"\n'
                                           'severities = ["SEV-A", "SEV-B"]\n'})
    assert run_check([tmp_path / "docs/incidents/a.md"], **STANDALONE).diagnostics == []


def test_type_from_config_globs_and_unknown_named_file(tmp_path: Path) -> None:
    plain = "# Checkout notes\n\nIncident ID: INC-20261102-001\n\n## Impact\n\nSome.\n"
    write_tree(tmp_path, {"docs/incidents/notes.md": plain,
                          ".aoslint.toml": '[types]\npostmortem = ["docs/incidents/notes*.md"]\n'})
    result = run_check([tmp_path / "docs/incidents/notes.md"], **STANDALONE)
    assert result.checked and {d.code for d in result.diagnostics} == {"AOS101"}
    (tmp_path / ".aoslint.toml").unlink()
    result = run_check([tmp_path / "docs/incidents/notes.md"], **STANDALONE)
    assert [d.code for d in result.diagnostics] == ["AOS106"]
    scan = run_check([tmp_path / "docs/incidents"], **STANDALONE)
    # A scan skips unrelated Markdown, but this one carries an Incident ID.
    assert [d.code for d in scan.diagnostics] == ["AOS106"]


def test_repository_schema_extends_a_type_without_python(tmp_path: Path) -> None:
    schema = """{
      "x-aoslint": {"type": "postmortem", "extends": "postmortem",
        "sections": [{"key": "customer-comms", "title": "Customer Communication",
                      "required": true}]},
      "properties": {"metadata": {"required": ["incident_id", "author"]}}
    }"""
    write_tree(tmp_path, {".aoslint.toml": 'schemas = ["aos/postmortem-ext.schema.json"]\n',
                          "aos/postmortem-ext.schema.json": schema,
                          "docs/incidents/a.md": GOOD_PM.replace("Author: @debugger\n", "")})
    result = run_check([tmp_path / "docs/incidents/a.md"], **STANDALONE)
    messages = sorted(d.message for d in result.diagnostics)
    assert messages == ["metadata field 'Author' is missing",
                        "postmortem has no 'Customer Communication' section"]


@pytest.mark.parametrize(("extension", "decides"), [
    ({"properties": {"metadata": {"required": ["author"],
                                  "properties": {"author": {"maxLength": 9}}}}}, True),
    ({"properties": {"metadata": {"properties": {"severity": {"enum": ["HIGH"]}}}}}, True),
    ({"properties": {"metadata": {"not": {"required": ["date"]}}}}, False),
    ({"minProperties": 2}, False),
])
def test_the_quick_schema_test_never_passes_what_jsonschema_rejects(
        tmp_path: Path, extension: dict[str, object], decides: bool) -> None:
    """Keywords it knows, it decides; any other sends the document to jsonschema."""
    import json

    from aoslint.document.doctypes import load_doctypes

    schema = {"x-aoslint": {"type": "postmortem", "extends": "postmortem"}, **extension}
    write_tree(tmp_path, {".aoslint.toml": 'schemas = ["ext.schema.json"]\n',
                          "ext.schema.json": json.dumps(schema)})
    doctype = load_doctypes(load_config(tmp_path))["postmortem"]
    metadata = {"incident_id": "INC-20261102-001", "severity": "HIGH", "author": "@debugger"}
    for changed in ({}, {"author": "@qa-automation-engineer"}, {"severity": "LOW"},
                    {"severity": 3}, {"date": "2026-13-45"}, {"incident_id": None}):
        instance = {"metadata": {**metadata, **changed}, "sections": []}
        valid = not any(True for _ in doctype.validator.iter_errors(instance))
        quick = doctype.certainly_valid(instance)
        assert quick == valid if decides else not quick, changed
        keys = doctype.instance_keys  # the part of the model the quick test may be given
        assert keys is None or quick == doctype.certainly_valid(
            {k: v for k, v in instance.items() if k in keys})
        if keys is not None:  # and jsonschema judges that part as it judges the whole
            part = {k: v for k, v in instance.items() if k in keys}
            assert valid == (not any(True for _ in doctype.validator.iter_errors(part))), changed


@pytest.mark.parametrize(("content", "message"), [
    ('rules-dir = "../../.."\n', "'rules-dir' = '../../..' points outside the repository"),
    ('[types]\nnonexistent = ["*.md"]\n', "types: unknown document type 'nonexistent'"),
])
def test_config_values_that_cannot_work_are_usage_errors(
        cli: Cli, tmp_path: Path, content: str, message: str) -> None:
    write_tree(tmp_path, {".aoslint.toml": content, "docs/incidents/a.md": GOOD_PM})
    result = cli("check", cwd=tmp_path)
    assert result.exit_code == 2 and message in result.err


def test_an_unrecognised_file_with_an_incident_id_is_not_skipped_silently(
        tmp_path: Path) -> None:
    notes = "# CI outage (2024-03-12)\n\nIncident ID: INC-20240312-004\nStatus: CLOSED\n"
    write_tree(tmp_path, {"docs/incidents/2024-03-12-ci.md": notes,
                          "docs/incidents/notes.md": "# Notes\n\nNothing.\n"})
    result = run_check([tmp_path / "docs"], **STANDALONE)
    assert [(Path(d.path).name, d.code) for d in result.diagnostics] == [
        ("2024-03-12-ci.md", "AOS106")]


def test_output_cut_short_by_the_reader_is_not_an_error() -> None:
    import subprocess
    import sys

    done = subprocess.run(f"{sys.executable} -m aoslint rules | head -1", shell=True,
                          capture_output=True, text=True, check=False)
    assert done.stdout.startswith("AOS101") and "internal error" not in done.stderr


@pytest.mark.parametrize(("title", "key"), [
    ("Remediation work for the next quarter", "action-items"),
    ("Customer-facing impact of the outage", "impact"),
    ("Timeline of impact (UTC)", "timeline"),  # the part named first is the subject
    ("Impact timeline", "impact"),
    ("Root cause of the impact", "root-cause"),
    ("Actions taken during the incident", None),
])
def test_a_longer_title_counts_as_the_part_it_names_first(tmp_path: Path, title: str,
                                                          key: str | None) -> None:
    from aoslint.document.doctypes import load_doctypes

    doctype = load_doctypes(load_config(tmp_path))["postmortem"]
    found = doctype.section_for_title(title)
    assert (found[0].key if found else None) == key
    assert found is None or found[1]  # a stand-in, never a duplicate of the real heading
