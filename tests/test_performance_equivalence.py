"""The cache and the workers change how fast a run is, never what it finds.

Findings are compared as JSON with and without the cache (cold and warm), with
one and with two workers, on the fixture corpus and the example repository.
The cache is never stale after a config, schema or version change, ignores
damaged or foreign entries, writes only inside its directory, and ``aoslint
clean`` removes it (and nothing else). No test here measures time.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import aoslint
from aoslint.runner import run_check
from tests.conftest import EXAMPLE, FIXTURES, CliResult, run_from, write_tree

PLAN = (FIXTURES / "good" / "kit-incident-plan.md").read_text()
POSTMORTEM = (FIXTURES / "good" / "kit-postmortem.md").read_text()


def _run(root: Path, paths: list[str] | None = None, **options: Any) -> list[dict[str, Any]]:
    result = run_from(root, paths, **options)
    return [d.to_json() for d in result.diagnostics] + [{"checked": result.checked}]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The fixture documents and the example repository, copied so the cache stays in tmp."""
    root = tmp_path / "corpus"
    shutil.copytree(EXAMPLE, root)
    shutil.copytree(FIXTURES, root / "docs" / "incidents" / "fixtures")
    _age(root)
    return root


def _cache_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / ".aoslint_cache").rglob("*") if p.is_file())


def test_findings_identical_with_and_without_cache_and_workers(corpus: Path) -> None:
    baseline = _run(corpus, cache=False, jobs=1)
    assert len(baseline) > 20  # the corpus has real findings
    assert _run(corpus, cache=True, jobs=1) == baseline  # cold: writes the cache
    assert _cache_files(corpus)
    assert _run(corpus, cache=True, jobs=1) == baseline  # warm: reads it
    assert _run(corpus, cache=False, jobs=2) == baseline
    assert _run(corpus, cache=True, jobs=2) == baseline
    shutil.rmtree(corpus / ".aoslint_cache")
    assert _run(corpus, cache=True, jobs=2) == baseline  # cold, in workers


def test_named_files_identical_with_and_without_cache(corpus: Path) -> None:
    """One file, as pre-commit passes it: the others come from the repository index."""
    named = ["docs/incidents/INC-20261102-001/postmortem.md",
             "docs/incidents/fixtures/bad/missing-section.md"]
    baseline = _run(corpus, named, cache=False)
    assert _run(corpus, cache=True) != []  # fills the cache and the index
    assert _run(corpus, named, cache=True) == baseline
    assert _run(corpus, named, cache=True, jobs=2) == baseline


def test_cli_json_identical_with_cache_and_jobs(corpus: Path,
                                                cli: Callable[..., CliResult]) -> None:
    plain = cli("check", "--no-git", "--format", "json", "--no-cache", "--jobs", "1",
                cwd=corpus)
    cached = [cli("check", "--no-git", "--format", "json", cwd=corpus) for _ in range(2)]
    parallel = cli("check", "--no-git", "--format", "json", "--jobs", "2", cwd=corpus)
    assert plain.exit_code == 1
    for other in (*cached, parallel):
        assert (other.exit_code, other.json()) == (plain.exit_code, plain.json())


def test_jobs_must_be_positive(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        cli("check", "--jobs", "0", cwd=tmp_path)
    assert exc.value.code == 2


# -- never stale ------------------------------------------------------------------------


def _age(root: Path) -> None:
    """Files last changed long ago, so the repository index trusts their times."""
    for path in root.rglob("*.md"):
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns - 10**11, stat.st_mtime_ns - 10**11))


def _repo(tmp_path: Path, config: str) -> Path:
    root = write_tree(tmp_path / "repo", {
        ".aoslint.toml": config,
        "docs/incidents/INC-1/postmortem.md": POSTMORTEM,
        "docs/incidents/INC-1/incident-plan.md": PLAN,
    })
    _age(root)
    return root


