"""The CI formats, checked as their consumers read them.

Rules are built here rather than taken from the registry, so these tests do not depend on
which checks exist.
"""

from __future__ import annotations

import json
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from jsonschema import FormatChecker
from jsonschema.validators import validator_for
from msgspec.structs import replace

from aoslint import links
from aoslint.checks import all_rules
from aoslint.diagnostics import Diagnostic, Severity
from aoslint.links import repository_url
from aoslint.registry import Rule
from aoslint.reporters import FORMATS, RenderContext, get_renderer
from tests.conftest import STANDALONE_ARGS, CliResult, git, write_tree

Cli = Callable[..., CliResult]

SCHEMA_PATH = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"

MISSING = Rule(
    code="AOS101",
    name="missing-section",
    summary="A required section is missing.",
    severity=Severity.ERROR,
    explanation="Every postmortem needs the sections readers look for.",
    example="# Incident\n\n```text\nno impact section\n```",
    fix="Add the missing section.",
    policy="Postmortems state impact, timeline and action items.",
)
ORDER = Rule(
    code="AOS301",
    name="timeline-order",
    summary="Timeline entries are out of order.",
    severity=Severity.WARNING,
    explanation="A timeline is read top to bottom.",
    example="- 10:05 fixed\n- 10:00 detected",
    fix="Sort the entries by time.",
)
OWNER = Rule(
    code="AOS201",
    name="owner-format",
    summary="The owner is not a handle.",
    severity=Severity.INFO,
    explanation="Owners are people, reachable by handle.",
    example="owner: the team",
    fix="Use @handle.",
)
UNUSED = Rule(
    code="AOS601",
    name="closure-date",
    summary="Closed without a date.",
    severity=Severity.ERROR,
    explanation="A closed postmortem says when it closed.",
    example="status: closed",
    fix="Add closed: YYYY-MM-DD.",
)
RULES = {rule.code: rule for rule in (ORDER, MISSING, UNUSED, OWNER)}


def context(**changes: Any) -> RenderContext:
    base = RenderContext(rules=RULES, checked_files=3, tool_version="9.8.7")
    return replace(base, **changes)


@pytest.fixture
def findings() -> list[Diagnostic]:
    return [
        MISSING.diagnostic("docs/pm/2024-01-db.md", 1, 1, "missing section: Impact"),
        ORDER.diagnostic(
            "docs/pm/2024-01-db.md", 12, 3, "entry 10:00 comes after 10:05",
            hint="move it up", end_line=14,
        ),
        OWNER.diagnostic("docs/pm/2024-02 cache.md", 4, 8, "owner 'the team' is not a handle"),
        # Built directly: a whole-document finding may carry line 0 and no hint.
        Diagnostic("docs/pm/2024-02 cache.md", 0, 0, "AOS101", "missing-section",
                   Severity.ERROR, "missing section: Timeline"),
    ]


def render(fmt: str, diagnostics: list[Diagnostic], ctx: RenderContext | None = None) -> str:
    return get_renderer(fmt)(diagnostics, ctx or context())


# --- registration -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit", "gitlab"])
def test_formats_are_registered(fmt: str) -> None:
    assert fmt in FORMATS
    assert isinstance(render(fmt, []), str)


# --- SARIF --------------------------------------------------------------------------------


def sarif(diagnostics: list[Diagnostic], ctx: RenderContext | None = None) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render("sarif", diagnostics, ctx))
    return log


def uri_checker() -> FormatChecker:
    """The schema's ``uri`` formats, checked without optional packages.

    jsonschema checks ``uri`` only when ``rfc3987`` is installed; this stand-in catches
    what matters here: an absolute URI has a scheme, and no URI holds raw whitespace.
    """

    def is_uri(value: object) -> bool:
        return not isinstance(value, str) or (
            bool(urlsplit(value).scheme) and is_uri_reference(value)
        )

    def is_uri_reference(value: object) -> bool:
        return not isinstance(value, str) or not any(c.isspace() for c in value)

    checker = FormatChecker()
    checker.checks("uri")(is_uri)
    checker.checks("uri-reference")(is_uri_reference)
    return checker


def assert_valid_sarif(log: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=uri_checker())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_sarif_validates_against_the_official_schema(findings: list[Diagnostic]) -> None:
    log = sarif(findings)
    assert_valid_sarif(log)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1


def test_sarif_without_findings_is_valid_and_still_lists_rules() -> None:
    log = sarif([])
    assert_valid_sarif(log)
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(RULES)


