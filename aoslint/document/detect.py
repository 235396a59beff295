"""Which document type a file is: front matter, config globs, title, name, sections."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from aoslint.config import Config
from aoslint.document.doctypes import DocType
from aoslint.document.normalize import normalize_title
from aoslint.document.parse import ParsedDocument
from aoslint.errors import UsageError
from aoslint.lazyre import compile_lazily

if TYPE_CHECKING:
    import pathspec

# Titles that name a document *about* incidents rather than the record of one.
_NOT_A_RECORD = compile_lazily(r"\b(policy|policies|guide|guidelines|process|procedure|how to|"
                               r"checklist|rules|playbook|runbook)\b")


class Detection(msgspec.Struct, frozen=True):
    """The type found (or ``None``) and how, for ``--verbose`` and the model output."""

    doctype: DocType | None
    reason: str
    unknown_type_name: str | None = None


class TypeDetector:
    """Applies the detection order once per document, with compiled config globs."""

    def __init__(self, doctypes: dict[str, DocType], config: Config) -> None:
        self.doctypes = doctypes
        types = config.settings.types
        unknown = sorted(set(types) - set(doctypes))
        if unknown:
            raise UsageError(f"{config.path}: types: unknown document type "
                             f"{', '.join(repr(u) for u in unknown)} (known: "
                             f"{', '.join(sorted(doctypes))})")
        self.globs: dict[str, pathspec.GitIgnoreSpec] = {}
        if types:  # pathspec is imported only when the config has type globs
            import pathspec

            self.globs = {name: pathspec.GitIgnoreSpec.from_lines(patterns)
                          for name, patterns in types.items()}

    def detect(self, parsed: ParsedDocument, relative_path: str) -> Detection:
        declared = parsed.front_matter_type
        if declared:
            doctype = self.doctypes.get(declared)
            if doctype is None:
                return Detection(None, "front matter", unknown_type_name=declared)
            return Detection(doctype, "front matter 'type'")
        for name, spec in self.globs.items():
            if spec.match_file(relative_path) and name in self.doctypes:
                return Detection(self.doctypes[name], f"config types.{name}")
        title = normalize_title(parsed.title.title) if parsed.title else ""
        if title and not _NOT_A_RECORD.search(title):
            for doctype in self.doctypes.values():
                if any(_title_matches(title, t) for t in doctype.titles):
                    return Detection(doctype, "title")
        file_name = relative_path.rsplit("/", 1)[-1]
        for doctype in self.doctypes.values():
            if any(p.search(file_name) for p in doctype.filenames):
                return Detection(doctype, "file name")
        return self._by_sections(parsed)

    def _by_sections(self, parsed: ParsedDocument) -> Detection:
        """The type whose sections the document's headings match best, if enough do."""
        names = {normalize_title(h.title) for h in parsed.headings}
        names |= {normalize_title(label.label) for label in parsed.labels}
        has_id = any(f.key == "incident_id" for f in parsed.fields)
        best: tuple[int, DocType] | None = None
        for doctype in self.doctypes.values():
            score = sum(1 for spec in doctype.sections if (spec.names | spec.fallbacks) & names)
            needed = doctype.min_sections - (1 if has_id else 0)
            if score >= max(needed, 1) and (best is None or score > best[0]):
                best = (score, doctype)
        if best is None:
            return Detection(None, "no title, field or section of a known type")
        return Detection(best[1], f"{best[0]} matching sections")


def _title_matches(title: str, wanted: str) -> bool:
    """Whole-word containment: 'Checkout outage postmortem' names a postmortem."""
    return f" {wanted} " in f" {title} "
