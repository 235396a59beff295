"""Inline suppression: HTML comments in a document that silence some of its findings.

Directives, each on one line, outside code blocks and code spans::

    <!-- aoslint-disable AOS102,unfilled-placeholder -->   until a matching enable
    <!-- aoslint-enable AOS102 -->                         (no codes: everything disabled)
    <!-- aoslint-disable-next-line AOS105 -->              the line below only
    <!-- aoslint-disable-line invalid-metadata -->         this line only
    <!-- aoslint-disable-file AOS101 -- tracked in OPS-12 -->   the whole document

Codes, code prefixes and names are accepted, separated by commas or spaces; no
code (or ``all``) means every rule. Text after `` -- `` is a free-form reason.
A directive, or one of its codes, that silences nothing is itself reported
(``unused-suppression``), as are unknown codes and misspelt directives, so
stale suppressions do not pile up. This module knows no rule: it returns each
such problem as a :class:`~aoslint.document.problems.DirectiveProblem`, which
``checks.suppression_checks`` turns into that rule's finding.

Closure gates (rules marked ``closure_gate``, the STOP rule) are not silenced
unless the config sets ``allow-closure-suppression = true``: a document that
claims its own closure must not also be able to waive the proof of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import msgspec

from aoslint.diagnostics import Diagnostic
from aoslint.document.parse import ParsedDocument
from aoslint.document.problems import DirectiveKind, DirectiveProblem
from aoslint.lazyre import compile_lazily
from aoslint.registry import Rule, matches, unknown_selector

KINDS = ("disable", "enable", "disable-next-line", "disable-line", "disable-file")
_DIRECTIVE = compile_lazily(r"<!--\s*aoslint-(?P<kind>[A-Za-z-]*[A-Za-z])(?P<body>.*?)-->")
_SEPARATOR = compile_lazily(r"[\s,]+")
_REASON = compile_lazily(r"(?:^|\s)--(?:\s|$)")
_END = 1 << 30  # past the last line of any document


# gc=False: a leaf record, never in a reference cycle; untracked, the cache loads it faster.
class Directive(msgspec.Struct, frozen=True, gc=False):
    """One ``<!-- aoslint-... -->`` comment as written."""

    kind: str
    line: int
    column: int
    selectors: tuple[str, ...]  # empty: every rule

    @property
    def label(self) -> str:
        return f"aoslint-{self.kind}"


def find_directives(parsed: ParsedDocument) -> list[Directive]:
    """Every directive outside fenced/indented code, front matter and code spans."""
    if "aoslint-" not in parsed.source.text:
        return []
    skipped: set[int] = set()
    for token in parsed.tokens:
        if token.type in ("fence", "code_block", "front_matter") and token.map:
            skipped.update(range(token.map[0] + 1, token.map[1] + 1))
    found: list[Directive] = []
    for number, text in enumerate(parsed.lines, start=1):
        if number in skipped or "aoslint-" not in text:
            continue
        for match in _DIRECTIVE.finditer(text):
            if text.count("`", 0, match.start()) % 2:
                continue  # inside a code span: an example, not a directive
            body = match.group("body")
            reason = _REASON.search(body)
            if reason:
                body = body[: reason.start()]
            selectors = tuple(s for s in _SEPARATOR.split(body.strip()) if s)
            if any(s.lower() == "all" for s in selectors):
                selectors = ()
            found.append(Directive(match.group("kind").lower(), number, match.start() + 1,
                                   selectors))
    return found


class _Grant(msgspec.Struct):
    """What one selector of one disabling directive covers, and what it did."""

    directive: Directive
    selector: str  # "" for every rule
    spans: dict[str, tuple[int, int]]  # code -> [first line, end line)
    used: bool = False
    blocked: set[str] = msgspec.field(default_factory=set)

    def covers(self, diag: Diagnostic) -> bool:
        span = self.spans.get(diag.code)
        return span is not None and span[0] <= diag.line < span[1]


class SuppressionResult(msgspec.Struct):
    """The findings that stay, the ones silenced, and what is wrong with the directives."""

    kept: list[Diagnostic]
    silenced: list[Diagnostic]
    problems: list[DirectiveProblem]


def apply_suppressions(parsed: ParsedDocument, diagnostics: Sequence[Diagnostic],
                       rules: Mapping[str, Rule], *,
                       allow_closure: bool = False) -> SuppressionResult:
    """Silence what the document's directives name; report directives that did nothing."""
    return apply_directives(find_directives(parsed), parsed.source.display, diagnostics, rules,
                            allow_closure=allow_closure)


def apply_directives(directives: Sequence[Directive], path: str,
                     diagnostics: Sequence[Diagnostic], rules: Mapping[str, Rule], *,
                     allow_closure: bool = False) -> SuppressionResult:
    """:func:`apply_suppressions` with the directives already found (and cached)."""
    if not directives:
        return SuppressionResult(list(diagnostics), [], [])
    problems: list[DirectiveProblem] = []
    grants = _grants(directives, rules, path, problems)

    kept: list[Diagnostic] = []
    silenced: list[Diagnostic] = []
    for diag in diagnostics:
        covering = [g for g in grants if g.covers(diag)]
        if not covering:
            kept.append(diag)
            continue
        known = rules.get(diag.code)
        if known is not None and known.closure_gate and not allow_closure:
            for grant in covering:
                grant.blocked.add(diag.code)
            kept.append(diag)
            continue
        for grant in covering:
            grant.used = True
        silenced.append(diag)

    problems.extend(_grant_problems(grants, path))
    return SuppressionResult(kept, silenced, problems)


