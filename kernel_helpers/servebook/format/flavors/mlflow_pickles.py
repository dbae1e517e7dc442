"""Stand-ins for the MLflow names that MLflow 3.x pickles contain, so they load without mlflow.

Found empirically by saving models with MLflow 3.17.2 and listing the globals their
``python_model.pkl`` refers to:

* ``mlflow.pyfunc.model.PythonModel``: base class of every custom model -> servebook's PythonModel;
* ``mlflow.pyfunc.model._FunctionPythonModel``: function models (state ``{func, signature}``);
* the names of type-hinted models (the ``predict`` wrapper's ``FuncInfo`` and
  ``_validate_model_input``, ``MlflowException``, ``TypeFromExample``, ``_TypeHints``): see
  :mod:`.mlflow_type_hints`.

:mod:`servebook.format.pickling` consults :func:`mlflow_object` only when mlflow is not installed.
"""

from __future__ import annotations

from typing import Any

from ...errors import LoadError

__all__ = ["mlflow_object"]


_NAMES: dict[tuple[str, str], Any] = {}


def _fill() -> None:
    from ..python_model import PythonModel, PythonModelContext, _FunctionPythonModel
    from .mlflow_type_hints import NAMES as TYPE_HINT_NAMES

    model = "mlflow.pyfunc.model"
    _NAMES.update(
        {
            (model, "PythonModel"): PythonModel,
            (model, "PythonModelContext"): PythonModelContext,
            (model, "_FunctionPythonModel"): _FunctionPythonModel,
            ("mlflow.pyfunc", "PythonModel"): PythonModel,
            ("mlflow.pyfunc", "PythonModelContext"): PythonModelContext,
        }
    )
    _NAMES.update(TYPE_HINT_NAMES)


def mlflow_object(module: str, name: str) -> Any:
    """The servebook object standing in for ``module.name``; LoadError when there is none."""
    if not _NAMES:
        _fill()
    try:
        return _NAMES[(module, name)]
    except KeyError:
        raise LoadError(
            f"This model's pickle refers to {module}.{name}, an MLflow internal that servebook does "
            "not provide. Load it where MLflow is installed (pip install mlflow==3.17.2), or re-save "
            "the model with servebook."
        ) from None