def test_sarif_driver_lists_every_rule_with_its_documentation(
    findings: list[Diagnostic],
) -> None:
    driver = sarif(findings)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "aoslint"
    assert driver["version"] == "9.8.7"
    assert driver["informationUri"].endswith("/docs/rules/README.md")
    by_id = {rule["id"]: rule for rule in driver["rules"]}
    assert set(by_id) == set(RULES)  # the unused rule too
    missing = by_id["AOS101"]
    assert missing["name"] == "missing-section"
    assert missing["shortDescription"]["text"] == MISSING.summary
    assert missing["fullDescription"]["text"] == MISSING.explanation
    assert missing["defaultConfiguration"]["level"] == "error"
    assert by_id["AOS301"]["defaultConfiguration"]["level"] == "warning"
    assert by_id["AOS201"]["defaultConfiguration"]["level"] == "note"
    for part in (MISSING.explanation, MISSING.example, MISSING.fix, MISSING.policy):
        assert part in missing["help"]["text"]
    markdown = missing["help"]["markdown"]
    assert f"> {MISSING.policy}" in markdown
    # The example holds a ``` fence, so it is wrapped in a longer one.
    assert f"````markdown\n{MISSING.example}\n````" in markdown
    assert "Policy" not in by_id["AOS301"]["help"]["text"]


def test_sarif_results_point_at_their_rule(findings: list[Diagnostic]) -> None:
    run = sarif(findings)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(findings)
    for result, diag in zip(run["results"], findings, strict=True):
        assert result["ruleId"] == diag.code
        assert rules[result["ruleIndex"]]["id"] == diag.code
    assert [r["level"] for r in run["results"]] == ["error", "warning", "note", "error"]


