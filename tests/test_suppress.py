"""Inline suppression: what a user writes in a document, and what aoslint then reports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from msgspec.structs import replace

import aoslint.runner
from aoslint.checks import RULES, all_rules
from aoslint.checks.context import CheckContext
from aoslint.diagnostics import Diagnostic, Severity
from aoslint.document.parse import parse_source
from aoslint.document.problems import DirectiveKind
from aoslint.document.source import Source
from aoslint.registry import Rule
from aoslint.suppress import apply_suppressions, find_directives
from tests.conftest import FIXTURES, STANDALONE_ARGS, CliResult, write_tree

Cli = Callable[..., CliResult]
NUMBERING = (FIXTURES / "bad" / "section-numbering.md").read_text()
PLACEHOLDERS = (FIXTURES / "bad" / "placeholders-open.md").read_text()
MISSING = (FIXTURES / "bad" / "missing-section.md").read_text()
GOOD_PM = (FIXTURES / "good" / "kit-postmortem.md").read_text()


def insert_before(text: str, marker: str, line: str) -> str:
    """Put ``line`` above the first line that contains ``marker``."""
    assert marker in text
    head = text.partition(marker)[0]
    start = head.rfind("\n") + 1
    return text[:start] + line + "\n" + text[start:]


def findings(cli: Cli, tmp_path: Path, text: str, *args: str) -> list[dict[str, Any]]:
    write_tree(tmp_path, {"docs/incidents/doc.md": text})
    result = cli("check", "docs/incidents/doc.md", "--format", "json", *STANDALONE_ARGS, *args,
                 cwd=tmp_path)
    assert result.exit_code in (0, 1), result.err
    found: list[dict[str, Any]] = result.json()
    return found


def codes_at(found: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(f["line"], f["code"]) for f in found]


def test_disable_next_line_silences_that_line_only(cli: Cli, tmp_path: Path) -> None:
    assert codes_at(findings(cli, tmp_path, NUMBERING)) == [(17, "AOS105"), (21, "AOS105")]
    text = insert_before(NUMBERING, "## 4. Root Cause",
                         "<!-- aoslint-disable-next-line AOS105 -->")
    assert codes_at(findings(cli, tmp_path, text)) == [(22, "AOS105")]


def test_disable_line_accepts_names_and_keeps_the_header_value(cli: Cli, tmp_path: Path) -> None:
    text = GOOD_PM.replace("Severity: HIGH",
                           "Severity: URGENT <!-- aoslint-disable-line invalid-metadata -->")
    assert findings(cli, tmp_path, text) == []
    # Without the comment the same value is a finding at that line.
    plain = findings(cli, tmp_path, GOOD_PM.replace("Severity: HIGH", "Severity: URGENT"))
    assert codes_at(plain) == [(5, "AOS201")]


def test_disable_enable_region_by_name_and_prefix(cli: Cli, tmp_path: Path) -> None:
    before = codes_at(findings(cli, tmp_path, PLACEHOLDERS))
    assert before.count((3, "AOS107")) == 1 and (15, "AOS107") in before
    text = insert_before(PLACEHOLDERS, "Incident ID:",
                         "<!-- aoslint-disable unfilled-placeholder -->")
    text = insert_before(text, "## 1. Situation", "<!-- aoslint-enable AOS1 -->")
    after = codes_at(findings(cli, tmp_path, text))
    # The header's four placeholders are silenced; the body's are still reported.
    assert [code for line, code in after if line < 10] == []
    assert sorted(after) == [(13, "AOS107"), (15, "AOS102"), (17, "AOS107")]


def test_disable_without_enable_runs_to_the_end(cli: Cli, tmp_path: Path) -> None:
    text = insert_before(PLACEHOLDERS, "## 2. Immediate", "<!-- aoslint-disable all -->")
    after = codes_at(findings(cli, tmp_path, text))
    assert all(line < 13 for line, _ in after)
    assert len(after) == 5


def test_disable_file_silences_file_level_findings_with_a_reason(cli: Cli,
                                                                 tmp_path: Path) -> None:
    text = MISSING + ("\n<!-- aoslint-disable-file missing-section -- impact and cause are "
                      "tracked in OPS-12 -->\n")
    assert findings(cli, tmp_path, text) == []
    result = cli("check", "docs/incidents/doc.md", *STANDALONE_ARGS, cwd=tmp_path)
    assert result.exit_code == 0 and "all good" in result.out


def test_a_suppression_that_silences_nothing_is_reported(cli: Cli, tmp_path: Path) -> None:
    text = insert_before(GOOD_PM, "## 2. Timeline",
                         "<!-- aoslint-disable-next-line section-numbering -->")
    found = findings(cli, tmp_path, text)
    assert [(f["line"], f["column"], f["code"], f["name"], f["severity"]) for f in found] == [
        (16, 1, "AOS904", "unused-suppression", "warning")]
    assert found[0]["message"] == ("aoslint-disable-next-line silences nothing "
                                   "(unused: section-numbering)")
    result = cli("check", "docs/incidents/doc.md", "--color", "never", cwd=tmp_path)
    assert result.exit_code == 0  # a warning: a stale comment does not fail CI by itself
    assert "doc.md:16:1: AOS904 warning: aoslint-disable-next-line silences nothing" in result.out


def test_only_the_unused_codes_of_a_directive_are_named(cli: Cli, tmp_path: Path) -> None:
    text = insert_before(NUMBERING, "## 4. Root Cause",
                         "<!-- aoslint-disable-next-line AOS105, AOS107 -->")
    found = findings(cli, tmp_path, text)
    assert codes_at(found) == [(17, "AOS904"), (22, "AOS105")]
    assert found[0]["message"] == "aoslint-disable-next-line: AOS107 silences nothing"


def test_a_disable_later_re_enabled_before_any_finding_is_unused(cli: Cli,
                                                                 tmp_path: Path) -> None:
    text = insert_before(NUMBERING, "## 2. Timeline", "<!-- aoslint-disable AOS105 -->")
    text = insert_before(text, "- `10:00 UTC`", "<!-- aoslint-enable AOS105 -->")
    assert codes_at(findings(cli, tmp_path, text)) == [
        (11, "AOS904"), (19, "AOS105"), (23, "AOS105")]


def test_unknown_codes_misspelt_directives_and_lone_enables_are_reported(
        cli: Cli, tmp_path: Path) -> None:
    text = GOOD_PM + ("\n<!-- aoslint-disable AOS999 -->\n"
                      "<!-- aoslint-disable-nextline AOS101 -->\n"
                      "<!-- aoslint-enable -->\n")
    found = findings(cli, tmp_path, text)
    messages = [f["message"] for f in found]
    assert [f["code"] for f in found] == ["AOS904"] * 3
    assert "'AOS999' matches no rule code, prefix or name" in messages[0]
    assert messages[1].startswith("unknown directive 'aoslint-disable-nextline'")
    assert messages[2] == "aoslint-enable has no aoslint-disable to end"


def test_a_misspelt_name_in_a_directive_is_a_finding_with_a_suggestion(
        cli: Cli, tmp_path: Path) -> None:
    text = GOOD_PM + "\n<!-- aoslint-disable-next-line sectoin-numbering -->\n"
    found = findings(cli, tmp_path, text)
    assert [(f["code"], f["line"]) for f in found] == [
        ("AOS904", len(GOOD_PM.splitlines()) + 2)]
    assert found[0]["message"] == (
        "aoslint-disable-next-line: 'sectoin-numbering' matches no rule code, prefix or "
        "name; did you mean 'section-numbering'?")


def test_unused_suppression_itself_cannot_be_silenced_inline(cli: Cli, tmp_path: Path) -> None:
    text = GOOD_PM + "\n<!-- aoslint-disable-file AOS904, AOS999 -->\n"
    found = findings(cli, tmp_path, text)
    assert [f["message"] for f in found] == [
        "aoslint-disable-file: 'AOS999' matches no rule code, prefix or name; "
        "did you mean 'AOS9'?",
        "aoslint-disable-file: unused-suppression cannot be silenced inline"]
    assert "ignore AOS904 in the config" in found[1]["hint"]
    write_tree(tmp_path, {".aoslint.toml": 'ignore = ["AOS904"]\n'})
    assert findings(cli, tmp_path, text) == []


def test_examples_in_code_blocks_and_code_spans_are_not_directives(cli: Cli,
                                                                   tmp_path: Path) -> None:
    example = ("\nSilence one line with `<!-- aoslint-disable-next-line AOS105 -->`:\n\n"
               "```markdown\n<!-- aoslint-disable-file -->\n```\n\n"
               "    <!-- aoslint-disable-file -->\n")
    text = NUMBERING.replace("Clean up lock files on failure.\n",
                             "Clean up lock files on failure.\n" + example)
    assert codes_at(findings(cli, tmp_path, text)) == [(17, "AOS105"), (21, "AOS105")]


def test_no_inline_config_ignores_every_directive(cli: Cli, tmp_path: Path) -> None:
    text = MISSING + "\n<!-- aoslint-disable-file AOS101 -->\n<!-- aoslint-disable AOS999 -->\n"
    assert [f["code"] for f in findings(cli, tmp_path, text)] == ["AOS904"]  # the AOS999
    raw = findings(cli, tmp_path, text, "--no-inline-config")
    assert codes_at(raw) == [(6, "AOS101"), (12, "AOS101")]


def test_a_deselected_code_does_not_make_its_directive_unused(cli: Cli, tmp_path: Path) -> None:
    text = insert_before(NUMBERING, "## 4. Root Cause",
                         "<!-- aoslint-disable-next-line AOS105 -->")
    assert codes_at(findings(cli, tmp_path, text, "--ignore", "AOS105")) == []
    assert findings(cli, tmp_path, text, "--select", "AOS904") == []


def test_unused_suppression_is_a_documented_rule(cli: Cli) -> None:
    result = cli("rule", "unused-suppression")
    assert result.exit_code == 0
    assert result.out.startswith("AOS904 unused-suppression (configuration and tool, "
                                 "default severity warning)")


# Closure gates: the STOP rule cannot be waived by the document that claims closure.

GATE = Rule(code="AOS698", name="test-closure-gate", summary="A closure gate (test double).",
            severity=Severity.ERROR, explanation="Test.", example="Test.", fix="Test.",
            closure_gate=True)


@pytest.fixture
def closure_gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Rule]:
    """A registered closure-gate rule and a check that reports it on every closed document."""
    monkeypatch.setitem(RULES, GATE.code, GATE)

    def gate_check(ctx: CheckContext) -> Iterator[Diagnostic]:
        status = ctx.document.field("status")
        if ctx.closed and status is not None:
            yield GATE.diagnostic(ctx.path, status.line, 1,
                                  "closure claimed without QA verification")

    monkeypatch.setattr(aoslint.runner, "DOCUMENT_CHECKS",
                        (*aoslint.runner.DOCUMENT_CHECKS, gate_check))
    yield GATE


@pytest.mark.parametrize("directive", [
    "<!-- aoslint-disable-file AOS698 -->",
    "<!-- aoslint-disable-file test-closure-gate -->",
    "<!-- aoslint-disable-next-line AOS6 -->",
])
def test_closure_gates_cannot_be_silenced_by_the_document(
        cli: Cli, tmp_path: Path, closure_gate: Rule, directive: str) -> None:
    text = insert_before(GOOD_PM, "Status: CLOSED", directive)
    found = findings(cli, tmp_path, text)
    assert [f["code"] for f in found] == ["AOS904", "AOS698"]
    assert found[0]["message"] == (f"{directive.split()[1]} cannot silence the closure gate "
                                   "AOS698: a document must not vouch for its own closure")
    assert "allow-closure-suppression = true" in found[0]["hint"]
    result = cli("check", "docs/incidents/doc.md", cwd=tmp_path)
    assert result.exit_code == 1


def test_disable_all_silences_the_rest_but_not_the_closure_gate(
        cli: Cli, tmp_path: Path, closure_gate: Rule) -> None:
    text = GOOD_PM.replace("Severity: HIGH", "Severity: URGENT") + "<!-- aoslint-disable-file -->\n"
    found = findings(cli, tmp_path, text)
    assert sorted(f["code"] for f in found) == ["AOS698", "AOS904"]


def test_the_config_may_allow_closure_suppression(cli: Cli, tmp_path: Path,
                                                  closure_gate: Rule) -> None:
    write_tree(tmp_path, {".aoslint.toml": "allow-closure-suppression = true\n"})
    text = insert_before(GOOD_PM, "Status: CLOSED", "<!-- aoslint-disable-next-line AOS698 -->")
    assert findings(cli, tmp_path, text) == []
    write_tree(tmp_path, {".aoslint.toml": 'allow-closure-suppression = "yes"\n'})
    result = cli("check", "docs/incidents/doc.md", cwd=tmp_path)
    assert result.exit_code == 2
    assert "'allow-closure-suppression' must be of type boolean" in result.err


def test_apply_suppressions_with_an_existing_rule_marked_as_a_gate() -> None:
    rules = {r.code: r for r in all_rules()}
    rules["AOS101"] = replace(rules["AOS101"], closure_gate=True)
    text = "# Postmortem: x\n\n<!-- aoslint-disable-file AOS101,AOS102 -->\n"
    parsed = parse_source(Source(Path("x.md"), "x.md", text))
    gate = rules["AOS101"].diagnostic("x.md", 1, 1, "missing")
    other = rules["AOS102"].diagnostic("x.md", 2, 1, "empty")
    blocked = apply_suppressions(parsed, [gate, other], rules)
    assert blocked.kept == [gate] and blocked.silenced == [other]
    assert [p.message for p in blocked.problems] == [
        "aoslint-disable-file cannot silence the closure gate AOS101: "
        "a document must not vouch for its own closure"]
    allowed = apply_suppressions(parsed, [gate, other], rules, allow_closure=True)
    assert allowed.kept == [] and allowed.problems == []


def test_each_directive_problem_comes_back_as_a_value_of_its_kind() -> None:
    rules = {r.code: r for r in all_rules()}
    text = ("# Postmortem: x\n\n<!-- aoslint-disable-nextline AOS101 -->\n"
            "<!-- aoslint-disable AOS999 -->\n<!-- aoslint-disable-line unused-suppression -->\n"
            "<!-- aoslint-enable AOS102 -->\n<!-- aoslint-disable-file AOS103 -->\n")
    parsed = parse_source(Source(Path("x.md"), "x.md", text))
    result = apply_suppressions(parsed, [], rules)
    assert [(p.kind, p.line) for p in result.problems] == [
        (DirectiveKind.UNKNOWN_DIRECTIVE, 3), (DirectiveKind.UNKNOWN_SELECTOR, 4),
        (DirectiveKind.NOT_SUPPRESSIBLE, 5), (DirectiveKind.NOTHING_TO_ENABLE, 6),
        (DirectiveKind.UNUSED, 7)]
    assert result.problems[2].hint == "ignore AOS904 in the config, or remove the directive " \
        "it reports"


def test_directives_are_found_with_their_position_and_codes() -> None:
    text = ("---\ntitle: <!-- aoslint-disable-file -->\n---\n# T\n\n"
            "Text <!-- aoslint-disable-line AOS101 AOS102,missing-section -->\n"
            "<!--aoslint-disable-file ALL-->\n")
    parsed = parse_source(Source(Path("x.md"), "x.md", text))
    found = [(d.kind, d.line, d.column, d.selectors) for d in find_directives(parsed)]
    assert found == [("disable-line", 6, 6, ("AOS101", "AOS102", "missing-section")),
                     ("disable-file", 7, 1, ())]


def test_verbose_says_how_many_findings_were_silenced(cli: Cli, tmp_path: Path) -> None:
    text = MISSING + "\n<!-- aoslint-disable-file AOS101 -->\n"
    write_tree(tmp_path, {"docs/incidents/doc.md": text})
    result = cli("check", "-v", "docs/incidents/doc.md", cwd=tmp_path)
    assert "docs/incidents/doc.md: 2 findings silenced inline" in result.err
