"""The package's import graph: no cycles (function-level imports included), data flows one way.

The graph is read from the source with :mod:`ast`, so an import inside a function
counts as much as one at the top of a module. Relative imports are resolved
against the importing module's package. Imports under ``if TYPE_CHECKING:`` are
left out: they never run.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = "conflictstats"
ROOT = Path(__file__).resolve().parents[1] / "src" / PACKAGE

#: Modules that analyse (statistics); they must not import plotting or the report.
STATS = ("rates", "trends", "anomalies", "records", "claims", "daily", "_kendall", "_periods",
         "_kinds", "_validate", "observations", "quantities", "calendar", "units")
DRAWING = ("plotting", "report", "cli")


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Package modules that ``name`` imports anywhere in its body."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    package = name if is_pkg else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                    found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == PACKAGE or target.startswith(PACKAGE + "."):
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    found.add(sub if sub in known else target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    found.discard(name)
    return {m for m in found if m in known}


@functools.cache
def _graph() -> dict[str, frozenset[str]]:
    mods = _modules()
    known = set(mods)
    return {name: frozenset(_imports(name, path, known)) for name, path in mods.items()}


def _cycles(graph: dict[str, frozenset[str]] | dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def test_the_graph_sees_function_level_and_relative_imports():
    graph = _graph()
    # the report imports datasets at the top and the anomalies detector inside a function
    assert "conflictstats.datasets" in graph["conflictstats.report.series"]
    assert "conflictstats.anomalies" in graph["conflictstats.report.facts"]
    # a relative import from a subpackage resolves to the parent package's module
    assert "conflictstats.observations" in graph["conflictstats.sources._common"]


def test_the_cycle_finder_finds_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_module_of_the_package_is_in_an_import_cycle():
    graph = {m: {d for d in deps if d != PACKAGE} for m, deps in _graph().items()
             if m != PACKAGE}
    assert _cycles(graph) == []


def test_the_package_init_is_in_no_cycle_either():
    # submodules that import the package itself (for __version__) must not be imported by it
    assert _cycles(_graph()) == []


@pytest.mark.parametrize("stats", STATS)
def test_a_statistics_module_never_imports_plotting_or_the_report(stats):
    name = f"{PACKAGE}.{stats}"
    graph = _graph()
    if name not in graph:
        pytest.skip(f"{name} does not exist yet")
    drawn = {f"{PACKAGE}.{d}" for d in DRAWING}
    # transitively: nothing reachable from a stats module draws
    seen, todo = set(), [name]
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        todo.extend(graph[m])
    reached = {m for m in seen if m in drawn or m.rpartition(".")[0] in drawn}
    assert not reached, f"{name} reaches {sorted(reached)}"


@pytest.mark.parametrize("leaf", ["errors", "units", "_files", "_dates", "_docstrings"])
def test_leaf_modules_import_nothing_but_errors(leaf):
    deps = _graph()[f"{PACKAGE}.{leaf}"]
    assert deps <= {f"{PACKAGE}.errors"}
