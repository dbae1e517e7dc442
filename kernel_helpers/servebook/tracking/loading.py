"""``load_model`` for every model URI: the tracking store resolves ``runs:/`` and ``models:/``.

``servebook.load_model`` and ``servebook.pyfunc.load_model`` are this function. ``runs:/<run_id>/<path>``
and ``models:/<name>/<version>`` (``@alias``, ``m-<model_id>``) are downloaded through
:func:`~.artifacts.download_model_uri` (local stores are read in place); the directory is then loaded by
:func:`servebook.format.load.load_model`, which also takes local paths and ``file://`` URIs as they are.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

if TYPE_CHECKING:
    from ..format.load import PyFuncModel

__all__ = ["load_model"]


def load_model(
    model_uri: str | os.PathLike[str],
    suppress_warnings: bool = False,
    model_config: dict[str, Any] | None = None,
    dst_path: str | os.PathLike[str] | None = None,
) -> PyFuncModel:
    """Load an MLflow-format model as a :class:`~servebook.format.load.PyFuncModel`.

    Args:
        model_uri: a model directory, ``file://`` URI, ``runs:/<run_id>/<path>`` or ``models:/...``.
        suppress_warnings: silence the Python/cloudpickle version-mismatch warning.
        model_config: overrides for the saved ``model_config`` (merged key by key).
        dst_path: accepted for MLflow compatibility; local models are read in place.

    Raises:
        ModelFormatError: no MLmodel, or a malformed one.
        LoadError: the model cannot be loaded (missing package, unpickling failure, ...).
        TrackingError: a ``runs:/`` or ``models:/`` URI names nothing in the tracking store.
    """
    from ..format.load import load_model as load_local

    text = os.fspath(model_uri)
    if isinstance(text, bytes):
        text = text.decode()
    if urlparse(text).scheme in ("runs", "models"):
        from .artifacts import download_model_uri

        model_uri = download_model_uri(text)
    return load_local(model_uri, suppress_warnings, model_config, dst_path)
