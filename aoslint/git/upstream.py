"""What the upstream answers: which branch it is, and whether commits are pushed or on HEAD."""

from __future__ import annotations

from collections.abc import Iterable

from aoslint.git.command import GitError, decode
from aoslint.git.history import GitHistory
from aoslint.git.model import (
    Answer,
    Environment,
    Issue,
    Problem,
    Upstream,
    Verdict,
    classify_error,
    shallow_issue,
)

UPSTREAM_HINT = (
    "push the branch with an upstream (`git push -u origin <branch>`); in CI fetch origin's "
    "branches (GitHub Actions: actions/checkout with `fetch-depth: 0`) or set "
    "`upstream = \"origin/main\"` in the config"
)


class GitUpstream(GitHistory):
    """Reachability from the upstream branch and from HEAD, one ``rev-list`` per target."""

    @property
    def upstream(self) -> Upstream:
        """The ref :meth:`is_pushed` measures against, and how it was chosen."""
        if self._upstream is None:
            self._upstream = self._choose_upstream()
        return self._upstream

    def _choose_upstream(self) -> Upstream:
        if self.upstream_config is not None:
            found = self.resolved.get(self.upstream_config)
            if found is not None and found.sha is not None:
                return Upstream(self.upstream_config, found.sha, "configured")
            return Upstream(None, None, "none",
                            f"configured upstream {self.upstream_config!r} does not exist here")
        reasons: list[str] = []
        if self.branch is None:
            reasons.append("HEAD is detached, so there is no branch upstream")
        else:
            wanted = self.refs[self.branch].upstream
            if not wanted:
                reasons.append(f"branch {self.branch} has no upstream")
            elif wanted not in self.refs:
                reasons.append(f"upstream {wanted} of {self.branch} is gone (not fetched?)")
            else:
                return Upstream(wanted, self.refs[wanted].sha, "@{upstream}")
        origin_head = self.refs.get("refs/remotes/origin/HEAD")
        if origin_head is not None:
            return Upstream(origin_head.symref or "refs/remotes/origin/HEAD", origin_head.sha,
                            "origin/HEAD", "; ".join(reasons))
        # A CI checkout (actions/checkout: git init, fetch into refs/remotes/origin/*,
        # checkout --detach) sets no origin/HEAD: the default branch's usual names.
        for name in ("main", "master"):
            default = self.refs.get(f"refs/remotes/origin/{name}")
            if default is not None:
                return Upstream(f"refs/remotes/origin/{name}", default.sha,
                                "origin's default branch", "; ".join(reasons))
        if any(name.startswith("refs/remotes/origin/") for name in self.refs):
            reasons.append("origin/HEAD is not set and there is no origin/main or "
                           "origin/master")
        elif self._has_origin():
            reasons.append("origin has no remote-tracking branches (never pushed to or "
                           "fetched from)")
        else:
            reasons.append("there is no origin remote")
        return Upstream(None, None, "none", "; ".join(reasons))

    def _has_origin(self) -> bool:
        """Is a remote named origin configured? Asked only when no upstream was found."""
        try:
            out = self.runner.run("config", "--get", "remote.origin.url", ok=(0, 1))
        except GitError:
            return False
        return bool(out.strip())

    @property
    def environment(self) -> Environment:
        """The repository's state; ``issues`` includes the blocker, if any."""
        issues = ([self.blocker] if self.blocker else []) + self.issues
        upstream = self.upstream if self.blocker is None else Upstream(None, None, "none")
        return Environment(
            toplevel=self.toplevel,
            head=self.head,
            branch=self.branch,
            detached=self.blocker is None and self.branch is None,
            shallow=self.shallow,
            upstream=upstream,
            issues=tuple(issues),
        )

    def _reachable(self, target: str, sha: str) -> bool | Issue:
        """Is ``sha`` reachable from ``target``? One ``rev-list`` covers all known commits."""
        memo = self._reach.setdefault(target, {})
        if sha not in memo:
            pending = sorted(
                {r.sha for r in self.resolved.values() if r.sha is not None and r.sha not in memo}
                | {sha}
            )
            issue = self._fill_reach(target, pending, memo)
            if issue is not None:
                return issue
        return memo[sha]

    def _fill_reach(self, target: str, pending: list[str], memo: dict[str, bool]) -> Issue | None:
        """Record in ``memo`` which of ``pending`` ``target`` reaches: one ``rev-list``."""
        stdin = "".join(f"{sha}\n" for sha in pending) + f"^{target}\n"
        try:
            out = decode(self.runner.run("rev-list", "--stdin", stdin=stdin.encode()))
        except GitError as error:
            return classify_error(error)
        outside = set(out.split())
        for sha in pending:
            memo[sha] = sha not in outside
        return None

    def on_upstream(self, shas: Iterable[str]) -> dict[str, bool] | Issue:
        """Which of ``shas`` (full SHAs) the upstream reaches.

        One ``rev-list`` answers for these, every cited commit and every commit
        of the window's patch log at once, so later questions cost no call.
        """
        upstream = self.upstream
        if upstream.sha is None or upstream.ref is None:
            return Issue(Problem.NO_UPSTREAM, f"no upstream to compare with: {upstream.reason}",
                         UPSTREAM_HINT)
        wanted = list(shas)
        memo = self._reach.setdefault(upstream.sha, {})
        if any(sha not in memo for sha in wanted):
            known = {r.sha for r in self.resolved.values() if r.sha is not None}
            pending = sorted((known | set(self.stamp_shas) | set(wanted)) - memo.keys())
            issue = self._fill_reach(upstream.sha, pending, memo)
            if issue is not None:
                return issue
        return {sha: memo[sha] for sha in wanted}

    def is_pushed(self, sha: str) -> Answer:
        """Is commit ``sha`` reachable from the upstream (see :attr:`upstream`)?"""
        commit, answer = self.commit(sha)
        if commit is None:
            return answer
        upstream = self.upstream
        if upstream.sha is None or upstream.ref is None:
            issue = Issue(Problem.NO_UPSTREAM, f"no upstream to compare with: {upstream.reason}",
                          UPSTREAM_HINT)
            return Answer(Verdict.UNKNOWN, "", issue)
        reached = self._reachable(upstream.sha, commit.sha)
        if isinstance(reached, Issue):
            return Answer(Verdict.UNKNOWN, "", reached)
        if reached:
            return Answer(Verdict.YES, f"{commit.sha[:12]} is on {upstream.ref} "
                          f"({upstream.source})")
        if self.shallow:
            return Answer(Verdict.UNKNOWN, "", shallow_issue(f"see whether {upstream.ref} has it"))
        return Answer(Verdict.NO, f"{commit.sha[:12]} is not on {upstream.ref} ({upstream.source})")

    def on_head(self, sha: str) -> Answer:
        """Is commit ``sha`` in HEAD's history (and not only on another branch)?"""
        commit, answer = self.commit(sha)
        if commit is None:
            return answer
        assert self.head is not None
        reached = self._reachable(self.head, commit.sha)
        if isinstance(reached, Issue):
            return Answer(Verdict.UNKNOWN, "", reached)
        if reached:
            return Answer(Verdict.YES, f"{commit.sha[:12]} is in HEAD's history")
        if self.shallow:
            return Answer(Verdict.UNKNOWN, "", shallow_issue(f"see whether HEAD contains {sha}"))
        issue = Issue(Problem.NOT_ON_HEAD,
                      f"commit {sha} exists but is not in HEAD's history (another branch?)",
                      f"merge it, or see `git branch -a --contains {sha}`")
        return Answer(Verdict.NO, "", issue)
