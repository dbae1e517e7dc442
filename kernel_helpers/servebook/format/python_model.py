"""What users subclass (:class:`PythonModel`) and what their model receives (:class:`PythonModelContext`).

A custom model implements ``predict`` and optionally ``load_context``::

    class Doubler(servebook.PythonModel):
        def load_context(self, context):          # once, after unpickling
            self.factor = json.load(open(context.artifacts["weights"]))["factor"]

        def predict(self, context, model_input, params=None):
            return model_input * self.factor

``predict(self, model_input, params=None)`` without ``context`` works too (MLflow's rule: a
``predict`` with a parameter named ``context``, or with exactly two parameters besides ``self`` and
``params``, receives the context first). Any object with ``predict`` (and optionally
``load_context``) can be saved, including subclasses of MLflow's own ``PythonModel``; a plain
function of one argument is wrapped in :class:`_FunctionPythonModel`.

Type hints (MLflow 3's recommended style): ``def predict(self, model_input: list[str]) -> list[str]``.
When a subclass is created, a ``predict`` with a supported input hint is wrapped so that every call
converts and validates its input (:mod:`servebook.format.typed_predict`), and ``save_model`` infers
the signature from the hints.
"""

from __future__ import annotations

import abc
import inspect
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .typed_predict import func_info_of, is_typed_wrapper, wrap_predict

if TYPE_CHECKING:
    from ..signature.hints import TypeHints

__all__ = ["PythonModel", "PythonModelContext", "predict_takes_context", "predict_takes_params"]


class PythonModelContext:
    """What ``load_context`` receives: absolute artifact paths and the model configuration.

    Args:
        artifacts: artifact name -> absolute path inside the loaded model directory.
        model_config: the ``model_config`` given at save time (or overridden at load time).
    """

    __slots__ = ("_artifacts", "_model_config")

    def __init__(self, artifacts: Mapping[str, str] | None, model_config: Mapping[str, Any] | None) -> None:
        self._artifacts = dict(artifacts or {})
        self._model_config = dict(model_config or {})

    @property
    def artifacts(self) -> dict[str, str]:
        """Artifact name -> absolute local path."""
        return self._artifacts

    @property
    def model_config(self) -> dict[str, Any]:
        """The model configuration (a dict; empty when none was given)."""
        return self._model_config

    def __repr__(self) -> str:
        return f"PythonModelContext(artifacts={self._artifacts!r}, model_config={self._model_config!r})"


class PythonModel(abc.ABC):
    """Base class of custom models: implement ``predict``, optionally ``load_context``.

    In the saved pickle this class is recorded under MLflow's name
    (``mlflow.pyfunc.model.PythonModel``), so MLflow loads servebook models with its own base class
    and servebook maps MLflow's name back to this class.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # servebook's own subclasses are left alone, as MLflow leaves its mlflow.* classes alone
        if cls.__module__.startswith("servebook.") or getattr(cls, "_skip_type_hint_validation", False):
            return
        predict = cls.__dict__.get("predict")
        if callable(predict) and not is_typed_wrapper(predict):
            cls.predict = wrap_predict(predict, func_info_of(predict))  # type: ignore[method-assign]

    @property
    def predict_type_hints(self) -> TypeHints:
        """The input and output type hints of ``predict`` (MLflow's property of this name)."""
        from ..signature.hints import context_in_signature, extract_type_hints

        index = 1 if context_in_signature(func=self.predict) else 0
        return extract_type_hints(self.predict, input_arg_index=index)

    def load_context(self, context: PythonModelContext) -> None:  # noqa: B027 - optional hook
        """Called once after unpickling, before the first ``predict``; load artifacts here."""

    @abc.abstractmethod
    def predict(
        self, context: PythonModelContext, model_input: Any, params: dict[str, Any] | None = None
    ) -> Any:
        """Return predictions for ``model_input`` (the context argument may be left out)."""

    def predict_stream(
        self, context: PythonModelContext, model_input: Any, params: dict[str, Any] | None = None
    ) -> Any:
        """Yield predictions chunk by chunk; only models that override it are streamable."""
        raise NotImplementedError("This model does not implement predict_stream().")


class _FunctionPythonModel(PythonModel):
    """Wraps a plain function of one argument (``python_model=my_function``).

    The instance state is ``{"func", "signature"}``, the same as MLflow's class of this name, so a
    function model pickled by either tool loads in the other.
    """

    def __init__(self, func: Callable[[Any], Any], signature: Any = None) -> None:
        # a hinted function validates its input, as MLflow wraps it with its @pyfunc decorator
        self.func = func if getattr(func, "_is_pyfunc", False) else wrap_predict(func, func_info_of(func))
        self.signature = signature

    @property
    def predict_type_hints(self) -> TypeHints:
        """The hints of the wrapped function's argument and return value."""
        from ..signature.hints import extract_type_hints

        return extract_type_hints(self.func, input_arg_index=0)

    # no context argument, on purpose: MLflow's rule passes the context only to a predict that asks
    # for it, and a function model's state must stay MLflow's ({func, signature})
    def predict(self, model_input: Any, params: dict[str, Any] | None = None) -> Any:  # type: ignore[override]
        """Call the wrapped function on ``model_input`` (``params`` are not passed)."""
        return self.func(model_input)


def _parameters(method: Callable[..., Any]) -> Mapping[str, inspect.Parameter]:
    try:
        return inspect.signature(method).parameters
    except (TypeError, ValueError):  # builtins without a signature
        return MappingProxyType({})


def predict_takes_context(method: Callable[..., Any]) -> bool:
    """True when a bound ``predict`` expects the context as its first argument (MLflow's rule)."""
    names = [name for name in _parameters(method) if name not in ("self", "params")]
    return "context" in names or len(names) == 2


def predict_takes_params(method: Callable[..., Any]) -> bool:
    """True when a bound ``predict`` accepts ``params`` (by name or through ``**kwargs``)."""
    parameters = _parameters(method)
    return "params" in parameters or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
