"""One ``aoslint check`` run: discover, parse, model, check, filter.

Each file is read and parsed once; the config, layout, document types and
compiled validators are built once per run (once per worker). A run keeps
only each document's findings and a small summary, never its parse, so its
memory does not grow with the number of documents beyond the findings.
"""

from __future__ import annotations

import os
import pickle
import re
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import msgspec
from msgspec.structs import replace

from aoslint.cache import (
    Cache,
    CacheError,
    NotOwned,
    code_fingerprint,
    content_digest,
    entry_key,
    make_run_key,
    stat_key,
)
from aoslint.checks import DOCUMENT_CHECKS, CheckContext, all_rules, document_hardening
from aoslint.checks.bad_input import finding, internal_error
from aoslint.checks.cross_document import Summary, check_repository, usable_id
from aoslint.checks.git_proof import GitOptions, check_git
from aoslint.checks.structure import UNKNOWN_DOCUMENT_TYPE
from aoslint.checks.suppression_checks import finding as directive_finding
from aoslint.config import Config, load_config
from aoslint.detect import TypeDetector
from aoslint.diagnostics import Diagnostic, Severity
from aoslint.discover import Candidate, FileSelector, Snapshot, build_selector, collect, snapshot
from aoslint.doctypes import DocType, load_doctypes
from aoslint.errors import UsageError
from aoslint.hardening_case import (
    Case,
    GateIndex,
    Subject,
    forget_paths,
    hardening_case,
    rule_files,
)
from aoslint.layout import Layout, discover_layout, find_repository_root
from aoslint.model import Document, build_document
from aoslint.parse import ParsedDocument, parse_source
from aoslint.profiles import Profile, get_profile
from aoslint.registry import Rule, matches, unknown_selector
from aoslint.rescan import refresh
from aoslint.settings import DEFAULT_CACHE_DIR
from aoslint.source import Source, read_regular, read_source
from aoslint.suppress import Directive, apply_directives, find_directives


class Project(msgspec.Struct, frozen=True):
    """Everything about the repository that a run computes once."""

    config: Config
    layout: Layout
    doctypes: dict[str, DocType]
    detector: TypeDetector
    extra_placeholders: tuple[re.Pattern[str], ...]
    profile: Profile


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


def _start_of(paths: Sequence[Path]) -> Path:
    if not paths:
        return Path.cwd()
    resolved = [os.path.realpath(p) for p in paths]  # never raises, even on a link loop
    common = Path(os.path.commonpath(resolved))
    return common if common.is_dir() else common.parent


def load_project(paths: Sequence[Path], config_file: Path | None = None,
                 remembered: bool = False, profile: str | None = None) -> Project:
    """Config (nearest to the checked paths), layout, profile and document types.

    ``remembered``: trust the cache's verdict on an unchanged config;
    ``profile``: the profile named on the command line (else the config's).
    """
    start = _start_of(paths)
    config = load_config(start, explicit=config_file, remembered=remembered)
    layout = discover_layout(config, start)
    chosen = get_profile(profile) if profile is not None else get_profile(
        config.settings.profile, f"{config.path}: 'profile'")
    doctypes = load_doctypes(config, chosen)
    try:
        extra = tuple(re.compile(p) for p in config.settings.placeholders)
    except re.error as exc:
        raise UsageError(
            f"{config.path}: placeholders: invalid regular expression: {exc}") from None
    return Project(config, layout, doctypes, TypeDetector(doctypes, config), extra, chosen)


