"""Where ``aoslint new`` writes: ``new-dir`` and ``new-path``, always inside the repository."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path, PurePosixPath

import msgspec

from aoslint.config import Config
from aoslint.errors import UsageError
from aoslint.lazyre import compile_lazily

PATH_FIELDS = ("id", "type", "slug", "date", "year", "month", "day")
MAX_SLUG = 48
_FIELD = compile_lazily(r"\{([^{}]*)\}")


def slugify(title: str, limit: int = MAX_SLUG) -> str:
    """``Checkout returns 500 — für alle!`` -> ``checkout-returns-500-fur-alle``.

    ASCII letters, digits and single hyphens only; cut at a word boundary so the
    slug is at most ``limit`` characters.
    """
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            if not slug:
                slug = word[:limit]
            break
        slug = candidate
    return slug


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


class Placement(msgspec.Struct, frozen=True):
    """The folder documents go into and the pattern of their path below it."""

    root: Path
    directory: Path
    pattern: str
    where: str

    @classmethod
    def from_config(cls, config: Config, root: Path, option_dir: Path | None) -> Placement:
        where = f"{config.path}: " if config.path else ""
        if option_dir is not None:
            directory = option_dir if option_dir.is_absolute() else Path.cwd() / option_dir
            if not _inside(directory, root):
                raise UsageError(f"--dir: '{option_dir}' is outside the repository ({root}); "
                                 "aoslint new writes only inside it")
        else:
            configured = config.settings.new_dir
            directory = root / configured
            if PurePosixPath(configured).is_absolute() or not _inside(directory, root):
                raise UsageError(f"{where}'new-dir' {configured!r} is outside the repository "
                                 f"({root})")
        pattern = config.settings.new_path
        names = _FIELD.findall(pattern)
        unknown = [n for n in names if n not in PATH_FIELDS]
        if unknown:
            raise UsageError(f"{where}'new-path' {pattern!r}: unknown field {{{unknown[0]}}} "
                             f"(known: {', '.join('{' + n + '}' for n in PATH_FIELDS)})")
        if "id" not in names:
            raise UsageError(f"{where}'new-path' {pattern!r} must contain {{id}}, so that "
                             "every incident gets its own file")
        pure = PurePosixPath(pattern)
        if pure.is_absolute() or ".." in pure.parts or "\\" in pattern:
            raise UsageError(f"{where}'new-path' {pattern!r} must be a relative path that "
                             "stays below new-dir")
        return cls(root.resolve(), directory.resolve(), pattern, where)

    def relative(self, incident_id: str, doctype: str, slug: str, date: dt.date) -> PurePosixPath:
        values = {"id": incident_id, "type": doctype, "slug": slug or "incident",
                  "date": date.isoformat(), "year": f"{date.year:04d}",
                  "month": f"{date.month:02d}", "day": f"{date.day:02d}"}
        text = _FIELD.sub(lambda m: values[m.group(1)], self.pattern)
        return PurePosixPath(text)

    def target(self, incident_id: str, doctype: str, slug: str, date: dt.date) -> Path:
        """The file to write; refused when it would leave the repository."""
        if "/" in incident_id or "\\" in incident_id or incident_id in (".", ".."):
            raise UsageError(f"incident ID '{incident_id}' cannot be part of a file path")
        path = self.directory / self.relative(incident_id, doctype, slug, date)
        if not _inside(path, self.root):
            raise UsageError(f"{path} is outside the repository ({self.root})")
        return path

    def claim_folder(self, target: Path, incident_id: str) -> Path | None:
        """The first folder of the target whose name holds the ID: creating it claims the ID."""
        relative = target.relative_to(self.directory)
        folder = self.directory
        for part in relative.parts[:-1]:
            folder = folder / part
            if incident_id in part:
                return folder
        return None
