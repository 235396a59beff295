"""What the diffs answer: the lines each change added, and checklist entries a gate gained."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from aoslint.git.command import GitError, decode
from aoslint.git.gate import new_checklist_entries
from aoslint.git.history import GitHistory
from aoslint.git.lines import LineTracker
from aoslint.git.model import (
    AddedLines,
    ChecklistAnswer,
    Issue,
    Problem,
    Verdict,
    classify_error,
    invalid_issue,
    shallow_issue,
)
from aoslint.git.parse import (
    PATCH_FORMAT,
    PATCH_OPTIONS,
    FilePatch,
    parse_batch,
    parse_patch,
)
from aoslint.git.validate import require_aware, valid_path, valid_rev, valid_sha

_STAGED = -1  # stamp of lines added by staged changes
_BASE = -2  # stamp of lines added in merge-base(base)..index


class GitDiffs(GitHistory):
    """Added lines of the window, the ``--base`` range and the index, read lazily once each."""

    def commit_patches(self, sha: str) -> list[FilePatch]:
        """The patch of a cited commit to the paths of interest (merges: to the first parent).

        All cited commits are read in one ``log -p --no-walk`` the first time.
        """
        if self._patches is None:
            self._patches = {}
            cited = sorted({r.sha for key, r in self.resolved.items()
                            if r.sha is not None and valid_sha(key)} | {sha})
            args = ["log", "--no-walk=unsorted", "--stdin", "--diff-merges=first-parent",
                    *PATCH_OPTIONS, f"--format={PATCH_FORMAT}", "--", *sorted(set(self.paths))]
            stdin = "".join(f"{item}\n" for item in cited).encode()
            for record in parse_patch(decode(self.runner.run(*args, stdin=stdin))):
                self._patches[record.sha] = record.files
        return self._patches.get(sha, [])

    def window_lines(self, path: str) -> tuple[LineTracker, list[tuple[datetime, bool]]]:
        """The replayed first-parent patches of the window for ``path`` (see ``added_lines``)."""
        return self._ensure_window_lines(path)

    def _ensure_window_lines(self, path: str) -> tuple[LineTracker, list[tuple[datetime, bool]]]:
        """Replay ``log --first-parent -p -U0`` over the window, then the staged patch."""
        covered = self._window_paths is not None and (
            not self._window_paths or any(_under(path, p) for p in self._window_paths)
        )
        if self._window_lines is not None and covered:
            return self._window_lines
        wanted = list(self.paths)
        if wanted and not any(_under(path, p) for p in wanted):
            wanted.append(path)
            self.paths.append(path)
        # Both names of a rename must be in the pathspec for -M to pair them.
        # Only names outside the wanted folders are added: each extra pathspec
        # entry slows git's tree walk for every commit.
        # Renames are followed through every earlier name (a file renamed twice).
        pathspec: set[str] = set(wanted)
        edges = self._rename_edges() if wanted else {}
        todo = [name for name in edges if any(_under(name, p) for p in wanted)]
        seen = set(todo)
        while todo:
            for other in edges[todo.pop()]:
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
                    if not any(_under(other, p) for p in wanted):
                        pathspec.add(other)
        args = ["log", "--first-parent", "--diff-merges=first-parent", "--reverse",
                *PATCH_OPTIONS, f"--format={PATCH_FORMAT}"]
        args += [*self._since(), "--end-of-options", "HEAD", "--", *sorted(pathspec)]
        records = parse_patch(decode(self.runner.run(*args)))
        tracker = LineTracker()
        stamps: list[tuple[datetime, bool]] = []
        self.stamp_shas = []
        for record in records:
            assert record.committed_at is not None
            stamps.append((record.committed_at, record.sha in self.grafted))
            self.stamp_shas.append(record.sha)
            for item in record.files:
                tracker.apply(item, len(stamps) - 1)
        self._load_staged()
        assert self._staged_patch is not None
        for record in self._staged_patch:
            for item in record.files:
                tracker.apply(item, _STAGED)
        self._window_lines = (tracker, stamps)
        self.window_grafts = [when for when, grafted in stamps if grafted]
        self._window_paths = wanted
        return self._window_lines

    def _ensure_base_lines(self) -> LineTracker | Issue:
        """Lines added in merge-base(base, HEAD)..index: one ``diff --merge-base``."""
        if self._base_lines is None:
            assert self.base_sha is not None
            try:
                out = self.runner.run("diff", "--cached", "--merge-base", *PATCH_OPTIONS,
                                      "--end-of-options", self.base_sha, "--")
            except GitError as error:
                self._base_lines = (
                    shallow_issue(f"find where HEAD left {self.base}")
                    if self.shallow
                    else classify_error(error)
                )
                return self._base_lines
            tracker = LineTracker()
            for record in parse_patch(decode(out)):
                for item in record.files:
                    tracker.apply(item, _BASE)
            self._base_lines = tracker
        return self._base_lines

    def added_lines(self, path: str, since: datetime | None = None) -> AddedLines:
        """Line numbers of the index version of ``path`` added after ``since``.

        "After since" means by a commit on HEAD's first-parent chain committed
        after ``since`` (a merge counts with everything it brought) or by
        staged changes when they count; with ``base`` also every line added
        in merge-base(base)..index. Renames carry lines along.
        """
        since = require_aware(since, "since")
        checked = valid_path(path)
        if checked is None:
            return AddedLines(path, frozenset(), True, invalid_issue("path", path))
        if self.blocker is not None:
            return AddedLines(checked, frozenset(), False, self.blocker)
        effective = since if since is not None else self.since
        names = self.lineage(checked)
        current = checked
        lines: set[int] = set()
        complete, issue = True, None
        if effective is not None or self.base is None:
            if not self.head_window or (
                self.since is not None and (effective is None or effective < self.since)
            ):
                complete = False
                issue = Issue(Problem.NOT_LOADED, "history before the loaded `since` was not read")
            else:
                try:
                    tracker, stamps = self._ensure_window_lines(checked)
                except GitError as error:
                    return AddedLines(checked, frozenset(), False, classify_error(error))
                current = tracker.current_name(names, checked)
                for number, stamp in tracker.lines(current).items():
                    if stamp == _STAGED:
                        if self.staged_counts:
                            lines.add(number)
                        continue
                    when, grafted = stamps[stamp]
                    if not grafted and (effective is None or when > effective):
                        lines.add(number)
                if any(effective is None or w > effective for w in self.window_grafts):
                    complete, issue = False, shallow_issue("look back that far")
        if self.base is not None:
            base_lines = self._ensure_base_lines() if self.base_sha else None
            if isinstance(base_lines, LineTracker) and self.base_complete:
                current = base_lines.current_name(names, current)
                lines.update(base_lines.lines(current))
            else:
                complete = False
                if isinstance(base_lines, Issue):
                    issue = base_lines
                elif self.base_sha is None:
                    issue = Issue(Problem.UNKNOWN_BASE, f"base {self.base!r} is not in this clone")
                else:
                    issue = shallow_issue(f"find where HEAD left {self.base}")
        return AddedLines(current, frozenset(lines), complete, issue)

    def read_files(self, items: Iterable[tuple[str | None, str]]) -> list[str | None]:
        """Contents of ``(rev, path)`` pairs in one ``cat-file --batch``.

        ``rev`` None reads the index (what the next commit records). Missing
        files, and unsafe paths or revisions, give None.
        """
        pairs = list(items)
        names: list[str | None] = []
        for rev, path in pairs:
            checked = valid_path(path)
            good_rev = rev is None or valid_rev(rev) is not None
            names.append(None if checked is None or not good_rev else
                         (f":0:{checked}" if rev is None else f"{rev}:{checked}"))
        if self.blocker is not None:
            return [None] * len(pairs)
        wanted = sorted({n for n in names if n is not None and n not in self._files})
        if wanted:
            stdin = "".join(f"{n}\n" for n in wanted).encode()
            out = self.runner.run("cat-file", "--batch", stdin=stdin)
            for name, data in zip(wanted, parse_batch(out, len(wanted)), strict=True):
                self._files[name] = _text(data)
        return [None if n is None else self._files[n] for n in names]

    def _baseline(self, since: datetime) -> str | Issue | None:
        """The last commit on HEAD's first-parent chain at or before ``since`` (None: none)."""
        sha = self.head
        while sha is not None:
            commit = self.commits.get(sha)
            if commit is None:
                return sha  # older than the window, hence before since
            if commit.committed_at <= since:
                return sha
            if sha in self.grafted:
                return shallow_issue("read the gate as it was before the incident")
            sha = commit.parents[0] if commit.parents else None
        return None

    def _ensure_merge_base(self) -> str | Issue:
        if self._merge_base is None:
            assert self.base_sha is not None and self.head is not None
            try:
                out = self.runner.run("merge-base", "--end-of-options", self.head, self.base_sha)
                self._merge_base = decode(out).strip()
            except GitError as error:
                self._merge_base = (
                    shallow_issue(f"find where HEAD left {self.base}")
                    if self.shallow or error.returncode == 1
                    else classify_error(error)
                )
        return self._merge_base

    def checklist_additions(self, path: str, since: datetime | None = None) -> ChecklistAnswer:
        """Names added to ``CORE_CHECKS``/``PERFORMANCE_CHECKS``/``VERIFICATION_SUITE``.

        Compares the index version of the gate script with its version before
        ``since`` (last first-parent commit at or before it) and, with
        ``base``, at merge-base(base, HEAD). One ``cat-file --batch`` reads all.
        """
        since = require_aware(since, "since")
        checked = valid_path(path)
        if checked is None:
            return ChecklistAnswer(Verdict.NO, "", invalid_issue("path", path))
        if self.blocker is not None:
            return ChecklistAnswer(Verdict.UNKNOWN, "", self.blocker)
        effective = since if since is not None else self.since
        baselines: list[str | None] = []
        issue: Issue | None = None
        if effective is not None and self.since is not None and effective < self.since:
            issue = Issue(Problem.NOT_LOADED, "history before the loaded `since` was not read")
        elif effective is not None and self.head_window:
            found = self._baseline(effective)
            if isinstance(found, Issue):
                issue = found
            else:
                baselines.append(found)
        elif effective is not None or self.base is None:
            issue = Issue(Problem.NOT_LOADED, "HEAD's history was not loaded")
        if self.base_sha is not None:
            found_base = self._ensure_merge_base()
            if isinstance(found_base, Issue):
                issue = found_base
            else:
                baselines.append(found_base)
        elif self.base is not None:
            issue = Issue(Problem.UNKNOWN_BASE, f"base {self.base!r} is not in this clone")
        try:
            texts = self.read_files(
                [(None, checked)] + [(b, checked) for b in baselines if b is not None]
            )
        except GitError as error:
            return ChecklistAnswer(Verdict.UNKNOWN, "", classify_error(error))
        new = texts[0]
        if new is None:
            return ChecklistAnswer(Verdict.NO, f"{checked} is not in the index", issue)
        olds = iter(texts[1:])
        names: list[str] = []
        try:
            for baseline in baselines:
                old = None if baseline is None else next(olds)
                names += [n for n in new_checklist_entries(old, new) if n not in names]
        except SyntaxError as error:
            bad = Issue(Problem.INVALID_INPUT, f"{checked} does not parse as Python: {error.msg} "
                        f"(line {error.lineno})")
            return ChecklistAnswer(Verdict.UNKNOWN, "", bad)
        if names:
            return ChecklistAnswer(Verdict.YES, ", ".join(names), None, tuple(names))
        if issue is not None:
            return ChecklistAnswer(Verdict.UNKNOWN, "", issue)
        return ChecklistAnswer(Verdict.NO, f"no entry added to {checked}")


def _under(path: str, spec: str) -> bool:
    """Is ``path`` the pathspec ``spec`` or inside the folder it names?"""
    spec = spec.rstrip("/")
    return path == spec or path.startswith(spec + "/")


def _text(data: bytes | None) -> str | None:
    return None if data is None else data.decode("utf-8", "replace")
