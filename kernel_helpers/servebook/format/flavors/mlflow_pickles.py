"""Stand-ins for the MLflow names that MLflow 3.x pickles contain, so they load without mlflow.

Found empirically by saving models with MLflow 3.17.2 and listing the globals their
``python_model.pkl`` refers to:

* ``mlflow.pyfunc.model.PythonModel``: base class of every custom model -> servebook's PythonModel;
* ``mlflow.pyfunc.model._FunctionPythonModel``: function models (state ``{func, signature}``);
* ``mlflow.models.signature._TypeHints``: the cached ``_predict_type_hints`` attribute;
* ``mlflow.pyfunc.utils.data_validation``: the ``predict`` wrapper closure, pickled by value; it
  refers to ``_validate_model_input`` and ``MlflowException`` only when ``predict`` has supported
  type hints.

:mod:`servebook.format.pickling` consults :func:`mlflow_object` only when mlflow is not installed.
"""

from __future__ import annotations

from typing import Any

from ...errors import LoadError

__all__ = ["mlflow_object"]


class _TypeHints:
    """Stand-in for ``mlflow.models.signature._TypeHints``."""

    def __init__(self, input_: Any = None, output: Any = None) -> None:
        self.input = input_
        self.output = output

    def __repr__(self) -> str:
        return f"<input: {self.input}, output: {self.output}>"


def _validate_model_input(args: Any, kwargs: Any, *_ignored: Any) -> tuple[Any, Any]:
    """Stand-in for MLflow's type-hint validation inside its predict wrapper: passes data through."""
    return args, kwargs


_NAMES: dict[tuple[str, str], Any] = {}


def _fill() -> None:
    from ...errors import ModelError
    from ..python_model import PythonModel, PythonModelContext, _FunctionPythonModel

    model = "mlflow.pyfunc.model"
    _NAMES.update(
        {
            (model, "PythonModel"): PythonModel,
            (model, "PythonModelContext"): PythonModelContext,
            (model, "_FunctionPythonModel"): _FunctionPythonModel,
            ("mlflow.pyfunc", "PythonModel"): PythonModel,
            ("mlflow.pyfunc", "PythonModelContext"): PythonModelContext,
            ("mlflow.models.signature", "_TypeHints"): _TypeHints,
            ("mlflow.pyfunc.utils.data_validation", "_validate_model_input"): _validate_model_input,
            ("mlflow.exceptions", "MlflowException"): ModelError,
        }
    )


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
