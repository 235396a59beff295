"""What a document check reads: the model, the parse, its type and the config."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aoslint.config import Config
from aoslint.doctypes import DocType
from aoslint.lifecycle import claims_closure
from aoslint.model import Document
from aoslint.parse import ParsedDocument
from aoslint.validation import Memo


@dataclass(frozen=True)
class CheckContext:
    """One document, parsed once and modelled once, handed to every check."""

    document: Document
    parsed: ParsedDocument
    doctype: DocType
    config: Config
    extra_placeholders: tuple[re.Pattern[str], ...] = field(default=())
    memo: Memo | None = None  # remembers schema outcomes across runs (the result cache)

    @property
    def path(self) -> str:
        return self.document.path

    @property
    def closed(self) -> bool:
        return claims_closure(self.document, self.config)
