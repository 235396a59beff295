"""The result cache: a document's findings are reused while nothing they depend on changed.

Layout of the cache directory (``.aoslint_cache/`` at the repository root, or
``cache-dir`` in the config)::

    CACHEDIR.TAG  .gitignore  key
    v1/<run key>/packs/<name>         up to 256 documents' results, written together
    v1/<run key>/<xx>/<entry key>     a result written alone (a run with a few new ones)
    v1/<run key>/index                the repository's documents, for one-file runs,
                                      and which pack holds each result
    v1/<run key>/scan                 the repository scan (files and folder times),
                                      apart from the index: adding a document
                                      rewrites the scan, not the index
    valid/<token>                     a config file's bytes that validated
    report/html                       ``aoslint report``'s rendered documents, by the
                                      digest of their Markdown (``report/rendered.py``)

The *run key* hashes everything that changes findings besides the document
itself: aoslint's version and code, the config file's bytes, every document
type schema's bytes (built-in and the repository's own), and the run options
that change findings. A new version, config or schema simply uses another
directory, so an entry is never stale; the oldest run directories are pruned.
The *entry key* hashes the document's bytes (their digest), its path as
displayed and whether it was named explicitly.

Results are written in packs rather than one file each: creating a file
costs more than checking a document on some file systems. The index says
which pack holds which entry key. A run with only a few new results (a
pre-commit hook) writes them alone, so it need not rewrite the index. A run
over the whole repository packs what it used, keeps only those entries, and
removes packs and lone entries nothing points to.

The repository index serves the cross-document checks of a one-file run (a
pre-commit hook): each known document's summary, valid while the file's size,
modification and change times and inode are unchanged, so a one-file run
stats the other documents instead of reading and parsing them.

Entries are pickles, so each carries an HMAC whose key is local to this cache
directory (random bytes plus the key file's inode and change time): a cache
directory that was committed, copied or planted by someone else is never
trusted, only ignored. Writes go to a temporary file that is renamed into
place; an unreadable, truncated or tampered entry is a cache miss. Nothing
is ever written outside the cache directory.

The folder is used only when aoslint made it: a folder reached through a
symlink (any one between the repository root and the cache folder, checked
with lstat, never followed) or holding a file git tracks (one ``git
ls-files`` call, when the folder exists and a repository is there) is not
used, however its tag reads. ``clean`` removes the files named above and
nothing else, and a folder only once it is empty.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import pickle
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import msgspec

FORMAT = "v1"
MARKER = "CACHEDIR.TAG"
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This directory is a cache of aoslint (aoslint clean removes it).\n")
_KEEP_RUNS = 4  # run directories kept: the newest ones
_MAC = 32
_KEEP_VERDICTS = 16
PACK_SIZE = 256  # entries per pack: a one-file run unpickles at most this many
_ALONE_MAX = 8  # a run with at most this many new entries writes them alone


class CacheError(Exception):
    """The configured cache directory cannot be used (it is not aoslint's)."""


class NotOwned(CacheError):
    """The folder may look like a cache but aoslint did not make it: a symlink, or tracked."""


_GITIGNORE = b"# created by aoslint\n*\n"
_HEX = "[0-9a-f]"
# What the cache writes, relative to its folder (``clean`` removes these and nothing else).
_KNOWN_FILES = re.compile(
    rf"(?:.*/)?\.tmp-[0-9]+-{_HEX}{{16}}|key|CACHEDIR\.TAG|\.gitignore"
    rf"|valid/config-{_HEX}{{40}}|report/html"
    rf"|{FORMAT}/{_HEX}{{32}}/(?:index|scan|packs/{_HEX}{{24}}|{_HEX}{{2}}/{_HEX}{{40}})")
_KNOWN_FOLDERS = re.compile(rf"valid|report|{FORMAT}|{FORMAT}/{_HEX}{{32}}(?:/packs|/{_HEX}{{2}})?")


def symlink_on_path(path: Path, top: Path) -> Path | None:
    """The first folder or file from ``top`` down to ``path`` that is a symlink (lstat only).

    Nothing on the way is followed: a cache folder reached through a link may
    be anywhere, outside the repository too.
    """
    try:
        parts = path.relative_to(top).parts
    except ValueError:
        return path if path.is_symlink() else None
    current = top
    for part in parts:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            return None
        except OSError:
            return current  # cannot tell: treat it as not ours
        if stat.S_ISLNK(mode):
            return current
    return None


def tracked_files(folder: Path) -> list[str]:
    """Files under ``folder`` that git tracks: one ``git ls-files`` call, only in a repository."""
    from aoslint.discovery.layout import find_repository_root

    if find_repository_root(folder) is None:
        return []
    from aoslint.git.command import GitError, GitRunner, decode

    try:
        listed = GitRunner(folder).run("ls-files", "-z", "--cached", "--", ".")
    except GitError as exc:
        if exc.missing:
            return []
        raise NotOwned(f"{folder}: cannot ask git which files it tracks there "
                       f"({exc.stderr.strip() or 'git failed'})") from None
    return [name for name in decode(listed).split("\0") if name]


def check_owned(root: Path, top: Path) -> None:
    """Raise :class:`NotOwned` unless ``root`` is reached without symlinks and git tracks
    nothing in it (asked only when the folder exists)."""
    link = symlink_on_path(root, top)
    if link is not None:
        raise NotOwned(f"{link} is a symbolic link; aoslint never follows one to its cache")
    if root.is_dir():
        tracked = tracked_files(root)
        if tracked:
            more = f" and {len(tracked) - 1} more" if len(tracked) > 1 else ""
            raise NotOwned(f"{root} holds files tracked by git ({tracked[0]}{more}); "
                           "it is not a cache aoslint created")


def is_cache_dir(path: Path) -> bool:
    """True when ``path`` holds an aoslint cache (so it may be removed)."""
    marker = path / MARKER
    try:
        return marker.is_file() and "aoslint" in marker.read_text(encoding="utf-8")
    except OSError:
        return False


def code_fingerprint() -> str:
    """aoslint's version and its modules' sizes and times: a changed checkout is a new key."""
    import aoslint

    return _fingerprint(aoslint.__version__)


@functools.cache  # the config's token and the run key both need it
def _fingerprint(version: str) -> str:
    import aoslint

    digest = hashlib.blake2b(version.encode(), digest_size=16)
    package = Path(aoslint.__file__).resolve().parent
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".json", ".j2")):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()


