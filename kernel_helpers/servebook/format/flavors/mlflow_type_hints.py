"""The MLflow names that pickles of type-hinted models refer to, mapped onto servebook's objects.

Found by saving MLflow 3.17.2 models of every type-hint style and listing the globals of their
``python_model.pkl``:

* ``mlflow.pyfunc.utils.data_validation.FuncInfo`` and ``._validate_model_input``: MLflow's predict
  wrapper is a closure pickled by value; it holds a ``FuncInfo`` and calls ``_validate_model_input``
  (:mod:`servebook.format.typed_predict` provides both, with MLflow's semantics);
* ``mlflow.exceptions.MlflowException``: the same closure re-raises MlflowExceptions and wraps other
  errors in one (:class:`MlflowException` below);
* ``mlflow.types.type_hints.TypeFromExample``: the TypeVar in a ``predict`` annotation;
* ``mlflow.models.signature._TypeHints``: the cached ``_predict_type_hints`` attribute;
* ``mlflow.pyfunc.utils.data_validation._wrap_predict_with_pyfunc``: what servebook's own pickles
  call to rebuild the wrapper (``mlflow.pyfunc.utils.pyfunc``, MLflow's decorator, is mapped too).
"""

from __future__ import annotations

from typing import Any

from ...errors import ServebookError
from ...signature.hints import TypeFromExample, TypeHints
from ..typed_predict import FuncInfo, rebuild_wrapper, validate_model_input, wrap_predict

__all__ = ["NAMES", "MlflowException"]

# MLflow's codes that are the caller's fault; any other code of an MlflowException is the model's
_CLIENT_CODES = frozenset({"INVALID_PARAMETER_VALUE", "BAD_REQUEST"})


class _CountsEveryServebookError(type):
    """``isinstance(err, MlflowException)`` holds for every servebook error, as in MLflow every error
    MLflow raises on purpose is an MlflowException: MLflow's pickled predict wrapper then re-raises
    servebook's validation errors unchanged."""

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, ServebookError)

    def __subclasscheck__(cls, subclass: Any) -> bool:
        return isinstance(subclass, type) and issubclass(subclass, ServebookError)


class MlflowException(ServebookError, metaclass=_CountsEveryServebookError):
    """Stands in for ``mlflow.exceptions.MlflowException`` in MLflow-written pickles.

    ``error_code`` ``INVALID_PARAMETER_VALUE``/``BAD_REQUEST`` keep their meaning (HTTP 400); any
    other code (MLflow's default is ``INTERNAL_ERROR``) is reported as the model's error.
    """

    def __init__(self, message: Any, error_code: Any = "INTERNAL_ERROR", **_kwargs: Any) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.error_code = error_code if error_code in _CLIENT_CODES else "MODEL_ERROR"

    @classmethod
    def invalid_parameter_value(cls, message: Any, **kwargs: Any) -> MlflowException:
        """MLflow's constructor for a bad-input error."""
        return cls(message, error_code="INVALID_PARAMETER_VALUE", **kwargs)


_VALIDATION = "mlflow.pyfunc.utils.data_validation"

#: (module, name) in an MLflow pickle -> the servebook object unpickling uses instead
NAMES: dict[tuple[str, str], Any] = {
    (_VALIDATION, "FuncInfo"): FuncInfo,
    (_VALIDATION, "_validate_model_input"): validate_model_input,
    (_VALIDATION, "_wrap_predict_with_pyfunc"): wrap_predict,
    (_VALIDATION, "pyfunc"): rebuild_wrapper,
    ("mlflow.pyfunc.utils", "pyfunc"): rebuild_wrapper,
    ("mlflow.exceptions", "MlflowException"): MlflowException,
    ("mlflow.types.type_hints", "TypeFromExample"): TypeFromExample,
    ("mlflow.models.signature", "_TypeHints"): TypeHints,
}
