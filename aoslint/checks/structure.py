"""Structure: sections missing, empty, duplicated, out of order or misnumbered."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from aoslint.checks.context import CheckContext
from aoslint.diagnostics import Diagnostic, Severity
from aoslint.document.detect import Detection
from aoslint.document.doctypes import SectionSpec
from aoslint.document.model import Section
from aoslint.document.parse import ParsedDocument
from aoslint.registry import Rule, rule

_POLICY_POSTMORTEM = """
Every incident MUST conclude with a Postmortem Document covering: Timeline,
Root Cause, Impact, Action Items. (Incident Response & Postmortem Policy, 3)"""

MISSING_SECTION = rule(
    "AOS101", "missing-section", "A section the document type requires is missing.",
    explanation="""
Each document type lists the sections it requires (rules-schema/*.schema.json,
`x-aoslint.sections`). A section counts as present under its title or any of
its aliases, whatever its numbering, trailing parenthetical, emoji or case:
`## 3. Root Cause Analysis (RCA)` is the Root Cause. A bold label such as
`**Impact:** ...` or a bold question (`**What went wrong and why?** ...`) also
counts, and so does a longer title that names the part in so many words
(`## Remediation and follow-up steps`, the type's `keywords`). Every missing
section is reported in one run, at the line where it was expected.

Under the generic profile, a part that has no heading but is told in the
prose (a cause given with "because", times on two lines, follow-up work "we
are adding ...": the type's `prose` patterns) is a warning naming that line,
since a reader finds it there; under the aos profile, whose kit template has a
heading for each part, it stays an error.""",
    example="""
# Postmortem: checkout outage
Incident ID: INC-20261102-001
## Timeline
...
## Action Items
...            <- no Impact and no Root Cause: two AOS101 findings""",
    fix="Add the section with one of the titles the hint lists.",
    policy=_POLICY_POSTMORTEM,
)
EMPTY_SECTION = rule(
    "AOS102", "empty-section", "A section holds nothing but blank space or template text.",
    severity=Severity.WARNING,
    explanation="""
A section whose body is only whitespace, HTML comments, unticked checkbox
skeletons, bare bold labels or template prompt text has not been written yet.
While the document is open this is a warning; once its status says RESOLVED or
CLOSED it is an error. Sections whose title says they are optional, and the
incident plan's Post-Incident Follow-up while the incident is open, are exempt.""",
    example="""
## 3. Root Cause Analysis (RCA)
- **Technical Trigger**:
- **AOS Gap**: [Which rule file was insufficient?]""",
    fix="Write the section's content, or remove the section if the type does not require it.",
)
SECTION_ORDER = rule(
    "AOS103", "section-order", "Sections are not in the order the document type declares.",
    explanation="""
The policy imposes no order on a postmortem, so the postmortem type declares
none. The incident plan follows the kit's template, whose steps run in order
(stabilise first, then preserve evidence, then hypothesise); a type that sets
`x-aoslint.order` to true has its sections checked in the listed order.""",
    example="""
## 1. Situation Overview
## 5. Root Cause Hypothesis
## 3. Stabilization Actions (MANDATORY FIRST)   <- comes after the hypothesis""",
    fix="Move the section to where the hint says.",
)
DUPLICATE_SECTION = rule(
    "AOS104", "duplicate-section", "The same section appears twice.",
    explanation="""
Two headings that name the same required section (for example `## Timeline`
and `## Incident Timeline`) split one part of the record in two; readers and
checks see only one of them. A heading nested inside a section of the same
kind (an `### Impact` under `## Executive Summary`) is part of it, not a
duplicate, and an optional section's titles name its facets (`What went
well`, `Where we got lucky` are both lessons), so they are not compared.""",
    example="""
## Timeline
...
## Timeline of Events""",
    fix="Merge the two sections into one.",
)
SECTION_NUMBERING = rule(
    "AOS105", "section-numbering", "Numbered headings do not run in sequence.",
    explanation="""
When a document numbers its headings itself (`## 1.`, `## 2.`), the numbers of
sibling headings must run in sequence; a gap or a repeat usually means a
section was deleted, duplicated or pasted in the wrong place.""",
    example="""
## 1. Executive Summary
## 2. Timeline
## 4. AOS Hardening      <- 3 is missing""",
    fix="Renumber the headings so they run 1, 2, 3, ...",
)
UNKNOWN_DOCUMENT_TYPE = rule(
    "AOS106", "unknown-document-type", "A file named for checking is not a known document type.",
    severity=Severity.WARNING,
    explanation="""
aoslint recognises a document's type by its front matter `type:`, the config's
`types` patterns, its title (Postmortem, Incident Plan, ...), its file name, or
its sections. A directory scan skips Markdown files that match none; a file
named on the command line is reported, so a typo in a type name is not silent.
With `--skip-unknown` (the pre-commit hook's setting) named files are treated
like a scan's; a `type:` that names no known type is still reported, as an error.""",
    example="""
---
type: post-mortem     <- the type is called postmortem
---""",
    fix="Declare the type in front matter (type: postmortem or type: incident-plan), "
        "or map the path to a type in the config's `types`.",
)

RULES: tuple[Rule, ...] = (
    MISSING_SECTION,
    EMPTY_SECTION,
    SECTION_ORDER,
    DUPLICATE_SECTION,
    SECTION_NUMBERING,
    UNKNOWN_DOCUMENT_TYPE,
)


def unrecognised(display: str, parsed: ParsedDocument, detection: Detection,
                 known: Iterable[str], *, named: bool, report_unknown: bool
                 ) -> Diagnostic | None:
    """AOS106 for a file no document type claims, when it is to be reported.

    A declared ``type:`` that names no known type always is; a file that
    matched nothing is when it was named (unless ``report_unknown`` is off,
    as pre-commit passes every changed Markdown file), or when it carries an
    Incident ID: a scan skips unrelated Markdown silently, but not an
    incident document aoslint failed to place.
    """
    if detection.unknown_type_name is not None:
        declared = next((f for f in parsed.fields if f.key == "type"), None)
        return UNKNOWN_DOCUMENT_TYPE.diagnostic(
            display, declared.line if declared else 1, declared.column if declared else 1,
            f"front matter declares type '{detection.unknown_type_name}', "
            f"which is not a known document type (known: {', '.join(sorted(known))})",
            severity=Severity.ERROR)
    if report_unknown and (named or any(f.key == "incident_id" for f in parsed.fields)):
        why = "the file is empty" if not parsed.source.text.strip() else detection.reason
        return UNKNOWN_DOCUMENT_TYPE.diagnostic(
            display, 1, 1, f"not recognised as an incident plan or postmortem ({why})")
    return None


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    sections = ctx.document.all_sections()
    yield from _missing(ctx, sections)
    yield from _duplicates(ctx, sections)
    yield from _empty(ctx, sections)
    if ctx.doctype.ordered:
        yield from _order(ctx, sections)
    yield from _numbering(ctx, ctx.document.sections)


def _first_by_key(sections: list[Section]) -> dict[str, Section]:
    first: dict[str, Section] = {}
    for section in sorted(sections, key=lambda s: s.line):
        if section.known:
            first.setdefault(section.key, section)
    return first


def _names_hint(spec: SectionSpec) -> str:
    names = sorted((spec.names | spec.fallbacks) - {spec.key.replace("-", " ")})
    shown = ", ".join(f"'{n}'" for n in names[:6])
    more = f" (or one of {len(names) - 6} more aliases)" if len(names) > 6 else ""
    return f"add a '## {spec.title}' section; it may also be titled {shown}{more}"


def _counts_as_present(section: Section, sections: list[Section]) -> bool:
    """A stand-in title counts only on its own: "What went wrong" inside Lessons Learned
    is a lesson, not the Root Cause."""
    if not section.fallback:
        return True
    if section.stand_in and not section.says:
        return False  # "Context: [Slack thread](...)": nothing said about the cause
    return not any(other.known and other.key != section.key and other.kind == "heading"
                   and other.line < section.line <= other.end_line for other in sections)


def _missing(ctx: CheckContext, sections: list[Section]) -> Iterator[Diagnostic]:
    present = _first_by_key([s for s in sections if _counts_as_present(s, sections)])
    document = ctx.document
    top = [s for s in document.sections if s.kind == "heading"]
    default_line = top[0].line if top else document.line_count or 1
    specs = ctx.doctype.sections
    for index, spec in enumerate(specs):
        if not spec.required or spec.key in present:
            continue
        line = default_line
        for earlier in reversed(specs[:index]):
            if earlier.key in present:
                line = min(_outermost_end(present[earlier.key], sections) + 1,
                           max(document.line_count, 1))
                break
        told = _told_in_prose(ctx, spec, sections) if ctx.profile.prose_sections else None
        if told is not None:
            yield MISSING_SECTION.diagnostic(
                ctx.path, line, 1,
                f"{ctx.doctype.name} has no '{spec.title}' section; it seems told in prose "
                f"(line {told})", f"give it a heading: {_names_hint(spec)}",
                severity=Severity.WARNING)
            continue
        yield MISSING_SECTION.diagnostic(
            ctx.path, line, 1,
            f"{ctx.doctype.name} has no '{spec.title}' section", _names_hint(spec))


def _told_in_prose(ctx: CheckContext, spec: SectionSpec,
                   sections: list[Section]) -> int | None:
    """The first line of prose that carries the section's content, when enough lines do.

    A review written as prose ("At 9:37 AM PST a command removed ...; we are
    adding safeguards") has its timeline and follow-ups without headings. Lines
    in another part's own section (a "because" in a timeline row) and table
    rows do not count.
    """
    if not spec.prose:
        return None
    required = {s.key for s in ctx.doctype.sections if s.required}
    elsewhere = [(s.line, s.end_line) for s in sections
                 if s.known and not s.fallback and s.key != spec.key and s.key in required]
    parsed = ctx.parsed
    lines = parsed.lines
    seen: list[int] = []
    for number, text in enumerate(lines, start=1):
        if number in parsed.code_lines or text.lstrip().startswith(("#", "|")) \
                or any(start <= number <= end for start, end in elsewhere):
            continue
        # With the next line: prose wraps ("customers could / not log in").
        following = lines[number] if number < len(lines) and number + 1 not in \
            parsed.code_lines else ""
        joined = f"{text} {following}"
        if any((found := pattern.search(joined)) is not None and found.start() < len(text)
               for pattern in spec.prose):
            seen.append(number)
            if len(seen) >= spec.prose_lines:
                return seen[0]
    return None


def _outermost_end(section: Section, sections: list[Section]) -> int:
    """The end of the top-level section that contains ``section``."""
    end = section.end_line
    for candidate in sections:
        if candidate.kind == "heading" and candidate.line <= section.line <= candidate.end_line:
            end = max(end, candidate.end_line)
    return end


def _contains(outer: Section, inner: Section) -> bool:
    return outer.line < inner.line <= outer.end_line


def _duplicates(ctx: CheckContext, sections: list[Section]) -> Iterator[Diagnostic]:
    """Two headings of one required section. An optional one's titles name its facets
    ("What went well", "Where we got lucky"), and a heading inside a section of its own
    kind is a part of it."""
    required = {spec.key for spec in ctx.doctype.sections if spec.required}
    headings = [s for s in sections if s.kind == "heading" and s.known and not s.fallback
                and s.key in required]
    for index, section in enumerate(headings):
        if any(_contains(outer, section) for outer in headings if outer.key == section.key):
            continue
        for earlier in headings[:index]:
            if earlier.key == section.key:
                yield DUPLICATE_SECTION.diagnostic(
                    ctx.path, section.line, section.column,
                    f"'{section.title}' is a second '{_spec_title(ctx, section.key)}' section "
                    f"(the first is '{earlier.title}' at line {earlier.line})",
                    f"merge it into the section at line {earlier.line}")
                break


def _spec_title(ctx: CheckContext, key: str) -> str:
    return next((s.title for s in ctx.doctype.sections if s.key == key), key)


def _empty(ctx: CheckContext, sections: list[Section]) -> Iterator[Diagnostic]:
    specs = {s.key: s for s in ctx.doctype.sections}
    closed = ctx.closed
    severity = Severity.ERROR if closed else Severity.WARNING
    for section in sections:
        if not section.known or not section.empty:
            continue
        if any("optional" in note for note in section.notes):
            continue
        spec = specs.get(section.key)
        if spec is not None and spec.empty_while_open and not closed:
            continue
        state = "the document is closed" if closed else "the document is still open"
        yield EMPTY_SECTION.diagnostic(
            ctx.path, section.line, section.column,
            f"section '{section.title}' is empty ({state})", severity=severity,
            end_line=section.end_line)


def _order(ctx: CheckContext, sections: list[Section]) -> Iterator[Diagnostic]:
    rank = {spec.key: i for i, spec in enumerate(ctx.doctype.sections)}
    present = sorted(_first_by_key(sections).values(), key=lambda s: s.line)
    for index, section in enumerate(present):
        later_ranked = [s for s in present[:index] if rank[s.key] > rank[section.key]]
        if later_ranked:
            first = later_ranked[0]
            yield SECTION_ORDER.diagnostic(
                ctx.path, section.line, section.column,
                f"'{section.title}' comes after '{first.title}' (line {first.line}), "
                f"but the {ctx.doctype.name} order puts it before",
                f"move this section above line {first.line}")


def _numbering(ctx: CheckContext, siblings: tuple[Section, ...]) -> Iterator[Diagnostic]:
    previous: Section | None = None
    for section in siblings:
        if section.kind != "heading":
            continue
        if section.number is not None:
            if previous is not None and previous.number is not None:
                expected = (*previous.number[:-1], previous.number[-1] + 1)
                if section.number != expected:
                    shown = ".".join(map(str, section.number))
                    want = ".".join(map(str, expected))
                    yield SECTION_NUMBERING.diagnostic(
                        ctx.path, section.line, section.column,
                        f"heading number {shown} follows {'.'.join(map(str, previous.number))}"
                        f" (line {previous.line}); expected {want}",
                        f"renumber this heading to {want} (or restore the missing section)")
            previous = section
        yield from _numbering(ctx, section.children)
