"""The documents' HTML kept between reports: reused only while the Markdown is unchanged."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from aoslint.report import rendered
from aoslint.report.build import ReportOptions, build, files
from tests.conftest import write_tree
from tests.report_support import HOSTILE, TODAY, example_clone

PLAN = "docs/incidents/INC-20261102-001/incident-plan.md"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AOSLINT_DATE", TODAY)
    repo = example_clone(tmp_path)
    monkeypatch.chdir(repo)
    return repo


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The Markdown of every document mistune renders from now on."""
    done: list[str] = []
    real = rendered.render_markdown

    def counting(text: str) -> str:
        done.append(text)
        return real(text)

    monkeypatch.setattr(rendered, "render_markdown", counting)
    return done


def _report(cache: bool = True) -> dict[str, str]:
    return files(build(ReportOptions(git=False, jobs=1, cache=cache)))


def test_a_second_report_renders_nothing_and_says_the_same(repo: Path,
                                                           renders: list[str]) -> None:
    first = _report()
    documents = len(renders)
    assert documents >= 3
    assert (repo / ".aoslint_cache" / "report" / "html").is_file()
    assert _report() == first
    assert len(renders) == documents  # nothing rendered again
    assert _report(cache=False) == first


def test_an_edited_document_alone_is_rendered_again(repo: Path, renders: list[str]) -> None:
    _report()
    before = len(renders)
    plan = repo / PLAN
    plan.write_text(plan.read_text() + "\nOne more **bold** line.\n")
    again = _report()
    assert len(renders) == before + 1 and "One more **bold** line." in renders[-1]
    assert again == _report(cache=False)
    assert "One more <strong>bold</strong> line." in next(
        page for name, page in again.items() if "INC-20261102-001" in name)


def test_no_cache_neither_reads_nor_writes_the_kept_html(repo: Path,
                                                         renders: list[str]) -> None:
    _report(cache=False)
    _report(cache=False)
    assert not (repo / ".aoslint_cache").exists()
    assert len(renders) % 2 == 0 and renders[: len(renders) // 2] == renders[len(renders) // 2:]


def test_planted_html_is_never_shown(repo: Path, renders: list[str]) -> None:
    # The kept HTML rewritten by someone else: every document's HTML swapped for a script,
    # the signature left as it was.
    write_tree(repo, {"docs/incidents/INC-20261118-003/postmortem.md": HOSTILE})
    honest = _report()
    kept = repo / ".aoslint_cache" / "report" / "html"
    blob = kept.read_bytes()
    found = msgspec.msgpack.decode(blob[32:])
    assert found["renderer"] == rendered.RENDERER and len(found["html"]) == len(renders)
    found["html"] = {key: "<script>window.planted = 1</script>" for key in found["html"]}
    kept.write_bytes(blob[:32] + msgspec.msgpack.encode(found))
    report = _report()
    assert report == honest
    assert not any("window.planted" in page for page in report.values())
    assert len(renders) == 2 * len(found["html"])  # all rendered again


def test_another_mistune_renders_everything_again(repo: Path, renders: list[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _report()
    documents = len(renders)
    monkeypatch.setattr(rendered, "RENDERER", rendered.RENDERER + " (another version)")
    _report()
    assert len(renders) == 2 * documents


def test_clean_removes_the_kept_html(repo: Path, cli) -> None:
    _report()
    assert (repo / ".aoslint_cache" / "report" / "html").is_file()
    done = cli("clean", cwd=repo)
    assert done.exit_code == 0, done.err
    assert not (repo / ".aoslint_cache").exists()
