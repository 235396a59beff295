"""Every registered rule is proven to fire: by a fixture document that marks the
finding, or by a scenario on real files that declares it with ``@covers``."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import tests
from aoslint.checks import all_rules
from aoslint.runner import run_check
from tests.conftest import FIXTURES
from tests.coverage import COVERED, covers
from tests.test_fixtures import expected_findings


def fixture_codes() -> dict[str, list[str]]:
    """Each code some bad fixture expects, with the fixtures that expect it."""
    found: dict[str, list[str]] = {}
    for path in sorted((FIXTURES / "bad").glob("*.md")):
        for _, code in expected_findings(path):
            found.setdefault(code, []).append(path.name)
    return found


def scenario_codes() -> dict[str, set[str]]:
    """Each code a scenario declares it covers (importing every test module)."""
    for info in pkgutil.iter_modules(tests.__path__, "tests."):
        if info.name.startswith("tests.test_"):
            importlib.import_module(info.name)
    return dict(COVERED)


def test_every_rule_has_a_fixture_or_a_scenario() -> None:
    documents, scenarios = fixture_codes(), scenario_codes()
    missing = [f"{item.code} {item.name} (needs {item.needs})" for item in all_rules()
               if item.code not in documents and item.code not in scenarios]
    assert missing == [], (
        "no test shows these rules firing; add a tests/fixtures/bad/ document with an "
        "'expect: CODE' marker, or a scenario marked @covers(\"CODE\"): " + ", ".join(missing))


def test_rules_beyond_one_document_are_proven_on_real_repositories() -> None:
    """A fixture is checked alone, so a rule needing more must have a scenario."""
    scenarios = scenario_codes()
    for item in all_rules():
        if item.needs != "document":
            assert item.code in scenarios, f"{item.code} needs {item.needs}: no @covers scenario"


def test_scenarios_name_registered_codes_only() -> None:
    known = {item.code for item in all_rules()}
    assert set(scenario_codes()) <= known
    assert set(fixture_codes()) <= known


def test_a_scenario_is_held_to_what_it_claims(tmp_path: Path) -> None:
    (tmp_path / "pm.md").write_text("# Postmortem: nothing in it\n", encoding="utf-8")

    @covers("AOS101", "AOS515")  # AOS101 fires here, AOS515 never does
    def overclaiming() -> None:
        codes = {d.code for d in run_check([tmp_path / "pm.md"], git=False).diagnostics}
        assert "AOS101" in codes and "AOS515" not in codes

    with pytest.raises(AssertionError, match=r"claims to cover \['AOS515'\], never reported"):
        overclaiming()
    with pytest.raises(ValueError, match="never names it"):
        @covers("AOS404")
        def silent() -> None:
            pass
    with pytest.raises(ValueError, match="names no rule: AOS999"):
        covers("AOS999")
