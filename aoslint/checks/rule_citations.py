"""The rule files a postmortem cites exist: read from the document and the rules tree.

No git: these findings come with every run, ``--no-git`` included.
"""

from __future__ import annotations

from collections.abc import Iterator

from aoslint.diagnostics import Diagnostic, Severity
from aoslint.discovery.layout import Layout
from aoslint.hardening_case import PENDING, POLICY_HARDENING, Case, nearest_rule
from aoslint.registry import Rule, rule

UNKNOWN_RULE_FILE = rule(
    "AOS501", "unknown-rule-file", "A cited rule file does not exist.",
    severity=Severity.WARNING, policy=POLICY_HARDENING,
    explanation="""
A hardening item or the Root Cause's AOS Gap names a rule file that is not in
the repository, in any of the forms the kits use (`.agent/rules/x.md`,
`rules/x.md`, `x.md` or `security/x.md` relative to the rules directory, a
Markdown link). The hint names the nearest existing rule file. A warning while
the document is open, an error once it claims closure.""",
    example="- [x] **Rule Update**: `security/auth-rules.md`   <- the file is security/auth.md",
    fix="Cite the rule file by its real path.",
    needs="repository",
)

HARDENING_MISSING = rule(
    "AOS502", "hardening-missing", "The postmortem names no rule file.",
    severity=Severity.INFO, policy=POLICY_HARDENING,
    explanation=f"""
The Hardening Phase starts by identifying the specific rule file that allowed
the failure. A postmortem whose hardening items and AOS Gap name no rule file
cannot be checked against the rules, and the policy says the incident is not
closed until the rules are updated. {PENDING}""",
    example="- [x] **Rule Update**: made the rules stricter.",
    fix="Name the rule file you updated, e.g. `.agent/rules/security/auth.md`.",
    needs="repository",
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
    needs="repository",
)

RULES: tuple[Rule, ...] = (UNKNOWN_RULE_FILE, HARDENING_MISSING, NO_AOS_TREE)


def check(case: Case, layout: Layout, with_git: bool) -> Iterator[Diagnostic]:
    """A missing rules tree, cited rule files that do not exist, or none cited at all."""
    hardening = case.hardening
    if layout.rules_dir is None or not layout.rules_dir.is_dir():
        if hardening.items and with_git:  # --no-git: the rules are not to be proven
            yield case.at_anchor(
                NO_AOS_TREE, "no rules directory found; rule files cannot be checked",
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
