"""Start-up: msgspec is imported without typing_extensions, and nothing breaks for it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from aoslint._imports import import_without


@pytest.fixture
def package_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith(("optional_user", "needy_user",
                                                         "helper_mod"))]:
        del sys.modules[name]


def test_a_module_with_a_fallback_is_imported_without_the_unwanted_one(
        package_dir: Path) -> None:
    (package_dir / "helper_mod_a.py").write_text("VALUE = 'real'\n")
    (package_dir / "optional_user.py").write_text(
        "try:\n    from helper_mod_a import VALUE\nexcept ImportError:\n    VALUE = 'fallback'\n")
    import_without("optional_user", "helper_mod_a")
    assert sys.modules["optional_user"].VALUE == "fallback"
    assert "helper_mod_a" not in sys.modules
    import helper_mod_a  # still importable afterwards

    assert helper_mod_a.VALUE == "real"


def test_a_module_that_needs_the_unwanted_one_still_gets_it(package_dir: Path) -> None:
    (package_dir / "helper_mod_b.py").write_text("VALUE = 'real'\n")
    (package_dir / "needy_user.py").write_text("from helper_mod_b import VALUE\n")
    import_without("needy_user", "helper_mod_b")
    assert sys.modules["needy_user"].VALUE == "real"


def test_aoslint_check_does_not_import_typing_extensions() -> None:
    code = ("import sys, aoslint.cli, aoslint.runner, msgspec\n"
            "print(sorted(m for m in ('typing_extensions', 'inspect', 'dataclasses') "
            "if m in sys.modules))\n"
            "import jsonschema\n"  # which needs typing_extensions: it still gets it
            "print('typing_extensions' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split("\n")[:2] == ["[]", "True"]


@pytest.mark.parametrize("argv", [
    ["check", "--no-git", "--skip-unknown", "-j", "2", "a.md", "b.md"],
    ["check"],
    ["model", "doc.md", "--config", "x.toml"],
    ["rules"],
    ["rule", "AOS101"],
    ["new", "postmortem", "Title", "--from", "INC-1", "--stdout"],
    ["init", "--templates"],
    ["clean", "somewhere"],
])
def test_a_command_parses_the_same_with_only_its_own_parser(argv: list[str]) -> None:
    from aoslint.cli import build_parser

    assert build_parser(argv[0]).parse_args(argv) == build_parser().parse_args(argv)


def test_help_still_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    from aoslint.cli import COMMANDS, main

    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert all(f"    {command} " in out for command in COMMANDS)
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    assert "--skip-unknown" in capsys.readouterr().out


def test_the_command_exits_quickly_with_its_whole_output_and_exit_code(tmp_path: Path) -> None:
    """``aoslint`` leaves with os._exit after flushing: nothing may be lost or changed."""
    from tests.conftest import EXAMPLE

    def aoslint(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "aoslint", *args], cwd=EXAMPLE,
                              capture_output=True, text=True)

    rules = aoslint("rules")
    listed = [line for line in rules.stdout.splitlines() if line.startswith("AOS")]
    assert rules.returncode == 0 and len(listed) > 30 and rules.stdout.endswith("\n")
    report = aoslint("check", "--no-git", "--no-cache", "--format", "json")
    assert report.returncode == 1 and report.stdout.rstrip().endswith(("]", "}"))
    import json

    json.loads(report.stdout)  # complete, not cut off
    assert aoslint("check", "--bogus").returncode == 2
    written = tmp_path / "report.txt"
    to_file = aoslint("check", "--no-git", "--no-cache", "-o", str(written))
    assert to_file.returncode == 1 and "documents checked" in written.read_text()


def test_a_reader_that_goes_away_gets_no_traceback() -> None:
    from tests.conftest import EXAMPLE

    process = subprocess.Popen([sys.executable, "-m", "aoslint", "rules"], cwd=EXAMPLE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # like `aoslint rules | head -1`
    assert process.wait(timeout=60) == 0
    assert b"Traceback" not in process.stderr.read()


def test_started_with_standard_output_closed_it_still_exits_cleanly() -> None:
    from tests.conftest import EXAMPLE

    def close_stdout() -> None:
        import os

        os.close(1)

    done = subprocess.run([sys.executable, "-m", "aoslint", "check", "--no-git", "--no-cache"],
                          cwd=EXAMPLE, stderr=subprocess.PIPE, text=True,
                          preexec_fn=close_stdout)
    assert "Traceback" not in done.stderr
    assert done.returncode in (1, 2)  # the findings, or the report it could not write
