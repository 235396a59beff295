"""The built wheel works on its own: schemas ship inside it, nothing reads the source tree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE

ROOT = Path(__file__).parent.parent
# The installed copy must not see a source tree put on the path for the test run itself.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel, install it into a fresh virtual environment, return its bin dir."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation",
                    "--outdir", str(work / "dist"), str(ROOT)],
                   check=True, capture_output=True, text=True)
    wheel = next((work / "dist").glob("aoslint-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "aoslint/_data/rules-schema/postmortem.schema.json" in names
    assert "aoslint/_data/rules-schema/config.schema.json" in names
    assert "aoslint/_data/templates/README.md" in names
    venv.EnvBuilder(with_pip=True).create(work / "venv")
    bin_dir = work / "venv" / "bin"
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], env=ENV,
                   check=True, capture_output=True, text=True)
    return bin_dir


def test_installed_wheel_checks_a_repository_outside_the_source_tree(
        installed: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    done = subprocess.run([str(installed / "aoslint"), "check", "--format", "json"], cwd=repo,
                          env=ENV, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    findings = json.loads(done.stdout)
    assert {f["path"] for f in findings} == {"docs/incidents/INC-20261115-002/postmortem.md"}
    assert "AOS201" in {f["code"] for f in findings}


def test_installed_wheel_reads_its_own_packaged_schemas(installed: Path, tmp_path: Path) -> None:
    probe = ("import aoslint.resources as r; "
             "print(r.data_dir('rules-schema')); print(r.data_dir('templates'))")
    done = subprocess.run([str(installed / "python"), "-c", probe], cwd=tmp_path, env=ENV,
                          capture_output=True, text=True, check=True)
    for line in done.stdout.splitlines():
        assert "site-packages" in line and str(ROOT) not in line
    rules = subprocess.run([str(installed / "aoslint"), "rules"], cwd=tmp_path, env=ENV,
                           capture_output=True, text=True, check=True)
    assert "AOS101  missing-section" in rules.stdout