def validate_selectors(selectors: Sequence[str], option: str) -> None:
    """An unknown code or name in --select/--ignore is a usage error, not a silent no-op."""
    rules = all_rules()
    for selector in selectors:
        if not any(matches(selector, r.code, r.name) for r in rules):
            raise UsageError(f"{option}: {unknown_selector(selector, rules)}")


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
        if detection.unknown_type_name is not None:
            known = ", ".join(sorted(project.doctypes))
            declared = next((f for f in parsed.fields if f.key == "type"), None)
            sink.append(UNKNOWN_DOCUMENT_TYPE.diagnostic(
                candidate.display, declared.line if declared else 1,
                declared.column if declared else 1,
                f"front matter declares type '{detection.unknown_type_name}', "
                f"which is not a known document type (known: {known})",
                severity=Severity.ERROR))
        elif report_unknown and (candidate.explicit or
                                 any(f.key == "incident_id" for f in parsed.fields)):
            # A scan skips unrelated Markdown silently, but not a file with an
            # Incident ID: that is an incident document aoslint failed to place.
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
    config, settings = project.config, project.config.settings
    options = GitOptions(enabled=settings.git if git is None else git,
                         base=base, upstream=settings.upstream)
    chosen_select = list(select) if select is not None else list(settings.select)
    chosen_ignore = list(project.profile.ignore) + list(settings.ignore) + list(ignore)
    section = "[tool.aoslint] " if config.path is not None and \
        config.path.name == "pyproject.toml" else ""
    for key, configured in (("select", settings.select), ("ignore", settings.ignore)):
        validate_selectors(configured, f"{config.path}: {section}{key}")
    validate_selectors(select or [], "--select")
    validate_selectors(ignore, "--ignore")

    result = RunResult(root=str(find_repository_root(project.layout.root)
                                or project.layout.root), project=project)
    where = f"config: {config.path}" if config.path else "config: none found, using defaults"
    result.notes.append(where)
    result.notes.append(f"root: {project.layout.root}")
    result.notes.append(f"AOS tree: {project.layout.aos_dir or 'not found'}")
    result.notes.append(f"profile: {project.profile.name}")
    selector = build_selector(config, project.layout)
    rules = {r.code: r for r in all_rules()}
    allow_closure = settings.allow_closure_suppression
    store = _open_cache(project, options, result) if cache else None
    index = store.load_index() if store is not None else {}
    index_changed = False  # worth writing: many documents re-read
    scan: Snapshot | None = None
    found_before: frozenset[str] = frozenset()
    if paths:  # the repository's other documents, for the cross-document checks
        scan = _repository_scan(store, selector, project.layout)
        found_before = scan.found_as_walked()
        listed = [(str(c.path), c.display, c.explicit, c.real())
                  for c in collect(selector, project.layout, paths, known=found_before)]
    else:  # a remembered scan is used, and remembered for the runs that follow
        walked = _repository_scan(store, selector, project.layout)
        listed = [(path, display, False, real) for path, display, real in walked.files]
    in_git: frozenset[str] | None = None
    if tracked_only:  # imported only then: starting git needs subprocess (3 ms)
        from aoslint.git.tracked import known_files

        in_git = known_files(project.layout.root)
        listed = [entry for entry in listed if _in_index(in_git, entry[0], entry[3])]
    lookup = RunContext(project, options, not skip_unknown, store,
                        _Disk(project.layout.gate_file), collector)
    found = [_cached(lookup, entry, index) for entry in listed]
    context = _for_workers(lookup, listed, found, index, jobs)
    findings: list[Diagnostic] = []
    summaries: list[Summary] = []
    cases: list[Case] = []
    directives: dict[str, tuple[Directive, ...]] = {}
    in_run: set[str] = set()
    with _Workers(context, jobs) as workers:
        for outcome in _outcomes(context, workers, listed, found):
            in_run.add(outcome.resolved)
            findings.extend(outcome.findings)
            if store is not None and outcome.entry is not None:
                store.put(*outcome.entry)
            if outcome.stat is not None:
                # A named file is checked whatever the index says; a full run
                # records every change.
                changed = _remember(index, outcome.resolved, outcome.stat, outcome.summary,
                                    outcome.content, outcome.schema)
                index_changed |= changed and not paths
            if outcome.summary is None:
                continue
            summaries.append(outcome.summary)
            directives[outcome.summary.path] = outcome.directives
            if outcome.case is not None:
                cases.append(outcome.case)
            result.checked.append(outcome.summary.path)
            if outcome.collected is not None:
                result.collected[outcome.summary.path] = outcome.collected
            result.notes.append(f"{outcome.summary.path}: {outcome.note}")

        requested = {s.path for s in summaries}
        everything = list(summaries)
        plans_elsewhere = False
        if scan is not None:
            # The configured documents, and the named files' neighbours: a plan
            # checked alone must see the postmortem in its own folder.
            neighbours = sorted({sibling for path in paths if path.is_file()
                                 for sibling in path.parent.glob("*.md")})
            seen: set[str] = set(in_run)
            others: list[tuple[str, str, str]] = []
            named = collect(selector, project.layout, neighbours, known=found_before)
            for entry in [*scan.files, *((str(c.path), c.display, c.real()) for c in named)]:
                path, _, real = entry
                if real not in seen and (in_git is None or _in_index(in_git, path, real)):
                    seen.add(real)
                    others.append(entry)
            known, missing = _from_index(index, others)
            matter, plans_elsewhere = _related(known, summaries)
            everything += matter
            reread = 0
            for outcome in workers.map(_summarise_chunk, missing):
                if outcome.stat is not None:
                    reread += _remember(index, outcome.resolved, outcome.stat,
                                        outcome.summary)
                if outcome.summary is not None:
                    everything.append(outcome.summary)
            # Rewriting a large index costs more than re-reading a few documents.
            index_changed |= reread > STALE_LIMIT
    if store is not None:
        # Without the untracked documents, the run does not cover the whole scan.
        store.finish(index, complete=not paths and in_git is None,
                     index_changed=index_changed)

    # Sorted: which plan a postmortem is compared with must not depend on the cache.
    everything.sort(key=lambda summary: summary.path)
    findings.extend(check_repository(everything, requested, config,
                                     plans_elsewhere=plans_elsewhere))
    if cases:
        gate = GateIndex(project.layout.gate_file)
        findings.extend(check_git(cases, project.layout, gate, options, result.notes))
    if inline_config:
        findings = _suppress(findings, directives, rules, allow_closure, result)

    def wanted(diag: Diagnostic) -> bool:
        if chosen_select and not any(matches(s, diag.code, diag.name) for s in chosen_select):
            return False
        return not any(matches(s, diag.code, diag.name) for s in chosen_ignore)

    result.diagnostics = sorted((d for d in findings if wanted(d)), key=sort_key)
    return result


