"""``aoslint report``: the folder it writes, its data, and the metrics behind it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from aoslint.report.metrics import durations, key_times, median, recent, shown
from aoslint.timeline.model import format_duration
from tests.conftest import CliResult, git, write_tree
from tests.report_support import HOSTILE, TODAY, example_clone


def _timeline(tmp_path: Path, rows: str) -> object:
    """The model's timeline of a postmortem with these Timeline rows."""
    from aoslint.discovery.discover import Candidate
    from aoslint.project import load_project
    from aoslint.runner import load_document

    path = write_tree(tmp_path, {"pm.md": "# Postmortem Report: x\n\nIncident ID: INC-20261102-001"
                                           "\nDate: 2026-11-02\nSeverity: HIGH\n\n"
                                           f"## 2. Timeline\n\n{rows}\n"}) / "pm.md"
    loaded = load_document(load_project([path]), Candidate(path, "pm.md", True), [])
    assert loaded is not None
    return loaded.document.timeline


def test_durations_come_from_the_key_events(tmp_path: Path) -> None:
    timeline = _timeline(tmp_path, "- `14:05 UTC`: Incident occurred.\n"
                                   "- `14:12 UTC`: Detected via alert.\n"
                                   "- `14:40 UTC`: Fix deployed and verified.")
    found = durations(timeline)  # type: ignore[arg-type]
    assert found == {"time_to_detect": dt.timedelta(minutes=7),
                     "time_to_fix": dt.timedelta(minutes=28),
                     "time_to_resolve": dt.timedelta(minutes=35)}


def test_a_missing_fix_leaves_fix_and_resolve_unknown_not_zero(tmp_path: Path) -> None:
    timeline = _timeline(tmp_path, "- `14:05 UTC`: Incident occurred.\n"
                                   "- `14:12 UTC`: Detected via alert.")
    found = durations(timeline)  # type: ignore[arg-type]
    assert found["time_to_detect"] == dt.timedelta(minutes=7)
    assert found["time_to_fix"] is None and found["time_to_resolve"] is None
    assert shown(found["time_to_fix"]) == "unknown"


def test_an_unreadable_start_is_unknown_even_though_the_first_row_stands_in(
        tmp_path: Path) -> None:
    # The checks let the first readable row stand for the start; here that row
    # is the detection, so a time to detect of 0 would be false.
    timeline = _timeline(tmp_path, "- `HH:MM UTC`: Incident occurred.\n"
                                   "- `09:40 UTC`: Detected via a customer report.\n"
                                   "- `10:15 UTC`: Fix deployed and verified.")
    found = durations(timeline)  # type: ignore[arg-type]
    assert found["time_to_detect"] is None
    assert found["time_to_resolve"] is None
    assert found["time_to_fix"] == dt.timedelta(minutes=35)
    assert key_times(timeline)["occurred"] is None  # type: ignore[arg-type]


def test_times_that_run_backwards_give_unknown_durations(tmp_path: Path) -> None:
    timeline = _timeline(tmp_path, "- `14:12 UTC`: Incident occurred.\n"
                                   "- `14:05 UTC`: Detected via alert.")
    assert durations(timeline)["time_to_detect"] is None  # type: ignore[arg-type]


def test_no_timeline_at_all_is_unknown() -> None:
    assert set(durations(None).values()) == {None}


def test_medians_skip_unknown_values_and_undated_incidents() -> None:
    minute = dt.timedelta(minutes=1)
    assert median([None, 4 * minute, None, 10 * minute]) == 7 * minute
    assert median([None, None]) is None
    today = dt.date(2026, 11, 20)
    items = [(dt.date(2026, 11, 19), 5 * minute), (dt.date(2026, 9, 1), 60 * minute),
             (None, 1 * minute), (dt.date(2026, 11, 1), None)]
    assert recent(items, today, 30) == 5 * minute
    assert recent(items, today, 90) == dt.timedelta(minutes=32.5)
    assert recent([(dt.date(2026, 11, 1), None)], today, 30) is None


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AOSLINT_DATE", TODAY)
    return example_clone(tmp_path)


def test_report_writes_the_folder_under_the_repository_ignored_by_git(cli, repo: Path) -> None:
    done: CliResult = cli("report", cwd=repo)
    assert done.exit_code == 0, done.err
    folder = repo / "aoslint-report"
    assert done.out.strip() == f"2 incidents: {folder / 'index.html'}"
    assert {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} == {
        ".aoslint-report", ".gitignore", "index.html", "incidents.json",
        "incidents/INC-20261102-001.html", "incidents/INC-20261115-2.html"}
    assert git(repo, "status", "--porcelain") == ""


