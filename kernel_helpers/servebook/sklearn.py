"""MLflow's ``mlflow.sklearn`` names: scikit-learn estimators in MLflow's sklearn layout.

``save_model(sk_model, path, ...)``, ``log_model(sk_model, name=..., ...)`` and ``load_model(model_uri)``
(the estimator itself). What is written loads with MLflow's ``mlflow.sklearn.load_model`` and
``mlflow.pyfunc.load_model``, and serves with ``servebook serve`` and ``mlflow models serve`` alike.
scikit-learn is imported only when one of these is called.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .format.mlmodel import Model
    from .signature import ModelSignature
    from .tracking.entities import ModelInfo

__all__ = [
    "FORMATS",
    "SERIALIZATION_FORMAT_CLOUDPICKLE",
    "SERIALIZATION_FORMAT_PICKLE",
    "load_model",
    "log_model",
    "save_model",
]

SERIALIZATION_FORMAT_CLOUDPICKLE = "cloudpickle"
SERIALIZATION_FORMAT_PICKLE = "pickle"
#: the formats servebook writes (MLflow also knows "skops")
FORMATS = (SERIALIZATION_FORMAT_CLOUDPICKLE, SERIALIZATION_FORMAT_PICKLE)

_PathLike = str | os.PathLike[str]


def save_model(
    sk_model: Any,
    path: _PathLike,
    conda_env: Mapping[str, Any] | _PathLike | None = None,
    code_paths: Sequence[_PathLike] | None = None,
    mlflow_model: Model | None = None,
    serialization_format: str = SERIALIZATION_FORMAT_CLOUDPICKLE,
    signature: ModelSignature | None = None,
    input_example: Any = None,
    pip_requirements: Sequence[str] | _PathLike | None = None,
    extra_pip_requirements: Sequence[str] | _PathLike | None = None,
    pyfunc_predict_fn: str = "predict",
    metadata: Mapping[str, Any] | None = None,
    *,
    overwrite: bool = False,
) -> Model:
    """Save a scikit-learn estimator (see :func:`servebook.format.save_sklearn.save_model`)."""
    from .format.save_sklearn import save_model as save

    return save(
        sk_model,
        path,
        conda_env=conda_env,
        code_paths=code_paths,
        mlflow_model=mlflow_model,
        serialization_format=serialization_format,
        signature=signature,
        input_example=input_example,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
        pyfunc_predict_fn=pyfunc_predict_fn,
        metadata=metadata,
        overwrite=overwrite,
    )


def log_model(
    sk_model: Any,
    artifact_path: str | None = None,
    *,
    name: str | None = None,
    registered_model_name: str | None = None,
    await_registration_for: int | None = None,
    **save_kwargs: Any,
) -> ModelInfo:
    """Log a scikit-learn estimator into the active run (MLflow's ``mlflow.sklearn.log_model``).

    Takes the arguments of :func:`save_model` (``serialization_format``, ``code_paths``, ``signature``,
    ``input_example``, ``pip_requirements``, ``pyfunc_predict_fn`` ...) and returns a ModelInfo whose
    ``model_uri`` is ``models:/<model_id>``.
    """
    from .format.save_sklearn import save_model as save
    from .tracking.fluent import log_with

    del await_registration_for
    return log_with(
        save,
        artifact_path=artifact_path,
        name=name,
        registered_model_name=registered_model_name,
        sk_model=sk_model,
        **save_kwargs,
    )


def load_model(model_uri: _PathLike, dst_path: _PathLike | None = None) -> Any:
    """The estimator of a scikit-learn model (MLflow's ``mlflow.sklearn.load_model``).

    ``model_uri`` is anything ``servebook.load_model`` takes. The model's ``code/`` is importable while
    the estimator is unpickled; for predictions that import it lazily, use ``servebook.pyfunc.load_model``.

    Raises:
        ModelFormatError: not a scikit-learn model.
        LoadError: scikit-learn or a module the estimator needs is missing (the message names it).
    """
    from .format.flavors.sklearn import load_estimator
    from .format.load import model_directory
    from .format.mlmodel import Model
    from .tracking.loading import resolve_model_uri

    del dst_path
    model_dir = model_directory(resolve_model_uri(model_uri))
    estimator, _code = load_estimator(model_dir, Model.load(model_dir))
    return estimator