def _in_index(known: frozenset[str], path: str, real: str) -> bool:
    """True when git knows the file, by the path it was found at or its real path."""
    return os.path.normpath(os.path.abspath(path)) in known or real in known


# -- one document ------------------------------------------------------------------


# gc=False: a leaf record, never in a reference cycle; untracked, the cache loads it faster.
class Analysis(msgspec.Struct, frozen=True, gc=False):
    """What the cache keeps of one file: all of its own findings, summary and directives.

    The hardening findings read the tree as well as the document: ``probes``
    lists each path looked up and whether it was a file; a cached analysis is
    used only while every probe still holds (the rules tree's listing and the
    gate file are part of the run key).
    """

    findings: tuple[Diagnostic, ...]
    summary: Summary | None  # None: not an incident document (or bad input)
    directives: tuple[Directive, ...] = ()
    note: str = ""
    case: Case | None = None  # for the git checks, when they run
    probes: tuple[tuple[str, bool], ...] = ()
    schema: tuple[str, Any] | None = None  # the schema outcome's memo key and errors


class Outcome(msgspec.Struct, frozen=True, gc=False):
    """One file's contribution to the run, as a worker hands it back."""

    resolved: str
    findings: tuple[Diagnostic, ...]
    summary: Summary | None
    directives: tuple[Directive, ...]
    note: str
    case: Case | None
    stat: tuple[int, int, int, int] | None
    entry: tuple[str, Analysis] | None = None  # a new cache entry, stored by the main process
    content: str | None = None  # the digest of the file's bytes, when the cache is used
    schema: tuple[str, Any] | None = None  # see Analysis
    collected: Any = None  # what the run's collector made of the document


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
    store: Cache | None
    disk: _Disk
    collect: Collector | None = None
    memo: Cache | None = None  # remembers schema outcomes: small runs only (see _with_memo)
    # The schema outcome each file to check had when the index recorded it.
    last_schemas: dict[str, tuple[str, Any]] = msgspec.field(default_factory=dict)


def _analyse(context: RunContext, candidate: Candidate, data: bytes | None
             ) -> tuple[Analysis, Any]:
    """Parse, model, and run the document and hardening checks: the cacheable part;
    and what the run's collector makes of the document (never cached)."""
    project = context.project
    sink: list[Diagnostic] = []
    loaded = load_document(project, candidate, sink, report_unknown=context.report_unknown,
                           data=data)
    if loaded is None:
        return Analysis(tuple(sink), None), None
    document = loaded.document
    memo = _SchemaMemo(context.last_schemas.get(candidate.real()), context.memo)
    checking = CheckContext(document, loaded.parsed, loaded.doctype, project.config,
                            project.extra_placeholders, memo, project.profile,
                            project.layout.aos_dir is not None)
    sink.extend(diag for family in DOCUMENT_CHECKS for diag in family(checking))
    probes: list[tuple[str, bool]] = []
    case = None
    if document.type == "postmortem" and project.profile.proves_hardening:
        subject = Subject(document, candidate.path, loaded.parsed.lines)
        case = hardening_case(subject, project.layout, context.disk.gate, project.config,
                              probes)
        if case is not None:
            sink.extend(document_hardening(case, project.layout, context.options))
            # Only the git checks read the case later; they need no lines.
            case = replace(case, subject=replace(subject, lines=())) \
                if context.options.enabled else None
    collected = (context.collect(project, loaded, candidate.path, context.disk.gate)
                 if context.collect is not None else None)
    return Analysis(
        findings=tuple(sink),
        summary=Summary.of(document, project.config, checking.closed),
        directives=tuple(find_directives(loaded.parsed)),
        note=f"{loaded.doctype.name} ({loaded.reason})",
        case=case,
        probes=tuple(probes),
        schema=memo.kept,
    ), collected


