"""Hardening proven by git, and the STOP rule's "pushed", for every postmortem of a run.

The policy: an incident is not closed until the rule file that let the failure
through is updated, the Orchestrator Quality Gate enforces the new check, and
the updates are merged and pushed to origin. Git facts for the whole run come
from one :class:`GitFacts` load (a few batched git calls), never one call per
item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from aoslint.diagnostics import Diagnostic, Severity
from aoslint.discovery.layout import Layout, find_repository_root
from aoslint.git.model import Verdict  # plain data: no subprocess
from aoslint.hardening_case import (
    PENDING,
    POLICY_HARDENING,
    POLICY_STOP,
    Case,
    Citation,
    GateIndex,
    headings_of,
)
from aoslint.registry import Rule, rule

if TYPE_CHECKING:  # the git layer imports subprocess; --no-git runs never need it
    from aoslint.git.facts import GitFacts
    from aoslint.git.model import Issue
    from aoslint.git.proof import Proof

UNKNOWN_COMMIT = rule(
    "AOS503", "unknown-commit", "A cited commit does not exist in this repository.",
    explanation="""
A hardening item cites a commit SHA that git does not know: a typo, a commit
from another repository, or one that was never pushed and fetched.""",
    example="- [x] **Rule Update**: `security/auth.md` in 4f2a9c1",
    fix="Cite the commit that changed the rule (git log -- <rule file>).",
    needs="git",
)

COMMIT_DOES_NOT_TOUCH_RULE = rule(
    "AOS504", "commit-does-not-touch-rule", "A cited commit does not change the cited rule file.",
    explanation="""
The commit cited as the rule update exists but changes other files only (renames
are followed), so it does not prove that the rule was updated.""",
    example="- [x] **Rule Update**: `security/auth.md` in 4f2a9c1   <- 4f2a9c1 changed README.md",
    fix="Cite the commit that changed the rule file.",
    needs="git",
)

RULE_NOT_CHANGED = rule(
    "AOS505", "rule-not-changed", "No commit since the incident started changed the rule file.",
    severity=Severity.INFO, policy=POLICY_HARDENING,
    explanation=f"""
Without a cited commit, a commit after the incident's start (its first timeline
event, else its Date) must have changed the cited rule file; with `--base REF`
(pull requests, pre-commit) changes in REF..HEAD and staged changes count too.
Renamed rule files are followed. {PENDING}""",
    example="- [x] **Rule Update**: `security/auth.md`   <- unchanged since 2026-11-02",
    fix="Commit the rule update (or cite the commit that made it).",
    needs="git",
)

GATE_NOT_UPDATED = rule(
    "AOS506", "gate-not-updated", "The quality gate did not change since the incident started.",
    severity=Severity.INFO, policy=POLICY_HARDENING,
    explanation=f"""
The Orchestrator Quality Gate (`agents/orchestrator.md`, or `scripts/checklist.py`;
`gate-file` in the config) must enforce the new check. No commit since the
incident started changed it; for a `checklist.py` gate, no entry was added to
`CORE_CHECKS`, `PERFORMANCE_CHECKS` or `VERIFICATION_SUITE` (read with Python's
`ast`). {PENDING}""",
    example="- [x] **Orchestrator Gate Update**: added a check.   <- orchestrator.md unchanged",
    fix="Add the new check to the gate and commit it.",
    needs="git",
)

GATE_SECTION_NOT_UPDATED = rule(
    "AOS507", "gate-section-not-updated",
    "The gate changed, but not under the checklist the item names.",
    severity=Severity.INFO, policy=POLICY_HARDENING,
    explanation=f"""
An item that names a checklist of the gate ("Security Review Checklist") or a
`CORE_CHECKS` entry is checked precisely: lines added since the incident must
fall inside that heading's section of the gate file (diff hunks are mapped to
the gate's headings), or the named entry must be new. {PENDING}""",
    example="added the item to the Security Review Checklist   <- only the QA checklist changed",
    fix="Add the check under the heading the item names (or name the right heading).",
    needs="git",
)

