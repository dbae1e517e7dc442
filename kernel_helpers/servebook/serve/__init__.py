"""The scoring server: ``servebook.serve(model_uri) -> LocalServer`` and its parts.

* :mod:`.protocol`: the MLflow scoring protocol as pure functions (media types, parsing requests,
  encoding predictions, and the fast paths of both);
* :mod:`.app`: the ASGI app (``/ping``, ``/health``, ``/version``, ``/invocations``);
* :mod:`.batching`: opt-in adaptive batching;
* :mod:`.runner`: the child process (bind, load, serve, ready file); :mod:`._watchdog`: parent-death exit;
* :mod:`.process`: the parent side, :func:`serve` and :class:`LocalServer`;
* :mod:`.client`: :class:`~.client.ScoringClient`, for this server or ``mlflow models serve``.

``servebook.serve`` is both this package and the function that starts a server: the package
module is callable (``servebook.serve("model_dir")`` forwards to :func:`servebook.serve.process.serve`),
so the name works whichever was imported first. Importing this package stays light.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

__all__ = ["LocalServer", "serve"]

if TYPE_CHECKING:  # pragma: no cover
    from .process import LocalServer, serve


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import process

        return getattr(process, name)
    raise AttributeError(f"module 'servebook.serve' has no attribute {name!r}")


class _CallableModule(types.ModuleType):
    def __call__(self, model_uri: str, **options: Any) -> Any:
        from .process import serve

        return serve(model_uri, **options)


sys.modules[__name__].__class__ = _CallableModule
