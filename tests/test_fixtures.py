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
from tests.conftest import FIXTURES, beyond_the_document

# Fixtures are single documents outside any AOS repository: the rules that read
# the repository or its git history (their ``needs``) are tested on real
# repositories elsewhere. Unlike conftest.STANDALONE, the closure gates a document
# can judge alone stay in.
SINGLE_DOCUMENT: dict[str, Any] = {"ignore": beyond_the_document(), "git": False}
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
