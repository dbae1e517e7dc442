"""Which signature ``save_model`` writes for a model with type hints, with MLflow 3's precedence.

:func:`choose_signature` decides, for a custom model or a function model:

* a supported input hint gives the signature (``is_signature_from_type_hint: true``): inputs from
  the hint, outputs from the return hint (``[Any]`` when there is none or it describes nothing),
  params from the example's params. When the caller passed another signature too, the hint wins and
  a warning says so. With an input example, the model is run on it to check the return hint (a
  mismatch turns the output schema into ``[Any]``, with a warning);
* ``TypeFromExample`` gives the signature of the input example (``type_hint_from_example: true``
  when the example is a list, DataFrame or Series), or the given signature;
* otherwise the given signature, or the one inferred from the input example (the caller's job: the
  ``infer`` result says so).

Warnings are logged (or issued) where MLflow gives them; messages are servebook's own.
"""

from __future__ import annotations

import inspect
import logging
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import SaveError, SignatureError
from ..signature.hints import (
    InvalidTypeHintError,
    TypeFromExample,
    TypeHints,
    context_in_signature,
    describes_nothing,
    extract_type_hints,
    is_list_hint,
    schema_of_hint,
    schema_of_list_hint,
)
from .input_example import split_example
from .python_model import PythonModelContext, _FunctionPythonModel

if TYPE_CHECKING:
    from ..signature import ModelSignature, Schema

__all__ = ["SignatureChoice", "choose_signature", "hints_of"]

_logger = logging.getLogger("servebook.save")

TYPE_FROM_EXAMPLE_NEEDS_EXAMPLE = (
    "An input example must be given when predict's type hint is TypeFromExample: pass input_example= "
    "when saving the model."
)


@dataclass(frozen=True)
class SignatureChoice:
    """What to write: the signature, whether to infer it from the example, and the two MLmodel flags.

    Attributes:
        signature: the signature to write (None: none, or ``infer`` says to infer one).
        infer: infer the signature from the input example (then check ``type_hint_from_example``).
        from_type_hint: MLmodel ``is_signature_from_type_hint``.
        type_hint_from_example: MLmodel ``type_hint_from_example`` (for an inferred signature: when
            the example is of a kind the hint accepts).
        validate_example: check the input example against ``signature`` (a given, non-hint signature).
    """

    signature: ModelSignature | None
    infer: bool = False
    from_type_hint: bool = False
    type_hint_from_example: bool = False
    validate_example: bool = False


def hints_of(python_model: Any) -> TypeHints:
    """The type hints of a model's predict (of the function, for a function model)."""
    hints = getattr(python_model, "predict_type_hints", None)
    if isinstance(hints, TypeHints):
        return hints
    predict = getattr(python_model, "predict", None)
    if not callable(predict):
        return TypeHints()
    try:
        index = 1 if context_in_signature(func=predict) else 0
        return extract_type_hints(predict, input_arg_index=index)
    except SignatureError:
        return TypeHints()


def example_kind_fits(example: Any) -> bool:
    """``TypeFromExample`` converts to lists, DataFrames and Series only."""
    data, _ = split_example(example)
    if isinstance(data, list):
        return True
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(data, (pd.DataFrame, pd.Series))


def _warn_example_kind(example: Any) -> bool:
    if example_kind_fits(example):
        return True
    data, _ = split_example(example)
    _logger.warning(
        "With the TypeFromExample type hint the input example must be a pandas DataFrame, a Series or "
        "a list; got %s, so the input is not converted to the example's type.",
        type(data).__name__,
    )
    return False