NOT_A_GIT_REPOSITORY = rule(
    "AOS508", "not-a-git-repository", "Hardening cannot be proven: no git repository.",
    severity=Severity.WARNING,
    explanation="""
The hardening and STOP-rule checks read the repository's history; the checked
documents are not inside a git work tree, so nothing could be proven (and
nothing is reported as failed). Use `--no-git` to skip these checks on purpose.""",
    example="aoslint check /tmp/unpacked-tarball",
    fix="Run aoslint inside the git clone, or pass --no-git.",
    needs="git",
)

GIT_NOT_INSTALLED = rule(
    "AOS509", "git-not-installed", "Hardening cannot be proven: git is not installed.",
    severity=Severity.WARNING,
    explanation="The `git` command was not found on PATH, so no history could be read.",
    example="a CI image without git",
    fix="Install git, or pass --no-git to skip the git checks.",
    needs="git",
)

SHALLOW_HISTORY = rule(
    "AOS510", "shallow-history", "The clone's history is too shallow to prove the hardening.",
    severity=Severity.WARNING,
    explanation="""
The repository is a shallow clone and the history needed to prove a rule or
gate change is cut off. aoslint never turns missing history into a pass or a
failure; it says so.""",
    example="actions/checkout with the default fetch-depth: 1",
    fix="Fetch the history: git fetch --unshallow (GitHub Actions: fetch-depth: 0).",
    needs="git",
)

COMMIT_NOT_ON_BRANCH = rule(
    "AOS511", "commit-not-on-branch", "A cited commit is not in the current branch's history.",
    explanation="""
The commit exists (on another branch) but is not reachable from HEAD, so the
change it made is not part of what is being checked or released.""",
    example="a rule update committed on a feature branch that was never merged",
    fix="Merge the branch that holds the commit, or cite the merged commit.",
    needs="git",
)

GIT_FAILED = rule(
    "AOS512", "git-failed", "Git could not answer (unknown --base, no commits, git error).",
    severity=Severity.WARNING,
    explanation="""
Git ran but could not answer a question aoslint asked: the `--base` revision
does not exist, the repository has no commits yet, or git reported an error.
The message carries git's own words.""",
    example="aoslint check --base origin/mian",
    fix="Fix the revision or the repository state that git names.",
    needs="git",
)

INCIDENT_START_UNKNOWN = rule(
    "AOS514", "incident-start-unknown", "When the incident started is unknown, so no change "
    "can be dated after it.",
    severity=Severity.WARNING, policy=POLICY_HARDENING,
    explanation="""
A rule or gate change proves the hardening only if it was made after the
incident started. aoslint takes the start from the first timeline event, else
the Date or Timestamp field, else the date in an INC-YYYYMMDD-NNN Incident ID.
With none of these, any old commit would pass; aoslint says so instead of
passing.""",
    example="a postmortem with no Date: line, undated timeline rows and Incident ID OPS-42",
    fix="Add 'Date: YYYY-MM-DD' to the header lines.",
    needs="git",
)

HARDENING_REVERTED = rule(
    "AOS515", "hardening-reverted", "The rule or gate change that proved the hardening was "
    "undone on the upstream.",
    severity=Severity.WARNING, policy=POLICY_STOP, closure_gate=True,
    explanation="""
A later commit on the upstream removed the lines the proving commit added (by
`git revert` or by hand) without rewriting them into new text, so the hardening
is no longer in force. The message names the rule or gate file, the reverting
commit and the commit it undid. A warning while the document is open, an error
once it claims closure.""",
    example="hardening of .agent/rules/security/auth.md reverted by 1a2b3c4",
    fix="Restore the change (revert the revert) or harden the rule again and cite that.",
    needs="git",
)

HARDENING_LANDED = rule(
    "AOS516", "hardening-landed-elsewhere", "A cited commit reached the upstream as another "
    "commit (squash, rebase or cherry-pick merge).",
    severity=Severity.INFO,
    explanation="""
The commit a hardening item cites is not on the upstream, but a commit in the
incident's window there adds the same lines to the same file: the pull request
was squash- or rebase-merged, or the change was cherry-picked. That counts as
merged; the finding names the commit that landed it, so the postmortem can cite
that one instead.""",
    example="- [x] **Rule Update**: `security/auth.md` in 4f2a9c1   <- squash-merged as 9b8e7d6",
    fix="Nothing is wrong; cite the landed commit to make the record exact.",
    needs="git",
)

