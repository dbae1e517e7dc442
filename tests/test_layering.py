"""Import directions between servebook's subpackages, read from every import statement with ast.

Function-level (lazy) imports and ``if TYPE_CHECKING:`` imports count like top-level ones: a lazy
import is still a dependency, and a type-only one still ties a module to the layer it names. The
table below is the one written down in design.md's Layering section; keep the two the same.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "kernel_helpers" / "servebook"
LAB = REPO / "extension" / "servebook_lab"

# unit -> the units it may import (besides itself). A unit is a subpackage or a top-level module.
# Read from the bottom up: errors, the private helpers, signature, format, tracking, then inspection
# and serve side by side, widgets, and the public faces, which may use everything.
FOUNDATION = frozenset({"errors", "_version", "_lazy_exports", "_display"})
ALLOWED: dict[str, frozenset[str]] = {
    "errors": frozenset(),
    "_version": frozenset(),
    "_lazy_exports": frozenset(),
    "_display": frozenset(),
    "signature": FOUNDATION,
    "format": FOUNDATION | {"signature"},
    "tracking": FOUNDATION | {"signature", "format"},
    "inspection": FOUNDATION | {"format", "tracking"},
    "serve": FOUNDATION | {"signature", "format", "tracking"},
    "widgets": FOUNDATION | {"inspection", "serve"},
}
FACES = frozenset({"__init__", "__main__", "cli", "pyfunc", "models", "sklearn"})
# never imported by servebook, not even lazily
FORBIDDEN_PACKAGES = frozenset({"mlflow", "jupyter_server", "tornado", "traitlets", "servebook_lab"})
# what the Jupyter server extension may use: static reading and errors, never a loader that unpickles
LAB_ALLOWED = frozenset({"servebook", "servebook.errors", "servebook.inspection"})
# the modules that unpickle, import or run model code (saving runs predict to infer a signature)
RUNS_MODEL_CODE = (
    "servebook.format.load",
    "servebook.format.save",
    "servebook.format.pickling",
    "servebook.format.code_paths",
    "servebook.format.flavors",
)


@dataclass(frozen=True)
class Import:
    source: str  # importing module (dotted)
    target: str  # imported module (dotted), or the package whose name was imported
    line: int
    type_only: bool  # inside ``if TYPE_CHECKING:``


def _module_name(path: Path, root: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, type_only: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    for child in ast.iter_child_nodes(node):
        guarded = isinstance(node, ast.If) and _is_type_checking(node.test) and child in node.body
        inner = type_only or guarded
        yield child, inner
        yield from _walk(child, inner)


def imports_of(root: Path) -> list[Import]:
    """Every import statement of every module under ``root`` (a directory holding packages)."""
    modules = {_module_name(p, root)[0] for p in root.rglob("*.py")}
    found = []
    for path in sorted(root.rglob("*.py")):
        name, is_package = _module_name(path, root)
        package = name if is_package else name.rpartition(".")[0]
        for node, type_only in _walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [Import(name, alias.name, node.lineno, type_only) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base_parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(base_parts + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                for alias in node.names:
                    submodule = f"{base}.{alias.name}"
                    target = submodule if submodule in modules else base
                    found.append(Import(name, target, node.lineno, type_only))
    return found


def _unit(module: str) -> str | None:
    """``servebook.format.save`` -> ``format``; the package itself -> ``__init__``; others -> None."""
    parts = module.split(".")
    if parts[0] != "servebook":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def direction_violations(imports: list[Import], allowed: Mapping[str, frozenset[str]]) -> list[str]:
    problems = []
    for imp in imports:
        source, target = _unit(imp.source), _unit(imp.target)
        if source is None or target is None or source == target or source in FACES:
            continue
        if source not in allowed:
            problems.append(f"{imp.source}: the unit {source!r} has no row in the layering table")
        elif target not in allowed[source]:
            problems.append(
                f"{imp.source}:{imp.line} imports {imp.target}, but {source} may only import "
                f"{sorted(allowed[source]) or 'nothing of servebook'}"
            )
    return problems


def find_cycle(edges: Mapping[str, set[str]]) -> list[str] | None:
    """One cycle of the directed graph ``edges`` (as a path that ends where it starts), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (cycle := visit(start)) is not None:
            return cycle
    return None