def test_config_change_invalidates(tmp_path: Path) -> None:
    root = _repo(tmp_path, 'severities = ["HIGH", "LOW"]\n')
    before = _run(root, cache=True)
    assert not any(d.get("code") == "AOS201" for d in before)
    (root / ".aoslint.toml").write_text('severities = ["LOW"]\n')
    after = _run(root, cache=True)
    assert any(d.get("code") == "AOS201" for d in after)
    assert after == _run(root, cache=False)


def test_repository_schema_change_invalidates(tmp_path: Path) -> None:
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "x-aoslint": {"type": "postmortem", "extends": "postmortem"},
        "properties": {"metadata": {"required": ["author"]}},
    }
    root = _repo(tmp_path, 'schemas = ["team.schema.json"]\n')
    (root / "team.schema.json").write_text(json.dumps(schema))
    before = _run(root, cache=True)
    assert not any("Author" in str(d.get("message")) or "'author'" in str(d.get("message"))
                   for d in before)
    schema["properties"]["metadata"]["required"] = ["author", "owner"]
    (root / "team.schema.json").write_text(json.dumps(schema))
    after = _run(root, cache=True)
    assert after != before
    assert any("owner" in str(d.get("message")) for d in after)
    assert after == _run(root, cache=False)


def _cache_note(root: Path) -> str:
    old = Path.cwd()
    os.chdir(root)
    try:
        notes = run_check([], git=False, cache=True).notes
    finally:
        os.chdir(old)
    return next(n for n in notes if n.startswith("cache: "))


def test_version_change_invalidates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repo(tmp_path, "")
    first = _cache_note(root)
    assert _cache_note(root) == first  # same version: same entries
    monkeypatch.setattr(aoslint, "__version__", "999.0.0")
    assert _cache_note(root) != first  # another version never reads the old entries


def test_changed_document_is_rechecked(tmp_path: Path) -> None:
    root = _repo(tmp_path, "")
    _run(root, cache=True)
    path = root / "docs/incidents/INC-1/postmortem.md"
    path.write_text(POSTMORTEM.replace("Severity: HIGH", "Severity: URGENT"))
    assert _run(root, cache=True) == _run(root, cache=False)


def test_edited_other_document_reaches_a_one_file_run(tmp_path: Path) -> None:
    """The index of the other documents is never trusted for a file that changed."""
    root = _repo(tmp_path, "")
    named = ["docs/incidents/INC-1/postmortem.md"]
    assert _run(root, named, cache=True) == _run(root, named, cache=False)
    plan = root / "docs/incidents/INC-1/incident-plan.md"
    old = plan.stat()
    plan.write_text(PLAN.replace("Severity: HIGH", "Severity: LOW "))  # same size
    os.utime(plan, ns=(old.st_atime_ns, old.st_mtime_ns))  # and the same mtime
    after = _run(root, named, cache=True)
    assert any(d.get("code") == "AOS407" for d in after)
    assert after == _run(root, named, cache=False)


