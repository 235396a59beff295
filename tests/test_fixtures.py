"""Fixture documents carry their expected findings next to the lines that cause them.

A marker ``expect: AOS101`` (in an HTML or YAML comment) on a line says that
line must get that finding; ``expect: AOS201@1`` names another line. Good
fixtures carry no marker and must come out clean: no errors, no warnings.
Fixtures under ``generic/`` are postmortems as teams outside AOS write them,
checked with the generic profile.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from aoslint.diagnostics import Severity
from aoslint.runner import run_check
from tests.conftest import FIXTURES

# Fixtures are single documents outside any AOS repository: the checks that join
# a repository's documents (AOS404-AOS407) and those that need its rules and git
# history (AOS5xx, AOS604, AOS605) are tested on real repositories elsewhere.
SINGLE_DOCUMENT: dict[str, Any] = {
    "ignore": ["AOS404", "AOS405", "AOS406", "AOS407", "AOS5", "AOS604", "AOS605"],
    "git": False,
}  # unlike conftest.STANDALONE, the closure gates a document can see alone stay in
# "info" findings are pending gates of open documents, not failures.
REPORTED = (Severity.ERROR, Severity.WARNING)
MARKER = re.compile(r"expect:\s*((?:AOS\d{3}(?:@\d+)?[\s,]*)+)")


def expected_findings(path: Path) -> Counter[tuple[int, str]]:
    found: Counter[tuple[int, str]] = Counter()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for match in MARKER.finditer(line):
            for item in re.findall(r"AOS\d{3}(?:@\d+)?", match.group(1)):
                code, _, at = item.partition("@")
                found[(int(at) if at else number, code)] += 1
    return found


def actual_findings(path: Path, **options: Any) -> Counter[tuple[int, str]]:
    result = run_check([path], **(SINGLE_DOCUMENT | options))
    return Counter((d.line, d.code) for d in result.diagnostics if d.severity in REPORTED)


@pytest.mark.parametrize("path", sorted((FIXTURES / "good").glob("*.md")), ids=lambda p: p.name)
def test_good_documents_pass_clean(path: Path) -> None:
    result = run_check([path], **SINGLE_DOCUMENT)
    assert result.checked, f"{path.name} was not recognised as an incident document"
    assert [f"{d.line}:{d.code} {d.message}" for d in result.diagnostics
            if d.severity in REPORTED] == []


@pytest.mark.parametrize("path", sorted((FIXTURES / "bad").glob("*.md")), ids=lambda p: p.name)
def test_bad_documents_get_exactly_the_marked_findings(path: Path) -> None:
    expected = expected_findings(path)
    assert expected, f"{path.name} has no expect: markers"
    assert actual_findings(path) == expected


GENERIC = FIXTURES / "generic"


@pytest.mark.parametrize("path", sorted((GENERIC / "good").glob("*.md")), ids=lambda p: p.name)
def test_generic_good_documents_pass_clean(path: Path) -> None:
    result = run_check([path], profile="generic", git=False)
    assert result.checked, f"{path.name} was not recognised as an incident document"
    assert [f"{d.line}:{d.code} {d.message}" for d in result.diagnostics
            if d.severity in REPORTED] == []


@pytest.mark.parametrize("path", sorted((GENERIC / "bad").glob("*.md")), ids=lambda p: p.name)
def test_generic_bad_documents_get_exactly_the_marked_findings(path: Path) -> None:
    expected = expected_findings(path)
    assert expected, f"{path.name} has no expect: markers"
    assert actual_findings(path, profile="generic") == expected
