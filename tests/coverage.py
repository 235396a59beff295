"""Scenario tests declare the rules they prove, for the rule-coverage test.

A rule a lone document cannot show (it needs the repository, git, or bytes that
are not Markdown) is proven by a scenario on real files. ``@covers("AOS515")``
records the claim, and holds the scenario to it: the code must be reported while
the test runs, and the test's own source must name it (the code or the rule's
name), so the claim is what the test asserts, not a side effect.
"""

from __future__ import annotations

import functools
import inspect
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from aoslint.checks import RULES
from aoslint.registry import Rule

Test = TypeVar("Test", bound=Callable[..., Any])

COVERED: defaultdict[str, set[str]] = defaultdict(set)


def covers(*codes: str) -> Callable[[Test], Test]:
    """Declare that the decorated scenario makes aoslint report each of ``codes``."""
    unknown = [code for code in codes if code not in RULES]
    if unknown:
        raise ValueError(f"@covers names no rule: {', '.join(unknown)}")

    def decorate(test: Test) -> Test:
        source = inspect.getsource(test)
        body = source[source.index(f"def {test.__name__}("):]  # without the decorators
        unnamed = [code for code in codes if code not in body and RULES[code].name not in body]
        if unnamed:
            raise ValueError(f"{test.__name__} claims {', '.join(unnamed)} but never names it")
        for code in codes:
            COVERED[code].add(f"{test.__module__}::{test.__name__}")

        @functools.wraps(test)
        def scenario(*args: Any, **kwargs: Any) -> Any:
            reported: set[str] = set()
            build = Rule.diagnostic

            def recording(self: Rule, *a: Any, **k: Any) -> Any:
                reported.add(self.code)
                return build(self, *a, **k)

            Rule.diagnostic = recording  # type: ignore[method-assign]
            try:
                outcome = test(*args, **kwargs)
            finally:
                Rule.diagnostic = build  # type: ignore[method-assign]
            missing = sorted(set(codes) - reported)
            assert not missing, f"{test.__name__} claims to cover {missing}, never reported"
            return outcome

        return scenario  # type: ignore[return-value]

    return decorate
