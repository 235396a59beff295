"""A remembered scan updated folder by folder equals a new walk, whatever changed."""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from aoslint.discovery.discover import Snapshot, build_selector, snapshot
from aoslint.discovery.rescan import refresh
from aoslint.project import load_project
from tests.conftest import write_tree


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    root = write_tree(tmp_path / "repo", {
        "docs/incidents/INC-1/postmortem.md": "# a\n",
        "docs/incidents/INC-1/incident-plan.md": "# b\n",
        "docs/incidents/INC-2/notes.txt": "not markdown\n",
        "docs/postmortems/2026/one.md": "# c\n",
        "README.md": "# not a document\n",
    })
    (root / ".git").mkdir()
    old = Path.cwd()
    os.chdir(root)
    try:
        yield root
    finally:
        os.chdir(old)


def _walk_anew() -> Snapshot:
    project = load_project([])
    return snapshot(build_selector(project.config, project.layout), project.layout)


def _refreshed(scan: Snapshot) -> Snapshot:
    project = load_project([])
    return refresh(scan, build_selector(project.config, project.layout), project.layout)


class _Clock:
    """Gives each changed folder a new modification time, as time passing would."""

    def __init__(self) -> None:
        self.now = 1_700_000_000_000_000_000

    def touch(self, folder: Path) -> None:
        self.now += 1_000_000_000
        os.utime(folder, ns=(self.now, self.now))


def _mutate(root: Path, rng: random.Random, clock: _Clock, step: int) -> str:
    folders = sorted(p for p in (root / "docs").rglob("*") if p.is_dir())
    files = sorted(p for p in (root / "docs").rglob("*") if p.is_file())
    kind = rng.choice(["add file", "add file", "remove file", "add folder", "remove folder",
                       "rename folder", "excluded folder", "edit file", "add other"])
    if kind == "add file" and folders:
        folder = rng.choice(folders)
        (folder / f"doc-{step}.md").write_text("# new\n")
        clock.touch(folder)
    elif kind == "add other" and folders:
        folder = rng.choice(folders)
        (folder / f"image-{step}.png").write_bytes(b"\x89PNG")
        clock.touch(folder)
    elif kind == "remove file" and files:
        victim = rng.choice(files)
        victim.unlink()
        clock.touch(victim.parent)
    elif kind == "add folder" and folders:
        parent = rng.choice(folders)
        new = parent / f"INC-{step}"
        write_tree(new, {"postmortem.md": "# p\n", "deeper/plan.md": "# q\n"})
        clock.touch(new / "deeper")
        clock.touch(new)
        clock.touch(parent)
    elif kind == "remove folder" and len(folders) > 2:
        victim = rng.choice([f for f in folders if f.name not in ("incidents", "postmortems")]
                            or folders)
        if victim.name not in ("incidents", "postmortems"):
            shutil.rmtree(victim)
            clock.touch(victim.parent)
    elif kind == "rename folder" and folders:
        victim = rng.choice(folders)
        if victim.name not in ("incidents", "postmortems"):
            victim.rename(victim.parent / f"renamed-{step}")
            clock.touch(victim.parent)
    elif kind == "excluded folder" and folders:
        parent = rng.choice(folders)
        write_tree(parent / "node_modules", {"x.md": "# x\n"})
        clock.touch(parent / "node_modules")
        clock.touch(parent)
    elif kind == "edit file" and files:
        rng.choice(files).write_text("# edited\n")  # no folder changes: nothing to list
    return kind


@pytest.mark.parametrize("seed", range(6))
def test_updated_scan_equals_a_new_walk(repo: Path, seed: int) -> None:
    rng = random.Random(seed)
    clock = _Clock()
    for folder in [repo, *(p for p in repo.rglob("*") if p.is_dir())]:
        clock.touch(folder)
    scan = _walk_anew()
    for step in range(40):
        kind = _mutate(repo, rng, clock, step)
        updated = _refreshed(scan)
        fresh = _walk_anew()
        assert (updated.listing, dict(updated.folders)) == (fresh.listing, dict(fresh.folders)), \
            f"step {step}: {kind}"
        scan = updated