HARDENING_NOT_PUSHED = rule(
    "AOS604", "hardening-not-pushed", "No proving commit is on the upstream branch.",
    severity=Severity.INFO, policy=POLICY_STOP, closure_gate=True,
    explanation=f"""
The STOP rule's third condition: rule updates are merged and pushed to origin.
A rule or gate change proves the incident when it adds real text (not only
whitespace or blank lines) and is dated between the incident's start and its
approval (else now); for each cited rule file and for the gate, at least one
such commit must be reachable from the upstream: `upstream` in the config, else
the branch's upstream, else `origin/HEAD`, else `origin/main` or
`origin/master`. Later commits, pushed or not, neither prove nor break a
closed incident. A change that is only staged is not pushed either. {PENDING}""",
    example="the rule update is committed locally but not pushed",
    fix="Push the commits (git push) or merge the pull request, then re-run.",
    needs="git",
)

NO_UPSTREAM = rule(
    "AOS605", "no-upstream", "Cannot tell whether the hardening is pushed: no upstream.",
    severity=Severity.INFO, policy=POLICY_STOP, closure_gate=True,
    explanation=f"""
There is no configured upstream, the branch has none (or HEAD is detached, as in
CI checkouts), there is no `origin/HEAD` and no `origin/main` or
`origin/master`: no remote at all, or one never pushed to or fetched from. So
whether the proving commits are pushed cannot be decided, and for a document
that claims closure an unproven "pushed" is not a pass. The message says what
is missing. {PENDING}""",
    example="a clone without an origin remote",
    fix="Push with an upstream (git push -u origin main); in CI fetch origin's branches "
        "(actions/checkout with fetch-depth: 0), or set `upstream` in the config.",
    needs="git",
)

RULES: tuple[Rule, ...] = (
    UNKNOWN_COMMIT,
    COMMIT_DOES_NOT_TOUCH_RULE,
    RULE_NOT_CHANGED,
    GATE_NOT_UPDATED,
    GATE_SECTION_NOT_UPDATED,
    NOT_A_GIT_REPOSITORY,
    GIT_NOT_INSTALLED,
    SHALLOW_HISTORY,
    COMMIT_NOT_ON_BRANCH,
    GIT_FAILED,
    INCIDENT_START_UNKNOWN,
    HARDENING_REVERTED,
    HARDENING_LANDED,
    HARDENING_NOT_PUSHED,
    NO_UPSTREAM,
)

# Keyed by the values of aoslint.git.model.Problem (a StrEnum), not imported here.
_ISSUE_RULES: dict[str, Rule] = {
    "git-missing": GIT_NOT_INSTALLED,
    "not-a-repository": NOT_A_GIT_REPOSITORY,
    "shallow-clone": SHALLOW_HISTORY,
    "not-on-head": COMMIT_NOT_ON_BRANCH,
    "no-upstream": NO_UPSTREAM,
    "detached-head": NO_UPSTREAM,
    "unknown-commit": UNKNOWN_COMMIT,
}


class GitOptions(msgspec.Struct, frozen=True):
    """How this run may use git."""

    enabled: bool = True
    base: str | None = None
    upstream: str | None = None


def check_git(cases: Sequence[Case], layout: Layout, gate: GateIndex,
              options: GitOptions, notes: list[str] | None = None) -> Iterator[Diagnostic]:
    """The git-backed findings of all postmortems of a run, from one batched facts load.

    ``notes`` receives what a verbose run says: the upstream used, the proving commits.
    """
    if not options.enabled or not cases:
        return
    needing = [c for c in cases if c.hardening.rules or c.closed]
    if not needing:
        return
    git_root = find_repository_root(layout.root)
    if git_root is None:
        for case in needing:
            yield case.at_anchor(
                NOT_A_GIT_REPOSITORY,
                f"cannot prove the hardening: {layout.root} is not in a git repository")
        return
    facts = _load_facts(needing, layout, gate, git_root, options)
    if facts.blocker is not None:
        for case in needing:
            yield _issue(case, facts.blocker)
        return
    # Shallow history or a detached HEAD matter only where an answer was left
    # unknown; those come with the answer. Bad input and a bad --base always matter.
    from aoslint.git.model import Problem

    for issue in facts.issues:
        if issue.problem in (Problem.INVALID_INPUT, Problem.UNKNOWN_BASE):
            for case in needing:
                yield _issue(case, issue)
    if notes is not None:
        upstream = facts.upstream
        notes.append(f"upstream: {upstream.ref} ({upstream.source})" if upstream.ref
                     else f"upstream: none ({upstream.reason})")
    for case in needing:
        yield from _git_level(case, facts, gate, git_root, notes)