def _resolve(selector: str, rules: Mapping[str, Rule]) -> frozenset[str]:
    return frozenset(code for code, item in rules.items()
                     if item.inline_suppressible and matches(selector, code, item.name))


def _unsuppressible(selector: str, rules: Mapping[str, Rule]) -> Rule | None:
    """The rule ``selector`` names that no directive may silence, if any."""
    return next((item for code, item in rules.items()
                 if not item.inline_suppressible and matches(selector, code, item.name)), None)


def _grants(directives: Iterable[Directive], rules: Mapping[str, Rule], path: str,
            problems: list[DirectiveProblem]) -> list[_Grant]:
    """Turn directives into per-code line spans, in document order."""
    grants: list[_Grant] = []
    open_regions: dict[str, _Grant] = {}  # code -> the region disable that holds it
    for directive in sorted(directives, key=lambda d: (d.line, d.column)):
        if directive.kind not in KINDS:
            problems.append(_problem(
                DirectiveKind.UNKNOWN_DIRECTIVE, path, directive,
                f"unknown directive '{directive.label}' "
                f"(known: {', '.join('aoslint-' + k for k in KINDS)})"))
            continue
        resolved: list[tuple[str, frozenset[str]]] = []
        for selector in directive.selectors or ("",):
            codes = _resolve(selector or "ALL", rules)
            protected = _unsuppressible(selector, rules) if not codes else None
            if protected is not None:
                problems.append(_problem(
                    DirectiveKind.NOT_SUPPRESSIBLE, path, directive,
                    f"{directive.label}: {protected.name} cannot be silenced inline",
                    hint=f"ignore {protected.code} in the config, or remove the "
                         "directive it reports"))
                continue
            if not codes:
                problems.append(_problem(
                    DirectiveKind.UNKNOWN_SELECTOR, path, directive,
                    f"{directive.label}: {unknown_selector(selector, list(rules.values()))}"))
                continue
            resolved.append((selector, codes))
        if directive.kind == "enable":
            closed = False
            for _, codes in resolved:
                for code in sorted(codes & open_regions.keys()):
                    region = open_regions.pop(code)
                    region.spans[code] = (region.spans[code][0], directive.line)
                    closed = True
            if resolved and not closed:
                problems.append(_problem(DirectiveKind.NOTHING_TO_ENABLE, path, directive,
                                         f"{directive.label} has no aoslint-disable to end"))
            continue
        first, end = {
            "disable": (directive.line, _END),
            "disable-next-line": (directive.line + 1, directive.line + 2),
            "disable-line": (directive.line, directive.line + 1),
            "disable-file": (0, _END),
        }[directive.kind]
        for selector, codes in resolved:
            grant = _Grant(directive, selector, {code: (first, end) for code in codes})
            grants.append(grant)
            if directive.kind == "disable":
                for code in codes:
                    earlier = open_regions.get(code)
                    if earlier is not None:  # a second disable takes over from here
                        earlier.spans[code] = (earlier.spans[code][0], directive.line)
                    open_regions[code] = grant
    return grants


def _grant_problems(grants: list[_Grant], path: str) -> list[DirectiveProblem]:
    """One finding per directive: its unused selectors, and closure gates it may not waive."""
    by_directive: dict[Directive, list[_Grant]] = {}
    for grant in grants:
        by_directive.setdefault(grant.directive, []).append(grant)
    problems = []
    for directive, own in by_directive.items():
        blocked = sorted({code for g in own for code in g.blocked})
        if blocked:
            gates = "gates" if len(blocked) > 1 else "gate"
            problems.append(_problem(
                DirectiveKind.CLOSURE_GATE, path, directive,
                f"{directive.label} cannot silence the closure {gates} {', '.join(blocked)}: "
                "a document must not vouch for its own closure",
                hint="fix the finding; only the repository's config can allow this "
                     "(allow-closure-suppression = true)"))
        unused = [g for g in own if not g.used and not g.blocked]
        if not unused:
            continue
        if len(unused) == len(own):
            message = f"{directive.label} silences nothing"
            if directive.selectors:
                message += f" (unused: {', '.join(g.selector for g in unused)})"
        else:
            names = ", ".join(g.selector for g in unused)
            verb = "silences" if len(unused) == 1 else "silence"
            message = f"{directive.label}: {names} {verb} nothing"
        problems.append(_problem(DirectiveKind.UNUSED, path, directive, message))
    return problems


def _problem(kind: DirectiveKind, path: str, directive: Directive, message: str,
             hint: str | None = None) -> DirectiveProblem:
    return DirectiveProblem(kind, path, directive.line, directive.column, message, hint)