class _SchemaMemo:
    """Schema outcomes for one document: its last one, from the index, and the cache's.

    The index keeps each document's last schema outcome under its memo key
    (which hashes the schema and the metadata it reads). An edit that leaves
    the metadata alone has the same key, so even the first one-file run
    after a whole-repository run needs no jsonschema. ``kept`` is this run's
    outcome, for the document's index entry.
    """

    def __init__(self, last: tuple[str, Any] | None, store: Cache | None) -> None:
        self.last = last
        self.store = store
        self.kept: tuple[str, Any] | None = None

    def get(self, key: str) -> Any:
        found = self.last[1] if self.last is not None and self.last[0] == key else None
        if found is None and self.store is not None:
            found = self.store.get(key)
        if found is not None:
            self.kept = (key, found)
        return found

    def put(self, key: str, value: Any) -> None:
        self.kept = (key, value)
        if self.store is not None:
            self.store.put(key, value)


def _key(context: RunContext, display: str, explicit: bool, content: str) -> str:
    # A named file is read differently (binary files, unknown types), and
    # --skip-unknown changes what is reported: both are part of the key.
    return entry_key(content, display, explicit, context.report_unknown)


def _outcome(real: str, analysis: Analysis,
             stat: tuple[int, int, int, int] | None, content: str | None = None,
             new_key: str | None = None) -> Outcome:
    """``new_key``: the analysis was just made, and is to be stored under this key."""
    return Outcome(real, analysis.findings, analysis.summary,
                   analysis.directives, analysis.note, analysis.case, stat,
                   (new_key, analysis) if new_key is not None else None, content,
                   analysis.schema)


# A file of the run: its path, display path, whether it was named, and its real path.
Listed = tuple[str, str, bool, str]


def _cached(context: RunContext, listed: Listed, index: dict[str, IndexEntry]) -> Outcome | None:
    """The file's cached outcome, if its bytes and everything it read are unchanged.

    A file the index knows with the same size, times and inode is not read
    again: the index says which entry its bytes had (as for the summaries).
    """
    store = context.store
    if store is None or store.empty:
        return None
    file, display, explicit, real = listed
    try:
        stat = stat_key(os.stat(file))
        known = index.get(real)
        if known is not None and known.stat == stat and known.content:
            content = known.content
        else:
            content = content_digest(read_regular(file))
    except OSError:
        return None
    found = store.get(_key(context, display, explicit, content))
    if not isinstance(found, Analysis):
        return None
    for path, was in found.probes:
        if context.disk.is_file(path) != was:
            return None
    return _outcome(real, found, stat, content)


def _check_one(context: RunContext, candidate: Candidate) -> Outcome:
    data: bytes | None
    try:  # stat first: a file changed while being read then looks changed next time
        stat: tuple[int, int, int, int] | None = stat_key(os.stat(candidate.path))
        data = read_regular(candidate.path)
    except OSError:  # read_source says why, as a finding (or skips a scanned FIFO)
        data, stat = None, None
    collected = None
    try:
        analysis, collected = _analyse(context, candidate, data)
    except Exception as exc:  # a bug: a finding on this document, and the run goes on
        if os.environ.get("AOSLINT_DEBUG"):
            raise
        analysis = Analysis((internal_error(candidate.display, exc),), None)
    content = content_digest(data) if context.store is not None and data is not None else None
    new_key = (_key(context, candidate.display, candidate.explicit, content)
               if content is not None else None)
    return replace(_outcome(candidate.real(), analysis, stat, content, new_key),
                   collected=collected)


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


def _summarise_one(context: RunContext, candidate: Candidate) -> Outcome:
    """Another document of the repository: only what the cross-document checks read."""
    project = context.project
    resolved = candidate.real()
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
    return Outcome(resolved, (), summary, (), "", None, stat)


