"""Cross-document checks: one ID per incident, and every closed plan has its postmortem.

They read every incident document of the repository, also when only one file
was named, and report only on the files that were asked about.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import msgspec

from aoslint.closure import claims_closure
from aoslint.config import Config
from aoslint.diagnostics import Diagnostic, Severity
from aoslint.document.model import Document, Field
from aoslint.lazyre import compile_lazily
from aoslint.registry import Rule, rule
from aoslint.timeline.dates import iso_date

DUPLICATE_INCIDENT_ID = rule(
    "AOS404", "duplicate-incident-id", "Two documents of one type share an Incident ID.",
    explanation="""
An incident has one plan and one postmortem; two postmortems (or two plans)
with the same Incident ID mean two incidents were given one number, usually
by two branches that each added one. Every other check that joins documents by
ID (missing postmortem, plan and postmortem agreeing) would then pick one at
random.""",
    example="""
docs/incidents/2026-11-02-checkout.md   Incident ID: INC-20261102-001
docs/incidents/2026-11-02-search.md     Incident ID: INC-20261102-001""",
    fix="Give one of the incidents the next free ID (aoslint new mints unique ones).",
    needs="repository",
)
MISSING_POSTMORTEM = rule(
    "AOS405", "missing-postmortem", "A resolved incident has no postmortem.",
    policy="""
Every incident MUST conclude with a Postmortem Document. (Incident Response &
Postmortem Policy, 3)""",
    explanation="""
An incident plan whose Status says RESOLVED or CLOSED has ended Incident Mode's
response; the policy then requires a postmortem. aoslint looks for a
postmortem with the same Incident ID among all incident documents of the
repository.""",
    example="""
Incident ID: INC-20261102-001
Status: RESOLVED          <- and no postmortem says INC-20261102-001""",
    fix="Write the postmortem: aoslint new postmortem --from INC-…",
    needs="repository",
)
POSTMORTEM_WITHOUT_PLAN = rule(
    "AOS406", "postmortem-without-plan", "A postmortem's Incident ID matches no incident plan.",
    severity=Severity.WARNING,
    explanation="""
