"""Hardening proven by git, and the STOP rule, for every postmortem of a run.

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

from aoslint.closure import APPROVER, QA_AGENT, Signature
from aoslint.config import Config
from aoslint.diagnostics import Diagnostic, Severity
from aoslint.hardening import (
    Citation,
    GateIndex,
    Hardening,
    collect,
    headings_of,
    nearest_rule,
)
from aoslint.layout import Layout, find_repository_root
from aoslint.lifecycle import closure_reason
from aoslint.model import Document
from aoslint.normalize import shorten
from aoslint.registry import Rule, rule
from aoslint.timeline import instant, iso_date, metadata_date

if TYPE_CHECKING:  # the git layer imports subprocess; --no-git runs never need it
    from aoslint.git.facts import GitFacts
    from aoslint.git.model import Answer, Issue

_POLICY_HARDENING = """
Identify the specific Rule File (.agent/rules/*) that allowed the failure.
Update the rule to cover the edge case. Update the Orchestrator Quality Gate to
enforce this new check in future tasks. An incident is not "Closed" until the
rules are updated. (Incident Response & Postmortem Policy, 4)"""
_POLICY_STOP = """
You MUST NOT exit Incident Mode until: 1. Stability is verified by
qa-automation-engineer. 2. Postmortem is approved by orchestrator. 3. Rule
updates are merged and pushed to origin. (Incident Response & Postmortem
Policy, STOP Rule)"""
_PENDING = ("While the document is open these are reported as pending (info); "
            "once it claims closure, as errors.")

UNKNOWN_RULE_FILE = rule(
    "AOS501", "unknown-rule-file", "A cited rule file does not exist.",
    severity=Severity.WARNING, policy=_POLICY_HARDENING,
    explanation="""
A hardening item or the Root Cause's AOS Gap names a rule file that is not in
the repository, in any of the forms the kits use (`.agent/rules/x.md`,
`rules/x.md`, `x.md` or `security/x.md` relative to the rules directory, a
Markdown link). The hint names the nearest existing rule file. A warning while
the document is open, an error once it claims closure.""",
    example="- [x] **Rule Update**: `security/auth-rules.md`   <- the file is security/auth.md",
    fix="Cite the rule file by its real path.",
)
HARDENING_MISSING = rule(
    "AOS502", "hardening-missing", "The postmortem names no rule file.",
    severity=Severity.INFO, policy=_POLICY_HARDENING,
    explanation=f"""
The Hardening Phase starts by identifying the specific rule file that allowed
the failure. A postmortem whose hardening items and AOS Gap name no rule file
cannot be checked against the rules, and the policy says the incident is not
closed until the rules are updated. {_PENDING}""",
    example="- [x] **Rule Update**: made the rules stricter.",
    fix="Name the rule file you updated, e.g. `.agent/rules/security/auth.md`.",
)
UNKNOWN_COMMIT = rule(
    "AOS503", "unknown-commit", "A cited commit does not exist in this repository.",
    explanation="""
A hardening item cites a commit SHA that git does not know: a typo, a commit
from another repository, or one that was never pushed and fetched.""",
    example="- [x] **Rule Update**: `security/auth.md` in 4f2a9c1",
    fix="Cite the commit that changed the rule (git log -- <rule file>).",
)
COMMIT_DOES_NOT_TOUCH_RULE = rule(
    "AOS504", "commit-does-not-touch-rule", "A cited commit does not change the cited rule file.",
    explanation="""
The commit cited as the rule update exists but changes other files only (renames
are followed), so it does not prove that the rule was updated.""",
    example="- [x] **Rule Update**: `security/auth.md` in 4f2a9c1   <- 4f2a9c1 changed README.md",
    fix="Cite the commit that changed the rule file.",
)
RULE_NOT_CHANGED = rule(
    "AOS505", "rule-not-changed", "No commit since the incident started changed the rule file.",
    severity=Severity.INFO, policy=_POLICY_HARDENING,
    explanation=f"""
Without a cited commit, a commit after the incident's start (its first timeline
event, else its Date) must have changed the cited rule file; with `--base REF`
(pull requests, pre-commit) changes in REF..HEAD and staged changes count too.
Renamed rule files are followed. {_PENDING}""",
    example="- [x] **Rule Update**: `security/auth.md`   <- unchanged since 2026-11-02",
    fix="Commit the rule update (or cite the commit that made it).",
)
GATE_NOT_UPDATED = rule(
    "AOS506", "gate-not-updated", "The quality gate did not change since the incident started.",
    severity=Severity.INFO, policy=_POLICY_HARDENING,
    explanation=f"""
The Orchestrator Quality Gate (`agents/orchestrator.md`, or `scripts/checklist.py`;
`gate-file` in the config) must enforce the new check. No commit since the
incident started changed it; for a `checklist.py` gate, no entry was added to
`CORE_CHECKS`, `PERFORMANCE_CHECKS` or `VERIFICATION_SUITE` (read with Python's
`ast`). {_PENDING}""",
    example="- [x] **Orchestrator Gate Update**: added a check.   <- orchestrator.md unchanged",
    fix="Add the new check to the gate and commit it.",
)
GATE_SECTION_NOT_UPDATED = rule(
    "AOS507", "gate-section-not-updated",
    "The gate changed, but not under the checklist the item names.",
    severity=Severity.INFO, policy=_POLICY_HARDENING,
    explanation=f"""
An item that names a checklist of the gate ("Security Review Checklist") or a
`CORE_CHECKS` entry is checked precisely: lines added since the incident must
fall inside that heading's section of the gate file (diff hunks are mapped to
the gate's headings), or the named entry must be new. {_PENDING}""",
    example="added the item to the Security Review Checklist   <- only the QA checklist changed",
    fix="Add the check under the heading the item names (or name the right heading).",
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
)
GIT_NOT_INSTALLED = rule(
    "AOS509", "git-not-installed", "Hardening cannot be proven: git is not installed.",
    severity=Severity.WARNING,
    explanation="The `git` command was not found on PATH, so no history could be read.",
    example="a CI image without git",
    fix="Install git, or pass --no-git to skip the git checks.",
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
)
COMMIT_NOT_ON_BRANCH = rule(
    "AOS511", "commit-not-on-branch", "A cited commit is not in the current branch's history.",
    explanation="""
The commit exists (on another branch) but is not reachable from HEAD, so the
change it made is not part of what is being checked or released.""",
    example="a rule update committed on a feature branch that was never merged",
    fix="Merge the branch that holds the commit, or cite the merged commit.",
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
)
NO_AOS_TREE = rule(
    "AOS513", "no-aos-tree", "No rules directory was found, so rule files cannot be checked.",
    severity=Severity.WARNING,
    explanation="""
aoslint looks for `.agents/` or `.agent/` holding `rules/` or `agents/`, then
for a kit with `rules/` and `agents/` at the repository root (a `.agent/` that
holds only `skills/` is not the tree); there is no rules directory in the tree
found, and `rules-dir` is not configured.""",
    example="a repository whose rules live in policy/ without rules-dir = \"policy\"",
    fix="Set aos-dir or rules-dir in the config; for postmortems outside an AOS repository, "
        "use the generic profile (profile = \"generic\" or --profile generic).",
)
CLOSURE_WITHOUT_QA = rule(
    "AOS601", "closure-without-qa", "Closed without QA's stability verification.",
    severity=Severity.INFO, policy=_POLICY_STOP, closure_gate=True,
    explanation=f"""
The STOP rule's first condition: stability verified by `qa-automation-engineer`.
A document that claims closure (Status RESOLVED or CLOSED, every Closure
Approval box ticked, or a dated approval) must record it: a `Verified by:
@qa-automation-engineer` line with a date, or a ticked item naming
@qa-automation-engineer and the verification. {_PENDING}""",
    example="Status: CLOSED   <- and no Verified by: @qa-automation-engineer",
    fix="Record QA's verification: 'Verified by: @qa-automation-engineer (YYYY-MM-DD)'.",
)
CLOSURE_WITHOUT_APPROVAL = rule(
    "AOS602", "closure-without-approval", "Closed without the orchestrator's dated approval.",
    severity=Severity.INFO, policy=_POLICY_STOP, closure_gate=True,
    explanation=f"""
The STOP rule's second condition: the postmortem is approved by `orchestrator`.
A document that claims closure must carry `Approved by: @orchestrator` with a
date (on the line, or a `Date:` line right below it). {_PENDING}""",
    example="Approved by: @orchestrator\nDate:",
    fix="Record the approval: 'Approved by: @orchestrator' and 'Date: YYYY-MM-DD'.",
)
HARDENING_OPEN = rule(
    "AOS603", "hardening-open", "A hardening item is still unticked.",
    severity=Severity.INFO, policy=_POLICY_STOP, closure_gate=True,
    explanation=f"""
An incident is not closed until the rules are updated; an unticked item of the
Action Items / AOS Hardening section says that work is still open. {_PENDING}""",
    example="- [ ] **Orchestrator Gate Update**: ...",
    fix="Finish the item and tick it, or keep the incident open.",
)
HARDENING_NOT_PUSHED = rule(
    "AOS604", "hardening-not-pushed", "A proving commit is not on the upstream branch.",
    severity=Severity.INFO, policy=_POLICY_STOP, closure_gate=True,
    explanation=f"""
The STOP rule's third condition: rule updates are merged and pushed to origin.
Each commit that proves a rule or gate update must be reachable from the
upstream branch: `upstream` in the config, else the current branch's
upstream, else `origin/HEAD`. A change that is only staged is not pushed
either. {_PENDING}""",
    example="the rule update is committed locally but not pushed",
    fix="Push the commits (git push), then re-run.",
)
NO_UPSTREAM = rule(
    "AOS605", "no-upstream", "Cannot tell whether the hardening is pushed: no upstream.",
    severity=Severity.WARNING,
    explanation="""
There is no configured upstream, the branch has none (or HEAD is detached, as in
CI checkouts), and there is no `origin/HEAD`; so whether the proving commits
are pushed cannot be decided.""",
    example="a clone without an origin remote",
    fix="Set the branch upstream (git branch -u origin/main), or `upstream` in the config.",
)
VERIFIER_CONFLICT = rule(
    "AOS606", "verifier-conflict",
    "The closure checklist and the Verified by: line name different verifiers.",
    severity=Severity.WARNING, policy=_POLICY_STOP, closure_gate=True,
    explanation="""
A ticked "Stability verified by @qa-automation-engineer" beside a `Verified by:`
line that names another agent: the document says two things about who verified
stability, and the STOP rule needs `qa-automation-engineer`'s verification. The
ticked box does not count as that verification. A warning while the document is
open, an error once it claims closure.""",
    example="- [x] Stability verified by @qa-automation-engineer\nVerified by: @sre-oncall "
            "(2026-11-03)",
    fix="Record who really verified: 'Verified by: @qa-automation-engineer (YYYY-MM-DD)', "
        "or untick the box.",
)

INCIDENT_START_UNKNOWN = rule(
    "AOS514", "incident-start-unknown", "When the incident started is unknown, so no change "
    "can be dated after it.",
    severity=Severity.WARNING, policy=_POLICY_HARDENING,
    explanation="""
A rule or gate change proves the hardening only if it was made after the
incident started. aoslint takes the start from the first timeline event, else
the Date or Timestamp field, else the date in an INC-YYYYMMDD-NNN Incident ID.
With none of these, any old commit would pass; aoslint says so instead of
passing.""",
    example="a postmortem with no Date: line, undated timeline rows and Incident ID OPS-42",
    fix="Add 'Date: YYYY-MM-DD' to the header lines.",
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


class Subject(msgspec.Struct, frozen=True):
    """One postmortem of the run, with its file on disk."""

    document: Document
    source: Path
    lines: tuple[str, ...]


class Case(msgspec.Struct):
    """One postmortem under judgement: its citations, start, and closure claim."""

    subject: Subject
    hardening: Hardening
    start: dt.datetime | None
    closed: str | None

    @property
    def path(self) -> str:
        return self.subject.document.path

    def severity(self, pending: Severity = Severity.INFO) -> Severity:
        return Severity.ERROR if self.closed else pending

    def state(self) -> str:
        """Why a gate is an error here: the closure claim (an open one is labelled pending)."""
        return f" (closed: {self.closed})" if self.closed else ""


def incident_start(document: Document) -> dt.datetime | None:
    """The first key event, else the incident's day (midnight UTC): commits after it count."""
    timeline = document.timeline
    if timeline is not None:
        occurred = timeline.key.get("occurred")
        if occurred is not None and occurred.at is not None:
            return instant(occurred.at)
    day = metadata_date(document.metadata)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) if day else None


def check_hardening(subjects: Sequence[Subject], layout: Layout, config: Config,
                    options: GitOptions) -> Iterator[Diagnostic]:
    """Hardening and STOP-rule findings for the run's postmortems."""
    gate = GateIndex(layout.gate_file)
    cases = [case for subject in subjects
             if (case := hardening_case(subject, layout, gate, config)) is not None]
    for case in cases:
        yield from _document_level(case, layout, options.enabled)
    yield from check_git(cases, layout, gate, options)


def hardening_case(subject: Subject, layout: Layout, gate: GateIndex, config: Config,
                   probes: list[tuple[str, bool]] | None = None) -> Case | None:
    """A postmortem's citations, start and closure claim; ``None`` for other types.

    ``probes`` collects the paths looked up on disk (see :func:`resolve`).
    """
    if subject.document.type != "postmortem":
        return None
    hardening = collect(subject.document, layout, gate, subject.source, subject.lines, probes)
    return Case(subject, hardening, incident_start(subject.document),
                 closure_reason(subject.document, config))


def document_hardening(case: Case, layout: Layout, options: GitOptions) -> list[Diagnostic]:
    """The findings of one postmortem that need no git (they read the rules tree)."""
    return list(_document_level(case, layout, options.enabled))


def check_git(cases: Sequence[Case], layout: Layout, gate: GateIndex,
              options: GitOptions) -> Iterator[Diagnostic]:
    """The git-backed findings of all postmortems of a run, from one batched facts load."""
    if not options.enabled or not cases:
        return
    needing = [c for c in cases if c.hardening.rules or c.closed]
    if not needing:
        return
    git_root = find_repository_root(layout.root)
    if git_root is None:
        for case in needing:
            yield _env(case, NOT_A_GIT_REPOSITORY,
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
    for case in needing:
        yield from _git_level(case, facts, gate, git_root, layout)


def _env(case: Case, which: Rule, message: str, hint: str | None = None) -> Diagnostic:
    return which.diagnostic(case.path, case.hardening.anchor_line, case.hardening.anchor_column,
                            message, hint)


def _issue(case: Case, issue: Issue, line: int | None = None,
           column: int | None = None) -> Diagnostic:
    which = _ISSUE_RULES.get(issue.problem, GIT_FAILED)
    severity = case.severity(Severity.WARNING) if which in (COMMIT_NOT_ON_BRANCH,
                                                            UNKNOWN_COMMIT) else None
    return which.diagnostic(case.path, line or case.hardening.anchor_line,
                            column or case.hardening.anchor_column, issue.message,
                            issue.hint or None, severity=severity)


def _document_level(case: Case, layout: Layout, with_git: bool) -> Iterator[Diagnostic]:
    hardening = case.hardening
    document = case.subject.document
    if layout.rules_dir is None or not layout.rules_dir.is_dir():
        if hardening.items and with_git:  # --no-git: the rules are not to be proven
            yield _env(case, NO_AOS_TREE, "no rules directory found; rule files cannot be "
                                          "checked",
                       "set aos-dir or rules-dir in the config; not an AOS repository? "
                       "use the generic profile (profile = \"generic\" or --profile generic)")
    else:
        for citation in hardening.unresolved:
            near = nearest_rule(citation.cited, layout)
            rules_dir = layout.relative(layout.rules_dir)
            hint = (f"did you mean '{near}' (in {rules_dir}/)?" if near
                    else f"no rule file in {rules_dir}/ is close to this name")
            yield UNKNOWN_RULE_FILE.diagnostic(
                case.path, citation.line, citation.column,
                f"rule file '{citation.cited}' does not exist", hint,
                severity=case.severity(Severity.WARNING))
        if not hardening.rules and not hardening.unresolved:
            yield HARDENING_MISSING.diagnostic(
                case.path, hardening.anchor_line, hardening.anchor_column,
                f"the postmortem names no rule file{case.state()}", severity=case.severity())
    closure = document.closure
    qa = closure.qa_verification()
    conflict = closure.qa_conflict()
    if conflict is not None:
        ticked, other = conflict
        names = ", ".join(f"@{a}" for a in other.agents)
        yield VERIFIER_CONFLICT.diagnostic(
            case.path, other.line, other.column,
            f"line {ticked} ticks 'Stability verified by @{QA_AGENT}', but the Verified by: "
            f"line names {names}{case.state()}", severity=case.severity(Severity.WARNING))
    if qa is None:
        yield CLOSURE_WITHOUT_QA.diagnostic(
            case.path, closure.place("verified") or document.title_line, 1,
            f"no stability verification by @{QA_AGENT} is recorded{case.state()}",
            severity=case.severity())
    elif isinstance(qa, Signature) and _before_start(qa, case):
        yield CLOSURE_WITHOUT_QA.diagnostic(
            case.path, qa.line, qa.column,
            f"@{QA_AGENT}'s verification is dated {qa.date}, before the incident "
            f"started{case.state()}", severity=case.severity())
    approval = closure.approval_by(APPROVER)
    if approval is None:
        yield CLOSURE_WITHOUT_APPROVAL.diagnostic(
            case.path, closure.place("approved") or document.title_line, 1,
            f"no dated 'Approved by: @{APPROVER}' is recorded{case.state()}",
            severity=case.severity())
    elif _before_start(approval, case):
        yield CLOSURE_WITHOUT_APPROVAL.diagnostic(
            case.path, approval.line, approval.column,
            f"the approval by @{APPROVER} is dated {approval.date}, before the incident "
            f"started{case.state()}", severity=case.severity())
    for item in hardening.items:
        if item.done is False:
            name = f"'{item.label}'" if item.label else f"'{shorten(item.text)}'"
            yield HARDENING_OPEN.diagnostic(case.path, item.line, item.column,
                                            f"{name} is not ticked{case.state()}",
                                            severity=case.severity())


def _before_start(signature: Signature, case: Case) -> bool:
    signed = iso_date(signature.date) if signature.date else None
    return signed is not None and case.start is not None and signed < case.start.date()


def _relative(path: Path, git_root: Path) -> str:
    return path.resolve().relative_to(git_root.resolve()).as_posix()


def _load_facts(cases: list[Case], layout: Layout, gate: GateIndex, git_root: Path,
                options: GitOptions) -> GitFacts:
    """One load for the whole run: the earliest start, every cited path and commit."""
    from aoslint.git.facts import GitFacts

    starts = [c.start for c in cases]
    since = None if any(s is None for s in starts) else min(s for s in starts if s)
    # Only the gate's added lines are ever asked for; rule files need names, not patches.
    paths = [_relative(gate.path, git_root)] if gate.path is not None else []
    shas = {sha for case in cases for c in case.hardening.rules for sha in c.commits}
    return GitFacts.load(git_root, since=since, base=options.base,
                         paths_of_interest=paths, shas=sorted(shas),
                         upstream=options.upstream)


def _git_level(case: Case, facts: GitFacts, gate: GateIndex, git_root: Path,
               layout: Layout) -> Iterator[Diagnostic]:
    proofs: dict[str, str] = {}  # sha -> what it proves
    staged_only: list[str] = []
    by_path: dict[Path, list[Citation]] = {}
    for citation in case.hardening.rules:
        if citation.path is not None:
            by_path.setdefault(citation.path, []).append(citation)
    since_text = case.start.isoformat(" ", "minutes") if case.start else "the incident"
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
                yield from _prove_cited(case, facts, sha, relative, first, proofs)
            continue
        if case.start is None:
            continue
        changes = facts.changes_to(relative, case.start)
        if changes.yes:
            for commit in changes.commits:
                proofs.setdefault(commit.sha, relative)
            if changes.staged and not changes.commits:
                staged_only.append(relative)
        elif changes.no:
            yield RULE_NOT_CHANGED.diagnostic(
                case.path, first.line, first.column,
                f"no commit since {since_text} changed {relative}{case.state()}",
                severity=case.severity())
        elif changes.issue is not None:
            yield _issue(case, changes.issue, first.line, first.column)
    if gate.path is not None and case.start is not None and (
            case.hardening.gate or case.hardening.rules or case.closed):
        yield from _prove_gate(case, facts, gate, git_root, proofs, staged_only, since_text)
    if case.closed or proofs or staged_only:
        yield from _pushed(case, facts, proofs, staged_only)


def _prove_cited(case: Case, facts: GitFacts, sha: str, relative: str, citation: Citation,
                 proofs: dict[str, str]) -> Iterator[Diagnostic]:
    exists = facts.commit_exists(sha)
    if exists.no:
        yield UNKNOWN_COMMIT.diagnostic(case.path, citation.line, citation.column,
                                        f"commit {sha} does not exist in this repository")
        return
    if exists.unknown:
        if exists.issue is not None:
            yield _issue(case, exists.issue, citation.line, citation.column)
        return
    touches = facts.commit_touches(sha, relative)
    if touches.no:
        yield COMMIT_DOES_NOT_TOUCH_RULE.diagnostic(
            case.path, citation.line, citation.column,
            f"commit {sha} does not change {relative}" + (f" ({touches.detail})"
                                                          if touches.detail else ""))
        return
    if touches.unknown:
        if touches.issue is not None:
            yield _issue(case, touches.issue, citation.line, citation.column)
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
    on_head = facts.on_head(sha)
    if on_head.no:
        yield COMMIT_NOT_ON_BRANCH.diagnostic(
            case.path, citation.line, citation.column,
            f"commit {sha} changes {relative} but is not in this branch's history",
            severity=case.severity(Severity.WARNING))
        return
    proofs.setdefault(sha, relative)


def _prove_gate(case: Case, facts: GitFacts, gate: GateIndex, git_root: Path,
                proofs: dict[str, str], staged_only: list[str],
                since_text: str) -> Iterator[Diagnostic]:
    assert gate.path is not None
    relative = _relative(gate.path, git_root)
    cited = case.hardening.gate
    line = cited[0].line if cited else case.hardening.anchor_line
    column = cited[0].column if cited else case.hardening.anchor_column
    changes = facts.changes_to(relative, case.start)
    if changes.unknown:
        if changes.issue is not None:
            yield _issue(case, changes.issue, line, column)
        return
    if changes.no:
        yield GATE_NOT_UPDATED.diagnostic(
            case.path, line, column,
            f"the quality gate {relative} has not changed since {since_text}{case.state()}",
            severity=case.severity())
        return
    for commit in changes.commits:
        proofs.setdefault(commit.sha, relative)
    if changes.staged and not changes.commits:
        staged_only.append(relative)
    if gate.path.suffix == ".py":
        yield from _prove_checklist(case, facts, relative, line, column)
        return
    headings = [c for c in cited if c.kind == "heading" and c.heading is not None]
    if not headings:
        return
    added = facts.added_lines(relative, case.start)
    # Added lines are numbered in the index's version of the gate; its headings are
    # read from there too, so unstaged edits in the working tree shift nothing.
    staged = facts.read_files([(None, relative)])[0]
    staged_headings = headings_of(gate.path, staged) if staged is not None else gate.headings
    for citation in headings:
        assert citation.heading is not None
        title = citation.heading.title
        section = next((h for h in staged_headings if h.title == title), citation.heading)
        within = added.within(section.line, section.end_line)
        if within.no:
            yield GATE_SECTION_NOT_UPDATED.diagnostic(
                case.path, citation.line, citation.column,
                f"{relative} changed, but no line was added under '{title}' "
                f"(lines {section.line}-{section.end_line}){case.state()}",
                severity=case.severity())
        elif within.unknown and within.issue is not None:
            yield _issue(case, within.issue, citation.line, citation.column)


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


def _pushed(case: Case, facts: GitFacts, proofs: dict[str, str],
            staged_only: list[str]) -> Iterator[Diagnostic]:
    anchor = case.hardening
    for path in staged_only:
        yield HARDENING_NOT_PUSHED.diagnostic(
            case.path, anchor.anchor_line, anchor.anchor_column,
            f"the change to {path} is only staged, not committed and pushed{case.state()}",
            severity=case.severity())
    told_upstream = False
    for sha, what in proofs.items():
        answer: Answer = facts.is_pushed(sha)
        if answer.no:
            upstream = facts.upstream.ref or "the upstream"
            yield HARDENING_NOT_PUSHED.diagnostic(
                case.path, anchor.anchor_line, anchor.anchor_column,
                f"commit {sha[:12]} (changes {what}) is not on {upstream}{case.state()}",
                "push it: git push", severity=case.severity())
        elif answer.unknown and answer.issue is not None and not told_upstream:
            told_upstream = True
            yield _issue(case, answer.issue)
