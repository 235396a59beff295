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
# The installed aoslint must not see a source checkout through PYTHONPATH.
ISOLATED = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


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
    assert "aoslint/_data/templates/postmortem.md.j2" in names
    assert "aoslint/_data/templates/incident-plan.md.j2" in names
    for asset in ("index.html.j2", "incident.html.j2", "base.html.j2", "style.css", "table.js"):
        assert f"aoslint/report/templates/{asset}" in names
    venv.EnvBuilder(with_pip=True).create(work / "venv")
    bin_dir = work / "venv" / "bin"
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)],
                   check=True, capture_output=True, text=True, env=ISOLATED)
    return bin_dir


def _on_example_copy(installed: Path, tmp_path: Path, *args: str
                     ) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """Run the installed aoslint in a copy of the example repository outside git."""
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    done = subprocess.run([str(installed / "aoslint"), *args], cwd=repo, capture_output=True,
                          text=True, check=False, env=ISOLATED)
    return repo, done


def test_installed_wheel_checks_a_repository_outside_the_source_tree(
        installed: Path, tmp_path: Path) -> None:
    # A copy outside any git repository: the git-backed proofs are skipped on purpose.
    _, done = _on_example_copy(installed, tmp_path, "check", "--format", "json", "--no-git")
    assert done.returncode == 1, done.stderr
    findings = json.loads(done.stdout)
    assert {f["path"] for f in findings} == {"docs/incidents/INC-20261115-002/postmortem.md"}
    assert "AOS201" in {f["code"] for f in findings}


def test_installed_wheel_reads_its_own_packaged_schemas(installed: Path, tmp_path: Path) -> None:
    probe = ("import aoslint.resources as r; "
             "print(r.data_dir('rules-schema')); print(r.data_dir('templates'))")
    done = subprocess.run([str(installed / "python"), "-c", probe], cwd=tmp_path,
                          capture_output=True, text=True, check=True, env=ISOLATED)
    for line in done.stdout.splitlines():
        assert "site-packages" in line and str(ROOT) not in line
    rules = subprocess.run([str(installed / "aoslint"), "rules"], cwd=tmp_path,
                           capture_output=True, text=True, check=True, env=ISOLATED)
    assert "AOS101  missing-section" in rules.stdout


def test_installed_wheel_scaffolds_from_its_packaged_templates(
        installed: Path, tmp_path: Path) -> None:
    env = {**ISOLATED, "AOSLINT_DATE": "2026-11-29"}
    done = subprocess.run([str(installed / "aoslint"), "new", "postmortem", "Checkout 500"],
                          cwd=tmp_path, capture_output=True, text=True, check=True, env=env)
    assert done.stdout == "docs/incidents/INC-20261129-001/postmortem.md\n"
    text = (tmp_path / done.stdout.strip()).read_text()
    assert "- [ ] **QA Suite Update**:" in text
    check = subprocess.run([str(installed / "aoslint"), "check"], cwd=tmp_path,
                           capture_output=True, text=True, check=False, env=env)
    assert check.returncode == 0, check.stdout


def test_installed_wheel_writes_the_report_from_its_packaged_templates(
        installed: Path, tmp_path: Path) -> None:
    repo, done = _on_example_copy(installed, tmp_path, "report", "--no-git", "-o", "out")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"2 incidents: {repo / 'out' / 'index.html'}\n"
    index = (repo / "out" / "index.html").read_text()
    assert 'id="incidents"' in index and "INC-20261102-001" in index