def test_sarif_result_message_location_and_region(findings: list[Diagnostic]) -> None:
    results = sarif(findings)["runs"][0]["results"]
    order = results[1]
    assert order["message"]["text"] == "entry 10:00 comes after 10:05\nhint: move it up"
    location = order["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "docs/pm/2024-01-db.md",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["region"] == {"startLine": 12, "startColumn": 3, "endLine": 14}
    # A space in the path is percent-encoded; line 0 becomes the first line.
    whole = results[3]["locations"][0]["physicalLocation"]
    assert whole["artifactLocation"]["uri"] == "docs/pm/2024-02%20cache.md"
    assert whole["region"] == {"startLine": 1, "startColumn": 1, "endLine": 1}
    assert results[3]["message"]["text"] == "missing section: Timeline"


def test_sarif_absolute_path_under_the_working_directory_becomes_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    absolute = str(tmp_path / "docs" / "pm.md")
    outside = "/elsewhere/pm.md"
    log = sarif([MISSING.diagnostic(absolute, 2, 1, "m"), MISSING.diagnostic(outside, 2, 1, "m")])
    assert_valid_sarif(log)
    inside, other = (
        r["locations"][0]["physicalLocation"]["artifactLocation"]
        for r in log["runs"][0]["results"]
    )
    assert inside == {"uri": "docs/pm.md", "uriBaseId": "%SRCROOT%"}
    assert other == {"uri": "file:///elsewhere/pm.md"}


def test_sarif_finding_of_an_unknown_rule_gets_a_valid_rule_index() -> None:
    stray = Diagnostic("a.md", 1, 1, "AOS901", "config-error", Severity.ERROR, "bad config")
    run = sarif([stray])["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert rules[run["results"][0]["ruleIndex"]]["id"] == "AOS901"
    assert_valid_sarif(sarif([stray]))


def fingerprints_of(log: dict[str, Any]) -> list[str]:
    return [
        next(iter(r["partialFingerprints"].values())) for r in log["runs"][0]["results"]
    ]


def test_sarif_fingerprints_survive_a_move_but_not_a_change(findings: list[Diagnostic]) -> None:
    before = fingerprints_of(sarif(findings))
    moved = [replace(d, line=d.line + 7, end_line=None) for d in findings]
    assert fingerprints_of(sarif(moved)) == before
    assert fingerprints_of(sarif(findings)) == before  # deterministic across runs
    changed = [replace(findings[0], message="missing section: Summary"), *findings[1:]]
    assert fingerprints_of(sarif(changed))[0] != before[0]
    assert len(set(before)) == len(before)


def test_identical_findings_in_one_document_keep_distinct_fingerprints() -> None:
    first = ORDER.diagnostic("pm.md", 5, 1, "entry out of order")
    second = ORDER.diagnostic("pm.md", 9, 1, "entry out of order")
    prints = fingerprints_of(sarif([first, second]))
    assert prints[0] != prints[1]
    shifted = [replace(first, line=6), replace(second, line=10)]
    assert fingerprints_of(sarif(shifted)) == prints


# --- GitHub Actions -----------------------------------------------------------------------


def test_github_annotation_escapes_properties_and_message() -> None:
    tricky = Rule("AOS102", "title:case,check", "s", Severity.ERROR, "e", "x", "f")
    diag = tricky.diagnostic(
        "docs/a,b:c.md", 3, 2, "50% done, at 10:00\nsecond line\r",
        hint="use 100%: done", end_line=4,
    )
    line = render("github", [diag])
    assert line == (
        "::error file=docs/a%2Cb%3Ac.md,line=3,col=2,endLine=4,"
        "title=AOS102 title%3Acase%2Ccheck"
        "::50%25 done, at 10:00%0Asecond line%0D%0Ahint: use 100%25: done\n"
    )


def test_github_command_follows_severity(findings: list[Diagnostic]) -> None:
    lines = render("github", findings).splitlines()
    assert len(lines) == len(findings)
    assert lines[0] == (
        "::error file=docs/pm/2024-01-db.md,line=1,col=1,endLine=1,"
        "title=AOS101 missing-section::missing section: Impact%0Ahint: Add the missing section."
    )
    assert lines[1].startswith("::warning file=docs/pm/2024-01-db.md,line=12,col=3,endLine=14,")
    assert lines[2].startswith("::notice file=docs/pm/2024-02 cache.md,line=4,col=8,")
    # Line 0 is reported on line 1; no hint means no hint text.
    assert lines[3] == (
        "::error file=docs/pm/2024-02 cache.md,line=1,col=1,endLine=1,"
        "title=AOS101 missing-section::missing section: Timeline"
    )


def test_github_without_findings_prints_nothing() -> None:
    assert render("github", []) == ""


# --- JUnit --------------------------------------------------------------------------------


def junit(diagnostics: list[Diagnostic], ctx: RenderContext | None = None) -> ET.Element:
    return ET.fromstring(render("junit", diagnostics, ctx))


def test_junit_counts_documents_and_failures(findings: list[Diagnostic]) -> None:
    ctx = context(checked_paths=("docs/pm/2024-01-db.md", "docs/pm/2024-02 cache.md",
                                 "docs/pm/2024-03-ok.md"))
    root = junit(findings, ctx)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    for element in (root, suite):
        assert element.get("tests") == "3"
        assert element.get("failures") == "2"
        assert element.get("errors") == "0"
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == set(ctx.checked_paths)
    first = cases["docs/pm/2024-01-db.md"]
    assert len(first.findall("failure")) == 1
    assert "AOS301" in (first.findtext("system-out") or "")  # the warning stays visible
    second = cases["docs/pm/2024-02 cache.md"]
    assert len(second.findall("failure")) == 1
    assert "owner-format" in (second.findtext("system-out") or "")
    passing = cases["docs/pm/2024-03-ok.md"]
    assert list(passing) == []


def test_junit_special_characters_survive() -> None:
    message = 'section <Impact> & "Timeline" missing \'here\''
    diag = MISSING.diagnostic("docs/<odd> & 'name'.md", 2, 1, message, hint="add <h2> & go")
    root = junit([diag])
    case = root.find("testsuite/testcase")
    assert case is not None
    assert case.get("name") == "docs/<odd> & 'name'.md"
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "AOS101 missing-section"
    assert failure.get("message") == f"line 2: AOS101 {message}"
    assert failure.text is not None
    assert message in failure.text
    assert "hint: add <h2> & go" in failure.text


def test_junit_replaces_characters_xml_cannot_hold() -> None:
    diag = MISSING.diagnostic("pm.md", 1, 1, "bell \x07 in text")
    failure = junit([diag]).find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == "line 1: AOS101 bell \ufffd in text"


def test_junit_without_findings_is_valid_and_counts_checked_documents() -> None:
    ctx = context(checked_files=2, checked_paths=("a.md", "b.md"))
    root = junit([], ctx)
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("tests") == "2"
    assert suite.get("failures") == "0"
    assert [case.get("name") for case in suite.findall("testcase")] == ["a.md", "b.md"]
    # Without the paths, the count still reflects how many documents were checked.
    bare = junit([], context(checked_files=5))
    assert bare.get("tests") == "5"
    assert bare.get("failures") == "0"


# --- GitLab Code Quality ------------------------------------------------------------------


def gitlab(diagnostics: list[Diagnostic]) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = json.loads(render("gitlab", diagnostics))
    return issues


def test_gitlab_issues_have_the_required_keys(findings: list[Diagnostic]) -> None:
    issues = gitlab(findings)
    assert len(issues) == len(findings)
    for issue, diag in zip(issues, findings, strict=True):
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert isinstance(issue["description"], str) and diag.message in issue["description"]
        assert issue["check_name"] == diag.code
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(issue["location"]["path"], str)
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert issue["location"]["lines"]["begin"] >= 1
    assert [i["severity"] for i in issues] == ["major", "minor", "info", "major"]
    assert issues[2]["location"] == {"path": "docs/pm/2024-02 cache.md", "lines": {"begin": 4}}


def test_gitlab_fingerprints_are_unique_and_survive_a_move(findings: list[Diagnostic]) -> None:
    twin = replace(findings[1], line=30)  # same text, same document, later line
    issues = gitlab([*findings, twin])
    prints = [issue["fingerprint"] for issue in issues]
    assert len(set(prints)) == len(prints)
    moved = gitlab([replace(d, line=d.line + 3) for d in [*findings, twin]])
    assert [issue["fingerprint"] for issue in moved] == prints


def test_gitlab_without_findings_is_an_empty_list() -> None:
    assert gitlab([]) == []


def test_ci_paths_start_at_the_repository_root_whatever_the_working_directory(
        cli: Cli, tmp_path: Path) -> None:
    bad = (Path(__file__).parent / "fixtures" / "bad" / "missing-section.md").read_text()
    document = "docs/incidents/INC-20261115-002/postmortem.md"
    root = write_tree(tmp_path / "repo", {document: bad})
    git(root, "init", "-q")
    here = root / "docs"
    args = ("check", *STANDALONE_ARGS)

    text = cli(*args, cwd=here).out
    assert text.startswith("incidents/INC-20261115-002/postmortem.md:6:1: AOS101 ")  # like ruff

    log = json.loads(cli(*args, "--format", "sarif", cwd=here).out)
    assert_valid_sarif(log)
    run = log["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == f"{root.resolve().as_uri()}/"
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in run["results"]} == {document}
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"]
            for r in run["results"]} == {"%SRCROOT%"}

    github = cli(*args, "--format", "github", cwd=here).out.splitlines()
    assert github and all(line.startswith(f"::error file={document},") for line in github)
    gitlab = json.loads(cli(*args, "--format", "gitlab", cwd=here).out)
    assert {issue["location"]["path"] for issue in gitlab} == {document}
    junit = ET.fromstring(cli(*args, "--format", "junit", cwd=here).out)
    assert [case.get("file") for case in junit.iter("testcase")] == [document]
    failure = next(junit.iter("failure"))
    assert (failure.text or "").startswith(f"{document}:6:1: AOS101 ")
    # The same findings keep their identity when run from the root.
    from_root = json.loads(cli(*args, "--format", "gitlab", cwd=root).out)
    assert [i["fingerprint"] for i in from_root] == [i["fingerprint"] for i in gitlab]


def test_sarif_links_every_rule_to_its_page_in_this_repository() -> None:
    project = Path(__file__).parent.parent
    declared = tomllib.loads((project / "pyproject.toml").read_text())["project"]["urls"]
    base = declared["Repository"].rstrip("/")
    assert repository_url() == base, "installed metadata is stale: pip install -e ."
    prefix = f"{base}/blob/main/"
    rules = {r.code: r for r in all_rules()}
    driver = sarif([], RenderContext(rules=rules))["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == f"{prefix}docs/rules/README.md"
    assert len(driver["rules"]) == len(rules)
    for descriptor in [driver, *driver["rules"]]:
        uri = descriptor.get("helpUri", descriptor.get("informationUri"))
        assert uri.startswith(prefix)
        assert (project / uri.removeprefix(prefix)).is_file(), uri
    for descriptor in driver["rules"]:
        item = rules[descriptor["id"]]
        assert descriptor["helpUri"] == f"{prefix}docs/rules/{item.code}.md"
        assert descriptor["fullDescription"]["text"] == item.explanation


def test_sarif_without_a_declared_repository_links_nowhere(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(links, "repository_url", lambda: None)
    log = sarif([MISSING.diagnostic("docs/pm.md", 1, 1, "m")])
    assert_valid_sarif(log)
    driver = log["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver
    assert all("helpUri" not in rule for rule in driver["rules"])
