"""The only module that touches ``sys.path`` and ``sys.modules``: scoped import of a model's ``code/``.

A model's code scope (:class:`LoadedCode`) is its ``code`` directory plus the modules imported from
it, keyed by their ``sys.modules`` names. The scope is *active* while the model loads (unpickling and
``load_context``, see :func:`code_scope`) and during each ``predict``/``predict_stream`` call (see
:func:`scoped_call`). While active, the code directory is first on ``sys.path``, the scope's modules
are bound under their bare names in ``sys.modules``, and any other module of a name the code
directory provides is set aside. On leaving, modules newly imported from the code directory join
the scope, the bare names are removed, what was set aside is put back and ``sys.path`` is restored.
A scope may also carry *aliases*: modules bound under other names while it is active, which is how
model code's ``import mlflow`` finds servebook's stand-ins when MLflow is not installed
(:mod:`.mlflow_alias`); they are removed on leaving like the rest.

So a model may import its ``code_paths`` modules lazily (inside ``predict``, as MLflow's examples
do); between calls nothing of the model stays importable, and two models that ship a module of the
same name work side by side in one process, each with its own copy.

Concurrency: one process has one ``sys.modules``, so one scope is active at a time. Any number of
threads may share the active scope (it is reference counted); a thread wanting another scope waits
until the active one is left. A thread inside a scope may enter another (a model that loads or calls
a second model): the second stacks on top of the first until that thread leaves it. Don't make a
model's ``predict`` wait for *another thread* that calls a second model with ``code_paths``: that
thread waits for the first scope to be left, so both would wait forever.

At save time, :func:`top_level_names` and :func:`imports_of` tell what a set of code paths provides
and imports, read with :mod:`ast` (nothing is executed).
"""

from __future__ import annotations

import ast
import contextlib
import os
import sys
import threading
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

__all__ = [
    "LoadedCode",
    "code_scope",
    "imports_of",
    "scoped_call",
    "scoped_iterator",
    "top_level_names",
]

_T = TypeVar("_T")


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


