"""Patterns compiled on first use behave as compiled ones, and cost nothing until used."""

from __future__ import annotations

import re

import pytest

from aoslint.lazyre import compile_lazily


def test_nothing_is_compiled_until_the_pattern_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[str] = []
    real_compile = re.compile

    def counting(pattern: str, flags: int = 0) -> re.Pattern[str]:
        compiled.append(pattern)
        return real_compile(pattern, flags)

    monkeypatch.setattr(re, "compile", counting)
    pattern = compile_lazily(r"(?P<h>\d{1,2}):(?P<m>\d{2})", re.ASCII)
    assert compiled == []
    found = pattern.search("at 10:20 UTC")
    assert found is not None and found.group("h", "m") == ("10", "20")
    assert pattern.fullmatch("7:05") is not None and pattern.match("x7:05") is None
    assert compiled == [r"(?P<h>\d{1,2}):(?P<m>\d{2})"]  # once, however often it is used


def test_every_attribute_of_a_compiled_pattern_is_there() -> None:
    lazy = compile_lazily(r"(a)(b)?", re.IGNORECASE)
    eager = re.compile(r"(a)(b)?", re.IGNORECASE)
    assert (lazy.pattern, lazy.flags, lazy.groups) == (eager.pattern, eager.flags, eager.groups)
    assert lazy.sub("-", "xAbya") == eager.sub("-", "xAbya")
    assert [m.span() for m in lazy.finditer("aAB")] == [m.span() for m in eager.finditer("aAB")]
    assert "(a)(b)?" in repr(lazy)


def test_a_bad_pattern_fails_when_used_with_re_error() -> None:
    lazy = compile_lazily(r"(unclosed")
    with pytest.raises(re.error):
        lazy.search("x")


def test_every_pattern_aoslint_declares_compiles() -> None:
    """A pattern compiled on first use could hide a typo until a rare document uses it."""
    import importlib
    import pkgutil

    import aoslint
    from aoslint.lazyre import _Deferred

    def deferred_in(value: object, depth: int = 0) -> list[_Deferred]:
        if isinstance(value, _Deferred):
            return [value]
        if depth < 3 and isinstance(value, (tuple, list)):
            return [d for item in value for d in deferred_in(item, depth + 1)]
        if depth < 3 and isinstance(value, dict):
            return [d for item in value.values() for d in deferred_in(item, depth + 1)]
        return []

    found = []
    for module in pkgutil.walk_packages(aoslint.__path__, "aoslint."):
        if module.name.endswith("__main__"):  # importing it runs the command line
            continue
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            found += deferred_in(value)
    assert len(found) > 90  # the timestamp, duration, placeholder and action patterns
    for pattern in found:
        assert pattern.pattern  # compiles it (re.error otherwise)
