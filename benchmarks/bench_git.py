"""Benchmark of the git facts layer on a 5,000-commit repository.

Builds the repository with ``git fast-import`` (a few seconds), then times
loading the facts and answering 500 ``changes_to`` and 500 ``is_pushed``
questions, plus 500 ``added_lines`` questions. Prints figures; asserts nothing.

    PYTHONPATH=. python benchmarks/bench_git.py [--commits 5000] [--rules 300]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aoslint.git.command import GitRunner
from aoslint.git.facts import GitFacts

START = datetime(2025, 1, 1, tzinfo=UTC)
DOMAINS = ("security", "api", "data", "qa", "ops", "frontend")


def hermetic_env(home: Path) -> dict[str, str]:
    """No user or system config, so the figures do not depend on the machine's git setup."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "LC_ALL": "C",
    }


def fast_import_stream(commits: int, rules: int, rng: random.Random, *,
                       hardening: Mapping[int, Sequence[int]] | None = None,
                       gate: tuple[str, str] | None = None) -> tuple[bytes, list[str]]:
    """A fast-import stream: each commit appends to 1-3 rule files; some commits rename one.

    ``gate`` (path, text) is added by the first commit; ``hardening`` maps a
    commit number to the indexes of rule files it also appends to (the gate
    too), dated like the commit: ``START`` plus its number in hours.
    """
    paths = [f".agent/rules/{DOMAINS[i % len(DOMAINS)]}/rule-{i:04}.md" for i in range(rules)]
    contents = {p: f"# Rule {i}\n\n## Purpose\n" for i, p in enumerate(paths)}
    hardening = hardening or {}
    if gate is not None:
        contents[gate[0]] = gate[1]
    out: list[bytes] = []
    initial = list(paths)
    for number in range(1, commits + 1):
        when = int((START + timedelta(hours=number)).timestamp())
        message = f"Commit {number}".encode()
        out.append(b"commit refs/heads/main\n")
        out.append(f"mark :{number}\n".encode())
        out.append(f"committer Bench <bench@example.com> {when} +0000\n".encode())
        out.append(f"data {len(message)}\n".encode() + message + b"\n")
        if number > 1:
            out.append(f"from :{number - 1}\n".encode())
        touched = initial if number == 1 else rng.sample(paths, rng.randint(1, 3))
        if number > 1 and number % 97 == 0:
            old = rng.choice(paths)
            new = old.replace(".md", f"-v{number}.md")
            out.append(f"R {old} {new}\n".encode())
            contents[new] = contents.pop(old)
            paths[paths.index(old)] = new
            touched = [new]
        if number == 1 and gate is not None:
            touched = [*touched, gate[0]]
        elif number in hardening:
            extra = [paths[i] for i in hardening[number]] + ([gate[0]] if gate else [])
            touched = list(dict.fromkeys([*touched, *extra]))
        for path in touched:
            contents[path] += f"- MUST hold in change {number}.\n"
            data = contents[path].encode()
            out.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    out.append(b"done\n")
    return b"".join(out), paths


def build(root: Path, env: dict[str, str], commits: int, rules: int,
          **extra: Any) -> list[str]:
    rng = random.Random(7)
    stream, paths = fast_import_stream(commits, rules, rng, **extra)

    def git(*args: str, stdin: bytes | None = None) -> str:
        done = subprocess.run(["git", *args], cwd=root, env=env, input=stdin,
                              capture_output=True, check=True)
        return done.stdout.decode()

    git("-c", "init.defaultBranch=main", "init", "-q")
    git("fast-import", "--quiet", "--done", stdin=stream)
    git("reset", "-q")  # index = HEAD, so nothing looks staged
    git("remote", "add", "origin", str(root / "nowhere.git"))
    pushed = git("rev-parse", f"main~{commits // 10}").strip()
    git("update-ref", "refs/remotes/origin/main", pushed)
    git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
    git("config", "branch.main.remote", "origin")
    git("config", "branch.main.merge", "refs/heads/main")
    return paths


def scratch_repository(tmp: str, commits: int, rules: int, **extra: Any
                       ) -> tuple[Path, dict[str, str], list[str], float]:
    """Build the benchmark repository in ``tmp``: (root, git env, rule paths, seconds).

    ``extra`` goes to :func:`fast_import_stream` (``hardening``, ``gate``).
    """
    root = Path(tmp) / "repo"
    root.mkdir()
    (Path(tmp) / "home").mkdir()
    env = hermetic_env(Path(tmp) / "home")
    started = time.perf_counter()
    paths = build(root, env, commits, rules, **extra)
    return root, env, paths, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--rules", type=int, default=300)
    parser.add_argument("--questions", type=int, default=500)
    options = parser.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        root, env, paths, built = scratch_repository(tmp, options.commits, options.rules)

        all_shas = subprocess.run(["git", "rev-list", "main"], cwd=root, env=env,
                                  capture_output=True, text=True, check=True).stdout.split()
        cited = [sha[: rng.choice((7, 12, 40))] for sha in rng.sample(all_shas, options.questions)]
        questions = [
            (rng.choice(paths), START + timedelta(hours=rng.randint(1, options.commits)))
            for _ in range(options.questions)
        ]

        runner = GitRunner(root, env=env)
        t0 = time.perf_counter()
        facts = GitFacts.load(root, shas=cited, paths_of_interest=[".agent/rules/"],
                              runner=runner)
        t1 = time.perf_counter()
        found = sum(facts.changes_to(path, since).yes for path, since in questions)
        t2 = time.perf_counter()
        pushed = sum(facts.is_pushed(sha).yes for sha in cited)
        t3 = time.perf_counter()
        lines = sum(len(facts.added_lines(path, since).lines) for path, since in questions)
        t4 = time.perf_counter()

        print(f"repository: {options.commits} commits, {options.rules} rule files, "
              f"built with fast-import in {built:.2f}s")
        print(f"load (full history, {len(cited)} cited SHAs): {t1 - t0:.3f}s")
        print(f"changes_to x{len(questions)}: {t2 - t1:.3f}s ({found} with changes)")
        print(f"is_pushed x{len(cited)}: {t3 - t2:.3f}s ({pushed} pushed)")
        print(f"added_lines x{len(questions)}: {t4 - t3:.3f}s ({lines} added lines found)")
        print(f"total {t4 - t0:.3f}s; git calls: {len(runner.calls)}")
        for call in runner.calls:
            print("  git", " ".join(call[:3]), "...")


if __name__ == "__main__":
    main()
