"""The validating wrapper around a type-hinted ``predict``, as MLflow 3 puts it on every PythonModel.

When a ``PythonModel`` subclass is created (or a function model is wrapped), its ``predict`` is
checked: with a supported input hint (see :mod:`servebook.signature.hints`) it is replaced by a
wrapper that converts the model input to the hinted type and validates it on every call
(:func:`validate_model_input`); an invalid hint (``list`` without element type ...) is refused at
once; an unsupported one gives a warning and no validation.

The same objects stand in for MLflow's names when MLflow-written pickles are loaded
(:mod:`servebook.format.flavors.mlflow_type_hints`): MLflow pickles its wrapper closure by value, and
the closure calls ``_validate_model_input`` with a ``FuncInfo``, both of which servebook provides
here. servebook's own wrapper is pickled as a call of MLflow's ``_wrap_predict_with_pyfunc`` on the
user's function and its FuncInfo (:mod:`servebook.format.pickling`), so MLflow rebuilds its own
wrapper at load time and servebook its own (:func:`wrap_predict`).
"""

from __future__ import annotations

import functools
import inspect
import types
import warnings
from collections.abc import Callable
from typing import Any, NamedTuple

from ..errors import ServebookError, SignatureError
from ..signature.hints import (
    InvalidTypeHintError,
    TypeFromExample,
    context_in_signature,
    describes_nothing,
    extract_type_hints,
    schema_of_list_hint,
)

__all__ = [
    "FuncInfo",
    "func_info_of",
    "is_typed_wrapper",
    "pyfunc",
    "rebuild_wrapper",
    "typed_info",
    "validate_model_input",
    "wrap_predict",
]


class FuncInfo(NamedTuple):
    """What the wrapper needs to know: the input hint and the name of the input parameter."""

    input_type_hint: Any
    input_param_name: str


def _parameter_names(func: Callable[..., Any]) -> list[str]:
    try:
        return [name for name in inspect.signature(func).parameters if name != "self"]
    except (TypeError, ValueError):
        return []


def func_info_of(func: Callable[..., Any]) -> FuncInfo | None:
    """The FuncInfo of ``func`` when its input hint can be validated, else None.

    ``func`` is a ``predict(self, [context,] model_input, params=None)`` function or a one-argument
    callable.

    Raises:
        SignatureError: the input hint is malformed (MLflow refuses such a class too).
    """
    names = _parameter_names(func)
    index = 1 if context_in_signature(func=func) else 0
    if index >= len(names):
        return None
    hint = extract_type_hints(func, input_arg_index=index).input
    if hint is None or hint is TypeFromExample or describes_nothing(hint):
        return None
    try:
        schema_of_list_hint(hint)
    except InvalidTypeHintError as err:
        raise SignatureError(
            f"{err} To disable data validation, remove the type hint from the predict function; "
            "otherwise fix the type hint."
        ) from None
    except Exception as err:  # an unsupported hint only turns validation off
        warnings.warn(
            f"The type hint of the model's predict function is not supported for schema validation: "
            f"{err} Remove the type hint to silence this warning, or give an input example or a "
            "signature when saving the model to validate the input.",
            UserWarning,
            stacklevel=3,
        )
        return None
    return FuncInfo(input_type_hint=hint, input_param_name=names[index])


def _input_position(func: Callable[..., Any]) -> int:
    try:
        parameters = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return 0
    position = 1 if "self" in parameters else 0
    return position + (1 if context_in_signature(parameters=parameters) else 0)


def validate_model_input(
    args: tuple[Any, ...], kwargs: dict[str, Any], position: int, hint: Any, name: str
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Convert and validate the model input found in ``args[position]`` or ``kwargs[name]``.

    Same arguments and result as MLflow's ``_validate_model_input``, whose name MLflow's pickled
    wrapper calls.

    Raises:
        SignatureError: the input does not match ``hint``.
    """
    from ..signature.enforce.type_hints import convert_to_hint, validate

    if name in kwargs:
        kwargs[name] = validate(convert_to_hint(kwargs[name], hint), hint)
    elif len(args) > position:
        data = validate(convert_to_hint(args[position], hint), hint)
        args = (*args[:position], data, *args[position + 1 :])
    return args, kwargs


def wrap_predict(func: Callable[..., Any], info: FuncInfo | None) -> Callable[..., Any]:
    """``func`` with its input validated against ``info``'s hint on every call (``func`` if no info)."""
    if info is None:
        return func
    position = _input_position(func)

    @functools.wraps(func)
    def predict_with_type_hint(*args: Any, **kwargs: Any) -> Any:
        try:
            args, kwargs = validate_model_input(
                args, kwargs, position, info.input_type_hint, info.input_param_name
            )
        except ServebookError:
            raise
        except Exception as err:
            raise SignatureError(
                f"Failed to validate the input data against the type hint `{info.input_type_hint}`. "
                f"Error: {err}"
            ) from err
        return func(*args, **kwargs)

    predict_with_type_hint._is_pyfunc = True  # type: ignore[attr-defined]  # MLflow's marker
    predict_with_type_hint._func_info = info  # type: ignore[attr-defined]
    return predict_with_type_hint


def pyfunc(func: Callable[..., Any]) -> Callable[..., Any]:
    """Validate ``func``'s input against its type hint on every call (MLflow's ``@pyfunc`` decorator)."""
    if is_typed_wrapper(func):
        return func
    return wrap_predict(func, func_info_of(func))


def rebuild_wrapper(func: Callable[..., Any]) -> Callable[..., Any]:
    """:func:`pyfunc` at unpickling time: the hint was already reported when the model was saved."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return pyfunc(func)


def typed_info(wrapper: Callable[..., Any]) -> FuncInfo:
    """The FuncInfo a wrapper made by :func:`wrap_predict` validates with."""
    info: FuncInfo = wrapper._func_info  # type: ignore[attr-defined]
    return info


def is_typed_wrapper(obj: Any) -> bool:
    """True for a function made by :func:`wrap_predict` (what the pickler writes as ``pyfunc(func)``)."""
    return isinstance(obj, types.FunctionType) and obj.__code__ is _WRAPPER_CODE


def _wrapper_code() -> types.CodeType:
    def probe(model_input: list[str]) -> list[str]:
        return model_input

    wrapped = wrap_predict(probe, FuncInfo(list[str], "model_input"))
    code: types.CodeType = wrapped.__code__
    return code


_WRAPPER_CODE = _wrapper_code()
