"""One ``aoslint check`` run: discover, load and analyse, check the repository, report.

Each file is read and parsed once; the config, layout, document types and
compiled validators are built once per run (once per worker). A run keeps
only each document's findings and a small summary, never its parse, so its
memory does not grow with the number of documents beyond the findings.
What a run reuses from the last one is behind the result store
(:mod:`aoslint.store`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import msgspec
from msgspec.structs import replace

from aoslint.checks import (
    DOCUMENT_CHECKS,
    EVERY_FAMILY,
    CheckContext,
    Families,
    all_rules,
    document_hardening,
)
from aoslint.checks.bad_input import finding, internal_error
from aoslint.checks.cross_document import Summary, check_repository
from aoslint.checks.git_proof import GitOptions, check_git
from aoslint.checks.selection import Selection, validate_selectors
from aoslint.checks.structure import unrecognised
from aoslint.checks.suppression_checks import finding as directive_finding
from aoslint.diagnostics import Diagnostic, Severity
from aoslint.discovery.discover import Candidate, FileSelector, build_selector, collect
from aoslint.discovery.layout import find_repository_root
from aoslint.document.doctypes import DocType
from aoslint.document.model import Document, build_document
from aoslint.document.parse import ParsedDocument, parse_source
from aoslint.document.source import Source, read_regular, read_source
from aoslint.hardening_case import GateIndex, Subject, forget_paths, hardening_case
from aoslint.project import Project, load_project
from aoslint.registry import Rule
from aoslint.store.cache import stat_key
from aoslint.store.records import Analysis, File
from aoslint.store.result_store import open_store
from aoslint.store.seam import NoStore, ResultStore
from aoslint.suppress import Directive, apply_directives, find_directives


class RunResult(msgspec.Struct):
    """Findings plus what a verbose run tells the user about itself."""

    diagnostics: list[Diagnostic] = msgspec.field(default_factory=list)
    checked: list[str] = msgspec.field(default_factory=list)
    notes: list[str] = msgspec.field(default_factory=list)
    warnings: list[str] = msgspec.field(default_factory=list)  # always shown (stderr)
    root: str = ""  # the repository root (git's, else aoslint's), which CI paths start from
    # What ``collector`` made of each checked document, by display path (see run_check).
    collected: dict[str, Any] = msgspec.field(default_factory=dict)
    project: Project | None = None  # what the run loaded, for callers that build on it

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def add(self, analysis: Analysis) -> None:
        """A checked document: its path, what it was taken for, what was collected."""
        if analysis.summary is None:
            return
        path = analysis.summary.path
        self.checked.append(path)
        if analysis.collected is not None:
            self.collected[path] = analysis.collected
        self.notes.append(f"{path}: {analysis.note}")


def _selection(project: Project, select: Sequence[str] | None,
               ignore: Sequence[str]) -> Selection:
    """The command line's choice over the config's (ignores add up), validated."""
    config, settings = project.config, project.config.settings
    rules = all_rules()
    section = "[tool.aoslint] " if config.path is not None and \
        config.path.name == "pyproject.toml" else ""
    for key, configured in (("select", settings.select), ("ignore", settings.ignore)):
        validate_selectors(configured, f"{config.path}: {section}{key}", rules)
    validate_selectors(select or [], "--select", rules)
    validate_selectors(ignore, "--ignore", rules)
    chosen = list(select) if select is not None else list(settings.select)
    return Selection(tuple(chosen), (*project.profile.ignore, *settings.ignore, *ignore))


class Loaded(msgspec.Struct, frozen=True):
    """A document that parsed and whose type is known."""

    parsed: ParsedDocument
    document: Document
    doctype: DocType
    reason: str


def load_document(project: Project, candidate: Candidate, sink: list[Diagnostic], *,
                  report_unknown: bool = True, data: bytes | None = None) -> Loaded | None:
    """Read, parse and model one file; bad input goes to ``sink`` as findings.

    A named file that is not recognised as a document is reported unless
    ``report_unknown`` is off (pre-commit passes every changed Markdown file).
    """
    source = read_source(candidate.path, candidate.display, explicit=candidate.explicit,
                         data=data)
    if source is None:
        return None
    if not isinstance(source, Source):
        sink.append(finding(source))
        return None
    parsed = parse_source(source)
    sink.extend(map(finding, parsed.notices))
    if parsed.errors:
        # Broken front matter: its fields are unknown, so later findings would mislead.
        sink.extend(map(finding, parsed.errors))
        return None
    detection = project.detector.detect(parsed, project.layout.relative(candidate.path,
                                                                    candidate.real()))
    if detection.doctype is None:
        unknown = unrecognised(candidate.display, parsed, detection, project.doctypes,
                               named=candidate.explicit, report_unknown=report_unknown)
        if unknown is not None:
            sink.append(unknown)
        return None
    document = build_document(parsed, detection.doctype)
    return Loaded(parsed, document, detection.doctype, detection.reason)


def run_check(paths: Sequence[Path], *, select: Sequence[str] | None = None,
              ignore: Sequence[str] = (), config_file: Path | None = None,
              git: bool | None = None, base: str | None = None,
              inline_config: bool = True, skip_unknown: bool = False,
              cache: bool = False, jobs: int | None = 1,
              tracked_only: bool = False, profile: str | None = None,
              collector: Collector | None = None) -> RunResult:
    """Check the named paths (or the configured documents) and filter the findings.

    ``git=False`` skips the git-backed hardening checks; ``base`` adds the
    changes in ``base..HEAD`` and the staged ones as proof. Inline directives
    are applied per document, to every family's findings, before
    ``select``/``ignore``, so a directive whose code is merely deselected in
    this run is not called unused. ``cache`` reuses unchanged documents'
    results from the cache directory; ``jobs`` workers check the documents of a
    large run in parallel (``None``: one per CPU when the run is large enough).
    The findings are the same whatever ``cache`` and ``jobs`` are.
    ``tracked_only`` leaves out every file git does not know (tracked or staged).
    ``profile`` names the profile (else the config's, else ``aos``); its rules
    are never reported. ``collector`` is called on each checked document where
    it is loaded (in the workers), so a caller that needs the documents
    themselves does not read them again; see ``RunResult.collected``.
    """
    forget_paths()
    project = load_project(paths, config_file, remembered=cache, profile=profile)
    layout, settings = project.layout, project.config.settings
    options = GitOptions(enabled=settings.git if git is None else git,
                         base=base, upstream=settings.upstream)
    selection = _selection(project, select, ignore)
    result = _started(project)
    store = (open_store(project, options.enabled, not skip_unknown, result.notes,
                        result.warnings) if cache else NoStore())
    files = _discover(project, store, paths, tracked_only)
    context = RunContext(project, options, not skip_unknown, store, _Disk(layout.gate_file),
                         collector, Families.needed(selection, DOCUMENT_CHECKS), inline_config)
    with _Workers(context, jobs) as workers:
        analyses = _analyse(context, workers, files.listed)
        for analysis in analyses:
            store.record(analysis)
            result.add(analysis)
        findings = [diag for analysis in analyses for diag in analysis.findings]
        later = _families_after(context, analyses)
        if later.repository:
            findings += _cross_document(context, workers, files, paths, analyses)
    # Without the untracked documents, the run does not cover the whole scan.
    store.finish(named=bool(paths), complete=not paths and files.in_git is None)

    cases = [a.case for a in analyses if a.summary is not None and a.case is not None]
    if cases and later.git:
        findings += check_git(cases, layout, GateIndex(layout.gate_file), options, result.notes)
    if inline_config:
        directives = {a.summary.path: a.directives for a in analyses if a.summary is not None}
        findings = _suppress(findings, directives, {r.code: r for r in all_rules()},
                             settings.allow_closure_suppression, result)
    result.diagnostics = sorted(filter(selection.wants, findings), key=sort_key)
    return result


def _started(project: Project) -> RunResult:
    """The run's result before any document: where it runs, with what."""
    layout = project.layout
    config = project.config
    result = RunResult(root=str(find_repository_root(layout.root) or layout.root),
                       project=project)
    result.notes.append(f"config: {config.path}" if config.path
                        else "config: none found, using defaults")
    result.notes.append(f"root: {layout.root}")
    result.notes.append(f"AOS tree: {layout.aos_dir or 'not found'}")
    result.notes.append(f"profile: {project.profile.name}")
    return result


# -- discovery -------------------------------------------------------------------------


class Discovery(msgspec.Struct, frozen=True):
    """The files a run checks, and how to find the repository's other documents."""

    listed: list[File]
    selector: FileSelector
    scan: list[tuple[str, str, str]] | None  # the configured documents, when paths are named
    found_before: frozenset[str]  # real paths the scan found as walked (see Snapshot)
    in_git: frozenset[str] | None  # with --tracked-only: what git knows


def _discover(project: Project, store: ResultStore, paths: Sequence[Path],
              tracked_only: bool) -> Discovery:
    """The named files (or the configured documents: the store's remembered scan)."""
    selector = build_selector(project.config, project.layout)
    walked = store.scan(selector, project.layout)
    found_before: frozenset[str] = frozenset()
    if paths:  # the repository's other documents, for the cross-document checks
        found_before = walked.found_as_walked()
        listed = [File(str(c.path), c.display, c.explicit, c.real())
                  for c in collect(selector, project.layout, paths, known=found_before)]
    else:
        listed = [File(path, display, False, real) for path, display, real in walked.files]
    in_git: frozenset[str] | None = None
    if tracked_only:  # imported only then: starting git needs subprocess (3 ms)
        from aoslint.git.tracked import known_files

        in_git = known_files(project.layout.root)
        listed = [file for file in listed if _in_index(in_git, file.path, file.real)]
    return Discovery(listed, selector, walked.files if paths else None, found_before, in_git)


def _in_index(known: frozenset[str], path: str, real: str) -> bool:
    """True when git knows the file, by the path it was found at or its real path."""
    return os.path.normpath(os.path.abspath(path)) in known or real in known


def _families_after(context: RunContext, analyses: list[Analysis]) -> Families:
    """The repository-wide families to run: every one once a checked document's inline
    directives are to be applied (they are judged against all of its findings)."""
    if context.inline_config and any(a.directives for a in analyses if a.summary is not None):
        return EVERY_FAMILY
    return context.families


def _cross_document(context: RunContext, workers: _Workers, files: Discovery,
                    paths: Sequence[Path], analyses: list[Analysis]) -> list[Diagnostic]:
    """The checked documents' findings against the repository's other documents."""
    requested = [a.summary for a in analyses if a.summary is not None]
    everything = list(requested)
    plans_elsewhere = False
    if files.scan is not None:
        # The configured documents, and the named files' neighbours: a plan
        # checked alone must see the postmortem in its own folder.
        neighbours = sorted({sibling for path in paths if path.is_file()
                             for sibling in path.parent.glob("*.md")})
        seen = {analysis.real for analysis in analyses}
        others: list[File] = []
        named = collect(files.selector, context.project.layout, neighbours,
                        known=files.found_before)
        for path, display, real in [*files.scan,
                                    *((str(c.path), c.display, c.real()) for c in named)]:
            if real not in seen and (files.in_git is None or _in_index(files.in_git, path, real)):
                seen.add(real)
                others.append(File(path, display, False, real))
        related = context.store.related(others, requested)
        everything += related.summaries
        plans_elsewhere = related.plans_elsewhere
        for analysis in workers.map(_summarise_chunk, related.missing):
            context.store.record_other(analysis)
            if analysis.summary is not None:
                everything.append(analysis.summary)
    # Sorted: which plan a postmortem is compared with must not depend on the cache.
    everything.sort(key=lambda summary: summary.path)
    return list(check_repository(everything, {s.path for s in requested},
                                 context.project.config, plans_elsewhere=plans_elsewhere))


# -- one document ----------------------------------------------------------------------


# Called on each checked document the run loads: the project, the document, its
# path and the run's gate index; the result must pickle (workers hand it back).
Collector = Callable[[Project, Loaded, Path, GateIndex], Any]


class _Disk:
    """What a process learns of the tree during a run: which paths are files, the gate.

    A memo, not run state: each process fills its own copy (a forked worker
    starts from what the main process knew when it forked).
    """

    def __init__(self, gate_file: Path | None) -> None:
        self._gate_file = gate_file
        self._gate: GateIndex | None = None
        self._files: dict[str, bool] = {}

    def is_file(self, path: str) -> bool:
        """``os.path.isfile``, asked once per run: documents cite the same rule files."""
        found = self._files.get(path)
        if found is None:
            found = self._files[path] = os.path.isfile(path)
        return found

    @property
    def gate(self) -> GateIndex:
        if self._gate is None:
            self._gate = GateIndex(self._gate_file)
        return self._gate


class RunContext(msgspec.Struct, frozen=True):
    """What every worker needs: built before the workers fork, never changed."""

    project: Project
    options: GitOptions
    report_unknown: bool
    store: ResultStore
    disk: _Disk
    collect: Collector | None = None
    families: Families = EVERY_FAMILY  # what the selection needs (see _analysed)
    inline_config: bool = True  # inline directives are applied
    # The store also remembers schema outcomes: a few documents only (see _analyse).
    shared_memo: bool = False


def _analyse(context: RunContext, workers: _Workers, listed: Sequence[File]
             ) -> list[Analysis]:
    """Every file's analysis, in order: the store's, else made by the workers."""
    found = [context.store.lookup(file, context.disk.is_file) for file in listed]
    misses = [file.candidate() for file, known in zip(listed, found, strict=True)
              if known is None]
    # A few documents (pre-commit) are checked faster with their schema outcomes
    # remembered, since jsonschema need not be imported; many are not.
    few = len(misses) < PARALLEL_MIN_FILES and not workers.parallel(len(misses))
    workers.share(replace(context, shared_memo=few))
    computed = iter(workers.map(_check_chunk, misses))
    analyses = [known if known is not None else next(computed) for known in found]
    if context.collect is None:
        return analyses
    hits = [number for number, known in enumerate(found)
            if known is not None and known.summary is not None]
    wanted = [listed[number].candidate() for number in hits]
    for number, collected in zip(hits, workers.map(_collect_chunk, wanted), strict=True):
        analyses[number] = replace(analyses[number], collected=collected)
    return analyses


def _analysed(context: RunContext, candidate: Candidate, data: bytes | None) -> Analysis:
    """Parse, model, and run the document and hardening checks: the cacheable part
    (unless a family the selection does not need was left out); and what the run's
    collector makes of the document (never cached)."""
    project = context.project
    sink: list[Diagnostic] = []
    loaded = load_document(project, candidate, sink, report_unknown=context.report_unknown,
                           data=data)
    if loaded is None:
        return Analysis(tuple(sink), None)
    document = loaded.document
    directives = tuple(find_directives(loaded.parsed))
    # Directives are judged against all of the document's findings.
    families = EVERY_FAMILY if directives and context.inline_config else context.families
    memo = context.store.schema_memo(candidate.real(), context.shared_memo)
    checking = CheckContext(document, loaded.parsed, loaded.doctype, project.config,
                            project.extra_placeholders, memo, project.profile,
                            project.layout.aos_dir is not None)
    sink.extend(diag for family in DOCUMENT_CHECKS if family not in families.skipped
                for diag in family(checking))
    probes: list[tuple[str, bool]] = []
    case = None
    if document.type == "postmortem" and project.profile.proves_hardening \
            and families.hardening:
        subject = Subject(document, candidate.path, loaded.parsed.lines)
        case = hardening_case(subject, project.layout, context.disk.gate, project.config,
                              probes)
        if case is not None:
            sink.extend(document_hardening(case, project.layout, context.options, families))
            # Only the git checks read the case later; they need no lines.
            case = replace(case, subject=replace(subject, lines=())) \
                if context.options.enabled else None
    collected = (context.collect(project, loaded, candidate.path, context.disk.gate)
                 if context.collect is not None else None)
    return Analysis(
        findings=tuple(sink),
        summary=Summary.of(document, project.config, checking.closed),
        directives=directives,
        note=f"{loaded.doctype.name} ({loaded.reason})",
        case=case,
        probes=tuple(probes),
        schema=memo.kept,
        partial=not families.complete,
        collected=collected,
    )


def _check_one(context: RunContext, candidate: Candidate) -> Analysis:
    data: bytes | None
    try:  # stat first: a file changed while being read then looks changed next time
        stat: tuple[int, int, int, int] | None = stat_key(os.stat(candidate.path))
        data = read_regular(candidate.path)
    except OSError:  # read_source says why, as a finding (or skips a scanned FIFO)
        data, stat = None, None
    try:
        analysis = _analysed(context, candidate, data)
    except Exception as exc:  # a bug: a finding on this document, and the run goes on
        if os.environ.get("AOSLINT_DEBUG"):
            raise
        analysis = Analysis((internal_error(candidate.display, exc),), None,
                            partial=not context.families.complete)
    analysis = replace(analysis, real=candidate.real(), stat=stat)
    return context.store.keyed(analysis, candidate.display, candidate.explicit, data)


def _collect_one(context: RunContext, candidate: Candidate) -> Any:
    """A cached document, loaded again only for the run's collector."""
    assert context.collect is not None
    try:
        loaded = load_document(context.project, candidate, [],
                               report_unknown=context.report_unknown)
        if loaded is None:
            return None
        return context.collect(context.project, loaded, candidate.path, context.disk.gate)
    except Exception:  # the cached findings stand; the collector goes without
        if os.environ.get("AOSLINT_DEBUG"):
            raise
        return None


def _summarise_one(context: RunContext, candidate: Candidate) -> Analysis:
    """Another document of the repository: only what the cross-document checks read."""
    project = context.project
    try:
        stat: tuple[int, int, int, int] | None = stat_key(os.stat(candidate.path))
    except OSError:
        stat = None
    ignored: list[Diagnostic] = []  # its own findings belong to runs that ask for them
    try:
        loaded = load_document(project, candidate, ignored)
    except Exception:  # reported when the document itself is checked
        if os.environ.get("AOSLINT_DEBUG"):
            raise
        loaded = None
    summary = Summary.of(loaded.document, project.config) if loaded is not None else None
    return Analysis((), summary, real=candidate.real(), stat=stat)


# -- workers ---------------------------------------------------------------------------

# The run's context, set before the workers fork (they inherit it) and never changed.
_CONTEXT: RunContext | None = None
PARALLEL_MIN_FILES = 200  # below this, starting workers costs more than it saves


def _check_chunk(chunk: Sequence[Candidate]) -> list[Analysis]:
    assert _CONTEXT is not None
    return [_check_one(_CONTEXT, c) for c in chunk]


def _summarise_chunk(chunk: Sequence[Candidate]) -> list[Analysis]:
    assert _CONTEXT is not None
    return [_summarise_one(_CONTEXT, c) for c in chunk]


def _collect_chunk(chunk: Sequence[Candidate]) -> list[Any]:
    assert _CONTEXT is not None
    return [_collect_one(_CONTEXT, c) for c in chunk]


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _parallel(jobs: int | None, count: int) -> bool:
    """Whether ``count`` files go to forked workers (``jobs``: ``None`` means automatic)."""
    if (default_jobs() if jobs is None else jobs) < 2 or count < 2:
        return False
    if jobs is None and count < PARALLEL_MIN_FILES:
        return False
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


_T = TypeVar("_T")


class _Workers:
    """Runs chunks of files in this process or, for large runs, in forked workers."""

    def __init__(self, context: RunContext, jobs: int | None) -> None:
        self.context = context
        self.requested = jobs
        self.jobs = default_jobs() if jobs is None else max(1, jobs)
        self.pool: Any = None

    def __enter__(self) -> _Workers:
        global _CONTEXT
        _CONTEXT = self.context
        return self

    def __exit__(self, *exc: object) -> None:
        global _CONTEXT
        if self.pool is not None:
            self.pool.shutdown()
        _CONTEXT = None

    def share(self, context: RunContext) -> None:
        """The context the workers start from, changed before any of them forks."""
        global _CONTEXT
        assert self.pool is None
        self.context = _CONTEXT = context

    def parallel(self, count: int) -> bool:
        return _parallel(self.requested, count)

    def map(self, work: Callable[[Sequence[Candidate]], list[_T]],
            candidates: Sequence[Candidate]) -> Iterator[_T]:
        """Outcomes in the candidates' order, whoever computed them."""
        if not self.parallel(len(candidates)):
            yield from work(candidates)
            return
        if self.pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(self.jobs,
                                            mp_context=multiprocessing.get_context("fork"))
        size = max(8, min(128, len(candidates) // (self.jobs * 8) or 1))
        chunks = [candidates[i:i + size] for i in range(0, len(candidates), size)]
        for outcomes in self.pool.map(work, chunks):
            yield from outcomes


def _suppress(findings: list[Diagnostic], directives: dict[str, tuple[Directive, ...]],
              rules: dict[str, Rule], allow_closure: bool, result: RunResult) -> list[Diagnostic]:
    """Apply each document's inline directives to all of its findings, whatever family."""
    by_path: dict[str, list[Diagnostic]] = {}
    for diag in findings:
        by_path.setdefault(diag.path, []).append(diag)
    kept: list[Diagnostic] = []
    for path, own in by_path.items():
        found = directives.get(path)
        if found is None:
            kept.extend(own)
            continue
        applied = apply_directives(found, path, own, rules, allow_closure=allow_closure)
        kept.extend(applied.kept + [directive_finding(p) for p in applied.problems])
        if applied.silenced:
            count = len(applied.silenced)
            result.notes.append(f"{path}: {count} finding{'s' if count != 1 else ''} "
                                "silenced inline")
    for path, found in directives.items():
        if path not in by_path and found:  # directives in a clean document may be unused
            kept.extend(directive_finding(p) for p in apply_directives(
                found, path, [], rules, allow_closure=allow_closure).problems)
    return kept


def sort_key(diag: Diagnostic) -> tuple[str, int, int, str, str]:
    """Findings in file, then line, then column order."""
    return (diag.path, diag.line, diag.column, diag.code, diag.message)
