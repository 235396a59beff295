"""What the history answers: the commits of the run's ranges, renames, who touched a path.

:class:`GitHistory` holds the state one load reads (refs, the HEAD window, the
``--base`` range, cited commits, staged changes) and answers from it;
``upstream`` and ``diffs`` build on it, and :class:`~aoslint.git.facts.GitFacts`
joins them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Self

import msgspec

from aoslint.git.command import GitError, GitRunner, decode
from aoslint.git.lines import LineTracker
from aoslint.git.model import (
    SHALLOW_HINT,
    Answer,
    Changes,
    Commit,
    FileChange,
    Issue,
    Problem,
    Upstream,
    Verdict,
    classify_error,
    invalid_issue,
    shallow_issue,
)
from aoslint.git.parse import (
    LOG_OPTIONS,
    PATCH_OPTIONS,
    FilePatch,
    LogRecord,
    PatchRecord,
    parse_batch_check,
    parse_log,
    parse_patch,
)
from aoslint.git.validate import require_aware, valid_path, valid_rev, valid_sha

# --since stops walking at the first older commit; a day of slack tolerates
# clock skew between committers. Exact filtering happens in Python.
CLOCK_SKEW = timedelta(days=1)

class _Ref(msgspec.Struct, frozen=True):
    sha: str
    upstream: str
    symref: str
    is_head: bool


class _Resolved(msgspec.Struct, frozen=True):
    """How a cited name resolved: "commit", "missing" or "ambiguous"."""

    state: str
    sha: str | None = None


class GitHistory:
    """The loaded state, and the questions about commits and the paths they touched."""

    def __init__(self, runner: GitRunner) -> None:
        self.runner = runner
        self.blocker: Issue | None = None
        self.issues: list[Issue] = []
        self.since: datetime | None = None
        self.base: str | None = None
        self.base_sha: str | None = None
        self.staged_counts = False
        self.paths: list[str] = []
        self.upstream_config: str | None = None
        self.toplevel: str | None = None
        self.shallow = False
        self.object_format = "sha1"
        self.head: str | None = None
        self.branch: str | None = None
        self.refs: dict[str, _Ref] = {}
        self.resolved: dict[str, _Resolved] = {}
        self.commits: dict[str, Commit] = {}
        self.grafted: frozenset[str] = frozenset()
        self.head_window = False
        self.head_seen: set[str] = set()
        self.base_range: set[str] = set()
        self.base_complete = True
        self._base_work: set[str] = set()
        self._graft_times: list[datetime] = []
        self.staged: tuple[FileChange, ...] = ()
        self._staged_patch: list[PatchRecord] | None = None
        self._upstream: Upstream | None = None
        self._reach: dict[str, dict[str, bool]] = {}
        self._lineage: dict[str, frozenset[str]] = {}
        self._edges: dict[str, set[str]] | None = None
        self._touching: dict[str, set[str]] | None = None
        self._window_lines: tuple[LineTracker, list[tuple[datetime, bool]]] | None = None
        self._window_paths: list[str] | None = None
        self.window_grafts: list[datetime] = []
        self._base_lines: LineTracker | Issue | None = None
        self._merge_base: str | Issue | None = None
        self._files: dict[str, str | None] = {}
        self.stamp_shas: list[str] = []  # the commit of each stamp of the window's lines
        self._patches: dict[str, list[FilePatch]] | None = None
        self._filter_since: bool | None = None

    @classmethod
    def load(
        cls,
        root: Path | str,
        *,
        since: datetime | None = None,
        base: str | None = None,
        paths_of_interest: Iterable[str] = (),
        shas: Iterable[str] = (),
        upstream: str | None = None,
        staged: bool | None = None,
        runner: GitRunner | None = None,
    ) -> Self:
        """Load the facts of the repository at ``root``.

        ``since`` (aware) bounds the history walked from HEAD; ``base`` adds
        ``base..HEAD`` (the pull request or the pre-commit range); staged
        changes count when ``staged`` is true (default: when ``base`` is given).
        ``paths_of_interest`` limit the patch read by :meth:`added_lines`;
        ``shas`` are the commits the documents cite; ``upstream`` overrides
        the branch upstream for :meth:`is_pushed`.

        Calls at load: ``rev-parse`` (repository state), ``for-each-ref``
        (branches, upstreams, origin/HEAD), ``cat-file --batch-check`` (HEAD,
        base, upstream and all cited SHAs on stdin), one ``log`` per range
        (``HEAD --since`` and/or ``base..HEAD``), one ``log --no-walk`` for
        cited commits outside those ranges, and ``diff --cached`` when staged
        changes count. Lazily, once each: ``rev-list`` per reachability target
        (upstream, HEAD), ``log --first-parent -p`` or ``diff --merge-base``
        for added lines, ``merge-base`` and ``cat-file --batch`` for gate files.
        """
        root = Path(root)
        facts = cls(runner or GitRunner(root))
        facts.since = require_aware(since, "since")
        facts.staged_counts = base is not None if staged is None else staged
        for path in paths_of_interest:
            checked = valid_path(path)
            if checked is None:
                facts.issues.append(invalid_issue("path", path))
            else:
                facts.paths.append(checked)
        if base is not None:
            facts.base = valid_rev(base)
            if facts.base is None:
                facts.issues.append(invalid_issue("base revision", base))
        if upstream is not None:
            facts.upstream_config = valid_rev(upstream)
            if facts.upstream_config is None:
                facts.issues.append(invalid_issue("upstream ref", upstream))
        if facts.runner.git is None:
            facts.blocker = classify_error(GitError(("version",), 127, "", missing=True))
            return facts
        if not root.is_dir():
            facts.blocker = Issue(Problem.NOT_A_REPOSITORY, f"{root} is not a directory")
            return facts
        try:
            facts._load(root, list(shas))
        except GitError as error:
            facts.blocker = classify_error(error)
        return facts

    def _load(self, root: Path, shas: list[str]) -> None:
        out = decode(
            self.runner.run(
                "rev-parse",
                "--is-inside-work-tree",
                "--show-toplevel",
                "--is-shallow-repository",
                "--git-path",
                "shallow",
                "--show-object-format",
            )
        ).splitlines()
        if len(out) < 5 or out[0] != "true":
            self.blocker = Issue(Problem.NOT_A_REPOSITORY, "not inside a git work tree")
            return
        self.toplevel, self.shallow, self.object_format = out[1], out[2] == "true", out[4]
        if self.shallow:
            shallow_file = self.runner.cwd / out[3]  # --git-path is relative to cwd
            try:
                self.grafted = frozenset(shallow_file.read_text().split())
            except OSError:
                self.grafted = frozenset()
        self.runner.cwd = Path(self.toplevel)
        self._load_refs()
        names = ["HEAD"]
        if self.base:
            names.append(self.base)
        if self.upstream_config:
            names.append(self.upstream_config)
        self._resolve(names + shas, load_commits=False)
        head = self.resolved["HEAD"]
        if head.sha is None:
            self.blocker = Issue(Problem.NO_COMMITS, "the repository has no commits yet")
            return
        self.head = head.sha
        if self.branch is None:
            self.issues.append(
                Issue(Problem.DETACHED_HEAD, "HEAD is detached (a CI checkout?), on no branch")
            )
        if self.shallow:
            self.issues.append(
                Issue(Problem.SHALLOW, "the repository is a shallow clone", SHALLOW_HINT)
            )
        if self.base:
            found = self.resolved[self.base]
            if found.sha is None:
                self.issues.append(
                    Issue(Problem.UNKNOWN_BASE, f"base {self.base!r} is {found.state}",
                          "fetch it (`git fetch origin <branch>`) or check the name")
                )
            else:
                self.base_sha = found.sha
                self._load_base_range()
        if self.since is not None or self.base is None:
            self._load_head_window()
        self._load_cited()
        if self.staged_counts:
            self._load_staged()

    def _load_refs(self) -> None:
        out = decode(
            self.runner.run(
                "for-each-ref",
                "--format=%(refname)%09%(objectname)%09%(upstream)%09%(symref)%09%(HEAD)",
                "refs/heads/",
                "refs/remotes/",
            )
        )
        for line in out.splitlines():
            parts = line.split("\t")
            if len(parts) != 5:
                continue
            name, sha, upstream, symref, head = parts
            self.refs[name] = _Ref(sha, upstream, symref, head == "*")
            if head == "*":
                self.branch = name

    def _resolve(self, names: Iterable[str], *, load_commits: bool = True) -> None:
        """Resolve many names in one ``cat-file --batch-check`` (names go on stdin)."""
        pending: list[str] = []
        for name in names:
            key = valid_sha(name) or name
            if key in self.resolved or key in pending:
                continue
            if key in self.commits:  # a full SHA already read from a log: no git call
                self.resolved[key] = _Resolved("commit", key)
                continue
            if key != "HEAD" and valid_rev(key) is None:
                continue
            pending.append(key)
        if not pending:
            return
        stdin = "".join(f"{name}^{{commit}}\n" for name in pending).encode()
        out = decode(self.runner.run("cat-file", "--batch-check", stdin=stdin))
        for name, found in zip(pending, parse_batch_check(out, len(pending)), strict=True):
            if isinstance(found, tuple):
                self.resolved[name] = _Resolved("commit", found[0])
            else:
                self.resolved[name] = _Resolved(found)
        if load_commits:
            self._load_cited()

    def _read_log(self, *args: str, stdin: bytes | None = None) -> list[LogRecord]:
        records = parse_log(decode(self.runner.run("log", *LOG_OPTIONS, *args, stdin=stdin)))
        for record in records:
            self.commits.setdefault(record.commit.sha, record.commit)
        self._forget_derived()
        return records

    def _load_base_range(self) -> None:
        assert self.base_sha is not None and self.head is not None
        records = self._read_log("--stdin", stdin=f"{self.head}\n^{self.base_sha}\n".encode())
        self.base_range = {r.commit.sha for r in records}
        # Merges inside base..HEAD bring base's own changes (main merged into
        # the branch); the branch's work is in its other commits.
        self._base_work = {r.commit.sha for r in records if len(r.commit.parents) < 2}
        self._reach.setdefault(self.head, {}).update(dict.fromkeys(self.base_range, True))
        # Without the merge base in the clone, base..HEAD runs into the graft
        # and would include commits that are already on base.
        self.base_complete = not (self.base_range & self.grafted)
        if not self.base_complete:
            self.issues.append(shallow_issue(f"find where HEAD left {self.base}"))

    def _since(self) -> list[str]:
        """The window's lower bound as a filter, not as a walk limit.

        Plain ``--since`` stops walking at the first commit older than the
        bound, so one commit with an old date on top (rebased with
        ``--committer-date-is-author-date``, a wrong clock) would hide all the
        history under it. ``--since-as-filter`` (git 2.37) only filters;
        older git falls back to ``--since``.
        """
        if self.since is None:
            return []
        stamp = int((self.since - CLOCK_SKEW).timestamp())
        if self._filter_since is None:
            try:
                self.runner.run("rev-list", "-1", f"--since-as-filter=@{stamp}",
                                "--end-of-options", "HEAD")
                self._filter_since = True
            except GitError:
                self._filter_since = False
        option = "--since-as-filter" if self._filter_since else "--since"
        return [f"{option}=@{stamp}"]

    def _load_head_window(self) -> None:
        args = self._since()
        records = self._read_log(*args, "--end-of-options", "HEAD")
        self.head_seen = {r.commit.sha for r in records}
        self._graft_times = [self.commits[s].committed_at for s in self.head_seen & self.grafted]
        self.head_window = True
        assert self.head is not None
        self._reach.setdefault(self.head, {}).update(dict.fromkeys(self.head_seen, True))

    def _load_cited(self) -> None:
        missing = sorted(
            r.sha for r in self.resolved.values() if r.sha is not None and r.sha not in self.commits
        )
        if missing:
            stdin = "".join(f"{sha}\n" for sha in missing).encode()
            self._read_log("--no-walk=unsorted", "--stdin", stdin=stdin)

    def _forget_derived(self) -> None:
        """Drop indexes built from the commits when more commits are read."""
        self._lineage.clear()
        self._edges = None
        self._touching = None

    def _load_staged(self) -> None:
        if self._staged_patch is None:
            self._staged_patch = parse_patch(
                decode(self.runner.run("diff", "--cached", *PATCH_OPTIONS, "--"))
            )
            self.staged = tuple(f.change() for r in self._staged_patch for f in r.files)
            self._forget_derived()

    @property
    def calls(self) -> list[tuple[str, ...]]:
        """Every git call made so far (arguments after the pinned options)."""
        return self.runner.calls

    def commit(self, sha: str) -> tuple[Commit | None, Answer]:
        """The commit for a cited SHA, or the answer explaining why there is none."""
        key = valid_sha(sha)
        if key is None:
            return None, Answer(Verdict.NO, "", invalid_issue("commit SHA", sha))
        if self.blocker is not None:
            return None, Answer(Verdict.UNKNOWN, "", self.blocker)
        try:
            self._resolve([key])
        except GitError as error:
            return None, Answer(Verdict.UNKNOWN, "", classify_error(error))
        found = self.resolved[key]
        if found.state == "ambiguous":
            issue = Issue(Problem.AMBIGUOUS_COMMIT, f"{sha} names more than one object",
                          "cite more hex digits")
            return None, Answer(Verdict.UNKNOWN, "", issue)
        if found.sha is None:
            if self.shallow:
                return None, Answer(Verdict.UNKNOWN, "", shallow_issue(f"find commit {sha}"))
            issue = Issue(Problem.UNKNOWN_COMMIT, f"no commit {sha} in this repository",
                          "fetch the branch that has it, or correct the SHA")
            return None, Answer(Verdict.NO, "", issue)
        commit = self.commits.get(found.sha)
        if commit is None:
            return None, Answer(Verdict.UNKNOWN, "", Issue(Problem.GIT_ERROR,
                                                           f"could not read commit {sha}"))
        return commit, Answer(Verdict.YES, commit.sha)

    def commit_exists(self, sha: str) -> Answer:
        """Does ``sha`` (7-40 hex digits) name a commit in this clone?"""
        return self.commit(sha)[1]

    def commit_touches(self, sha: str, path: str) -> Answer:
        """Did commit ``sha`` change ``path`` or a name the file had before or after a rename?"""
        checked = valid_path(path)
        if checked is None:
            return Answer(Verdict.NO, "", invalid_issue("path", path))
        commit, answer = self.commit(sha)
        if commit is None:
            return answer
        if commit.sha in self.grafted:
            return Answer(Verdict.UNKNOWN, "", shallow_issue(f"see what {sha} changed"))
        names = self.lineage(checked)
        for change in commit.changes:
            if names.intersection(change.names()):
                return Answer(Verdict.YES, f"{commit.sha[:12]} {change.status} {change.path}")
        return Answer(Verdict.NO, f"{commit.sha[:12]} does not change {checked}")

    def lineage(self, path: str) -> frozenset[str]:
        """All names ``path`` had in the loaded history, following renames both ways.

        Names are joined through rename edges regardless of time, so a name
        that was renamed away and later reused for a new file joins as well.
        """
        if path in self._lineage:
            return self._lineage[path]
        edges = self._rename_edges()
        seen = {path}
        todo = [path]
        while todo:
            for other in edges.get(todo.pop(), ()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        result = frozenset(seen)
        for name in seen:
            self._lineage[name] = result
        return result

    def _rename_edges(self) -> dict[str, set[str]]:
        if self._edges is None:
            edges: dict[str, set[str]] = {}
            changes = [
                ch
                for commit in self.commits.values()
                if commit.sha not in self.grafted
                for ch in commit.changes
            ]
            for change in [*changes, *self.staged]:
                if change.status == "R" and change.old_path is not None:
                    edges.setdefault(change.old_path, set()).add(change.path)
                    edges.setdefault(change.path, set()).add(change.old_path)
            self._edges = edges
        return self._edges

    def _touch_index(self) -> dict[str, set[str]]:
        if self._touching is None:
            index: dict[str, set[str]] = {}
            for commit in self.commits.values():
                if commit.sha in self.grafted:
                    continue
                for change in commit.changes:
                    for name in change.names():
                        index.setdefault(name, set()).add(commit.sha)
            self._touching = index
        return self._touching

    def _range(self, since: datetime | None) -> tuple[Callable[[str], bool], bool, Issue | None]:
        """Which commits count as "after ``since``" (plus base..HEAD), and is that all of them.

        Returns a predicate rather than a set so that a question costs the
        number of commits touching its file, not the size of the history.
        """
        use_window = False
        complete, issue = True, None
        if since is not None or self.base is None:
            if not self.head_window or (
                self.since is not None and (since is None or since < self.since)
            ):
                complete = False
                loaded = self.since.isoformat() if self.since else "nothing"
                issue = Issue(Problem.NOT_LOADED, f"history was loaded since {loaded} only",
                              "load the facts with an earlier `since`")
            else:
                use_window = True
                if any(since is None or when > since for when in self._graft_times):
                    complete, issue = False, shallow_issue("look back that far")
        use_base = False
        if self.base is not None:
            if self.base_sha is None:
                complete = False
                issue = issue or next(
                    (i for i in self.issues if i.problem is Problem.UNKNOWN_BASE), None
                ) or invalid_issue("base revision", self.base)
            elif not self.base_complete:
                complete, issue = False, shallow_issue(f"find where HEAD left {self.base}")
            else:
                use_base = True

        def counts(sha: str) -> bool:
            if sha in self.grafted:
                return False
            if use_base and sha in self._base_work:
                return True
            return use_window and sha in self.head_seen and (
                since is None or self.commits[sha].committed_at > since
            )

        return counts, complete, issue

    def changes_to(self, path: str, since: datetime | None = None) -> Changes:
        """Commits after ``since`` (default: the load's ``since``) that touched ``path``.

        Renames are followed both ways; commits in ``base..HEAD`` and staged
        changes count as well when they were loaded.
        """
        since = require_aware(since, "since")
        checked = valid_path(path)
        if checked is None:
            return Changes(Verdict.NO, "", invalid_issue("path", path))
        if self.blocker is not None:
            return Changes(Verdict.UNKNOWN, "", self.blocker)
        effective = since if since is not None else self.since
        counts, complete, issue = self._range(effective)
        names = self.lineage(checked)
        index = self._touch_index()
        hits = {sha for name in names for sha in index.get(name, ()) if counts(sha)}
        commits = tuple(sorted((self.commits[s] for s in hits), key=lambda c: c.committed_at))
        staged = tuple(
            ch for ch in self.staged if self.staged_counts and names.intersection(ch.names())
        )
        if commits or staged:
            parts = [c.sha[:12] for c in commits] + (["staged changes"] if staged else [])
            return Changes(Verdict.YES, ", ".join(parts), None, commits, staged)
        if complete:
            when = f" after {effective.isoformat()}" if effective else ""
            return Changes(Verdict.NO, f"no change to {checked}{when}")
        return Changes(Verdict.UNKNOWN, "", issue)
