"""Documents' HTML kept between reports, by the digest of their Markdown.

Rendering with mistune costs about as much as checking the document, and the
HTML depends only on the Markdown and on mistune (its version and our
options). So a report keeps each document's HTML in the result cache folder
(``report/html``, signed like the cache's entries, so a planted file is never
trusted) and the next report renders only what changed. ``--no-cache`` reads
and writes none of it.

Workers read the kept HTML on their first document (they fork before the
report knows the cache folder); the main process writes it at the end, with
the documents of this report (plus those an earlier one kept, when this one
covered only some paths), so it does not grow with every edit.
"""

from __future__ import annotations

import contextlib
import hashlib

import msgspec

from aoslint.project import Project
from aoslint.report.markdown import RENDERER, render_markdown
from aoslint.store.cache import Cache, CacheError, check_owned
from aoslint.store.result_store import cache_dir

FILE = "report/html"


class _Kept(msgspec.Struct):
    renderer: str  # the HTML is reused only from the same mistune and options
    html: dict[str, str]  # digest of the Markdown -> its HTML


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class RenderedHtml:
    """The kept HTML of one report run: looked up in the workers, saved by the main process."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._kept: dict[str, str] | None = None

    def _cache(self, project: Project) -> Cache | None:
        return Cache.existing(cache_dir(project)) if self.enabled else None

    def kept(self, project: Project) -> dict[str, str]:
        """The HTML the last report kept (read once per process)."""
        if self._kept is None:
            self._kept = {}
            cache = self._cache(project)
            blob = cache.read_signed(FILE) if cache is not None else None
            if blob is not None:
                with contextlib.suppress(msgspec.DecodeError):
                    found = msgspec.msgpack.decode(blob, type=_Kept)
                    if found.renderer == RENDERER:
                        self._kept = found.html
        return self._kept

    def html(self, project: Project, text: str) -> tuple[str, str, bool]:
        """The digest of ``text``, its HTML, and whether it was rendered just now."""
        key = digest(text)
        found = self.kept(project).get(key) if self.enabled else None
        if found is not None:
            return key, found, False
        return key, render_markdown(text), True

    def save(self, project: Project, html: dict[str, str], *, whole: bool,
             fresh: bool) -> None:
        """Keep this run's HTML for the next report (``whole``: it covered every document)."""
        cache = self._cache(project)
        if cache is None:
            return
        previous = {} if whole and fresh else self.kept(project)
        keep = html if whole else {**previous, **html}
        if not fresh and keep.keys() == previous.keys():
            return  # every document came from the file, and none left it
        try:
            check_owned(cache.root, project.layout.root)
        except (CacheError, OSError):
            return  # a folder git tracks, or reached through a link: not ours to write
        cache.write_signed(FILE, msgspec.msgpack.encode(_Kept(RENDERER, keep)))

