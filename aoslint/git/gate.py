"""Entries of script quality gates (``scripts/checklist.py``, ``scripts/verify_all.py``).

Kits gate with Python lists of ``(name, script_path, required)`` tuples:
``CORE_CHECKS`` and ``PERFORMANCE_CHECKS`` in checklist.py, and
``VERIFICATION_SUITE`` (dicts whose ``"checks"`` hold such tuples) in
verify_all.py. "The gate was updated" means a new name appeared in one of
them. The source is read with :mod:`ast`, never executed and never matched
with regular expressions, so comments, strings and formatting cannot fool it.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator

GATE_LISTS = frozenset({"CORE_CHECKS", "PERFORMANCE_CHECKS", "VERIFICATION_SUITE"})


def _name_of(node: ast.expr) -> str | None:
    """The entry name if ``node`` is one gate entry."""
    if isinstance(node, ast.Tuple) and len(node.elts) >= 2:
        first = node.elts[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if (
                isinstance(key, ast.Constant)
                and key.value == "name"
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
            ):
                return value.value
    if isinstance(node, ast.Call) and node.args and not _is_builtin_container(node):
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value  # e.g. Check("Security Scan", "...", True)
    return None


def _is_builtin_container(node: ast.Call) -> bool:
    return isinstance(node.func, ast.Name) and node.func.id in {"dict", "list", "tuple"}


def _entries(node: ast.expr) -> Iterator[str]:
    """Entry names inside a gate list's value, in source order."""
    name = _name_of(node)
    if name is not None:
        yield name
        return
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        for element in node.elts:
            yield from _entries(element)
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _entries(value)
    elif isinstance(node, ast.Call):
        for arg in node.args:
            yield from _entries(arg)
        for keyword in node.keywords:
            yield from _entries(keyword.value)
    elif isinstance(node, ast.BinOp):
        yield from _entries(node.left)
        yield from _entries(node.right)
    elif isinstance(node, ast.Starred):
        yield from _entries(node.value)


def _is_gate(target: ast.expr) -> bool:
    return isinstance(target, ast.Name) and target.id in GATE_LISTS


def _assigned(node: ast.AST) -> ast.expr | None:
    """The value assigned (``=``, ``: T =``, ``+=``) to a gate list by ``node``."""
    if isinstance(node, ast.Assign) and any(_is_gate(t) for t in node.targets):
        return node.value
    if isinstance(node, ast.AnnAssign | ast.AugAssign) and _is_gate(node.target):
        return node.value
    return None


def checklist_entries(source: str) -> list[str]:
    """Names of all entries of the gate lists in ``source``.

    Assignments (plain, annotated, ``+=``) and ``.append``/``.extend``/
    ``.insert`` calls on the lists count. Raises :class:`SyntaxError`.
    """
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        value = _assigned(node)
        if value is not None:
            names.extend(_entries(value))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"append", "extend", "insert"}
            and _is_gate(node.func.value)
        ):
            for arg in node.args:
                names.extend(_entries(arg))
    return names


def new_checklist_entries(old_source: str | None, new_source: str) -> list[str]:
    """Entry names in ``new_source`` that ``old_source`` did not have (None: no old file).

    Counted as a multiset, so a second entry with an existing name is new.
    Raises :class:`SyntaxError` if either source does not parse.
    """
    old = Counter(checklist_entries(old_source)) if old_source is not None else Counter[str]()
    added: list[str] = []
    for name in checklist_entries(new_source):
        if old[name] > 0:
            old[name] -= 1
        else:
            added.append(name)
    return added