def _for_workers(context: RunContext, listed: Sequence[Listed],
                 found: Sequence[Outcome | None], index: dict[str, IndexEntry],
                 jobs: int | None) -> RunContext:
    """The run's context with what the files to check need: their last schema outcomes
    and, for a small run, the cache as schema memo."""
    misses = [entry[3] for entry, outcome in zip(listed, found, strict=True) if outcome is None]
    last: dict[str, tuple[str, Any]] = {}
    for real in misses:
        known = index.get(real)
        if known is not None and known.schema is not None:
            last[real] = known.schema
    # A few documents (pre-commit) are checked faster with their schema outcomes
    # remembered, since jsonschema need not be imported; many are not.
    small = len(misses) < PARALLEL_MIN_FILES and not _parallel(jobs, len(misses))
    return replace(context, memo=context.store if small else None, last_schemas=last)


def _outcomes(context: RunContext, workers: _Workers, listed: Sequence[Listed],
              found: Sequence[Outcome | None]) -> list[Outcome]:
    """Every file's outcome, in order: the cache hits found, the rest from the workers."""
    misses = [Candidate(Path(file), display, explicit, real)
              for (file, display, explicit, real), outcome in zip(listed, found, strict=True)
              if outcome is None]
    computed = iter(workers.map(_check_chunk, misses))
    outcomes = [outcome if outcome is not None else next(computed) for outcome in found]
    if context.collect is None:
        return outcomes
    hits = [number for number, outcome in enumerate(found)
            if outcome is not None and outcome.summary is not None]
    wanted = [Candidate(Path(listed[i][0]), listed[i][1], listed[i][2], listed[i][3])
              for i in hits]
    for number, collected in zip(hits, workers.map(_collect_chunk, wanted), strict=True):
        outcomes[number] = replace(outcomes[number], collected=collected)
    return outcomes


# -- the repository index (one-file runs) --------------------------------------------


STALE_LIMIT = 16  # a one-file run rewrites the index once more documents than this changed
RACY_NS = 3_000_000_000  # a file changed this recently may change again unseen (racy git)


def _remember(index: dict[str, IndexEntry], resolved: str, stat: tuple[int, int, int, int],
              summary: Summary | None, content: str | None = None,
              schema: tuple[str, Any] | None = None) -> bool:
    """Record a summary and content digest, unless the file is so fresh that its
    times may not tell an edit."""
    if time.time_ns() - max(stat[1], stat[2]) < RACY_NS:
        return index.pop(resolved, None) is not None
    known = index.get(resolved)
    path = summary.path if summary is not None else None
    if (content is not None and known is not None and known.stat == stat
            and known.content == content and known.path == path):
        # The same bytes at the same path make the same summary (the run key
        # covers the rest): it need not be pickled again.
        return False
    entry = _index_entry(stat, summary, content, schema)
    if known == entry:
        return False
    index[resolved] = entry
    return True


class IndexEntry(msgspec.Struct, frozen=True, gc=False):
    """A file's entry in the repository index; the fields after ``content`` are a
    document's (``None`` for other files).

    The summary is pickled by itself: a one-file run unpickles only those that
    share a named document's Incident ID.
    """

    stat: tuple[int, int, int, int]
    content: str | None  # the digest of its bytes
    path: str | None = None  # the display path
    type: str | None = None
    incident_id: Any = None  # only a usable (hashable) one
    summary: bytes | None = None  # the pickled Summary
    schema: tuple[str, Any] | None = None  # the last schema outcome (see _SchemaMemo)


def _index_entry(stat: tuple[int, int, int, int], summary: Summary | None,
                 content: str | None, schema: tuple[str, Any] | None = None) -> IndexEntry:
    if summary is None:
        return IndexEntry(stat, content)
    incident_id = summary.field("incident_id")
    usable = incident_id is not None and usable_id(incident_id.value)  # lists are unhashable
    return IndexEntry(stat, content, summary.path, summary.type,
                      incident_id.value if usable and incident_id is not None else None,
                      pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL), schema)


def _related(known: list[IndexEntry], requested: list[Summary]) -> tuple[list[Summary], bool]:
    """The indexed documents that can change the requested ones' cross-document findings.

    Those share a requested document's Incident ID. Also says whether any
    indexed document is an incident plan (see ``check_repository``).
    """
    wanted = set()
    for summary in requested:
        field = summary.field("incident_id")
        if field is not None and usable_id(field.value):
            wanted.add(field.value)
    found: list[Summary] = []
    has_plans = False
    for entry in known:
        if entry.incident_id in wanted and entry.summary is not None:
            found.append(pickle.loads(entry.summary))
        if not has_plans and entry.type == "incident-plan" and usable_id(entry.incident_id):
            has_plans = True
    return found, has_plans


