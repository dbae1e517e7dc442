"""Notebook widgets (ipywidgets 8): the model card and the server card.

``servebook.inspect(uri)`` returns a :class:`~servebook.inspection.ModelReport` and ``servebook.serve(uri)`` a
:class:`~servebook.serve.process.LocalServer`. In a Jupyter kernel both display as widgets: importing this
package installs :func:`model_card_bundle` / :func:`server_card_bundle` as their display hooks
(:mod:`servebook._display`; ``import servebook`` imports this package). Outside a kernel (a terminal, a
script) or without ipywidgets, the hooks return ``None`` and the plain-text repr is shown.

ipywidgets is imported only when a card is built, never by ``import servebook`` or
``import servebook.widgets``.

Example:
    >>> from servebook.widgets import model_card, server_card
    >>> model_card(servebook.inspect("model"))  # doctest: +SKIP
    >>> server_card(servebook.serve("model"))  # doctest: +SKIP
"""

from __future__ import annotations

import importlib.util
import sys
from typing import TYPE_CHECKING, Any

from .. import _display

if TYPE_CHECKING:  # pragma: no cover
    from .model_widget import ModelCard
    from .server_widget import ServerCard

__all__ = ["model_card", "model_card_bundle", "server_card", "server_card_bundle", "widgets_available"]


def widgets_available() -> bool:
    """Whether cards can be displayed here: ipywidgets is installed and we run inside a Jupyter kernel."""
    if importlib.util.find_spec("ipywidgets") is None:
        return False
    if "ipykernel" not in sys.modules:
        return False
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def model_card(report: Any) -> ModelCard:
    """Build the model-card widget for a ``ModelReport`` (requires ipywidgets)."""
    from .model_widget import ModelCard

    return ModelCard(report)


def server_card(server: Any, example: dict[str, Any] | None = None) -> ServerCard:
    """Build the server-card widget for a ``LocalServer`` (requires ipywidgets).

    ``example`` is the request body to prefill; by default the model's serving example.
    """
    from .server_widget import ServerCard

    return ServerCard(server, example=example)


def _bundle(widget: Any, text: str, include: Any, exclude: Any) -> dict[str, Any]:
    data = dict(widget._repr_mimebundle_(include=include, exclude=exclude) or {})
    data["text/plain"] = text
    return data


def model_card_bundle(report: Any, include: Any = None, exclude: Any = None) -> dict[str, Any] | None:
    """``_repr_mimebundle_`` for ``ModelReport``: the card in a kernel, else ``None`` (plain-text repr)."""
    if not widgets_available():
        return None
    return _bundle(model_card(report), str(report), include, exclude)


def server_card_bundle(server: Any, include: Any = None, exclude: Any = None) -> dict[str, Any] | None:
    """``_repr_mimebundle_`` for ``LocalServer``: the card in a kernel, else ``None`` (plain-text repr)."""
    if not widgets_available():
        return None
    return _bundle(server_card(server), repr(server), include, exclude)


_display.install("model_report", model_card_bundle)
_display.install("local_server", server_card_bundle)
