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
    from .entities import ModelInfo

__all__ = ["get_model_info", "load_model", "resolve_model_uri"]


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

    return load_local(resolve_model_uri(model_uri), suppress_warnings, model_config, dst_path)


def resolve_model_uri(model_uri: str | os.PathLike[str]) -> str | os.PathLike[str]:
    """A local location for ``model_uri``: ``runs:/`` and ``models:/`` URIs downloaded, others as given."""
    text = os.fspath(model_uri)
    if isinstance(text, bytes):
        text = text.decode()
    if urlparse(text).scheme in ("runs", "models"):
        from .artifacts import download_model_uri

        return download_model_uri(text)
    return model_uri


def get_model_info(model_uri: str | os.PathLike[str]) -> ModelInfo:
    """The metadata of a model (MLflow's ``mlflow.models.get_model_info``), read from its ``MLmodel``.

    ``model_uri`` is anything :func:`load_model` takes. Nothing of the model is loaded or run.
    ``ModelInfo.model_uri`` is ``models:/<model_id>`` for a logged model (as MLflow 3 gives it),
    ``runs:/<run_id>/<artifact_path>`` for an older run model, else ``model_uri`` itself.

    Raises:
        ModelFormatError: no MLmodel, or a malformed one.
        TrackingError: a ``runs:/`` or ``models:/`` URI names nothing in the tracking store.
    """
    from ..errors import ModelFormatError, TrackingError
    from ..format.mlmodel import Model
    from .entities import ModelInfo

    location = resolve_model_uri(model_uri)
    path = os.fspath(location)
    if path.startswith("file:"):
        from ..format.uri import parse_location

        parsed = parse_location(path, error=ModelFormatError)
        path = os.fspath(parsed.path) if parsed.path is not None else path
    metadata = Model.load(path)
    name = metadata.artifact_path
    location_uri = metadata.artifact_path
    if metadata.model_id:
        uri = f"models:/{metadata.model_id}"
        from .store import get_store

        try:
            record = get_store().get_logged_model(metadata.model_id)
            name, location_uri = record.name, record.artifact_location
        except TrackingError:  # a logged model copied out of its store: the MLmodel is all we have
            pass
    elif metadata.run_id and metadata.artifact_path:
        uri = f"runs:/{metadata.run_id}/{metadata.artifact_path}"
    else:
        uri = os.fspath(model_uri)
    return ModelInfo(
        model_uri=uri,
        run_id=metadata.run_id,
        artifact_path=name,
        model_id=metadata.model_id,
        artifact_location=location_uri,
        flavors=metadata.flavors,
        signature=metadata.signature,
        model_uuid=metadata.model_uuid,
        utc_time_created=metadata.utc_time_created,
        mlflow_version=metadata.mlflow_version,
        metadata=metadata.metadata,
        saved_input_example_info=metadata.saved_input_example_info,
    )
