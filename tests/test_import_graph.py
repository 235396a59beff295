"""The package's import graph has no circle, so every module can be read bottom-up.

The graph holds every import that runs: module-level ones and the deferred
ones inside functions (a deferred import still closes a circle, it only hides
it from start-up). Imports under ``if TYPE_CHECKING:`` never run and do not
count. What importing a module loads (module-level imports only) is checked
where a seam keeps the git layer and its subprocess out of a run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import aoslint

PACKAGE = Path(aoslint.__file__).parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def runtime_imports(tree: ast.AST, deferred: bool = True) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run outside TYPE_CHECKING blocks.

    ``deferred=False`` leaves out the imports inside functions: what importing runs.
    """
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            pending.extend(node.orelse)
            continue
        if not deferred and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        pending.extend(ast.iter_child_nodes(node))
    return found


def import_graph(deferred: bool = True) -> dict[str, set[str]]:
    """Module -> the aoslint modules it imports (``from pkg import mod`` names ``pkg.mod``)."""
    files = {module_name(path): path for path in PACKAGE.rglob("*.py")}

    def owner(name: str) -> str:
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name

    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in runtime_imports(ast.parse(path.read_text(encoding="utf-8")), deferred):
            if isinstance(node, ast.Import):
                targets.update(owner(alias.name) for alias in node.names)
                continue
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets.add(owner(base))
            targets.update(f"{base}.{alias.name}" for alias in node.names
                           if f"{base}.{alias.name}" in files)
        targets.discard("")
        targets.discard(name)
        graph[name] = {target for target in targets if target.startswith("aoslint")}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of the graph as a path that returns to its start, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_graph_sees_deferred_imports_and_skips_type_checking_ones() -> None:
    graph = import_graph()
    assert "aoslint.checks" in graph["aoslint.runner"]  # module level
    assert "aoslint.runner" in graph["aoslint.cli"]  # inside a function
    assert "aoslint.config" not in graph["aoslint.discovery.layout"]  # only under TYPE_CHECKING
    assert "aoslint.runner" not in import_graph(deferred=False)["aoslint.cli"]


def test_find_cycle_reports_the_circle_it_finds() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_aoslint_has_no_import_circle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or ())


def test_no_module_below_checks_imports_a_check() -> None:
    graph = import_graph()
    # The pipeline's top: it runs the checks, keeps their findings (the result
    # store) and reports them.
    above = ("aoslint.checks", "aoslint.runner", "aoslint.store", "aoslint.cli", "aoslint.docs",
             "aoslint.report")
    upward = sorted(
        f"{name} -> {target}" for name, targets in graph.items() for target in targets
        if target.startswith("aoslint.checks") and not name.startswith(above))
    assert upward == []


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    pending = [start]
    while pending:
        for target in graph.get(pending.pop(), ()):
            if target not in seen:
                seen.add(target)
                pending.append(target)
    return seen


@pytest.mark.parametrize("family", ["aoslint.checks.rule_citations",
                                    "aoslint.checks.closure_checks"])
def test_importing_a_family_that_reads_only_the_document_loads_no_git(family: str) -> None:
    loaded = reachable(import_graph(deferred=False), family)
    assert not {m for m in loaded if m.startswith("aoslint.git")}
