"""The STOP rule as the document records it: QA's verification, the approval, ticked items.

What git must prove on top (the hardening pushed to the upstream) is in
``checks.git_proof``.
"""

from __future__ import annotations

from collections.abc import Iterator

from aoslint.closure import APPROVER, QA_AGENT, Signature
from aoslint.diagnostics import Diagnostic, Severity
from aoslint.document.normalize import shorten
from aoslint.hardening_case import PENDING, POLICY_STOP, Case
from aoslint.registry import Rule, rule
from aoslint.timeline.dates import iso_date

CLOSURE_WITHOUT_QA = rule(
    "AOS601", "closure-without-qa", "Closed without QA's stability verification.",
    severity=Severity.INFO, policy=POLICY_STOP, closure_gate=True,
    explanation=f"""
The STOP rule's first condition: stability verified by `qa-automation-engineer`.
A document that claims closure (Status RESOLVED or CLOSED, every Closure
Approval box ticked, or a dated approval) must record it: a `Verified by:
@qa-automation-engineer` line with a date, or a ticked item naming
@qa-automation-engineer and the verification. {PENDING}""",
    example="Status: CLOSED   <- and no Verified by: @qa-automation-engineer",
    fix="Record QA's verification: 'Verified by: @qa-automation-engineer (YYYY-MM-DD)'.",
)

CLOSURE_WITHOUT_APPROVAL = rule(
    "AOS602", "closure-without-approval", "Closed without the orchestrator's dated approval.",
    severity=Severity.INFO, policy=POLICY_STOP, closure_gate=True,
    explanation=f"""
The STOP rule's second condition: the postmortem is approved by `orchestrator`.
A document that claims closure must carry `Approved by: @orchestrator` with a
date (on the line, or a `Date:` line right below it). {PENDING}""",
    example="Approved by: @orchestrator\nDate:",
    fix="Record the approval: 'Approved by: @orchestrator' and 'Date: YYYY-MM-DD'.",
)

HARDENING_OPEN = rule(
    "AOS603", "hardening-open", "A hardening item is still unticked.",
    severity=Severity.INFO, policy=POLICY_STOP, closure_gate=True,
    explanation=f"""
An incident is not closed until the rules are updated; an unticked item of the
Action Items / AOS Hardening section says that work is still open. {PENDING}""",
    example="- [ ] **Orchestrator Gate Update**: ...",
    fix="Finish the item and tick it, or keep the incident open.",
)

VERIFIER_CONFLICT = rule(
    "AOS606", "verifier-conflict",
    "The closure checklist and the Verified by: line name different verifiers.",
    severity=Severity.WARNING, policy=POLICY_STOP, closure_gate=True,
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

RULES: tuple[Rule, ...] = (
    CLOSURE_WITHOUT_QA,
    CLOSURE_WITHOUT_APPROVAL,
    HARDENING_OPEN,
    VERIFIER_CONFLICT,
)


def check(case: Case) -> Iterator[Diagnostic]:
    """A verification or approval missing or dated before the incident; unticked items."""
    hardening = case.hardening
    document = case.subject.document
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
