"""Problems found while reading a document or applying its directives, as plain values.

The modules that find these (``source``, ``parse``, ``suppress``) know no
rules; ``checks.bad_input`` and ``checks.suppression_checks`` map each kind
to its rule and build the finding.
"""

from __future__ import annotations

from enum import StrEnum

import msgspec


class InputKind(StrEnum):
    """What went wrong with a document's bytes or its front matter."""

    UNREADABLE = "unreadable"  # could not be opened or read
    ENCODING = "encoding"  # not UTF-8
    BINARY = "binary"  # a NUL byte
    FRONT_MATTER = "front-matter"  # the YAML does not parse: no field can be read
    REPEATED_KEY = "repeated-key"  # a front matter key given twice


class InputProblem(msgspec.Struct, frozen=True):
    """One problem, at a 1-based line and column of the document."""

    kind: InputKind
    path: str
    line: int
    column: int
    message: str


class DirectiveKind(StrEnum):
    """What is wrong with an inline ``<!-- aoslint-... -->`` directive."""

    UNKNOWN_DIRECTIVE = "unknown-directive"  # a misspelt kind: aoslint-disable-nextline
    UNKNOWN_SELECTOR = "unknown-selector"  # a code, prefix or name of no rule
    NOT_SUPPRESSIBLE = "not-suppressible"  # names a rule no directive may silence
    NOTHING_TO_ENABLE = "nothing-to-enable"  # an aoslint-enable with no disable open
    CLOSURE_GATE = "closure-gate"  # would silence a closure gate the config does not allow
    UNUSED = "unused"  # the directive, or some of its selectors, silenced nothing


class DirectiveProblem(msgspec.Struct, frozen=True):
    """One directive's problem, at its 1-based line and column (``hint``: else the fix)."""

    kind: DirectiveKind
    path: str
    line: int
    column: int
    message: str
    hint: str | None = None