def test_incidents_json_agrees_with_the_check_and_the_model(cli, repo: Path) -> None:
    assert cli("report", cwd=repo).exit_code == 0
    data = json.loads((repo / "aoslint-report" / "incidents.json").read_text())
    assert data["format"] == 1 and data["today"] == TODAY
    good, bad = data["incidents"]
    assert (good["id"], good["mode"], good["hardening"]) == ("INC-20261102-001", "closed",
                                                            "proven")
    assert all(c["holds"] for c in good["closure"])
    model = cli("model", "docs/incidents/INC-20261102-001/postmortem.md").json()
    computed = model["timeline"]["computed"]
    for name in ("time_to_detect", "time_to_resolve"):
        assert format_duration(dt.timedelta(minutes=good["minutes"][name])) == computed[name]
    # The bad one claims RESOLVED while STOP conditions fail: still in Incident Mode.
    assert (bad["id"], bad["mode"], bad["hardening"]) == ("INC-20261115-2", "blocked", "pending")
    failing = {c["condition"] for c in bad["closure"] if c["holds"] is False}
    assert failing == {"QA verified stability", "orchestrator approved",
                       "rule updates merged and pushed"}
    assert bad["minutes"] == {"time_to_detect": None, "time_to_fix": None,
                              "time_to_resolve": None}
    check = cli("check", "--format", "json", cwd=repo).json()
    reported = sorted((d["path"], d["line"], d["code"]) for d in check)
    in_report = sorted((d["path"], d["line"], d["code"]) for i in data["incidents"]
                       for doc in i["documents"] for d in doc["findings"])
    assert in_report == reported
    assert data["summary"]["open"] == 1
    assert data["per_month"] == {"2026-11": {"HIGH": 1, "URGENT": 1}}
    assert data["most_hardened"] == [{"rule_file": "security/auth.md", "incidents": 1}]


def test_format_json_prints_the_data_and_writes_nothing(cli, repo: Path) -> None:
    done = cli("report", "--format", "json", cwd=repo)
    assert done.exit_code == 0
    assert [i["id"] for i in done.json()["incidents"]] == ["INC-20261102-001", "INC-20261115-2"]
    assert not (repo / "aoslint-report").exists()


def test_report_refuses_a_folder_it_did_not_make(cli, repo: Path) -> None:
    mine = write_tree(repo / "site", {"index.html": "my own page\n"})
    done = cli("report", "--output", "site", cwd=repo)
    assert done.exit_code == 2
    assert "was not made by 'aoslint report'; refusing to overwrite it" in done.err
    assert (mine / "index.html").read_text() == "my own page\n"
    assert sorted(p.name for p in mine.iterdir()) == ["index.html"]


def test_a_file_as_output_is_refused(cli, repo: Path) -> None:
    write_tree(repo, {"out.txt": "keep\n"})
    done = cli("report", "-o", "out.txt", cwd=repo)
    assert done.exit_code == 2 and "not a directory" in done.err
    assert (repo / "out.txt").read_text() == "keep\n"


def test_report_rewrites_its_own_folder_and_drops_pages_of_gone_incidents(cli, repo: Path
                                                                          ) -> None:
    assert cli("report", "-o", "out", cwd=repo).exit_code == 0
    (repo / "docs/incidents/INC-20261115-002/postmortem.md").unlink()
    assert cli("report", "-o", "out", cwd=repo).out.startswith("1 incident: ")
    assert sorted(p.name for p in (repo / "out" / "incidents").iterdir()) == [
        "INC-20261102-001.html"]


def test_an_unreadable_document_is_listed_not_a_traceback(cli, repo: Path) -> None:
    write_tree(repo, {"docs/incidents/INC-20261119-004/postmortem.md":
                      "---\nincident_id: [unclosed\n---\n# Postmortem Report: x\n"})
    done = cli("report", "--format", "json", cwd=repo)
    assert done.exit_code == 0, done.err
    unplaced = done.json()["unplaced"]
    assert [u["path"] for u in unplaced] == ["docs/incidents/INC-20261119-004/postmortem.md"]
    assert unplaced[0]["findings"][0]["code"] == "AOS202"
    cli("report", cwd=repo)
    index = (repo / "aoslint-report" / "index.html").read_text()
    assert "Files in no incident" in index and "AOS202" in index


