"""The cache folder is aoslint's only when aoslint made it: real commands, real git repositories."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aoslint.store.cache import _TAG
from tests.conftest import FIXTURES, CliResult, git, write_tree

Cli = Callable[..., CliResult]
POSTMORTEM = (FIXTURES / "good" / "kit-postmortem.md").read_text()


def _repo(tmp_path: Path, config: str = "") -> Path:
    root = write_tree(tmp_path / "repo", {
        ".aoslint.toml": config,
        "docs/incidents/INC-1/postmortem.md": POSTMORTEM,
    })
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "docs")
    return root


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_clean_refuses_a_tracked_folder_with_a_planted_tag(tmp_path: Path, cli: Cli) -> None:
    root = _repo(tmp_path, 'cache-dir = "docs"\n')
    write_tree(root, {"docs/CACHEDIR.TAG": _TAG, "docs/draft.md": "uncommitted work\n"})
    before = _tree(root / "docs")
    done = cli("clean", cwd=root)
    assert done.exit_code == 2
    assert "tracked by git" in done.err and "incidents/INC-1/postmortem.md" in done.err
    assert _tree(root / "docs") == before
    checked = cli("check", "--no-git", cwd=root)  # runs, without the cache, and says so once
    assert checked.exit_code == 0
    assert checked.exit_code == cli("check", "--no-git", "--no-cache", cwd=root).exit_code
    assert checked.err.count("warning: cache not used") == 1
    assert _tree(root / "docs") == before


def test_a_symlinked_cache_folder_is_never_written_through(tmp_path: Path, cli: Cli) -> None:
    root = _repo(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / ".aoslint_cache").symlink_to(outside, target_is_directory=True)
    checked = cli("check", "--no-git", cwd=root)
    assert checked.exit_code == 0
    assert checked.exit_code == cli("check", "--no-git", "--no-cache", cwd=root).exit_code
    assert checked.err.count("is a symbolic link") == 1
    assert list(outside.iterdir()) == []
    done = cli("clean", cwd=root)
    assert done.exit_code == 2 and "symbolic link" in done.err
    assert (root / ".aoslint_cache").is_symlink() and outside.is_dir()


def test_a_symlinked_parent_of_the_cache_folder_is_not_followed(tmp_path: Path, cli: Cli) -> None:
    root = _repo(tmp_path, 'cache-dir = "build/lint-cache"\n')
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "build").symlink_to(outside, target_is_directory=True)
    checked = cli("check", "--no-git", cwd=root)
    assert "warning: cache not used" in checked.err
    assert list(outside.iterdir()) == []


def test_clean_keeps_a_file_it_did_not_write(tmp_path: Path, cli: Cli) -> None:
    root = _repo(tmp_path)
    cli("check", "--no-git", cwd=root)
    cache = root / ".aoslint_cache"
    assert (cache / "key").is_file()
    write_tree(cache, {"notes/mine.txt": "keep me\n"})
    done = cli("clean", cwd=root)
    assert done.exit_code == 0 and "notes/mine.txt" in done.out and "kept" in done.out
    assert _tree(cache) == {"notes/mine.txt": b"keep me\n"}


def test_clean_removes_the_cache_it_made(tmp_path: Path, cli: Cli) -> None:
    root = _repo(tmp_path)
    first = cli("check", "--no-git", cwd=root)
    assert "warning" not in first.err
    cache = root / ".aoslint_cache"
    assert any(p.is_file() for p in (cache / "v1").rglob("*"))
    done = cli("clean", cwd=root)
    assert (done.exit_code, done.out.strip()) == (0, f"removed {cache}")
    assert not cache.exists()
    assert git(root, "status", "--porcelain") == ""
