"""The store behind ``--cache``: the result cache, the repository index, the remembered
scan and the schema memo, opened and written once per run."""

from __future__ import annotations

import os
import time
from pathlib import Path

from msgspec.structs import replace

from aoslint.checks.cross_document import Summary
from aoslint.discovery.discover import FileSelector, Snapshot, snapshot
from aoslint.discovery.layout import Layout
from aoslint.discovery.rescan import refresh
from aoslint.document.source import read_regular
from aoslint.errors import UsageError
from aoslint.hardening_case import rule_files
from aoslint.project import Project
from aoslint.settings import DEFAULT_CACHE_DIR
from aoslint.store import index as index_module
from aoslint.store.cache import (
    Cache,
    CacheError,
    NotOwned,
    code_fingerprint,
    content_digest,
    entry_key,
    make_run_key,
    stat_key,
)
from aoslint.store.index import Index, Related
from aoslint.store.memo import SchemaMemo
from aoslint.store.records import Analysis, File
from aoslint.store.seam import IsFile, NoStore, ResultStore


class CacheStore:
    """A run's results kept in the cache directory (see :mod:`aoslint.store.cache`)."""

    def __init__(self, cache: Cache, report_unknown: bool) -> None:
        self.cache = cache
        self.report_unknown = report_unknown
        self.index = Index(cache.load_index())

    def scan(self, selector: FileSelector, layout: Layout) -> Snapshot:
        """The cache's scan, with the folders that changed listed again (see
        ``aoslint.discovery.rescan``), or a new walk; a changed scan is remembered."""
        known = self.cache.load_scan()
        if isinstance(known, Snapshot):
            scan = refresh(known, selector, layout)
            if scan is known:
                return known
        else:
            scan = snapshot(selector, layout)
        # A folder changed this recently may change again unseen (racy git): not kept.
        fresh = time.time_ns() - scan.newest() < index_module.RACY_NS
        self.cache.save_scan(None if fresh else scan)
        return scan

    def _key(self, display: str, explicit: bool, content: str) -> str:
        # A named file is read differently (binary files, unknown types), and
        # --skip-unknown changes what is reported: both are part of the key.
        return entry_key(content, display, explicit, self.report_unknown)

    def lookup(self, file: File, is_file: IsFile) -> Analysis | None:
        """A file the index knows with the same size, times and inode is not read
        again: the index says which entry its bytes had (as for the summaries)."""
        if self.cache.empty:
            return None
        try:
            stat = stat_key(os.stat(file.path))
            known = self.index.entries.get(file.real)
            if known is not None and known.stat == stat and known.content:
                content = known.content
            else:
                content = content_digest(read_regular(file.path))
        except OSError:
            return None
        found = self.cache.get(self._key(file.display, file.explicit, content))
        if not isinstance(found, Analysis):
            return None
        for path, was in found.probes:
            if is_file(path) != was:
                return None
        return replace(found, real=file.real, stat=stat, content=content)

    def schema_memo(self, real: str, shared: bool) -> SchemaMemo:
        # A few documents (pre-commit) are checked faster with their schema outcomes
        # remembered in the cache, since jsonschema need not be imported; many are not.
        return SchemaMemo(self.index.last_schema(real), self.cache if shared else None)

    def keyed(self, analysis: Analysis, display: str, explicit: bool,
              data: bytes | None) -> Analysis:
        if data is None:
            return analysis
        content = content_digest(data)
        key = None if analysis.partial else self._key(display, explicit, content)
        return replace(analysis, content=content, key=key)

    def record(self, analysis: Analysis) -> None:
        if analysis.key is not None:
            self.cache.put(analysis.key, analysis.kept())
        self.index.record(analysis)

    def related(self, others: list[File], requested: list[Summary]) -> Related:
        return self.index.related(others, requested)

    def record_other(self, analysis: Analysis) -> None:
        self.index.record_other(analysis)

    def finish(self, *, named: bool, complete: bool) -> None:
        self.cache.finish(self.index.entries, complete=complete,
                          index_changed=self.index.changed(named))


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


def open_store(project: Project, git: bool, report_unknown: bool,
               notes: list[str], warnings: list[str]) -> ResultStore:
    """The run's cache, keyed by version, code, config, schemas and options; a
    :class:`NoStore` where the folder cannot be used (said in ``notes`` or ``warnings``)."""
    config = project.config
    root = cache_dir(project)
    layout = project.layout
    parts = [code_fingerprint().encode(), str(layout.root).encode(),
             str(config.path).encode(), str(Path.cwd()).encode(),
             f"git={git}".encode(), f"profile={project.profile.name}".encode(),
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
        cache = Cache.open(Path(os.path.abspath(root)), make_run_key(parts),
                           Path(os.path.abspath(layout.root)))
        cache.secret()  # before any worker starts, so all of them sign alike
    except NotOwned as exc:
        warnings.append(f"cache not used: {exc}")
        return NoStore()
    except CacheError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        notes.append(f"cache: not used ({root}: {exc.strerror})")
        return NoStore()
    notes.append(f"cache: {cache.folder}")
    if config.token and not cache.known_valid(config.token):
        cache.remember_valid(config.token)  # the next run need not validate the config again
    return CacheStore(cache, report_unknown)