def _issue(case: Case, issue: Issue, line: int | None = None,
           column: int | None = None) -> Diagnostic:
    which = _ISSUE_RULES.get(issue.problem, GIT_FAILED)
    severity = case.severity(Severity.WARNING) if which in (COMMIT_NOT_ON_BRANCH,
                                                            UNKNOWN_COMMIT) else None
    if which is NO_UPSTREAM:  # "pushed" unproven: pending while open, an error once closed
        severity = case.severity()
    return which.diagnostic(case.path, line or case.hardening.anchor_line,
                            column or case.hardening.anchor_column, issue.message,
                            issue.hint or None, severity=severity)


def _relative(path: Path, git_root: Path) -> str:
    return path.resolve().relative_to(git_root.resolve()).as_posix()


def _load_facts(cases: list[Case], layout: Layout, gate: GateIndex, git_root: Path,
                options: GitOptions) -> GitFacts:
    """One load for the whole run: the earliest start, every cited path and commit."""
    from aoslint.git.facts import GitFacts

    starts = [c.start for c in cases]
    since = None if any(s is None for s in starts) else min(s for s in starts if s)
    # The gate's and the cited rule files' patches: what each change really added.
    # Rule files under the rules folder are asked for as that one folder: git walks
    # every commit's tree once per pathspec entry, so hundreds of files cost seconds.
    folder = layout.rules_dir.resolve() if layout.rules_dir is not None else None
    if folder is not None and not (folder.is_dir() and folder.is_relative_to(git_root.resolve())):
        folder = None
    paths: set[str] = set()
    for case in cases:
        for citation in case.hardening.rules:
            if citation.path is not None:
                inside = folder is not None and citation.path.resolve().is_relative_to(folder)
                paths.add(_relative(folder if inside and folder else citation.path, git_root))
    if gate.path is not None:
        paths.add(_relative(gate.path, git_root))
    shas = {sha for case in cases for c in case.hardening.rules for sha in c.commits}
    return GitFacts.load(git_root, since=since, base=options.base,
                         paths_of_interest=sorted(paths), shas=sorted(shas),
                         upstream=options.upstream)