def test_only_changed_folders_are_listed(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _Clock()
    for folder in [repo, *(p for p in repo.rglob("*") if p.is_dir())]:
        clock.touch(folder)
    scan = _walk_anew()
    (repo / "docs/incidents/INC-3").mkdir()
    (repo / "docs/incidents/INC-3/postmortem.md").write_text("# new\n")
    clock.touch(repo / "docs/incidents/INC-3")
    clock.touch(repo / "docs/incidents")
    listed: list[str] = []
    import aoslint.discovery.discover

    real_list = aoslint.discovery.discover.list_folder

    def spy(selector: object, folder: str, real: str, *rest: object) -> object:
        listed.append(os.path.relpath(folder, repo))
        return real_list(selector, folder, real, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(aoslint.discovery.discover, "list_folder", spy)
    monkeypatch.setattr("aoslint.discovery.rescan.list_folder", spy)
    updated = _refreshed(scan)
    assert "docs/incidents/INC-3/postmortem.md" in updated.listing
    assert sorted(listed) == ["docs/incidents", "docs/incidents/INC-3"]


def test_a_linked_file_means_a_new_walk(repo: Path) -> None:
    clock = _Clock()
    for folder in [repo, *(p for p in repo.rglob("*") if p.is_dir())]:
        clock.touch(folder)
    scan = _walk_anew()
    (repo / "docs/incidents/INC-1/link.md").symlink_to(repo / "README.md")
    clock.touch(repo / "docs/incidents/INC-1")
    updated = _refreshed(scan)
    fresh = _walk_anew()
    assert updated.listing == fresh.listing
    assert any(not isinstance(entry, str) for entry in updated.listing)
    # A scan holding a linked file is walked anew on the next change too.
    (repo / "docs/postmortems/2026/two.md").write_text("# two\n")
    clock.touch(repo / "docs/postmortems/2026")
    assert _refreshed(updated).listing == _walk_anew().listing


def test_a_start_folder_that_appears_is_walked(repo: Path) -> None:
    shutil.rmtree(repo / "docs/postmortems")
    scan = _walk_anew()
    write_tree(repo / "docs/postmortems", {"2027/two.md": "# two\n"})
    assert _refreshed(scan).listing == _walk_anew().listing
    assert "docs/postmortems/2027/two.md" in _refreshed(scan).listing


@pytest.mark.parametrize("change", ["swap", "replace"])
def test_a_folder_that_takes_another_ones_name_is_listed_again(repo: Path, change: str) -> None:
    """Renames keep folder times, and two folders can share one: the inode tells them apart."""
    write_tree(repo / "docs/incidents/INC-2", {"postmortem.md": "# two\n"})
    (repo / "docs/incidents/INC-2/notes.txt").unlink()
    same = 1_700_000_000_000_000_000
    for name in ("INC-1", "INC-2"):
        os.utime(repo / "docs/incidents" / name, ns=(same, same))
    os.utime(repo / "docs/incidents", ns=(same, same))
    scan = _walk_anew()
    incidents = repo / "docs/incidents"
    if change == "swap":
        (incidents / "INC-1").rename(incidents / "tmp")
        (incidents / "INC-2").rename(incidents / "INC-1")
        (incidents / "tmp").rename(incidents / "INC-2")
    else:
        shutil.rmtree(incidents / "INC-1")
        (incidents / "INC-2").rename(incidents / "INC-1")
    os.utime(incidents, ns=(same + 10**9, same + 10**9))
    updated = _refreshed(scan)
    assert updated.listing == _walk_anew().listing
    expected = ("docs/incidents/INC-1/postmortem.md" if change == "replace" else
                "docs/incidents/INC-2/incident-plan.md")
    assert expected in updated.listing
