"""Bad input found while reading or parsing a document, as plain values.

The modules that find these (``source``, ``parse``) know no rules;
``checks.bad_input`` maps each kind to its rule and builds the finding.
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
