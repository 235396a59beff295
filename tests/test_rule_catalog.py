"""The one rule table in :mod:`aoslint.checks` holds every rule a module defines."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import aoslint
from aoslint.checks import RULES, find_rule, suppression_checks
from aoslint.checks.bad_input import finding
from aoslint.diagnostics import Severity
from aoslint.document.problems import DirectiveKind, DirectiveProblem, InputKind, InputProblem
from aoslint.registry import Rule, catalog, rule


def defined_rules() -> dict[str, Rule]:
    """Every Rule bound to a module-level name anywhere in the package."""
    found: dict[str, Rule] = {}
    for info in pkgutil.walk_packages(aoslint.__path__, "aoslint."):
        if info.name in ("aoslint.__main__",):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, Rule):
                found[f"{info.name}.{name}"] = value
    return found


def test_every_defined_rule_is_in_the_table() -> None:
    missing = sorted(where for where, item in defined_rules().items()
                     if RULES.get(item.code) is not item)
    assert missing == [], "add these to their family's RULES: " + ", ".join(missing)


def test_rules_are_defined_only_under_checks() -> None:
    bindings = defined_rules()  # a module that uses a rule binds it too: look for a check's
    in_checks = {id(item) for where, item in bindings.items()
                 if where.startswith("aoslint.checks.")}
    outside = sorted(where for where, item in bindings.items() if id(item) not in in_checks)
    assert outside == [], "define these in their family's module under aoslint/checks/: " + \
        ", ".join(outside)


def test_the_table_is_in_code_order_and_found_by_code_or_name() -> None:
    assert list(RULES) == sorted(RULES)
    assert find_rule("aos101") is RULES["AOS101"]
    assert find_rule("missing-section") is RULES["AOS101"]
    assert find_rule("AOS000") is None


def test_a_code_or_name_defined_twice_is_refused() -> None:
    first = rule("AOS990", "some-rule", "s", explanation="e", example="x", fix="f")
    same_code = rule("AOS990", "other-rule", "s", explanation="e", example="x", fix="f")
    same_name = rule("AOS991", "some-rule", "s", severity=Severity.WARNING,
                     explanation="e", example="x", fix="f")
    for twice in (same_code, same_name):
        with pytest.raises(ValueError, match="defined twice"):
            catalog((first, twice))


def test_each_kind_of_bad_input_is_reported_by_its_own_rule_at_its_place() -> None:
    found = [finding(InputProblem(kind, "docs/a.md", 3, 4, f"{kind} here")) for kind in InputKind]
    assert len({f.code for f in found}) == len(InputKind)
    assert all(f.code in RULES and (f.path, f.line, f.column) == ("docs/a.md", 3, 4)
               for f in found)
    assert [f.message for f in found] == [f"{kind} here" for kind in InputKind]


def test_each_kind_of_directive_problem_is_reported_at_the_directive_with_its_hint() -> None:
    found = [suppression_checks.finding(DirectiveProblem(kind, "docs/a.md", 5, 2, f"{kind} here"))
             for kind in DirectiveKind]
    assert {f.code for f in found} == {"AOS904"}
    assert all((f.path, f.line, f.column, f.severity) == ("docs/a.md", 5, 2, Severity.WARNING)
               for f in found)
    assert [f.message for f in found] == [f"{kind} here" for kind in DirectiveKind]
    assert {f.hint for f in found} == {RULES["AOS904"].fix}
    hinted = DirectiveProblem(DirectiveKind.NOT_SUPPRESSIBLE, "a.md", 1, 1, "m", hint="do this")
    assert suppression_checks.finding(hinted).hint == "do this"
