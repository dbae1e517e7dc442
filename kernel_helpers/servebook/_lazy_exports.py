"""Lazy re-exports: the one mechanism behind servebook's namespace modules.

``servebook``, ``servebook.pyfunc``, ``servebook.models`` and ``servebook.tracking`` each list
``{public name: owning module}``. A name is imported on first attribute access (PEP 562 module
``__getattr__``) and then cached in the namespace's globals, so importing a namespace costs nothing
and pulls in neither pandas nor numpy. Stdlib only: ``servebook/__init__.py`` imports this module.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def lazy_exports(
    namespace: dict[str, Any], exports: Mapping[str, str], submodules: Iterable[str] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Build the ``__getattr__`` and ``__dir__`` of a namespace module.

    Args:
        namespace: the namespace module's ``globals()``; resolved names are cached there.
        exports: public name -> owning module, relative to the namespace's package (``".save"``).
        submodules: names of the namespace package's submodules, imported on access.

    Returns:
        ``(__getattr__, __dir__)``, to assign at the namespace module's top level; ``__dir__``
        lists the namespace's ``__all__``.
    """
    module_name: str = namespace["__name__"]
    package: str = namespace["__package__"]
    lazy_submodules = frozenset(submodules)

    def __getattr__(name: str) -> Any:
        if name in exports:
            value = getattr(importlib.import_module(exports[name], package), name)
            namespace[name] = value
            return value
        if name in lazy_submodules:
            return importlib.import_module(f".{name}", package)
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return list(namespace["__all__"])

    return __getattr__, __dir__