class LoadedCode:
    """A model's code scope: ``modules`` maps each ``sys.modules`` key it imported to its module.

    ``with scope:`` activates it (re-entrant, thread-safe; see the module docstring). ``roots`` are
    the top-level names the code directory provides; ``aliases`` are modules bound under their keys
    while active. A scope with neither never needs activating (:attr:`needed` is False).
    """

    def __init__(self, code_dir: Path | None, aliases: Mapping[str, types.ModuleType] | None = None) -> None:
        self.code_dir = code_dir
        self.modules: dict[str, types.ModuleType] = {}
        self.roots: frozenset[str] = frozenset()
        self.aliases: dict[str, types.ModuleType] = dict(aliases or {})
        self._entry = ""
        self._names: tuple[str, ...] = ()  # cache of _names_of(self), emptied when modules grow
        if code_dir is not None and code_dir.is_dir():
            self.roots = frozenset(top_level_names(code_dir.iterdir()))
            self._entry = str(code_dir)

    @property
    def needed(self) -> bool:
        """True when activating the scope changes anything (it has code or aliases)."""
        return bool(self.roots or self.aliases)

    def drop_aliases(self) -> None:
        """Stop binding the aliases on later activations (the model's calls do not need them)."""
        if self.aliases:
            self.aliases = {}
            self._names = ()

    def __enter__(self) -> LoadedCode:
        _enter(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        _leave(self)

    def __repr__(self) -> str:
        return f"LoadedCode({str(self.code_dir)!r}, modules={sorted(self.modules)})"


class _Frame:
    """One activation of a scope: who holds it and what to undo when the last holder leaves."""

    __slots__ = ("aliased", "bound", "holders", "marker", "marker_module", "scope", "set_aside", "size")

    def __init__(self, scope: LoadedCode) -> None:
        self.scope = scope
        self.holders: dict[int, int] = {}  # thread ident -> nesting depth in this frame
        self.set_aside: dict[str, types.ModuleType] = {}
        self.bound: tuple[str, ...] = ()
        self.aliased: tuple[str, ...] = ()
        self.marker = ""
        self.marker_module: object = None
        self.size = 0


# Active frames, innermost last. Only the bottom frame is shared between threads; frames above it
# belong to the one thread that entered them from inside the frame below. Every call of a scoped
# model goes through _enter/_leave: keep their common path (one thread, one frame) short.
_stack: list[_Frame] = []
_lock = threading.Lock()
_turn = threading.Condition(_lock)
_waiting = 0  # threads waiting in _enter for another scope to be left
_get_ident = threading.get_ident


def _enter(scope: LoadedCode) -> None:
    global _waiting
    me = _get_ident()
    with _lock:
        if not _stack:
            _activate(scope).holders[me] = 1
            return
        while True:
            top = _stack[-1] if _stack else None
            if top is None:
                frame = _activate(scope)
                break
            if me in top.holders:  # re-entry, or a nested scope entered from inside the top one
                frame = top if top.scope is scope else _activate(scope)
                break
            if top.scope is scope and len(_stack) == 1:
                frame = top
                break
            _waiting += 1
            try:
                _turn.wait()
            finally:
                _waiting -= 1
        frame.holders[me] = frame.holders.get(me, 0) + 1


def _leave(scope: LoadedCode) -> None:
    me = _get_ident()
    with _lock:
        frame = _stack[-1] if _stack else None
        if frame is None or frame.scope is not scope or me not in frame.holders:
            frame = next((f for f in reversed(_stack) if f.scope is scope and me in f.holders), None)
            if frame is None:
                raise RuntimeError(f"{scope!r} is not active in this thread (left without entering it).")
        holders = frame.holders
        depth = holders.pop(me) - 1
        if depth:
            holders[me] = depth
        elif not holders:
            _stack.remove(frame)
            _deactivate(frame)
            if _waiting:
                _turn.notify_all()


def _activate(scope: LoadedCode) -> _Frame:
    frame = _Frame(scope)
    modules = sys.modules
    bound = scope.modules
    for name in scope._names or _names_of(scope):
        module = modules.pop(name, None)
        if module is not None:
            frame.set_aside[name] = module
            # someone else's package: its submodules go aside too (no hasattr: it raises for modules)
            if "__path__" in (getattr(module, "__dict__", None) or ()):
                prefix = name + "."
                for sub in [key for key in modules if key.startswith(prefix)]:
                    frame.set_aside[sub] = modules.pop(sub)
    if scope.aliases:
        modules.update(scope.aliases)
        frame.aliased = tuple(scope.aliases)
    if bound:
        modules.update(bound)
        frame.bound = tuple(bound)
    # sys.modules keeps insertion order: whatever is imported from now on comes after the marker
    frame.marker = marker = next(reversed(modules))
    frame.marker_module = modules[marker]
    frame.size = len(modules)
    if scope._entry:
        sys.path.insert(0, scope._entry)
    _stack.append(frame)
    return frame


def _names_of(scope: LoadedCode) -> tuple[str, ...]:
    """Every sys.modules key that must mean the scope's module while it is active."""
    scope._names = tuple(scope.roots | scope.modules.keys() | scope.aliases.keys())
    return scope._names


def _deactivate(frame: _Frame) -> None:
    scope = frame.scope
    if scope._entry:
        try:
            sys.path.remove(scope._entry)
        except ValueError:  # the model replaced sys.path itself
            pass
    modules = sys.modules
    if scope._entry and (
        len(modules) != frame.size
        or next(reversed(modules)) != frame.marker
        or modules.get(frame.marker) is not frame.marker_module
    ):
        _collect_new_modules(frame)
    for name in frame.aliased:
        modules.pop(name, None)
    for name in frame.bound:
        module = modules.pop(name, None)
        if module is not None:
            scope.modules[name] = module
    if frame.set_aside:
        modules.update(frame.set_aside)


def _collect_new_modules(frame: _Frame) -> None:
    """Move the modules imported from the scope's code since it was activated into the scope."""
    scope, modules = frame.scope, sys.modules
    keys = list(modules)
    start = 0  # marker gone (removed by someone): check every module
    for index in range(len(keys) - 1, -1, -1):
        if keys[index] == frame.marker and modules.get(frame.marker) is frame.marker_module:
            start = index + 1
            break
    prefix = scope._entry + os.sep
    for name in keys[start:]:
        module = modules.get(name)
        if module is not None and (name.partition(".")[0] in scope.roots or _is_inside(module, prefix)):
            scope.modules[name] = modules.pop(name)
            scope._names = ()
    _forget_finders(scope._entry)


def _is_inside(module: types.ModuleType, prefix: str) -> bool:
    # modules imported from the code directory carry the sys.path entry we inserted as their prefix
    file = getattr(module, "__file__", None)
    return isinstance(file, str) and file.startswith(prefix)


def _forget_finders(entry: str) -> None:
    cache = sys.path_importer_cache
    for key in [k for k in cache if k == entry or k.startswith(entry + os.sep)]:
        cache.pop(key, None)


def _after_fork_in_child() -> None:
    # only the forking thread survives: a lock held by another thread would never be released
    global _lock, _turn, _waiting
    _lock = threading.Lock()
    _turn = threading.Condition(_lock)
    _waiting = 0
    me = threading.get_ident()
    for frame in _stack:
        frame.holders = {me: frame.holders[me]} if me in frame.holders else {}
    while _stack and not _stack[-1].holders:
        _deactivate(_stack.pop())


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


@contextlib.contextmanager
def code_scope(
    code_dir: Path | None, aliases: Mapping[str, types.ModuleType] | None = None
) -> Iterator[LoadedCode]:
    """A new scope for ``code_dir`` (and ``aliases``), active for the block (the model's load)."""
    loaded = LoadedCode(code_dir, aliases)
    if not loaded.needed:
        yield loaded
        return
    try:
        with loaded:
            yield loaded
    finally:
        if loaded._entry:
            _forget_finders(loaded._entry)


def scoped_call(scope: LoadedCode | None, call: Callable[[Any, Any], _T]) -> Callable[[Any, Any], _T]:
    """``call(data, params)`` made to run inside ``scope``; ``call`` itself when there is nothing to scope."""
    if scope is None or not scope.needed:
        return call

    def scoped(data: Any, params: Any) -> _T:
        _enter(scope)
        try:
            return call(data, params)
        finally:
            _leave(scope)

    return scoped


def scoped_iterator(scope: LoadedCode, items: Iterator[_T]) -> Iterator[_T]:
    """Iterate ``items`` (a generator's body runs on each ``next``) inside ``scope``, one step at a time."""
    try:
        while True:
            with scope:
                try:
                    item = next(items)
                except StopIteration:
                    return
            yield item
    finally:
        # closed (or collected) before the end: the model's cleanup runs outside the scope, since
        # a garbage collection may run this while _enter/_leave hold the lock
        close = getattr(items, "close", None)
        if close is not None:
            close()