def _repository_scan(store: Cache | None, selector: FileSelector, layout: Layout
                     ) -> Snapshot:
    """The configured documents: the cache's scan, with the folders that changed listed
    again (see ``aoslint.rescan``), or a new walk; a changed scan is remembered.
    """
    if store is None:
        return snapshot(selector, layout)
    known = store.load_scan()
    if isinstance(known, Snapshot):
        scan = refresh(known, selector, layout)
        if scan is known:
            return known
    else:
        scan = snapshot(selector, layout)
    # A folder changed this recently may change again unseen (racy git): not kept.
    store.save_scan(scan if time.time_ns() - scan.newest() >= RACY_NS else None)
    return scan


def _from_index(index: dict[str, IndexEntry], others: list[tuple[str, str, str]]
                ) -> tuple[list[IndexEntry], list[Candidate]]:
    """Index entries of unchanged documents; the files that need reading.

    ``others`` holds each file's path, display path and real path.
    """
    known: list[IndexEntry] = []
    missing: list[Candidate] = []
    for path, display, resolved in others:
        entry = index.get(resolved)
        if entry is not None:
            try:
                current = stat_key(os.stat(path))
            except OSError:
                current = None
            if current == entry.stat:
                if entry.summary is not None:
                    known.append(entry)
                continue
        missing.append(Candidate(Path(path), display, False, resolved))
    return known, missing


def cache_dir(project: Project) -> Path:
    """``cache-dir`` from the config (relative to it), else ``.aoslint_cache`` at the root."""
    configured = project.config.settings.cache_dir
    if configured:
        path = Path(os.path.normpath(project.config.root.absolute() / str(configured)))
        if not path.is_relative_to(project.layout.root.absolute()):
            raise UsageError(f"{project.config.path}: 'cache-dir' = {configured!r} points "
                             f"outside the repository ({path})")
        return path
    return project.layout.root / DEFAULT_CACHE_DIR


def _open_cache(project: Project, options: GitOptions, result: RunResult) -> Cache | None:
    """The run's cache, keyed by version, code, config, schemas and options."""
    config = project.config
    root = cache_dir(project)
    layout = project.layout
    parts = [code_fingerprint().encode(), str(layout.root).encode(),
             str(config.path).encode(), str(Path.cwd()).encode(),
             f"git={options.enabled}".encode(), f"profile={project.profile.name}".encode(),
             # The hardening findings read the rules tree's names and the gate's text.
             repr((layout.aos_dir, layout.rules_dir, rule_files(layout),
                   layout.rules_dir is not None and layout.rules_dir.is_dir())).encode(),
             repr(layout.gate_file).encode()]
    if layout.gate_file is not None and layout.gate_file.is_file():
        parts.append(layout.gate_file.read_bytes())
    if config.path is not None:
        parts.append(config.path.read_bytes())
    for doctype in sorted(project.doctypes.values(), key=lambda d: d.name):
        try:
            parts.append(Path(doctype.source).read_bytes())
        except OSError:
            parts.append(doctype.source.encode())
    try:
        # Not resolved: a symlink on the way is refused, never followed.
        store = Cache.open(Path(os.path.abspath(root)), make_run_key(parts),
                           Path(os.path.abspath(layout.root)))
        store.secret()  # before any worker starts, so all of them sign alike
    except NotOwned as exc:
        result.warnings.append(f"cache not used: {exc}")
        return None
    except CacheError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        result.notes.append(f"cache: not used ({root}: {exc.strerror})")
        return None
    result.notes.append(f"cache: {store.folder}")
    if config.token and not store.known_valid(config.token):
        store.remember_valid(config.token)  # the next run need not validate the config again
    return store


# -- workers ---------------------------------------------------------------------------

# The run's context, set before the workers fork (they inherit it) and never changed.
_CONTEXT: RunContext | None = None
PARALLEL_MIN_FILES = 200  # below this, starting workers costs more than it saves


def _check_chunk(chunk: Sequence[Candidate]) -> list[Outcome]:
    assert _CONTEXT is not None
    return [_check_one(_CONTEXT, c) for c in chunk]


def _summarise_chunk(chunk: Sequence[Candidate]) -> list[Outcome]:
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