Each postmortem concludes an incident that was planned with an incident plan
(the policy's Emergency Planning step). A postmortem whose ID matches no plan
usually carries a mistyped ID, or its plan was never committed. A repository
that keeps no incident plans at all is not told this about every postmortem.""",
    example="Incident ID: INC-20261102-010   <- the plan says INC-20261102-001",
    fix="Correct the Incident ID, or commit the incident plan.",
    needs="repository",
)
PLAN_POSTMORTEM_MISMATCH = rule(
    "AOS407", "plan-postmortem-mismatch", "An incident's plan and postmortem disagree.",
    severity=Severity.WARNING,
    explanation="""
The plan and the postmortem of one incident should agree on its Severity and
on when it happened. A severity raised or lowered during the incident is
normal, but then one document is out of date; a date more than a day apart
usually means the wrong incident was cited.""",
    example="""
incident-plan.md   Severity: CRITICAL
postmortem.md      Severity: HIGH""",
    fix="Update the outdated document so both say the same.",
    needs="repository",
)

RULES: tuple[Rule, ...] = (
    DUPLICATE_INCIDENT_ID,
    MISSING_POSTMORTEM,
    POSTMORTEM_WITHOUT_PLAN,
    PLAN_POSTMORTEM_MISMATCH,
)

SUMMARY_FIELDS = ("incident_id", "severity", "status", "date", "timestamp")


# gc=False: a leaf record, never in a reference cycle; untracked, the cache loads it faster.
class Summary(msgspec.Struct, frozen=True, gc=False):
    """What the cross-document checks read of one document: small, cached, picklable."""

    path: str
    type: str
    fields: tuple[Field, ...]
    closed: bool

    def field(self, key: str) -> Field | None:
        for found in self.fields:  # a loop: asked tens of thousands of times a run
            if found.key == key:
                return found
        return None

    @classmethod
    def of(cls, document: Document, config: Config, closed: bool | None = None) -> Summary:
        """``closed``: the document's closure claim, when the caller judged it already."""
        return cls(document.path, document.type,
                   tuple(f for f in document.fields if f.key in SUMMARY_FIELDS),
                   claims_closure(document, config) if closed is None else closed)


class Record(msgspec.Struct, frozen=True):
    """A document with a usable Incident ID."""

    document: Summary
    incident_id: Field
    closed: bool


_ID = compile_lazily(r"^[A-Za-z][\w-]*\d[\w-]*$")


def _records(summaries: Iterable[Summary]) -> list[Record]:
    found = []
    for summary in summaries:
        field = summary.field("incident_id")
        if field is None or not usable_id(field.value):
            continue  # missing or placeholder IDs are reported elsewhere
        found.append(Record(summary, field, summary.closed))
    return found


def usable_id(value: Any) -> bool:
    """An Incident ID the checks can join documents by (not missing, not a placeholder)."""
    return isinstance(value, str) and _ID.match(value) is not None


def check_repository(documents: Iterable[Document | Summary], requested: set[str],
                     config: Config, *, plans_elsewhere: bool = False
                     ) -> Iterator[Diagnostic]:
    """Findings about the requested documents, judged against all of them.

    ``documents`` must hold every document with a requested one's Incident
    ID; ``plans_elsewhere`` says that documents left out include an incident
    plan.
    """
    by_id: dict[str, list[Record]] = defaultdict(list)
    records = _records(d if isinstance(d, Summary) else Summary.of(d, config)
                       for d in documents)
    for record in records:
        by_id[record.incident_id.value].append(record)
    # A repository that keeps no incident plans at all (imported postmortems) is not
    # told about each postmortem's missing plan.
    uses_plans = plans_elsewhere or any(r.document.type == "incident-plan" for r in records)
    for incident_id, records in sorted(by_id.items()):
        plans = [r for r in records if r.document.type == "incident-plan"]
        postmortems = [r for r in records if r.document.type == "postmortem"]
        for group in (plans, postmortems):
            yield from _duplicates(incident_id, group, requested)
        for plan in plans:
            if plan.document.path in requested and plan.closed and not postmortems:
                status = plan.document.field("status")
                where = status or plan.incident_id
                yield MISSING_POSTMORTEM.diagnostic(
                    plan.document.path, where.line, where.column,
                    f"incident {incident_id} is {status.value if status else 'closed'} "
                    "but no postmortem has this Incident ID",
                    f"write it: aoslint new postmortem --from {incident_id}")
        for postmortem in postmortems:
            if postmortem.document.path not in requested:
                continue
            if not plans and uses_plans:
                yield POSTMORTEM_WITHOUT_PLAN.diagnostic(
                    postmortem.document.path, postmortem.incident_id.line,
                    postmortem.incident_id.column,
                    f"no incident plan has Incident ID {incident_id}")
                continue
            if plans:
                yield from _mismatches(postmortem.document, plans[0].document)


def _duplicates(incident_id: str, group: list[Record], requested: set[str]
                ) -> Iterator[Diagnostic]:
    if len(group) < 2:
        return
    for record in group:
        if record.document.path not in requested:
            continue
        others = ", ".join(f"{o.document.path}:{o.incident_id.line}" for o in group
                           if o is not record)
        yield DUPLICATE_INCIDENT_ID.diagnostic(
            record.document.path, record.incident_id.line, record.incident_id.column,
            f"{record.document.type} Incident ID {incident_id} is also used by {others}")


def _mismatches(postmortem: Summary, plan: Summary) -> Iterator[Diagnostic]:
    pm_severity, plan_severity = postmortem.field("severity"), plan.field("severity")
    if (pm_severity is not None and plan_severity is not None
            and str(pm_severity.value).strip().upper() != str(plan_severity.value).strip().upper()):
        yield PLAN_POSTMORTEM_MISMATCH.diagnostic(
            postmortem.path, pm_severity.line, pm_severity.column,
            f"Severity {pm_severity.value} here, but the incident plan says "
            f"{plan_severity.value} ({plan.path}:{plan_severity.line})")
    pm_date = postmortem.field("date") or postmortem.field("timestamp")
    plan_date = plan.field("timestamp") or plan.field("date")
    if pm_date is None or plan_date is None:
        return
    first, second = iso_date(pm_date.value), iso_date(plan_date.value)
    if first is not None and second is not None and abs((first - second).days) > 1:
        yield PLAN_POSTMORTEM_MISMATCH.diagnostic(
            postmortem.path, pm_date.line, pm_date.column,
            f"{pm_date.raw_key} {first.isoformat()} here, but the incident plan's "
            f"{plan_date.raw_key} is {second.isoformat()} ({plan.path}:{plan_date.line})")
