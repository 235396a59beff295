"""``--select`` and ``--ignore`` leave out the check families that could report nothing
selected; what a run reports is still exactly the full run's findings, filtered.

A left-out family must never cost a finding: not one of the selected codes,
not a cached result that a later run reads as complete, and not an inline
directive called unused because the finding it silences was never made.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from aoslint.checks import all_rules
from tests.conftest import EXAMPLE, FIXTURES, run_from, write_tree

POSTMORTEM = (FIXTURES / "good" / "kit-postmortem.md").read_text()


def _run(root: Path, paths: list[str] | None = None, **options: Any) -> list[dict[str, Any]]:
    result = run_from(root, paths, **options)
    return [d.to_json() for d in result.diagnostics]


def _age(root: Path) -> None:
    """Files older than a few seconds: the repository index trusts them."""
    past = 1_700_000_000
    for folder, _, names in os.walk(root):
        for name in names:
            os.utime(os.path.join(folder, name), (past, past))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(EXAMPLE, root)
    shutil.copytree(FIXTURES, root / "docs" / "incidents" / "fixtures")
    _age(root)
    return root


def test_selecting_one_code_reports_what_the_full_run_reports_of_it(corpus: Path) -> None:
    full = _run(corpus)
    assert len({d["code"] for d in full}) > 20  # most families have findings here
    for rule in all_rules():
        only = [d for d in full if d["code"] == rule.code]
        assert _run(corpus, select=[rule.code]) == only, rule.code
        assert _run(corpus, select=[rule.name]) == only, rule.name


def test_ignoring_whole_families_reports_the_rest_unchanged(corpus: Path) -> None:
    full = _run(corpus)
    for ignored in (["AOS1", "AOS2", "AOS3"], ["AOS4"], ["AOS5", "AOS6"], ["AOS2", "AOS9"]):
        kept = [d for d in full if not d["code"].startswith(tuple(ignored))]
        assert _run(corpus, ignore=ignored) == kept, ignored


def test_a_selected_run_leaves_the_cache_complete(corpus: Path) -> None:
    """A run that left families out stores nothing partial: the next full run is whole."""
    full = _run(corpus)
    named = ["docs/incidents/INC-20261102-001/postmortem.md"]
    alone = _run(corpus, named)
    assert _run(corpus, select=["AOS101"], cache=True) == \
        [d for d in full if d["code"] == "AOS101"]
    assert _run(corpus, named, select=["AOS3"], cache=True) == \
        [d for d in alone if d["code"].startswith("AOS3")]
    assert _run(corpus, cache=True) == full
    assert _run(corpus, named, cache=True) == alone
    assert _run(corpus, cache=True) == full  # warm: every result from the cache


def test_a_directive_is_judged_against_all_of_its_documents_findings(tmp_path: Path) -> None:
    """Selected or not, a directive that silences a finding is not called unused."""
    silenced = POSTMORTEM.replace(
        "## 2. Timeline", "<!-- aoslint-disable-file AOS404 AOS101 -->\n## 2. Timeline")
    root = write_tree(tmp_path / "repo", {
        "docs/incidents/INC-1/postmortem.md": silenced.replace("## 3. Root Cause Analysis (RCA)",
                                                               "## 3. Notes"),
        "docs/incidents/INC-2/postmortem.md": POSTMORTEM,  # the same Incident ID
    })
    _age(root)
    named = ["docs/incidents/INC-1/postmortem.md"]
    for paths in (None, named):
        full = _run(root, paths)
        own = [d["code"] for d in full if d["path"] == named[0]]
        assert paths or "AOS404" in [d["code"] for d in full]  # the other document's
        assert not any(code in ("AOS101", "AOS404", "AOS904") for code in own)
        for select in (["AOS904"], ["AOS9"], ["AOS101", "AOS904"], ["unused-suppression"]):
            assert _run(root, paths, select=select) == \
                [d for d in full if d["code"] == "AOS904"], select
            assert _run(root, paths, select=select, cache=True) == \
                [d for d in full if d["code"] == "AOS904"], select
        assert _run(root, paths, cache=True) == full


def test_a_one_file_run_reads_no_other_document_for_document_rules(
        corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cross-document family is left out: the neighbours are not even read."""
    named = ["docs/incidents/INC-20261102-001/postmortem.md"]
    alone = _run(corpus, named)

    def no_reading(*args: object) -> None:
        raise AssertionError("another document was read for a rule that needs none")

    monkeypatch.setattr("aoslint.runner._summarise_one", no_reading)
    assert _run(corpus, named, select=["AOS1", "AOS2"]) == \
        [d for d in alone if d["code"].startswith(("AOS1", "AOS2"))]
    with pytest.raises(AssertionError, match="another document was read"):
        _run(corpus, named, select=["AOS404"])
