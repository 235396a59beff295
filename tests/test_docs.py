"""The README's generated references stay in step with the code, and its snippets work."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from aoslint import docs
from aoslint.checks import all_rules
from aoslint.cli import build_parser
from aoslint.diagnostics import Severity
from aoslint.registry import Rule
from aoslint.resources import schema

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"


RULE_PAGES = ROOT / "docs" / "rules"


def test_readme_generated_references_are_up_to_date() -> None:
    current = README.read_text(encoding="utf-8")
    assert docs.update(current) == current, (
        "README.md's generated references are stale: run `python -m aoslint.docs --write`")


def test_rule_pages_are_up_to_date_and_none_is_left_over() -> None:
    expected = docs.rule_pages()
    on_disk = {path.name: path.read_text(encoding="utf-8") for path in RULE_PAGES.glob("*.md")}
    assert on_disk == expected, "docs/rules/ is stale: run `python -m aoslint.docs --write`"


def test_every_rule_and_config_key_is_documented() -> None:
    text = README.read_text(encoding="utf-8")
    for item in all_rules():
        assert f"| [{item.code}](docs/rules/{item.code}.md) | `{item.name}` |" in text
        page = (RULE_PAGES / f"{item.code}.md").read_text(encoding="utf-8")
        assert page.startswith(f"# {item.code} `{item.name}`\n")
        for part in (item.summary, item.explanation.splitlines()[0], item.fix,
                     item.example.splitlines()[0]):
            assert part in page
    for key in schema("config.schema.json")["properties"]:
        assert f"| `{key}` |" in text


def test_every_link_to_a_repository_file_in_the_docs_exists() -> None:
    for page in [README, *(ROOT / "docs").glob("*.md"), *RULE_PAGES.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#:\s]+\.md)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).is_file(), f"{page}: link to missing {target}"


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _headings(text: str, level: str = "##") -> list[str]:
    """The headings of one level, outside code blocks."""
    without_code = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    return re.findall(rf"^{level} (.+)$", without_code, re.MULTILINE)


def test_readme_contents_lists_every_section_and_each_link_lands() -> None:
    text = README.read_text(encoding="utf-8")
    contents = text.split("## Contents\n", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"\]\(#([^)]+)\)", contents)
    sections = [_anchor(h) for h in _headings(text) if h != "Contents"]
    assert sorted(listed) == sorted(sections)
    for page in (ROOT / "docs").glob("*.md"):
        assert f"](docs/{page.name})" in text, f"the README does not link to {page.name}"


def test_readme_puts_the_tour_before_the_reference() -> None:
    sections = _headings(README.read_text(encoding="utf-8"))
    order = [sections.index(name) for name in (
        "A short tour", "What it checks", "Scaffolding: aoslint new and aoslint init",
        "In pre-commit", "In CI", "Profiles: AOS repositories and everyone else", "Exit codes",
        "Configuration", "Command line", "Rules")]
    assert order == sorted(order)
    assert sections.index("A short tour") <= 2  # the first screen, after the contents
    assert not {"Performance", "Design", "Benchmark"} & set(sections)  # pages of their own


def test_check_fails_on_stale_docs_and_write_fixes_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    stale = README.read_text(encoding="utf-8").replace(
        "| `unused-suppression` | warning |", "| `unused-suppression` | error |")
    readme.write_text(stale, encoding="utf-8")
    pages = tmp_path / "docs" / "rules"
    pages.mkdir(parents=True)
    (pages / "AOS101.md").write_text("# old text\n", encoding="utf-8")
    (pages / "AOS199.md").write_text("# a rule that is gone\n", encoding="utf-8")
    (pages / "notes.md").write_text("# not generated\n", encoding="utf-8")
    assert docs.main(["--readme", str(readme), "--check"]) == 1
    err = capsys.readouterr().err
    assert f"{readme}: stale" in err and f"{pages / 'AOS101.md'}: stale" in err
    assert f"{pages / 'AOS199.md'}: stale" in err
    assert docs.main(["--readme", str(readme), "--write"]) == 0
    assert readme.read_text(encoding="utf-8") == README.read_text(encoding="utf-8")
    assert {p.name: p.read_text(encoding="utf-8") for p in pages.glob("AOS*.md")} == {
        name: text for name, text in docs.rule_pages().items() if name != "README.md"}
    assert (pages / "notes.md").read_text(encoding="utf-8") == "# not generated\n"  # kept
    assert docs.main(["--readme", str(readme), "--check"]) == 0


def test_missing_markers_are_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Project\n\n<!-- rules-reference:start -->\n<!-- rules-reference:end -->\n")
    assert docs.main(["--readme", str(readme), "--check"]) == 2
    assert "no '<!-- config-reference:start -->'" in capsys.readouterr().err


def test_closure_gates_are_marked_in_the_rules_reference() -> None:
    gate = Rule(code="AOS601", name="closure-without-qa", summary="Closed without QA.",
                severity=Severity.ERROR, explanation="Why.", example="Status: CLOSED",
                fix="Record the QA verification.", policy="QA must verify stability.",
                closure_gate=True)
    rendered = docs.render_rules([gate])
    assert "| [AOS601](docs/rules/AOS601.md) | `closure-without-qa` | error (closure gate) |" \
        in rendered
    page = docs.render_rule_page(gate)
    assert "a document's inline comments cannot silence it unless the config sets" in page
    assert "> QA must verify stability." in page


def test_config_reference_renders_types_and_defaults() -> None:
    rendered = docs.render_config({"description": "Settings.", "properties": {
        "a": {"type": "array", "items": {"type": "string", "format": "regex"}, "default": []},
        "b": {"type": "string", "default": "x, else y", "description": "One | two."},
        "c": {"type": "boolean", "default": False},
    }})
    assert "| `a` | list of regular expressions | none |  |" in rendered
    assert "| `b` | string | `x`, else `y` | One \\| two. |" in rendered
    assert "| `c` | boolean | `false` |" in rendered


def test_config_reference_names_every_real_type() -> None:
    rendered = docs.render_config()
    assert "| `action-item-owner` | one of `unlabelled`, `all`, `off` |" in rendered
    assert "| `types` | table of lists of strings |" in rendered
    assert "| None |" not in rendered
    assert docs._type_text({"type": "array", "items": {"enum": ["a", "b"]}}) == (
        "list of values, each one of `a`, `b`")


@pytest.mark.parametrize("spec", [
    {"type": ["string", "null"]},
    {"anyOf": [{"type": "string"}, {"type": "boolean"}]},
    {"type": "array", "items": {"oneOf": [{"type": "string"}]}},
    {"type": "object"},
    {"enum": [1, 2]},
])
def test_config_reference_refuses_a_type_it_cannot_name(spec: dict[str, Any]) -> None:
    with pytest.raises(docs.UnnamedType):
        docs.render_config({"properties": {"key": spec}})


def _fenced_blocks(language: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def _yaml_blocks() -> list[Any]:
    return [yaml.safe_load(block) for block in _fenced_blocks("yaml")]


def test_readme_pre_commit_snippet_names_the_real_hooks() -> None:
    hooks = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    configs = [b for b in _yaml_blocks() if isinstance(b, dict) and "repos" in b]
    assert configs, "README has no .pre-commit-config.yaml snippet"
    used = {hook["id"] for config in configs for repo in config["repos"] for hook in repo["hooks"]}
    assert used == hooks == {"aoslint", "aoslint-repo"}


def test_readme_ci_jobs_fetch_history_and_upload_reports() -> None:
    blocks = _yaml_blocks()
    github = next(b for b in blocks if isinstance(b, dict) and "jobs" in b)
    steps = github["jobs"]["aoslint"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    upload = next(s for s in steps if s.get("uses", "").startswith(
        "github/codeql-action/upload-sarif@"))
    assert any("--format sarif --output-file " + upload["with"]["sarif_file"] in s.get("run", "")
               for s in steps)
    gitlab = next(b for b in blocks if isinstance(b, dict) and "aoslint" in b)["aoslint"]
    assert gitlab["variables"]["GIT_DEPTH"] == 0
    report = gitlab["artifacts"]["reports"]["codequality"]
    assert any(f"--format gitlab --output-file {report}" in line for line in gitlab["script"])


def test_every_aoslint_command_in_the_readme_parses() -> None:
    text = README.read_text(encoding="utf-8")
    commands = re.findall(r"(?:^|run: |- |\$ )(aoslint (?:check|model|rule|rules)\b[^\n`]*)",
                          text, re.MULTILINE)
    assert len(commands) >= 5
    parser = build_parser()
    for command in commands:
        command = command.split("#")[0].split("  ")[0]  # no comment, no synopsis description
        if "[" in command:  # the usage synopsis's options
            continue
        parser.parse_args(shlex.split(command)[1:])