class _Judge:
    """Turns one postmortem's proofs into findings; says each missing upstream once."""

    def __init__(self, case: Case, facts: GitFacts, notes: list[str] | None) -> None:
        from aoslint.git.proof import Window

        self.case = case
        self.facts = facts
        self.notes = notes
        start = case.start or dt.datetime.min.replace(tzinfo=dt.UTC)
        self.window = Window(start, case.end)
        self.told: set[str] = set()
        begin = case.start.isoformat(" ", "minutes") if case.start else "the incident"
        end = (f"the approval ({case.approved})" if case.approved else "now")
        self.span = f"between {begin} and {end}"

    def unknown(self, issue: Issue | None, line: int, column: int) -> Iterator[Diagnostic]:
        if issue is not None and issue.message not in self.told:
            self.told.add(issue.message)
            yield _issue(self.case, issue, line, column)

    def report(self, proof: Proof, relative: str, line: int, column: int,
               missing: Rule, missing_message: str) -> Iterator[Diagnostic]:
        """The finding for one file's proof (nothing when it is proven and in force)."""
        case = self.case
        upstream = self.facts.upstream.ref or "the upstream"
        if proof.verdict is Verdict.UNKNOWN:
            yield from self.unknown(proof.issue, line, column)
        elif proof.verdict is Verdict.NO and proof.unpushed:
            newest = proof.unpushed[-1][:12]
            more = f" (and {len(proof.unpushed) - 1} more)" if len(proof.unpushed) > 1 else ""
            yield HARDENING_NOT_PUSHED.diagnostic(
                case.path, line, column,
                f"commit {newest}{more} changes {relative} but is not on {upstream}"
                f"{case.state()}", "push it (git push) or merge the pull request",
                severity=case.severity())
        elif proof.verdict is Verdict.NO and proof.staged:
            yield HARDENING_NOT_PUSHED.diagnostic(
                case.path, line, column,
                f"the change to {relative} is only staged, not committed and pushed"
                f"{case.state()}", severity=case.severity())
        elif proof.verdict is Verdict.NO:
            yield missing.diagnostic(case.path, line, column, missing_message + case.state(),
                                     severity=case.severity())
        elif proof.reverted_by is not None:
            proving = (proof.landed or proof.proving or "")[:12]
            yield HARDENING_REVERTED.diagnostic(
                case.path, line, column,
                f"hardening of {relative} reverted by {proof.reverted_by[:12]} (it undid "
                f"{proving}){case.state()}",
                f"restore the change (git revert {proof.reverted_by[:12]}) or record a new "
                "hardening", severity=case.severity(Severity.WARNING))
        else:
            if proof.landed is not None:
                yield HARDENING_LANDED.diagnostic(
                    case.path, line, column,
                    f"commit {(proof.proving or '')[:12]} is not on {upstream}, but its change "
                    f"to {relative} landed there as {proof.landed[:12]}")
            if self.notes is not None:
                self.notes.append(f"{case.path}: {relative} proven by "
                                  f"{(proof.landed or proof.proving or '')[:12]} on {upstream}")


def _git_level(case: Case, facts: GitFacts, gate: GateIndex, git_root: Path,
               notes: list[str] | None) -> Iterator[Diagnostic]:
    from aoslint.git.proof import prove_file

    judge = _Judge(case, facts, notes)
    by_path: dict[Path, list[Citation]] = {}
    for citation in case.hardening.rules:
        if citation.path is not None:
            by_path.setdefault(citation.path, []).append(citation)
    if case.start is None and (by_path or case.closed):
        yield INCIDENT_START_UNKNOWN.diagnostic(
            case.path, case.hardening.anchor_line, case.hardening.anchor_column,
            f"cannot tell when the incident started, so no change can be dated after it"
            f"{case.state()}", severity=case.severity(Severity.WARNING))
    for path, citations in by_path.items():
        relative = _relative(path, git_root)
        first = citations[0]
        cited = sorted({sha for c in citations for sha in c.commits})
        if cited:
            for sha in cited:
                yield from _prove_cited(judge, sha, relative, first)
            continue
        if case.start is None:
            continue
        yield from judge.report(
            prove_file(facts, relative, judge.window), relative, first.line, first.column,
            RULE_NOT_CHANGED, f"no commit {judge.span} changed the text of {relative}")
    if gate.path is not None and case.start is not None and (
            case.hardening.gate or case.hardening.rules or case.closed):
        yield from _prove_gate(judge, gate, git_root)


