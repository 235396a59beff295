"""Shared helpers: run the CLI in-process and build throwaway repositories."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from aoslint.checks import all_rules
from aoslint.cli import main
from aoslint.diagnostics import Severity

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = Path(__file__).parent.parent / "examples" / "aos-repo"


@dataclass
class CliResult:
    exit_code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
        ) -> Callable[..., CliResult]:
    """Run ``aoslint ARGS`` in-process from a working directory."""

    def run(*args: str, cwd: Path | None = None) -> CliResult:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create files (text or bytes) under ``root``; returns ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def git(cwd: Path, *args: str, date: str | None = None) -> str:
    """Run git with a fixed identity, so tests never depend on the user's config."""
    env = {
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd), "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    if date is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    done = subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=cwd, env=env,
                          check=True, capture_output=True, text=True)
    return done.stdout


def beyond_the_document() -> list[str]:
    """The codes of the rules that read more than one document: its repository or git."""
    return [item.code for item in all_rules() if item.needs != "document"]


def pending_gates() -> list[str]:
    """The closure gates an open document reports as pending (info), not as failures."""
    return [item.code for item in all_rules()
            if item.closure_gate and item.severity is Severity.INFO]


# Checks of one document alone: no git history, no repository-wide joins, no
# pending closure gates. The rules left out are tested on real repositories.
STANDALONE: dict[str, Any] = {
    "git": False,
    "ignore": sorted({*beyond_the_document(), *pending_gates()}),
}
STANDALONE_ARGS = ("--no-git", "--ignore", ",".join(STANDALONE["ignore"]))


def run_from(root: Path, paths: list[str] | None = None, **options: Any) -> Any:
    """``run_check`` from ``root`` as the working directory, without git: a RunResult."""
    from aoslint.runner import run_check

    old = Path.cwd()
    os.chdir(root)
    try:
        return run_check([Path(p) for p in paths or []], git=False, **options)
    finally:
        os.chdir(old)