def test_a_postmortems_html_is_escaped_and_links_kept(cli, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AOSLINT_DATE", TODAY)
    repo = example_clone(tmp_path, {"docs/incidents/INC-20261118-003/postmortem.md": HOSTILE})
    assert cli("report", cwd=repo).exit_code == 0
    page = (repo / "aoslint-report/incidents/INC-20261118-003.html").read_text()
    assert "<script>window" not in page and "&lt;script&gt;window" in page
    assert "<img" not in page
    assert '<a href="https://example.com/runbook">a safe link</a>' in page
    assert 'href="javascript:' not in page
    index = (repo / "aoslint-report/index.html").read_text()
    assert "a &lt;script&gt; in the notes" in index


def test_the_report_has_no_external_resources(cli, repo: Path) -> None:
    assert cli("report", cwd=repo).exit_code == 0
    for page in (repo / "aoslint-report").rglob("*.html"):
        text = page.read_text()
        assert "<link" not in text and "src=" not in text and "@import" not in text
        assert "http://" not in text and "https://" not in text, page


def test_the_report_is_the_same_from_workers_and_the_cache(repo: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    # The documents are prepared where the check loads them: in forked workers
    # for a large run, and loaded again for the report when the check's
    # results come from the cache. All three must give the same report.
    from aoslint.report.build import ReportOptions, build, files
    from aoslint.runner import PARALLEL_MIN_FILES

    monkeypatch.setenv("AOSLINT_DATE", TODAY)
    good = (repo / "docs/incidents/INC-20261102-001/postmortem.md").read_text()
    for number in range(PARALLEL_MIN_FILES):
        name = f"docs/incidents/INC-20261001-{number:03}/postmortem.md"
        write_tree(repo, {name: good.replace("INC-20261102-001", f"INC-20261001-{number:03}")})
    monkeypatch.chdir(repo)

    def report(jobs: int, cache: bool) -> dict[str, str]:
        return files(build(ReportOptions(git=False, jobs=jobs, cache=cache)))

    alone = report(1, False)
    assert report(2, False) == alone
    assert report(2, True) == alone  # fills the cache
    assert report(2, True) == alone  # every document's check from the cache
    data = json.loads(alone["incidents.json"])
    assert len(data["incidents"]) > PARALLEL_MIN_FILES
    assert {"rule_file": "security/auth.md", "incidents": PARALLEL_MIN_FILES + 1} in \
        data["most_hardened"]


def _findings_in(data: dict[str, object]) -> list[tuple[str, int, str]]:
    return sorted((d["path"], d["line"], d["code"]) for i in data["incidents"]  # type: ignore
                  for doc in i["documents"] for d in doc["findings"])


def test_report_takes_the_profile_as_check_does(cli, repo: Path) -> None:
    generic = cli("report", "--format", "json", "--profile", "generic", cwd=repo)
    assert generic.exit_code == 0, generic.err
    check = cli("check", "--format", "json", "--profile", "generic", cwd=repo).json()
    assert _findings_in(generic.json()) == sorted((d["path"], d["line"], d["code"])
                                                  for d in check)
    # The AOS rules (hardening, STOP conditions) do not apply under the generic profile.
    default = cli("report", "--format", "json", cwd=repo).json()
    assert {code for _, _, code in _findings_in(default)} - \
        {code for _, _, code in _findings_in(generic.json())}
    assert cli("report", "--profile", "nonsense", cwd=repo).exit_code == 2


def test_report_tracked_only_leaves_out_untracked_drafts(cli, repo: Path) -> None:
    draft = HOSTILE.replace("INC-20261118-003", "INC-20261119-004")
    write_tree(repo, {"docs/incidents/INC-20261119-004/postmortem.md": draft})
    every = cli("report", "--format", "json", cwd=repo).json()
    tracked = cli("report", "--format", "json", "--tracked-only", cwd=repo).json()
    assert "INC-20261119-004" in [i["id"] for i in every["incidents"]]
    assert [i["id"] for i in tracked["incidents"]] == ["INC-20261102-001", "INC-20261115-2"]


@pytest.mark.parametrize("jobs", ["0", "two"])
def test_report_refuses_a_bad_jobs_count(cli, repo: Path, jobs: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:  # argparse's usage error
        cli("report", "--jobs", jobs, cwd=repo)
    assert exited.value.code == 2 and "--jobs" in capsys.readouterr().err
    assert not (repo / "aoslint-report").exists()


def test_report_from_workers_equals_one_process(cli, repo: Path) -> None:
    # An explicit -j 2 forks workers even for a small run; the data must not change.
    assert cli("report", "-j", "1", "--format", "json", cwd=repo).json() == \
        cli("report", "-j", "2", "--format", "json", cwd=repo).json()