def test_one_file_run_judges_against_indexed_documents(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The other documents come from the index as rows; the findings are the same.

    A duplicate Incident ID in another folder, a plan that disagrees, and a
    postmortem without a plan in a repository whose plans all live elsewhere.
    """
    monkeypatch.setattr("aoslint.store.index.RACY_NS", 0)  # trust files changed just now
    lone = POSTMORTEM.replace("INC-20261102-001", "INC-20261102-099")
    root = write_tree(tmp_path / "repo", {
        "docs/incidents/INC-1/postmortem.md": POSTMORTEM,
        "docs/incidents/INC-1/incident-plan.md": PLAN.replace("Severity: HIGH", "Severity: LOW"),
        "docs/incidents/INC-1-copy/postmortem.md": POSTMORTEM,
        "docs/incidents/INC-99/postmortem.md": lone,
    })
    _age(root)
    named = ["docs/incidents/INC-1/postmortem.md", "docs/incidents/INC-99/postmortem.md"]
    baseline = _run(root, named, cache=False)
    codes = {d.get("code") for d in baseline}
    assert {"AOS404", "AOS406", "AOS407"} <= codes
    _run(root, cache=True)  # the index now holds every document

    def no_reading(*args: object) -> None:
        raise AssertionError("an unchanged document was read again")

    monkeypatch.setattr("aoslint.runner._summarise_one", no_reading)
    assert _run(root, named, cache=True) == baseline
    for one in named:
        alone = _run(root, [one], cache=True)
        monkeypatch.undo()
        assert alone == _run(root, [one], cache=False)
        monkeypatch.setattr("aoslint.store.index.RACY_NS", 0)
        monkeypatch.setattr("aoslint.runner._summarise_one", no_reading)


def test_an_indexed_document_with_a_list_for_its_incident_id(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Front matter may give any YAML value: a list ID in the index is no usable ID."""
    monkeypatch.setattr("aoslint.store.index.RACY_NS", 0)  # the index trusts files made just now
    odd = "---\nincident_id: [INC-20261102-001, INC-20261102-002]\n---\n" + POSTMORTEM
    root = write_tree(tmp_path / "repo", {
        "docs/incidents/INC-1/postmortem.md": POSTMORTEM,
        "docs/incidents/INC-9/postmortem.md": odd,
    })
    named = ["docs/incidents/INC-1/postmortem.md"]
    _run(root, cache=True)  # the index holds both
    assert _run(root, named, cache=True) == _run(root, named, cache=False)


# -- damaged, foreign and contained -------------------------------------------------------


def test_corrupt_entries_are_ignored(tmp_path: Path) -> None:
    root = _repo(tmp_path, "")
    baseline = _run(root, cache=False)
    _run(root, cache=True)
    entries = [p for p in _cache_files(root) if p.parent.parent.parent.name == "v1"]
    assert entries
    for number, entry in enumerate(entries):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if number % 2 else b"not a pickle")
    assert _run(root, cache=True) == baseline
    assert _run(root, cache=True) == baseline  # rewritten entries read back


def test_entries_from_another_cache_are_not_trusted(tmp_path: Path) -> None:
    """A committed or copied cache directory has another key: its entries are ignored."""
    root = _repo(tmp_path, "")
    baseline = _run(root, cache=False)
    _run(root, cache=True)
    planted = tmp_path / "planted"
    shutil.copytree(root / ".aoslint_cache", planted)
    shutil.rmtree(root / ".aoslint_cache")
    _run(root, cache=True)  # a fresh cache directory with its own key
    for entry in planted.rglob("*"):
        target = root / ".aoslint_cache" / entry.relative_to(planted)
        if entry.is_file() and entry.name != "key" and target.exists():
            target.write_bytes(entry.read_bytes())
    assert _run(root, cache=True) == baseline


def test_cache_writes_only_inside_its_directory(tmp_path: Path) -> None:
    root = _repo(tmp_path, 'cache-dir = "build/lint-cache"\n')
    before = {p for p in tmp_path.rglob("*")}
    _run(root, cache=True)
    _run(root, ["docs/incidents/INC-1/postmortem.md"], cache=True)
    new = {p for p in tmp_path.rglob("*")} - before
    cache = root / "build" / "lint-cache"
    assert new and all(p == root / "build" or p.is_relative_to(cache) for p in new)
    assert (cache / ".gitignore").read_text().strip().endswith("*")


