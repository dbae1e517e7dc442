"""The only module that touches ``sys.path`` and ``sys.modules``: scoped import of a model's ``code/``.

While a model loads (unpickling and ``load_context``), :func:`code_scope` puts the model's ``code``
directory first on ``sys.path`` and sets aside any module already imported under a name the code
directory provides. Afterwards it removes the model's modules from ``sys.modules`` (recording exactly
which keys it added), puts back what it set aside and restores ``sys.path``. The loaded objects keep
their module globals, so they keep working; two models that ship a module of the same name load side
by side in one process, each with its own copy.

Consequence to know: after loading, the code directory is no longer importable, so import
``code_paths`` modules at the top of your model's module or in ``load_context`` (not lazily inside
``predict``).

At save time, :func:`top_level_names` and :func:`imports_of` tell what a set of code paths provides
and imports, read with :mod:`ast` (nothing is executed).
"""

from __future__ import annotations

import ast
import contextlib
import os
import sys
import types
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["LoadedCode", "code_scope", "imports_of", "top_level_names"]


def _name_of(entry: Path) -> str | None:
    if entry.name.startswith(".") or entry.name == "__pycache__":
        return None
    if entry.is_dir():
        return entry.name if entry.name.isidentifier() else None
    if entry.suffix == ".py" and entry.stem.isidentifier():
        return entry.stem
    return None


def top_level_names(paths: Iterable[Path]) -> dict[str, Path]:
    """Importable top-level module names provided by ``paths`` (files and package directories)."""
    names: dict[str, Path] = {}
    for path in paths:
        name = _name_of(path)
        if name is not None:
            names[name] = path
    return names


def _python_files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        for root, dirs, files in os.walk(path):
            dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
            for file in files:
                if file.endswith(".py"):
                    yield Path(root, file)
    elif path.suffix == ".py":
        yield path


def imports_of(paths: Iterable[Path]) -> set[str]:
    """Absolute module names imported anywhere in the ``.py`` files under ``paths`` (parsed, not run)."""
    found: set[str] = set()
    for path in paths:
        for file in _python_files(path):
            try:
                tree = ast.parse(file.read_bytes(), filename=str(file))
            except (SyntaxError, ValueError, OSError):
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module)
    return found


def _belongs(name: str, roots: Iterable[str]) -> bool:
    return any(name == root or name.startswith(root + ".") for root in roots)


class LoadedCode:
    """What a code scope imported: ``modules`` maps each added ``sys.modules`` key to its module."""

    def __init__(self, code_dir: Path | None) -> None:
        self.code_dir = code_dir
        self.modules: dict[str, types.ModuleType] = {}

    def __repr__(self) -> str:
        return f"LoadedCode({str(self.code_dir)!r}, modules={sorted(self.modules)})"


@contextlib.contextmanager
def code_scope(code_dir: Path | None) -> Iterator[LoadedCode]:
    """Make ``code_dir`` importable for the duration of the block, then undo every trace of it."""
    loaded = LoadedCode(code_dir)
    if code_dir is None or not code_dir.is_dir():
        yield loaded
        return
    roots = set(top_level_names(code_dir.iterdir()))
    set_aside = {name: module for name, module in sys.modules.items() if _belongs(name, roots)}
    for name in set_aside:
        del sys.modules[name]
    before = set(sys.modules)
    entry = str(code_dir)
    sys.path.insert(0, entry)
    try:
        yield loaded
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(entry)
        for name in set(sys.modules) - before:
            module = sys.modules[name]
            if _belongs(name, roots) or _is_inside(module, entry):
                loaded.modules[name] = sys.modules.pop(name)
        sys.modules.update(set_aside)
        importer_cache = sys.path_importer_cache
        for key in [k for k in importer_cache if k == entry or k.startswith(entry + os.sep)]:
            del importer_cache[key]


def _is_inside(module: types.ModuleType, entry: str) -> bool:
    # modules imported from the code directory carry the sys.path entry we inserted as their prefix
    file = getattr(module, "__file__", None)
    return bool(file) and file.startswith(entry + os.sep)