def _prove_cited(judge: _Judge, sha: str, relative: str,
                 citation: Citation) -> Iterator[Diagnostic]:
    from aoslint.git.proof import prove_cited

    case, facts = judge.case, judge.facts
    exists = facts.commit_exists(sha)
    if exists.no:
        yield UNKNOWN_COMMIT.diagnostic(case.path, citation.line, citation.column,
                                        f"commit {sha} does not exist in this repository")
        return
    if exists.unknown:
        yield from judge.unknown(exists.issue, citation.line, citation.column)
        return
    touches = facts.commit_touches(sha, relative)
    if touches.no:
        yield COMMIT_DOES_NOT_TOUCH_RULE.diagnostic(
            case.path, citation.line, citation.column,
            f"commit {sha} does not change {relative}" + (f" ({touches.detail})"
                                                          if touches.detail else ""))
        return
    if touches.unknown:
        yield from judge.unknown(touches.issue, citation.line, citation.column)
        return
    commit = facts.commits.get(exists.detail)
    if commit is not None and case.start is not None and commit.committed_at < case.start:
        yield RULE_NOT_CHANGED.diagnostic(
            case.path, citation.line, citation.column,
            f"commit {sha} changed {relative} on "
            f"{commit.committed_at.isoformat(' ', 'minutes')}, before the incident started "
            f"({case.start.isoformat(' ', 'minutes')}){case.state()}",
            "cite the commit that updated the rule after the incident",
            severity=case.severity())
        return
    proof = prove_cited(facts, exists.detail, relative, judge.window)
    if proof.whitespace_only:
        yield COMMIT_DOES_NOT_TOUCH_RULE.diagnostic(
            case.path, citation.line, citation.column,
            f"commit {sha} changes only whitespace or blank lines of {relative}")
        return
    if proof.verdict is Verdict.NO and facts.on_head(sha).no:
        yield COMMIT_NOT_ON_BRANCH.diagnostic(
            case.path, citation.line, citation.column,
            f"commit {sha} changes {relative} but is neither in this branch's history nor "
            f"landed on {facts.upstream.ref or 'the upstream'}",
            severity=case.severity(Severity.WARNING))
        return
    yield from judge.report(proof, relative, citation.line, citation.column,
                            RULE_NOT_CHANGED, f"commit {sha} does not prove {relative}")


def _prove_gate(judge: _Judge, gate: GateIndex, git_root: Path) -> Iterator[Diagnostic]:
    from aoslint.git.proof import prove_file

    assert gate.path is not None
    case, facts = judge.case, judge.facts
    relative = _relative(gate.path, git_root)
    cited = case.hardening.gate
    line = cited[0].line if cited else case.hardening.anchor_line
    column = cited[0].column if cited else case.hardening.anchor_column
    whole = prove_file(facts, relative, judge.window)
    unchanged = (f"the quality gate {relative} gained no check {judge.span}")
    if gate.path.suffix == ".py":
        if whole.verdict is Verdict.NO and not (whole.unpushed or whole.staged):
            yield from judge.report(whole, relative, line, column, GATE_NOT_UPDATED, unchanged)
            return
        found = list(_prove_checklist(case, facts, relative, line, column))
        yield from found
        if not found:
            yield from judge.report(whole, relative, line, column, GATE_NOT_UPDATED, unchanged)
        return
    headings = [c for c in cited if c.kind == "heading" and c.heading is not None]
    changed = whole.verdict is Verdict.YES or bool(whole.unpushed) or whole.staged
    if not headings or not changed:
        yield from judge.report(whole, relative, line, column, GATE_NOT_UPDATED, unchanged)
        return
    # Lines are numbered in the index's version of the gate; its headings are read
    # from there too, so unstaged edits in the working tree shift nothing.
    staged = facts.read_files([(None, relative)])[0]
    staged_headings = headings_of(gate.path, staged) if staged is not None else gate.headings
    for citation in headings:
        assert citation.heading is not None
        title = citation.heading.title
        section = next((h for h in staged_headings if h.title == title), citation.heading)
        proof = prove_file(facts, relative, judge.window, (section.line, section.end_line))
        yield from judge.report(
            proof, relative, citation.line, citation.column, GATE_SECTION_NOT_UPDATED,
            f"no line was added to {relative} under '{title}' (lines {section.line}-"
            f"{section.end_line}) {judge.span}")


def _prove_checklist(case: Case, facts: GitFacts, relative: str, line: int,
                     column: int) -> Iterator[Diagnostic]:
    additions = facts.checklist_additions(relative, case.start)
    if additions.unknown:
        if additions.issue is not None:
            yield _issue(case, additions.issue, line, column)
        return
    if not additions.names:
        yield GATE_NOT_UPDATED.diagnostic(
            case.path, line, column,
            f"{relative} changed, but no entry was added to CORE_CHECKS, PERFORMANCE_CHECKS "
            f"or VERIFICATION_SUITE{case.state()}", severity=case.severity())
        return
    for citation in case.hardening.gate:
        if citation.kind == "check" and citation.name not in additions.names:
            yield GATE_SECTION_NOT_UPDATED.diagnostic(
                case.path, citation.line, citation.column,
                f"'{citation.name}' is not a new entry of {relative} (new: "
                f"{', '.join(additions.names)}){case.state()}", severity=case.severity())