def choose_signature(
    python_model: Any,
    signature: ModelSignature | None,
    input_example: Any,
    context: Callable[[], PythonModelContext],
) -> SignatureChoice:
    """Decide the signature of a model about to be saved (see the module docstring).

    ``context`` builds the context to run the model's ``load_context`` with (only called when the
    model is run on the example).

    Raises:
        SaveError: the input hint is malformed.
    """
    hints = hints_of(python_model)
    if hints.input is TypeFromExample:
        if signature is None:
            if input_example is None:
                _logger.warning(TYPE_FROM_EXAMPLE_NEEDS_EXAMPLE)
                return SignatureChoice(None)
            return SignatureChoice(None, infer=True, type_hint_from_example=_warn_example_kind(input_example))
        if input_example is None:
            _logger.warning(TYPE_FROM_EXAMPLE_NEEDS_EXAMPLE)
            return SignatureChoice(signature)
        return SignatureChoice(signature, type_hint_from_example=_warn_example_kind(input_example))
    from_hints = None
    if hints.input is not None and not describes_nothing(hints.input):
        from_hints = _signature_from_hints(python_model, hints, input_example, context)
    elif hints.input is not None and signature is None and input_example is None:
        _logger.warning(
            "No signature is saved: the type hint %s describes no schema and there is no input example "
            "to infer one from.",
            hints.input,
        )
    if from_hints is not None:
        if signature is not None and signature != from_hints:
            _logger.warning(
                "The given signature differs from the one inferred from predict's type hints; the type "
                "hints win:\n%s\nRemove the signature argument or make it match the type hints.",
                from_hints,
            )
        return SignatureChoice(from_hints, from_type_hint=True)
    if signature is not None:
        return SignatureChoice(signature, validate_example=input_example is not None)
    return SignatureChoice(None, infer=input_example is not None)


def _predict_function(python_model: Any) -> tuple[Callable[..., Any], bool]:
    """The function run on the example, and whether it validates its input itself."""
    if isinstance(python_model, _FunctionPythonModel):
        func = python_model.func
        return getattr(func, "__wrapped__", func), False  # MLflow runs the plain function here
    predict = python_model.predict
    return predict, bool(getattr(predict, "_is_pyfunc", False))


def _output_schema(hint: Any) -> tuple[Schema, bool]:
    from ..signature import AnyType, ColSpec, Schema

    if hint is not None:
        try:
            return (schema_of_list_hint(hint) if is_list_hint(hint) else schema_of_hint(hint)), True
        except SignatureError as err:
            _logger.info("The return type hint gives no output schema (%s); the outputs are Any.", err)
    return Schema([ColSpec(AnyType())]), False


def _signature_from_hints(
    python_model: Any, hints: TypeHints, input_example: Any, context: Callable[[], PythonModelContext]
) -> ModelSignature | None:
    from ..signature import AnyType, ColSpec, ModelSignature, Schema
    from ..signature.enforce.type_hints import validate
    from ..signature.inference import infer_param_schema

    example, params = split_example(input_example)
    try:
        inputs = schema_of_list_hint(hints.input)
    except InvalidTypeHintError as err:
        raise SaveError(
            f"predict's type hint for the model input is not supported: {err} Use a supported type hint, "
            "or remove the type hint to save without one."
        ) from None
    except SignatureError as err:
        warnings.warn(f"No signature is inferred from the type hint: {err}", UserWarning, stacklevel=4)
        return None
    outputs, output_hint_valid = _output_schema(hints.output)
    params_schema = infer_param_schema(params) if params else None
    if example is not None:
        func, validates_itself = _predict_function(python_model)
        problem = None
        if not validates_itself:
            try:
                validate(example, hints.input)
            except SignatureError as err:
                problem = str(err)
        if problem is not None:
            _logger.warning("The input example does not match predict's type hint: %s", problem)
        else:
            output = _run_on_example(python_model, func, example, params, context)
            if output is not _FAILED and output_hint_valid:
                try:
                    validate(output, hints.output)
                except SignatureError as err:
                    _logger.warning(
                        "The output on the input example does not match the return type hint %s (%s); "
                        "the output schema is Any.",
                        hints.output,
                        err,
                    )
                    outputs = Schema([ColSpec(AnyType())])
    return ModelSignature(inputs, outputs, params_schema)


_FAILED = object()


def _run_on_example(
    python_model: Any,
    func: Callable[..., Any],
    example: Any,
    params: dict[str, Any] | None,
    context: Callable[[], PythonModelContext],
) -> Any:
    try:
        parameters = inspect.signature(func).parameters
    except (TypeError, ValueError):
        parameters = {}  # type: ignore[assignment]
    kwargs = {"params": params} if params and "params" in parameters else {}
    arguments = [None, example] if context_in_signature(parameters=parameters) else [example]
    try:
        load_context = getattr(python_model, "load_context", None)
        if callable(load_context):
            load_context(context())
        return func(*arguments, **kwargs)
    except Exception as exc:  # a failing model must not prevent saving; MLflow only logs this too
        _logger.warning(
            "Could not run predict on the input example (%s: %s); the output schema follows the return "
            "type hint only.",
            type(exc).__name__,
            exc,
        )
        return _FAILED
