"""Hostile lines of 1 MB: every pattern family finishes, with its findings, in linear time.

Each group's documents are checked in a fresh process with a generous
timeout: a pattern that turns quadratic again takes hours on these lines and
fails the test by the timeout, with no timed assertion. The times themselves
are printed by ``benchmarks/bench_adversarial.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.adversarial import FAMILIES, SEVERITY_FINDING, document

SIZE = 1_000_000
GROUPS = sorted({group for group, *_ in FAMILIES.values()})


@pytest.mark.parametrize("group", GROUPS)
def test_one_megabyte_hostile_line_is_checked_to_the_end(tmp_path: Path, group: str) -> None:
    names = [name for name, (family_group, *_) in FAMILIES.items() if family_group == group]
    paths = []
    for name in names:
        path = tmp_path / name / "postmortem.md"
        path.parent.mkdir()
        path.write_text(document(name, SIZE), encoding="utf-8")
        paths.append(str(path))
    command = [sys.executable, "-m", "aoslint", "check", "--no-git", "--no-cache", *paths]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    for path in paths:  # every document was read to its end and checked
        assert path + SEVERITY_FINDING in done.stdout
    plural = "document" if len(paths) == 1 else "documents"
    assert f"{len(paths)} {plural} checked" in done.stdout


def test_documents_hold_their_hostile_line() -> None:
    for name in FAMILIES:
        text = document(name, 1000)
        assert any(len(line) >= 900 for line in text.splitlines()), name
