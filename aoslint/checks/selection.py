"""Which rules a run reports (``select`` less ``ignore``), and so which families it needs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import msgspec

from aoslint.diagnostics import Diagnostic
from aoslint.errors import UsageError
from aoslint.registry import Rule, matches, unknown_selector


def validate_selectors(selectors: Sequence[str], option: str, rules: Sequence[Rule]) -> None:
    """An unknown code or name in --select/--ignore is a usage error, not a silent no-op."""
    for selector in selectors:
        if not any(matches(selector, r.code, r.name) for r in rules):
            raise UsageError(f"{option}: {unknown_selector(selector, rules)}")


class Selection(msgspec.Struct, frozen=True):
    """The codes a run reports: those ``select`` names (empty: all), less ``ignore``."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def reports(self, code: str, name: str) -> bool:
        if self.select and not any(matches(s, code, name) for s in self.select):
            return False
        return not any(matches(s, code, name) for s in self.ignore)

    def wants(self, diag: Diagnostic) -> bool:
        return self.reports(diag.code, diag.name)

    def needs(self, rules: Iterable[Rule]) -> bool:
        """Whether a family that can report only ``rules`` has anything to report."""
        return any(self.reports(r.code, r.name) for r in rules)
