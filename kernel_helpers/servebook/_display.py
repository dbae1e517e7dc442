"""Display hooks: how a report or a server shows itself in a Jupyter kernel, installed from outside.

:class:`~servebook.inspection.report.ModelReport` and :class:`~servebook.serve.process.LocalServer`
answer IPython's ``_repr_mimebundle_`` through :func:`mimebundle`, which asks the hook installed for
their kind; :mod:`servebook.widgets` installs the card hooks when it is imported (``import servebook``
imports it). So the widgets depend on what they show, never the other way round. Without a hook, or
when a hook answers None (outside a kernel), IPython shows the plain-text repr. Stdlib only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Hook", "install", "mimebundle"]

#: ``hook(obj, include, exclude) -> mime bundle or None``
Hook = Callable[[Any, Any, Any], "dict[str, Any] | None"]

_HOOKS: dict[str, Hook] = {}


def install(kind: str, hook: Hook) -> None:
    """Make ``hook`` answer the display of objects of ``kind`` (``model_report``, ``local_server``)."""
    _HOOKS[kind] = hook


def mimebundle(kind: str, obj: Any, include: Any = None, exclude: Any = None) -> dict[str, Any] | None:
    """The mime bundle the hook for ``kind`` gives ``obj``, or None (plain text) without a hook."""
    hook = _HOOKS.get(kind)
    return None if hook is None else hook(obj, include, exclude)
