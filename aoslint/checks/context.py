"""What a document check reads: the model, the parse, its type and the config."""

from __future__ import annotations

import re
from functools import cached_property

import msgspec

from aoslint.closure import claims_closure
from aoslint.config import Config
from aoslint.diagnostics import Severity
from aoslint.document.doctypes import DocType
from aoslint.document.model import Document
from aoslint.document.parse import ParsedDocument
from aoslint.document.validation import Memo
from aoslint.profiles import Profile, default_profile


class CheckContext(msgspec.Struct, frozen=True, dict=True):
    """One document, parsed once and modelled once, handed to every check."""

    document: Document
    parsed: ParsedDocument
    doctype: DocType
    config: Config
    extra_placeholders: tuple[re.Pattern[str], ...] = ()
    memo: Memo | None = None  # remembers schema outcomes across runs (the result cache)
    profile: Profile = msgspec.field(default_factory=default_profile)
    aos_tree: bool = True  # whether the repository has an AOS tree (for hints)

    @property
    def path(self) -> str:
        return self.document.path

    @cached_property
    def closed(self) -> bool:
        """Whether the document claims closure: several checks ask, it is judged once."""
        return claims_closure(self.document, self.config)

    @property
    def gate_severity(self) -> Severity:
        """Errors for a closed document, warnings for an open one."""
        return Severity.ERROR if self.closed else Severity.WARNING