def make_run_key(parts: Iterable[bytes]) -> str:
    digest = hashlib.blake2b(FORMAT.encode(), digest_size=16)
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def content_digest(data: bytes) -> str:
    """What a document's bytes hash to; the index keeps it, so a known file is not re-read."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def entry_key(content: str, display: str, explicit: bool, report_unknown: bool = True) -> str:
    """The key of a document's result: its content digest and how the run reads it."""
    digest = hashlib.blake2b(content.encode(), digest_size=20)
    digest.update(b"\0" + display.encode("utf-8", "surrogateescape"))
    digest.update(b"\0explicit" if explicit else b"\0scan")
    digest.update(b"\0report-unknown" if report_unknown else b"\0skip-unknown")
    return digest.hexdigest()


class Cache:
    """One run's view of the cache directory: read and write entries and the index."""

    def __init__(self, root: Path, run_key: str) -> None:
        self.root = root
        self.run_key = run_key
        self.runs = root / FORMAT
        self.folder = self.runs / run_key
        self._secret: bytes | None = None
        self.located: dict[str, str] = {}  # entry key -> pack name, from the index
        self.used: set[str] = set()  # entry keys read or written by this run
        self._packs: dict[str, dict[str, Any]] = {}
        self._pending: dict[str, Any] = {}
        self._alone: dict[str, Any] = {}  # entries found written alone
        self._located_changed = False

    @classmethod
    def open(cls, root: Path, run_key: str, top: Path | None = None) -> Cache:
        """Create the directory (tagged and git-ignored) or check that it is aoslint's.

        ``top`` (the repository root): no symlink between it and the cache
        folder is followed, and a folder git tracks files in is not used
        (:class:`NotOwned`).
        """
        check_owned(root, root.parent if top is None else top)
        if (root.exists() and not is_cache_dir(root)
                and (not root.is_dir() or any(root.iterdir()))):
            raise CacheError(f"{root} exists and is not an aoslint cache directory "
                                 f"(no {MARKER}); choose another cache-dir or remove it")
        root.mkdir(parents=True, exist_ok=True)
        if not (root / MARKER).is_file():
            _write_atomic(root / MARKER, _TAG.encode())
            _write_atomic(root / ".gitignore", _GITIGNORE)
        cache = cls(root, run_key)
        link = symlink_on_path(cache.folder, root)
        if link is not None:
            raise NotOwned(f"{link} is a symbolic link; aoslint never follows one in its cache")
        if not cache.folder.is_dir():
            cache.folder.mkdir(parents=True, exist_ok=True)
            cache._prune()
        return cache

    # -- signing -----------------------------------------------------------------

    def secret(self) -> bytes:
        if self._secret is None:
            key_file = self.root / "key"
            try:
                fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(os.urandom(32))
            data = key_file.read_bytes()
            stat = key_file.stat()
            if len(data) != 32:  # being written by a concurrent run: sign nothing usable
                data = os.urandom(32)
            self._secret = data + f"{stat.st_dev}:{stat.st_ino}:{stat.st_ctime_ns}".encode()
        return self._secret

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self.secret(), payload, hashlib.sha256).digest()

    def _seal(self, payload: bytes) -> bytes:
        """``payload`` signed by this cache directory (see ``_unseal``)."""
        return self._sign(payload) + payload

    def _unseal(self, blob: bytes) -> bytes | None:
        """The payload of a blob ``_seal`` made here, else ``None`` (planted or damaged)."""
        mac, payload = blob[:_MAC], blob[_MAC:]
        if len(mac) != _MAC or not hmac.compare_digest(mac, self._sign(payload)):
            return None
        return payload

    # -- other commands' files -----------------------------------------------------

    def read_signed(self, relative: str) -> bytes | None:
        """What ``write_signed(relative, ...)`` stored here, else ``None``.

        A file reached through a symlink, planted, damaged or missing reads as
        ``None``: the caller does the work again.
        """
        path = self.root / relative
        if not _KNOWN_FILES.fullmatch(relative) or symlink_on_path(path, self.root):
            return None
        try:
            return self._unseal(path.read_bytes())
        except OSError:
            return None

    def write_signed(self, relative: str, payload: bytes) -> None:
        """Keep ``payload`` under ``relative`` (one of the names ``clean`` knows), signed."""
        path = self.root / relative
        if not _KNOWN_FILES.fullmatch(relative):
            raise ValueError(f"not a cache file: {relative}")
        if symlink_on_path(path, self.root):
            return
        with contextlib.suppress(OSError):  # a read-only or full disk costs only speed
            path.parent.mkdir(exist_ok=True)
            _write_atomic(path, self._seal(payload))

    def _load(self, path: Path) -> Any:
        try:
            payload = self._unseal(path.read_bytes())
        except OSError:
            return None
        if payload is None:
            return None
        try:
            return pickle.loads(payload)
        except Exception:  # a damaged entry is a miss, never an error
            return None

    def _store(self, path: Path, value: Any) -> None:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(OSError):  # a read-only or full disk costs only speed
            _write_atomic(path, self._seal(payload))

    # -- entries -----------------------------------------------------------------

    def get(self, key: str) -> Any:
        """The entry stored under ``key`` by this or an earlier run, else ``None``."""
        if key in self._pending:
            self.used.add(key)
            return self._pending[key]
        name = self.located.get(key)
        if name is None:
            found = self._load(self._alone_path(key))
            if found is not None:
                self.used.add(key)
                self._alone[key] = found
            return found
        pack = self._packs.get(name)
        if pack is None:
            loaded = self._load(self.folder / "packs" / name)
            pack = self._packs[name] = loaded if isinstance(loaded, dict) else {}
        if key in pack:
            self.used.add(key)
        return pack.get(key)

    @functools.cached_property
    def empty(self) -> bool:
        """No entry was stored before this run (a cold run need not look any up)."""
        if self.located:
            return False
        try:
            return not any(len(p.name) == 2 for p in self.folder.iterdir() if p.is_dir())
        except OSError:
            return True

    def put(self, key: str, value: Any) -> None:
        """Keep an entry; ``finish`` writes it (in a pack with others, or alone)."""
        self._pending[key] = value
        self.used.add(key)
        if len(self._pending) >= PACK_SIZE:
            self._write_pack()

    def _alone_path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def _write_pack(self) -> None:
        folder = self.folder / "packs"
        with contextlib.suppress(OSError):
            folder.mkdir(exist_ok=True)
        name = os.urandom(12).hex()
        self._store(folder / name, self._pending)
        for key in self._pending:
            self.located[key] = name
        self._packs[name] = self._pending
        self._pending = {}
        self._located_changed = True

    def load_index(self) -> dict[str, Any]:
        """The documents' index; also learns which pack holds each entry."""
        found = self._load(self.folder / "index")
        if not isinstance(found, dict) or not isinstance(found.get("documents"), dict) \
                or not isinstance(found.get("located"), dict):
            return {}
        self.located = found["located"]
        return dict(found["documents"])

    def load_scan(self) -> Any:
        """The remembered repository scan (a ``discover.Snapshot``), if there is one."""
        return self._load(self.folder / "scan")

    def save_scan(self, scan: Any) -> None:
        """Remember the repository scan; ``None`` forgets it."""
        path = self.folder / "scan"
        if scan is not None:
            self._store(path, scan)
        else:
            with contextlib.suppress(OSError):
                path.unlink()

    def finish(self, index: dict[str, Any], *, complete: bool, index_changed: bool) -> None:
        """Write the new entries and, when needed, the index.

        A few new entries (a pre-commit run) are written alone, so the index
        (large in a large repository) need not be rewritten for them. A
        ``complete`` run (every configured document) packs everything it
        used, keeps only those entries, and removes packs and lone entries
        nothing points to.
        """
        if complete:
            self._pending.update(self._alone)
            self._alone = {}
            if self._pending:
                self._write_pack()
            unused = set(self.located) - self.used
            if unused:
                self.located = {k: v for k, v in self.located.items() if k in self.used}
                self._located_changed = True
        elif len(self._pending) <= _ALONE_MAX:
            for key, value in self._pending.items():
                path = self._alone_path(key)
                with contextlib.suppress(OSError):
                    path.parent.mkdir(exist_ok=True)
                self._store(path, value)
            self._pending = {}
        elif self._pending:
            self._write_pack()
        if index_changed or self._located_changed:
            self._store(self.folder / "index", {"documents": index, "located": self.located})
        if complete:
            self._collect_garbage()

    def _collect_garbage(self) -> None:
        """Remove packs the index does not name, and lone entries (now packed)."""
        wanted = set(self.located.values())
        with contextlib.suppress(OSError):
            for pack in (self.folder / "packs").iterdir():
                if pack.name not in wanted and not pack.name.startswith(".tmp-"):
                    pack.unlink()
        import shutil

        with contextlib.suppress(OSError):
            for folder in self.folder.iterdir():
                if len(folder.name) == 2 and folder.is_dir():
                    shutil.rmtree(folder, ignore_errors=True)

    # -- verdicts ----------------------------------------------------------------

    @classmethod
    def existing(cls, root: Path) -> Cache | None:
        """The cache at ``root`` for reading verdicts, if there is one (nothing is created)."""
        if os.path.islink(root) or os.path.islink(root / "key"):
            return None
        return cls(root, "") if is_cache_dir(root) and (root / "key").is_file() else None

    def _verdict_path(self, token: str) -> Path:
        return self.root / "valid" / token

    def known_valid(self, token: str) -> bool:
        """True when ``remember_valid(token)`` was signed by this cache directory."""
        try:
            mac = self._verdict_path(token).read_bytes()
        except OSError:
            return False
        return hmac.compare_digest(mac, self._sign(token.encode()))

    def remember_valid(self, token: str) -> None:
        """Record that what ``token`` hashes was validated (say, a config file's bytes)."""
        path = self._verdict_path(token)
        with contextlib.suppress(OSError):
            path.parent.mkdir(exist_ok=True)
            _write_atomic(path, self._sign(token.encode()))
            verdicts = sorted(path.parent.iterdir(), key=lambda p: p.stat().st_mtime,
                              reverse=True)
            for old in verdicts[_KEEP_VERDICTS:]:
                old.unlink()

    def _prune(self) -> None:
        """Keep the newest run directories; older configs and versions are dropped."""
        try:
            runs = sorted((p for p in self.runs.iterdir() if p.is_dir()),
                          key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return
        for old in runs[_KEEP_RUNS:]:
            if old != self.folder:
                import shutil

                shutil.rmtree(old, ignore_errors=True)


def _write_atomic(path: Path, data: bytes) -> None:
    # A fresh name opened exclusively, as tempfile.mkstemp does (without its imports).
    temp = path.parent / f".tmp-{os.getpid()}-{os.urandom(8).hex()}"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def stat_key(stat: os.stat_result) -> tuple[int, int, int, int]:
    """What identifies a file's content without reading it (as git's index does)."""
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


class Removed(msgspec.Struct, frozen=True):
    """What ``clean`` did: whether a cache was there, and what it left (not aoslint's)."""

    found: bool
    kept: list[str]


def _ours(path: str, relative: str) -> bool:
    """True for a regular file the cache writes, by name (and content where it is fixed)."""
    if not _KNOWN_FILES.fullmatch(relative):
        return False
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        if relative in (MARKER, ".gitignore"):
            with open(path, "rb") as handle:
                return handle.read(4096) == (_TAG.encode() if relative == MARKER else _GITIGNORE)
    except OSError:
        return False
    return True


def remove(root: Path, top: Path | None = None) -> Removed:
    """Remove the files an aoslint cache writes, then its folders when they are empty.

    Refuses (:class:`CacheError`) a folder that is no cache, is reached
    through a symlink or holds files git tracks. Anything else found in the
    folder is left where it is, with the folders holding it, and listed.
    """
    check_owned(root, root.parent if top is None else top)
    if not os.path.lexists(root):
        return Removed(False, [])
    if not is_cache_dir(root):
        raise CacheError(f"{root} is not an aoslint cache directory (no {MARKER}); "
                         "not removing it")
    kept: list[str] = []
    for folder, dirs, files in os.walk(root, topdown=False):  # links are listed, not walked
        base = Path(folder).relative_to(root).as_posix()
        prefix = "" if base == "." else base + "/"
        for name in sorted(files):
            path = os.path.join(folder, name)
            if _ours(path, prefix + name):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
            else:
                kept.append(prefix + name)
        for name in sorted(dirs):
            path = os.path.join(folder, name)
            if os.path.islink(path) or not _KNOWN_FOLDERS.fullmatch(prefix + name):
                if os.path.islink(path) or not os.listdir(path):
                    kept.append(prefix + name + ("" if os.path.islink(path) else "/"))
                continue
            with contextlib.suppress(OSError):  # not empty: it holds something kept
                os.rmdir(path)
    with contextlib.suppress(OSError):
        os.rmdir(root)
    return Removed(True, sorted(kept))
