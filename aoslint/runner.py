"""One ``aoslint check`` run: discover, parse, model, check, filter.

Each file is read and parsed once; the config, layout, document types and
compiled validators are built once per run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aoslint.checks import DOCUMENT_CHECKS, CheckContext
from aoslint.checks.cross_document import check_repository
from aoslint.checks.hardening import GitOptions, Subject, check_hardening
from aoslint.checks.structure import UNKNOWN_DOCUMENT_TYPE
from aoslint.config import Config, load_config
from aoslint.detect import TypeDetector
from aoslint.diagnostics import Diagnostic, Severity
from aoslint.discover import Candidate, FileSelector, build_selector, collect
from aoslint.doctypes import DocType, load_doctypes
from aoslint.errors import UsageError
from aoslint.layout import Layout, discover_layout
from aoslint.model import Document, build_document
from aoslint.parse import ParsedDocument, parse_source
from aoslint.registry import Rule, all_rules, matches
from aoslint.source import Source, read_source
from aoslint.suppress import apply_suppressions


@dataclass(frozen=True)
class Project:
    """Everything about the repository that a run computes once."""

    config: Config
    layout: Layout
    doctypes: dict[str, DocType]
    detector: TypeDetector
    extra_placeholders: tuple[re.Pattern[str], ...]


@dataclass
class RunResult:
    """Findings plus what a verbose run tells the user about itself."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


def _start_of(paths: Sequence[Path]) -> Path:
    if not paths:
        return Path.cwd()
    resolved = [p.resolve() for p in paths]
    common = Path(os.path.commonpath([str(p) for p in resolved]))
    return common if common.is_dir() else common.parent


def load_project(paths: Sequence[Path], config_file: Path | None = None) -> Project:
    """Config (nearest to the checked paths), layout and document types."""
    start = _start_of(paths)
    config = load_config(start, explicit=config_file)
    layout = discover_layout(config, start)
    doctypes = load_doctypes(config)
    try:
        extra = tuple(re.compile(p) for p in config.get("placeholders", []))
    except re.error as exc:
        raise UsageError(
            f"{config.path}: placeholders: invalid regular expression: {exc}") from None
    return Project(config, layout, doctypes, TypeDetector(doctypes, config), extra)


def validate_selectors(selectors: Sequence[str], option: str) -> None:
    """An unknown code or name in --select/--ignore is a usage error, not a silent no-op."""
    rules = all_rules()
    for selector in selectors:
        if not any(matches(selector, r.code, r.name) for r in rules):
            raise UsageError(f"{option}: '{selector}' matches no rule code, prefix or name "
                             "(see 'aoslint rules')")


@dataclass(frozen=True)
class Loaded:
    """A document that parsed and whose type is known."""

    parsed: ParsedDocument
    document: Document
    doctype: DocType
    reason: str


def load_document(project: Project, candidate: Candidate, sink: list[Diagnostic], *,
                  report_unknown: bool = True) -> Loaded | None:
    """Read, parse and model one file; bad input goes to ``sink`` as findings.

    A named file that is not recognised as a document is reported unless
    ``report_unknown`` is off (pre-commit passes every changed Markdown file).
    """
    source = read_source(candidate.path, candidate.display, explicit=candidate.explicit)
    if source is None:
        return None
    if not isinstance(source, Source):
        sink.append(source)
        return None
    parsed = parse_source(source)
    if parsed.errors:
        # Broken front matter: its fields are unknown, so later findings would mislead.
        sink.extend(parsed.errors)
        return None
    detection = project.detector.detect(parsed, project.layout.relative(candidate.path))
    if detection.doctype is None:
        if detection.unknown_type_name is not None:
            known = ", ".join(sorted(project.doctypes))
            declared = next((f for f in parsed.fields if f.key == "type"), None)
            sink.append(UNKNOWN_DOCUMENT_TYPE.diagnostic(
                candidate.display, declared.line if declared else 1,
                declared.column if declared else 1,
                f"front matter declares type '{detection.unknown_type_name}', "
                f"which is not a known document type (known: {known})",
                severity=Severity.ERROR))
        elif candidate.explicit and report_unknown:
            why = "the file is empty" if not source.text.strip() else detection.reason
            sink.append(UNKNOWN_DOCUMENT_TYPE.diagnostic(
                candidate.display, 1, 1,
                f"not recognised as an incident plan or postmortem ({why})"))
        return None
    document = build_document(parsed, detection.doctype)
    return Loaded(parsed, document, detection.doctype, detection.reason)


