"""Action items: present, explicit, and owned."""

from __future__ import annotations

from collections.abc import Iterator

from aoslint.checks.context import CheckContext
from aoslint.diagnostics import Diagnostic, Severity
from aoslint.document.normalize import shorten
from aoslint.registry import Rule, rule

_POLICY_ACTIONS = """
Every incident MUST conclude with a Postmortem Document covering: ... Action
Items: Explicit tasks to prevent recurrence. (Incident Response & Postmortem
Policy, 3)"""

NO_ACTION_ITEMS = rule(
    "AOS401", "no-action-items", "The action section lists no action item.",
    policy=_POLICY_ACTIONS,
    explanation="""
A postmortem's Action Items (AOS Hardening, Corrective Actions, Remediation,
...) section must list the tasks that prevent recurrence: as a checkbox list,
a bullet list, or a table with a column such as Action Item. Prose alone gives
nothing to track or to prove.""",
    example="""
## Action Items

We will be more careful with certificates.""",
    fix="List each task as a bullet or checkbox item (or a table row), with its owner.",
)
ACTION_ITEM_EMPTY = rule(
    "AOS402", "action-item-empty", "An action item has a label but no task.",
    severity=Severity.WARNING,
    policy=_POLICY_ACTIONS,
    explanation="""
An item such as `- [ ] **Rule Update**:` with nothing after the label, or with
only template text, is a slot the template offered, not a task. While the
document is open this is a warning; once it is closed, an error.""",
    example="""
- [ ] **Rule Update**:
- [ ] **QA Suite Update**: [e.g., regression test name]""",
    fix="Write the task after the label: which file changes, how, and who does it.",
)
ACTION_ITEM_NO_OWNER = rule(
    "AOS403", "action-item-no-owner", "An action item names no owner.",
    severity=Severity.WARNING,
    explanation="""
A task without an owner is a task nobody does. An owner is an Owner/Who table
column, `owner: name`, or an @mention in the item. The kit's labelled hardening
items (Rule Update, Orchestrator Gate Update, QA Suite Update) are exempt by
default, because aoslint's git checks prove them; set `action-item-owner` to
"all" to require owners there too, or to "off".""",
    example="- [ ] Add an alert on certificate expiry",
    fix="Add the owner: '(owner: @devops-engineer)' or an Owner column.",
)

RULES: tuple[Rule, ...] = (NO_ACTION_ITEMS, ACTION_ITEM_EMPTY, ACTION_ITEM_NO_OWNER)


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    document = ctx.document
    if ctx.doctype.name != "postmortem":
        return
    actions = [s for s in document.all_sections() if s.key == "action-items"]
    if not actions:
        return  # missing-section already says so
    items = document.action_items
    if not items:
        section = actions[0]
        yield NO_ACTION_ITEMS.diagnostic(
            ctx.path, section.line, section.column,
            f"section '{section.title}' lists no action item", end_line=section.end_line,
            severity=ctx.gate_severity)
        return
    owner_mode = ctx.config.settings.action_item_owner
    severity = ctx.gate_severity
    for item in items:
        if not item.has_substance:
            what = f"'{item.label}' has no task after its label" if item.label else \
                "action item has no task"
            yield ACTION_ITEM_EMPTY.diagnostic(ctx.path, item.line, item.column, what,
                                               severity=severity)
            continue
        needs_owner = owner_mode == "all" or (owner_mode == "unlabelled" and item.label is None)
        if needs_owner and not item.owner:
            yield ACTION_ITEM_NO_OWNER.diagnostic(
                ctx.path, item.line, item.column,
                f"action item '{shorten(item.text)}' names no owner")