def unit_graph(imports: list[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for imp in imports:
        source, target = _unit(imp.source), _unit(imp.target)
        if source and target and source != target:
            graph.setdefault(source, set()).add(target)
    return graph


def module_graph(imports: list[Import]) -> dict[str, set[str]]:
    """Run-time module dependencies (top-level and lazy imports; type-only ones left out)."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        if not imp.type_only and imp.target.startswith("servebook") and imp.target != imp.source:
            graph.setdefault(imp.source, set()).add(imp.target)
    return graph


SERVEBOOK_IMPORTS = imports_of(PACKAGE.parent)


def test_every_unit_has_a_row_and_the_table_has_no_cycle() -> None:
    units = {_unit(name) for name, _ in (_module_name(p, PACKAGE.parent) for p in PACKAGE.rglob("*.py"))}
    assert units - FACES - set(ALLOWED) == set(), "add the new subpackage to ALLOWED (and design.md)"
    assert find_cycle({unit: set(targets) for unit, targets in ALLOWED.items()}) is None


def test_subpackages_import_only_in_the_allowed_directions() -> None:
    assert direction_violations(SERVEBOOK_IMPORTS, ALLOWED) == []


def test_no_import_cycle_between_subpackages() -> None:
    assert find_cycle(unit_graph(SERVEBOOK_IMPORTS)) is None


def test_no_run_time_import_cycle_between_modules() -> None:
    assert find_cycle(module_graph(SERVEBOOK_IMPORTS)) is None


def test_servebook_never_imports_mlflow_or_jupyter_packages() -> None:
    offenders = [
        f"{imp.source}:{imp.line} imports {imp.target}"
        for imp in SERVEBOOK_IMPORTS
        if imp.target.split(".")[0] in FORBIDDEN_PACKAGES
    ]
    assert offenders == []


def test_the_server_extension_uses_only_the_static_parts() -> None:
    imports = imports_of(LAB.parent)
    used = {imp.target for imp in imports if imp.source.startswith("servebook_lab")}
    offenders = sorted(
        name
        for name in used
        if name.split(".")[0] == "servebook"
        and not any(name == allowed or name.startswith(allowed + ".") for allowed in LAB_ALLOWED)
    )
    assert offenders == []
    assert {"servebook.errors", "servebook.inspection"} <= used  # the scan above saw the real imports


def _reachable(graph: Mapping[str, set[str]], starts: set[str]) -> set[str]:
    """Modules imported, directly or not, when ``starts`` are (a module's parent packages included)."""
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]  # importing a.b.c runs a, a.b
        todo += sorted(graph.get(name, ()))
    return seen


def test_inspection_and_the_server_extension_never_reach_code_that_runs_models() -> None:
    graph = module_graph(SERVEBOOK_IMPORTS)
    inspection = {name for name in graph if name.startswith("servebook.inspection")}
    lab = {imp.target for imp in imports_of(LAB.parent) if imp.target.startswith("servebook")}
    for starts in (inspection, lab):
        reached = _reachable(graph, starts)
        assert "servebook.tracking.mlruns" in reached or starts is lab
        assert sorted(m for m in reached if m.startswith(RUNS_MODEL_CODE)) == []


# ---- the checks themselves: they fail on a forbidden direction and on a cycle -----------------------
def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / "servebook" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        # format importing tracking, lazily, inside a function
        (
            {
                "format/load.py": "def f():\n    from ..tracking import artifacts\n",
                "tracking/artifacts.py": "",
            },
            "direction",
        ),
        # a type-only import of a higher layer is a direction problem too
        (
            {"signature/x.py": "import typing\nif typing.TYPE_CHECKING:\n    from ..format import y\n"},
            "direction",
        ),
        # two modules of one subpackage importing each other at run time (one of them lazily)
        (
            {
                "tracking/entities.py": "def end():\n    from . import fluent\n",
                "tracking/fluent.py": "from .entities import end\n",
            },
            "module cycle",
        ),
    ],
)
def test_the_checks_catch_what_they_are_for(tmp_path: Path, files: dict[str, str], problem: str) -> None:
    files = {"__init__.py": "", **{f"{p.split('/')[0]}/__init__.py": "" for p in files if "/" in p}, **files}
    imports = imports_of(_write(tmp_path, files))
    if problem == "direction":
        assert direction_violations(imports, ALLOWED) != []
    else:
        assert direction_violations(imports, ALLOWED) == []
        assert find_cycle(module_graph(imports)) is not None


def test_a_cycle_between_subpackages_is_found() -> None:
    graph = {"format": {"signature"}, "signature": {"errors", "format"}}
    assert find_cycle(graph) == ["format", "signature", "format"]
    assert find_cycle({"format": {"signature"}, "signature": {"errors"}}) is None
