"""The one place that starts git: plain ``subprocess``, as pre-commit does.

Every call is recorded in :attr:`GitRunner.calls` so tests can prove that a
run makes a constant number of git calls. Options that change git's output
format or could run a program from the repository's config are pinned.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

# Pinned so that user or repository config cannot change what we parse
# (prefixes, quoting, hunk merging, signatures) or start helper programs.
_PINNED_CONFIG = (
    "core.quotepath=false",
    "core.fsmonitor=false",
    "color.ui=never",
    "diff.noprefix=false",
    "diff.mnemonicPrefix=false",
    "diff.relative=false",
    "diff.interHunkContext=0",
    "log.showSignature=false",
    "log.follow=false",
    "i18n.logOutputEncoding=UTF-8",
)


def decode(data: bytes) -> str:
    """Git output as text; undecodable path bytes survive as surrogates."""
    return data.decode("utf-8", "surrogateescape")


class GitError(Exception):
    """A git call that failed; ``missing`` when the git binary is not there."""

    def __init__(
        self, command: tuple[str, ...], returncode: int, stderr: str, *, missing: bool = False
    ) -> None:
        super().__init__(f"git {' '.join(command)}: exit {returncode}: {stderr.strip()}")
        self.command = command
        self.returncode = returncode
        self.stderr = stderr
        self.missing = missing


class GitRunner:
    """Runs ``git`` in one directory with a fixed environment and counts the calls."""

    def __init__(
        self,
        cwd: Path,
        *,
        env: Mapping[str, str] | None = None,
        timeout: float = 300.0,
    ) -> None:
        base = dict(os.environ if env is None else env)
        # Plain C messages (stderr is matched for known states); never prompt.
        base.update(LC_ALL="C", LANGUAGE="C", GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
        base.pop("GIT_EXTERNAL_DIFF", None)
        self.env = base
        self.cwd = cwd
        self.timeout = timeout
        self.git = shutil.which("git", path=base.get("PATH", ""))
        self.calls: list[tuple[str, ...]] = []

    def run(self, *args: str, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)) -> bytes:
        """Run ``git <args>``; return stdout or raise :class:`GitError`."""
        if self.git is None:
            raise GitError(args, 127, "git: command not found", missing=True)
        command = [self.git, "--no-pager", "--literal-pathspecs"]
        for item in _PINNED_CONFIG:
            command += ["-c", item]
        command += args
        self.calls.append(args)
        try:
            done = subprocess.run(
                command,
                cwd=self.cwd,
                env=self.env,
                input=stdin if stdin is not None else b"",
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except FileNotFoundError as exc:
            raise GitError(args, 127, str(exc), missing=True) from exc
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise GitError(args, -1, str(exc)) from exc
        if done.returncode not in ok:
            raise GitError(args, done.returncode, decode(done.stderr))
        return done.stdout
