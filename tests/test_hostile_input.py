"""One hostile file is a finding at its path and line; the rest of the run goes on."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, STANDALONE_ARGS, CliResult, write_tree

Cli = Callable[..., CliResult]
GOOD_PM = (FIXTURES / "good" / "kit-postmortem.md").read_text()
OTHER_PM = GOOD_PM.replace("INC-20261102-001", "INC-20261102-002")


def _bomb(depth: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, depth)]
    return "\n".join(lines)


@pytest.mark.parametrize(("front", "line", "words"), [
    ("s: !!float x", 3, "'x' is not a valid !!float"),
    ("s: !!int 0x", 3, "'0x' is not a valid !!int"),
    ("s: !!timestamp 2026-13-45", 3, "'2026-13-45' is not a valid !!timestamp"),
    ("s: !!python/object:os.system x", 3, "is not allowed"),
    ("a: &a [*a]", 3, "recursive alias *a"),
    ("a: " + "[" * 600 + "]" * 600, 3, "nested more than 64 levels deep"),
    (_bomb(9), 7, "expands to more than 10000 values"),
])
def test_bad_front_matter_is_a_finding_and_the_run_goes_on(
        cli: Cli, tmp_path: Path, front: str, line: int, words: str) -> None:
    write_tree(tmp_path, {"docs/incidents/good.md": GOOD_PM,
                          "docs/incidents/bad.md": f"---\ntype: postmortem\n{front}\n---\n"
                                                   + OTHER_PM})
    result = cli("check", *STANDALONE_ARGS, "docs", cwd=tmp_path)
    assert result.exit_code == 1, result.err
    assert result.err == ""
    assert f"docs/incidents/bad.md:{line}:" in result.out and "AOS202" in result.out
    assert words in result.out
    assert "good.md" not in result.out  # checked, and clean


def test_duplicate_front_matter_key_is_reported_at_the_repeat(cli: Cli, tmp_path: Path) -> None:
    document = "---\ntype: postmortem\nseverity: HIGH\nseverity: LOW\n---\n" + OTHER_PM
    write_tree(tmp_path, {"docs/incidents/pm.md": document})
    result = cli("check", *STANDALONE_ARGS, "--select", "AOS204", "docs", cwd=tmp_path)
    assert result.exit_code == 1
    assert "docs/incidents/pm.md:4:1: AOS204 front matter key 'severity' is repeated " \
           "(first at line 3)" in result.out


@pytest.mark.parametrize(("encoding", "name"), [("utf-16", "UTF-16"), ("utf-32", "UTF-32")])
def test_wide_unicode_with_bom_is_an_encoding_finding(cli: Cli, tmp_path: Path,
                                                      encoding: str, name: str) -> None:
    write_tree(tmp_path, {"docs/incidents/pm.md": OTHER_PM.encode(encoding)})
    result = cli("check", *STANDALONE_ARGS, "docs", cwd=tmp_path)
    assert result.exit_code == 1
    assert f"docs/incidents/pm.md:1:1: AOS902 the file is {name}" in result.out


def test_nul_byte_past_the_first_8_kib_is_found(cli: Cli, tmp_path: Path) -> None:
    data = OTHER_PM.encode() + b"x" * 9000 + b"\x00\n"
    write_tree(tmp_path, {"docs/incidents/pm.md": data})
    result = cli("check", *STANDALONE_ARGS, "docs/incidents/pm.md", cwd=tmp_path)
    assert result.exit_code == 1
    assert "AOS903" in result.out and f"byte offset {len(data) - 2}" in result.out


def test_symlink_loop_is_a_finding_named_or_scanned(cli: Cli, tmp_path: Path) -> None:
    write_tree(tmp_path, {"docs/incidents/good.md": GOOD_PM})
    (tmp_path / "docs/incidents/loop.md").symlink_to("loop.md")
    for target in ("docs", "docs/incidents/loop.md"):
        result = cli("check", *STANDALONE_ARGS, target, cwd=tmp_path)
        assert result.exit_code == 1, result.err
        assert "docs/incidents/loop.md:1:1: AOS901 cannot read file" in result.out


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "aoslint", *args], cwd=tmp_path, timeout=60,
                          capture_output=True, text=True)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_skipped_in_scans_and_reported_when_named(tmp_path: Path) -> None:
    write_tree(tmp_path, {"docs/incidents/good.md": GOOD_PM})
    os.mkfifo(tmp_path / "docs/incidents/postmortem.md")
    scanned = _run(tmp_path, "check", *STANDALONE_ARGS, "docs")
    assert scanned.returncode == 0, scanned.stdout + scanned.stderr
    named = _run(tmp_path, "check", *STANDALONE_ARGS, "docs/incidents/postmortem.md")
    assert named.returncode == 1
    assert "postmortem.md:1:1: AOS901 cannot read file: a FIFO, not a regular file" \
           in named.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_model_refuses_a_fifo_or_device_instead_of_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "postmortem.md")
    fifo = _run(tmp_path, "model", "postmortem.md")
    assert fifo.returncode == 2
    assert "postmortem.md: 'aoslint model' reads one document: this is a FIFO, " \
           "not a regular file" in fifo.stderr
    assert "Traceback" not in fifo.stderr
    device = _run(tmp_path, "model", os.devnull)
    assert device.returncode == 2
    assert "this is a device" in device.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_new_refuses_a_fifo_template_and_a_fifo_include(tmp_path: Path) -> None:
    write_tree(tmp_path, {"templates/pm.md.j2": "# {{ title }}\n{% include 'pipe' %}\n"})
    os.mkfifo(tmp_path / "templates/pipe")
    named = _run(tmp_path, "new", "postmortem", "--stdout", "--template", "templates/pipe")
    assert named.returncode == 2
    assert "--template: templates/pipe: a FIFO, not a regular file" in named.stderr
    included = _run(tmp_path, "new", "postmortem", "--stdout", "--template", "templates/pm.md.j2")
    assert included.returncode == 2
    assert "templates/pipe: cannot read template: a FIFO, not a regular file" in included.stderr
    assert included.stdout == ""
    folder = _run(tmp_path, "new", "postmortem", "--stdout", "--template", "templates")
    assert folder.returncode == 2
    assert "--template: templates: a directory, not a regular file" in folder.stderr
