"""Regular expressions compiled when first used, not when their module is imported.

aoslint declares about a hundred patterns for the many ways documents write
times, durations, placeholders and action items. A typical document needs a
few of them, and compiling them all took about 30 ms of every start-up, which
a one-file pre-commit run pays in full.
"""

from __future__ import annotations

import re
from typing import Any, cast


class _Deferred:
    """Stands in for a compiled pattern; compiles it when an attribute is first asked for.

    Each attribute of the compiled pattern (``match``, ``search``, ``pattern``...)
    is then kept on this object, so later uses cost one dictionary lookup, as
    with a pattern compiled up front.
    """

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:  # only for attributes not set yet
        if name.startswith("__"):  # copy, pickle and friends probe for these
            raise AttributeError(name)
        if self._compiled is None:
            self._compiled = re.compile(*self._source)
        value = getattr(self._compiled, name)
        self.__dict__[name] = value
        return value

    def __repr__(self) -> str:
        return f"compile_lazily({self._source[0]!r}, {self._source[1]!r})"


def compile_lazily(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, done when the pattern is first used."""
    return cast("re.Pattern[str]", _Deferred(pattern, flags))