def test_no_cache_writes_nothing(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    root = _repo(tmp_path, "")
    cli("check", "--no-git", "--no-cache", cwd=root)
    assert not (root / ".aoslint_cache").exists()


def test_clean_removes_the_cache(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    root = _repo(tmp_path, "")
    cli("check", "--no-git", cwd=root)
    assert (root / ".aoslint_cache").is_dir()
    done = cli("clean", cwd=root)
    assert (done.exit_code, done.out.strip()) == (0, f"removed {root / '.aoslint_cache'}")
    assert not (root / ".aoslint_cache").exists()
    again = cli("clean", cwd=root)
    assert again.exit_code == 0 and "nothing to remove" in again.out


def test_clean_refuses_a_directory_that_is_not_a_cache(
        tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    root = _repo(tmp_path, 'cache-dir = "docs"\n')
    done = cli("clean", cwd=root)
    assert done.exit_code == 2 and "not an aoslint cache" in done.err
    assert (root / "docs/incidents/INC-1/postmortem.md").is_file()
    checked = cli("check", "--no-git", cwd=root)
    assert checked.exit_code == 2 and "not an aoslint cache" in checked.err


def test_rule_file_created_after_caching_is_seen(tmp_path: Path) -> None:
    """Hardening findings read the rules tree: a cached one is not reused once it changed."""
    root = _repo(tmp_path, "")
    write_tree(root, {".agent/rules/system/incident-response.md": "# Incidents\n",
                      ".agent/agents/orchestrator.md": "# Orchestrator\n"})
    before = _run(root, cache=True)
    assert any(d.get("code") == "AOS501" for d in before)
    write_tree(root, {".agent/rules/security/auth.md": "# Auth\n"})
    after = _run(root, cache=True)
    assert not any(d.get("code") == "AOS501" for d in after)
    assert after == _run(root, cache=False)


def test_skip_unknown_and_a_scan_do_not_share_cache_entries(tmp_path: Path) -> None:
    from aoslint.runner import run_check as check

    notes = "Some notes\n\nIncident ID: INC-20261102-009\n\nJust text.\n"
    write_tree(tmp_path, {"docs/incidents/notes.md": notes})
    target = [tmp_path / "docs/incidents/notes.md"]
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        first = [d.code for d in check([], git=False).diagnostics]
        skipped = [d.code for d in check(target, git=False, skip_unknown=True).diagnostics]
        again = [d.code for d in check([], git=False).diagnostics]
    finally:
        os.chdir(old)
    assert first == again == ["AOS106"] and skipped == []


# -- one-file runs: the repository scan and the validations are remembered --------------


def _age_tree(root: Path) -> None:
    """Files and folders last changed long ago, so the index trusts their times."""
    _age(root)
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        stat = folder.stat()
        os.utime(folder, ns=(stat.st_atime_ns - 10**11, stat.st_mtime_ns - 10**11))


@pytest.mark.parametrize("first", ["one file", "whole repository"])
def test_one_file_run_reuses_the_repository_scan(tmp_path: Path, first: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repo(tmp_path, "")
    _age_tree(root)
    named = ["docs/incidents/INC-1/postmortem.md"]
    baseline = _run(root, named, cache=False)
    _run(root, named if first == "one file" else None, cache=True)  # records the scan

    def no_walk(*args: object, **kwargs: object) -> None:
        raise AssertionError("the unchanged tree was walked again")

    monkeypatch.setattr("aoslint.discovery.discover.walk_markdown", no_walk)
    assert _run(root, named, cache=True) == baseline


@pytest.mark.parametrize("where", ["docs/incidents/INC-2/postmortem.md",  # a new folder
                                   "docs/incidents/INC-1/copy-postmortem.md"])  # an old one
def test_document_added_after_the_scan_reaches_a_one_file_run(tmp_path: Path,
                                                              where: str) -> None:
    root = _repo(tmp_path, "")
    _age_tree(root)
    named = ["docs/incidents/INC-1/postmortem.md"]
    before = _run(root, named, cache=True)
    assert not any(d.get("code") == "AOS404" for d in before)
    (root / where).parent.mkdir(exist_ok=True)
    (root / where).write_text(POSTMORTEM)  # the same Incident ID
    after = _run(root, named, cache=True)
    assert any(d.get("code") == "AOS404" for d in after)
    assert after == _run(root, named, cache=False)
    (root / where).unlink()
    assert _run(root, named, cache=True) == before


def _fresh_process(root: Path, *args: str) -> tuple[list[Any], set[str]]:
    """``aoslint check`` in a new interpreter: its JSON findings and the modules it loaded."""
    import subprocess
    import sys

    code = ("import sys, contextlib, io\n"
            "from aoslint.cli import main\n"
            "out = io.StringIO()\n"
            "with contextlib.redirect_stdout(out):\n"
            f"    main(['check', '--no-git', '--format', 'json', *{list(args)!r}])\n"
            "print(repr(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('jsonschema', 'markdown_it', 'pathspec'))))\n"
            "print(out.getvalue())\n")
    env = {**os.environ, "PYTHONPATH": str(Path(aoslint.__file__).parent.parent)}
    done = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, check=True,
                          capture_output=True, text=True)
    modules, report = done.stdout.split("\n", 1)
    return json.loads(report), {m.split(".")[0] for m in eval(modules)}


def test_one_file_run_remembers_validations(tmp_path: Path) -> None:
    """The config and an unchanged metadata block are not validated again: no jsonschema."""
    root = _repo(tmp_path, 'severities = ["HIGH", "LOW"]\n')
    path = root / "docs/incidents/INC-1/postmortem.md"
    path.write_text(POSTMORTEM.replace("Severity: HIGH", "Severity: URGENT"))
    named = "docs/incidents/INC-1/postmortem.md"
    uncached, _ = _fresh_process(root, "--no-cache", named)
    assert any("Severity 'URGENT' is not valid" in d["message"] for d in uncached)
    first, loaded = _fresh_process(root, named)
    assert "jsonschema" in loaded
    path.write_text(path.read_text() + "\nA later note.\n")  # the body changed, not the metadata
    second, loaded = _fresh_process(root, named)
    assert "jsonschema" not in loaded
    assert first == second == uncached
    path.write_text(path.read_text().replace("Severity: URGENT", "Severity: LOW"))
    fixed, _ = _fresh_process(root, named)
    assert not any("is not valid" in d["message"] for d in fixed)
    assert fixed == _fresh_process(root, "--no-cache", named)[0]


@pytest.mark.parametrize("jobs", [1, 2])
def test_first_one_file_run_after_a_full_run_needs_no_jsonschema(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """The index keeps each document's schema outcome; a body edit reuses it."""
    monkeypatch.setattr("aoslint.store.index.RACY_NS", 0)  # the index trusts files made just now
    root = _repo(tmp_path, 'severities = ["HIGH", "LOW"]\n')
    path = root / "docs/incidents/INC-1/postmortem.md"
    path.write_text(POSTMORTEM.replace("Severity: HIGH", "Severity: URGENT"))
    named = "docs/incidents/INC-1/postmortem.md"
    _run(root, cache=True, jobs=jobs)  # the whole repository, in workers with jobs=2
    path.write_text(path.read_text() + "\nA later note.\n")
    after_edit, loaded = _fresh_process(root, named)
    assert "jsonschema" not in loaded
    assert after_edit == _fresh_process(root, "--no-cache", named)[0]
    assert any("Severity 'URGENT' is not valid" in d["message"] for d in after_edit)


def test_config_edited_after_a_valid_run_is_validated(tmp_path: Path,
                                                      cli: Callable[..., CliResult]) -> None:
    root = _repo(tmp_path, 'severities = ["HIGH", "LOW"]\n')
    assert cli("check", "--no-git", cwd=root).exit_code == 0
    assert list((root / ".aoslint_cache" / "valid").iterdir())  # the verdict was recorded
    (root / ".aoslint.toml").write_text('severities = ["HIGH", "LOW"]\nseverity = 1\n')
    result = cli("check", "--no-git", cwd=root)
    assert result.exit_code == 2
    assert "unknown key 'severity'" in result.err


def test_forged_config_verdict_is_ignored(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    from aoslint.config import _validity_token

    root = _repo(tmp_path, 'severities = ["HIGH", "LOW"]\n')
    assert cli("check", "--no-git", cwd=root).exit_code == 0
    config = root / ".aoslint.toml"
    config.write_text("severity = 1\n")
    (root / ".aoslint_cache" / "valid" / _validity_token(config)).write_bytes(b"\0" * 32)
    assert cli("check", "--no-git", cwd=root).exit_code == 2


def test_schema_reading_more_than_properties_is_not_remembered() -> None:
    from aoslint.document.validation import _read_keys

    assert _read_keys({"type": "object", "properties": {"metadata": {}},
                       "required": ["metadata"]}) == {"metadata"}
    assert _read_keys({"properties": {"metadata": {}}, "additionalProperties": False}) is None


def test_one_file_run_in_an_unchanged_tree_matches_no_patterns(tmp_path: Path) -> None:
    """No pathspec (the scan says the file is included), jsonschema or markdown-it import."""
    root = _repo(tmp_path, "")
    _age_tree(root)
    named = "docs/incidents/INC-1/postmortem.md"
    first, loaded = _fresh_process(root, named)
    assert "pathspec" in loaded  # the first run walks the tree
    path = root / named
    path.write_text(path.read_text() + "\nA later note.\n")
    second, loaded = _fresh_process(root, named)
    assert loaded.isdisjoint({"pathspec", "jsonschema", "markdown_it"})
    assert second == first == _fresh_process(root, "--no-cache", named)[0]


def test_results_are_packed_and_unused_packs_removed(tmp_path: Path) -> None:
    """A large run writes a few packs, not a file per document; stale packs go away."""
    files = {f"docs/incidents/INC-{n}/postmortem.md":
             POSTMORTEM.replace("INC-20261102-001", f"INC-20261102-{n:03d}")
             for n in range(300)}
    root = write_tree(tmp_path / "repo", {".aoslint.toml": "", **files})
    baseline = _run(root, cache=False)
    assert _run(root, cache=True) == baseline
    run_folder = next((root / ".aoslint_cache" / "v1").iterdir())
    packs = sorted((run_folder / "packs").iterdir())
    assert 1 < len(packs) <= 3  # 300 results in packs of up to 256
    assert _run(root, cache=True) == baseline  # read back from the packs
    assert sorted((run_folder / "packs").iterdir()) == packs  # nothing new to write
    for path in list((root / "docs").rglob("*.md"))[:10]:
        path.write_text(path.read_text() + "\nA later note.\n")
    assert _run(root, cache=True) != []
    after = sorted((run_folder / "packs").iterdir())
    assert len(after) <= len(packs) + 1  # the ten new results; no pack is lost or duplicated
    assert _run(root, cache=True) == _run(root, cache=False)
    for path in (root / "docs").rglob("*.md"):
        path.write_text(path.read_text() + "\nAnother note.\n")
    _run(root, cache=True)
    final = sorted((run_folder / "packs").iterdir())
    assert 1 < len(final) <= 3 and not set(final) & set(after)  # every old pack was removed


def test_one_file_run_writes_its_result_alone(tmp_path: Path) -> None:
    """A pre-commit run adds one small file and leaves the (large) index as it was."""
    root = _repo(tmp_path, "")
    _age_tree(root)
    named = ["docs/incidents/INC-1/postmortem.md"]
    _run(root, cache=True)
    _run(root, named, cache=True)  # records the scan
    run_folder = next((root / ".aoslint_cache" / "v1").iterdir())
    index = (run_folder / "index").read_bytes()
    alone_before = set(run_folder.glob("??/*"))
    path = root / named[0]
    path.write_text(path.read_text() + "\nA later note.\n")
    baseline = _run(root, named, cache=False)
    assert _run(root, named, cache=True) == baseline
    assert (run_folder / "index").read_bytes() == index
    assert len(set(run_folder.glob("??/*")) - alone_before) == 1  # the edited file's result
    assert _run(root, named, cache=True) == baseline  # read back
    _run(root, cache=True)  # a whole-repository run packs it
    assert not list(run_folder.glob("??/*"))
    assert _run(root, named, cache=True) == baseline


def test_edit_keeping_size_and_mtime_reaches_a_whole_repository_run(tmp_path: Path) -> None:
    """A file the index knows is re-read unless its size, times and inode all match."""
    root = _repo(tmp_path, "")
    _age_tree(root)
    _run(root, cache=True)
    assert _run(root, cache=True) == _run(root, cache=False)  # served from the index
    path = root / "docs/incidents/INC-1/postmortem.md"
    old = path.stat()
    path.write_text(POSTMORTEM.replace("Severity: HIGH", "Severity: NOPE"))  # same size
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))  # and the same mtime
    after = _run(root, cache=True)
    assert any("NOPE" in str(d.get("message")) for d in after)
    assert after == _run(root, cache=False)


def test_named_and_scanned_runs_keep_their_own_results(tmp_path: Path) -> None:
    """The index's digest of a file serves both ways of reading it, each with its own entry."""
    root = write_tree(tmp_path / "repo", {".aoslint.toml": "", "docs/incidents/notes.md":
                                          "# Team notes\n\nNothing about incidents.\n"})
    _age_tree(root)
    named = ["docs/incidents/notes.md"]
    assert _run(root, cache=True) == _run(root, cache=False)
    explicit = _run(root, named, cache=True)
    assert any(d.get("code") == "AOS106" for d in explicit)  # named: not recognised
    assert explicit == _run(root, named, cache=False)
    assert _run(root, cache=True) == _run(root, cache=False)  # a scan skips it silently


def test_the_remembered_scan_keeps_plain_files_as_display_paths(tmp_path: Path) -> None:
    """A file reached through a link keeps its real path; the rest only their names."""
    root = _repo(tmp_path, "")
    outside = write_tree(tmp_path / "elsewhere", {"postmortem.md": POSTMORTEM})
    (root / "docs/incidents/INC-2").mkdir()
    (root / "docs/incidents/INC-2/postmortem.md").symlink_to(outside / "postmortem.md")
    old = Path.cwd()
    os.chdir(root)
    try:
        from aoslint.discovery.discover import build_selector, snapshot
        from aoslint.project import load_project

        project = load_project([])
        scan = snapshot(build_selector(project.config, project.layout), project.layout)
    finally:
        os.chdir(old)
    plain = [e for e in scan.listing if isinstance(e, str)]
    assert sorted(plain) == ["docs/incidents/INC-1/incident-plan.md",
                             "docs/incidents/INC-1/postmortem.md"]
    linked = [e for e in scan.files if e[1] == "docs/incidents/INC-2/postmortem.md"]
    assert linked and linked[0][2] == str((outside / "postmortem.md").resolve())
    assert all(path.startswith(str(root)) for path, _, _ in scan.files)


def test_the_walk_finds_what_os_walk_finds(tmp_path: Path) -> None:
    """Top-down in name order; linked folders listed but not entered; linked and broken
    files resolved; excluded folders pruned; upper-case suffixes kept for the patterns."""
    root = write_tree(tmp_path / "repo", {
        "docs/incidents/B/z.md": "# z\n",
        "docs/incidents/A/sub/q.md": "# q\n",
        "docs/incidents/A/p.md": "# p\n",
        "docs/incidents/A/UPPER.MD": "# u\n",
        "docs/incidents/node_modules/n.md": "# n\n",
        "outside/o.md": "# o\n",
        "outside/deep/d.md": "# d\n",
    })
    (root / "docs/incidents/B/link.md").symlink_to(root / "outside/o.md")
    (root / "docs/incidents/B/broken.md").symlink_to(tmp_path / "nowhere.md")
    (root / "docs/incidents/linked").symlink_to(root / "outside/deep", target_is_directory=True)
    from aoslint.discovery.discover import build_selector, walk_markdown
    from aoslint.project import load_project

    old = Path.cwd()
    os.chdir(root)
    try:
        project = load_project([])
        selector = build_selector(project.config, project.layout)
        walked = list(walk_markdown(selector, root / "docs"))
    finally:
        os.chdir(old)

    expected = []
    for folder, dirs, files in os.walk(root / "docs"):
        dirs[:] = sorted(d for d in dirs if d != "node_modules")
        for name in sorted(files):
            full = os.path.join(folder, name)
            real = os.path.realpath(full)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            expected.append((full, real, rel))
    assert walked == expected
    assert [rel for _, _, rel in walked] == [
        "docs/incidents/A/UPPER.MD", "docs/incidents/A/p.md", "docs/incidents/A/sub/q.md",
        "docs/incidents/B/broken.md", "docs/incidents/B/link.md", "docs/incidents/B/z.md"]