def run_check(paths: Sequence[Path], *, select: Sequence[str] | None = None,
              ignore: Sequence[str] = (), config_file: Path | None = None,
              git: bool | None = None, base: str | None = None,
              inline_config: bool = True, skip_unknown: bool = False) -> RunResult:
    """Check the named paths (or the configured documents) and filter the findings.

    ``git=False`` skips the git-backed hardening checks; ``base`` adds the
    changes in ``base..HEAD`` and the staged ones as proof. Inline directives
    are applied per document, to every family's findings, before
    ``select``/``ignore``, so a directive whose code is merely deselected in
    this run is not called unused.
    """
    project = load_project(paths, config_file)
    config = project.config
    options = GitOptions(enabled=config.get("git", True) if git is None else git,
                         base=base, upstream=config.get("upstream"))
    chosen_select = list(select) if select is not None else list(config.get("select", []))
    chosen_ignore = list(config.get("ignore", [])) + list(ignore)
    validate_selectors(chosen_select, "--select")
    validate_selectors(chosen_ignore, "--ignore")

    result = RunResult()
    where = f"config: {config.path}" if config.path else "config: none found, using defaults"
    result.notes.append(where)
    result.notes.append(f"root: {project.layout.root}")
    result.notes.append(f"AOS tree: {project.layout.aos_dir or 'not found'}")
    selector = build_selector(config, project.layout)
    rules = {r.code: r for r in all_rules()}
    allow_closure = bool(config.get("allow-closure-suppression", False))
    findings: list[Diagnostic] = []
    documents: dict[Path, Document] = {}
    subjects: list[Subject] = []
    parsed_by_path: dict[str, ParsedDocument] = {}
    for candidate in collect(selector, project.layout, paths):
        loaded = load_document(project, candidate, findings, report_unknown=not skip_unknown)
        if loaded is None:
            continue
        documents[candidate.path.resolve()] = loaded.document
        subjects.append(Subject(loaded.document, candidate.path, loaded.parsed.lines))
        parsed_by_path[loaded.document.path] = loaded.parsed
        result.checked.append(candidate.display)
        result.notes.append(f"{candidate.display}: {loaded.doctype.name} ({loaded.reason})")
        context = CheckContext(loaded.document, loaded.parsed, loaded.doctype, config,
                               project.extra_placeholders)
        findings.extend(diag for family in DOCUMENT_CHECKS for diag in family(context))

    requested = {d.path for d in documents.values()}
    everything = list(documents.values()) + _other_documents(project, selector, documents)
    findings.extend(check_repository(everything, requested, config))
    findings.extend(check_hardening(subjects, project.layout, config, options))
    if inline_config:
        findings = _suppress(findings, parsed_by_path, rules, allow_closure, result)

    def wanted(diag: Diagnostic) -> bool:
        if chosen_select and not any(matches(s, diag.code, diag.name) for s in chosen_select):
            return False
        return not any(matches(s, diag.code, diag.name) for s in chosen_ignore)

    result.diagnostics = sorted((d for d in findings if wanted(d)), key=sort_key)
    return result


def _suppress(findings: list[Diagnostic], parsed_by_path: dict[str, ParsedDocument],
              rules: dict[str, Rule], allow_closure: bool, result: RunResult) -> list[Diagnostic]:
    """Apply each document's inline directives to all of its findings, whatever family."""
    by_path: dict[str, list[Diagnostic]] = {}
    for diag in findings:
        by_path.setdefault(diag.path, []).append(diag)
    kept: list[Diagnostic] = []
    for path, own in by_path.items():
        parsed = parsed_by_path.get(path)
        if parsed is None:
            kept.extend(own)
            continue
        applied = apply_suppressions(parsed, own, rules, allow_closure=allow_closure)
        kept.extend(applied.kept + applied.problems)
        if applied.silenced:
            count = len(applied.silenced)
            result.notes.append(f"{path}: {count} finding{'s' if count != 1 else ''} "
                                "silenced inline")
    for path, parsed in parsed_by_path.items():
        if path not in by_path:  # directives in a clean document may still be unused
            kept.extend(apply_suppressions(parsed, [], rules,
                                           allow_closure=allow_closure).problems)
    return kept


def _other_documents(project: Project, selector: FileSelector,
                     known: dict[Path, Document]) -> list[Document]:
    """The repository's other incident documents, for the cross-document checks."""
    others: list[Document] = []
    ignored: list[Diagnostic] = []  # their own findings belong to runs that ask for them
    for candidate in collect(selector, project.layout, ()):
        if candidate.path.resolve() in known:
            continue
        loaded = load_document(project, candidate, ignored)
        if loaded is not None:
            others.append(loaded.document)
    return others


def sort_key(diag: Diagnostic) -> tuple[str, int, int, str, str]:
    """Findings in file, then line, then column order."""
    return (diag.path, diag.line, diag.column, diag.code, diag.message)
