"""Type hints of a model's ``predict``: which ones describe the input, and the schema they stand for.

MLflow 3 reads the hints of ``predict(self, model_input: list[str]) -> list[str]`` (or of a function
model) to infer the signature and to validate every call. The supported input hints are
``list[T]`` where ``T`` is ``int``, ``str``, ``bool``, ``float``, ``bytes``, ``datetime``, a pydantic
``BaseModel`` subclass, ``list[...]``, ``dict[str, ...]``, ``Optional[...]``, a ``Union`` (read as
any type) or ``typing.Any``. ``pd.DataFrame``, ``pd.Series``, ``np.ndarray`` and scipy's sparse
matrices are allowed but describe nothing (:func:`describes_nothing`), and :data:`TypeFromExample`
asks for the signature of the input example.

:func:`schema_of_list_hint` gives the one-column schema MLflow writes (``list[str]`` ->
``[{"type": "string", "required": true}]``; a pydantic model -> an ``object`` with its fields as
properties). Checking data against a hint at predict time is :mod:`.enforce.type_hints`.

pydantic is optional: a hint can only be a pydantic class once pydantic is imported, so this module
looks it up in ``sys.modules`` and never imports it.
"""

from __future__ import annotations

import datetime as _dt
import inspect
import logging
import re
import sys
import typing
import warnings
from collections.abc import Callable, Mapping
from types import MappingProxyType, NoneType, UnionType
from typing import Any, NamedTuple, TypeVar

from ..errors import SignatureError
from .schema import ColSpec, Schema
from .types import AnyType, Array, ColSpecType, DataType, Map, Object, Property

__all__ = [
    "HINT_TYPES",
    "SUPPORTED_HINTS_MESSAGE",
    "InvalidTypeHintError",
    "TypeFromExample",
    "TypeHints",
    "context_in_signature",
    "describes_nothing",
    "extract_type_hints",
    "hint_repr",
    "is_list_hint",
    "is_pydantic_model",
    "list_element_type",
    "origin_type",
    "schema_of_hint",
    "schema_of_list_hint",
]

_logger = logging.getLogger("servebook.signature")

#: ``predict(self, model_input: TypeFromExample)``: convert the input to the input example's type
#: (a list or a DataFrame) after the signature inferred from that example has been enforced.
TypeFromExample = TypeVar("TypeFromExample")

#: scalar hints and the column type each stands for (numpy scalar types are not supported)
HINT_TYPES: Mapping[type, DataType] = MappingProxyType(
    {
        int: DataType.long,
        str: DataType.string,
        bool: DataType.boolean,
        float: DataType.double,
        bytes: DataType.binary,
        _dt.datetime: DataType.datetime,
    }
)

SUPPORTED_HINTS_MESSAGE = (
    "Type hints must be a list[...] whose element type is one of int, str, bool, float, bytes, "
    "datetime, a pydantic BaseModel subclass, a list or dict of those, or typing.Any."
)
OPTIONAL_INPUT_MESSAGE = (
    "Input cannot be an Optional type. Remove the Optional wrapper from the type hint; for optional "
    "fields, use a pydantic model whose fields default to None."
)
_UNIONS = (typing.Union, UnionType)


class InvalidTypeHintError(SignatureError):
    """A hint that is malformed (``list`` without an element type, ``dict[int, str]`` ...).

    MLflow refuses such a hint outright (at class creation, and at save); any other unsupported
    hint only disables validation, with a warning.
    """


class TypeHints:
    """The input and output hints of a predict function (MLflow's ``_TypeHints``)."""

    def __init__(self, input_: Any = None, output: Any = None) -> None:
        self.input = input_
        self.output = output

    def __repr__(self) -> str:
        return f"<input: {self.input}, output: {self.output}>"


class _Required(NamedTuple):
    dtype: ColSpecType
    required: bool


def is_pydantic_model(hint: Any) -> bool:
    """True for a pydantic ``BaseModel`` subclass (False whenever pydantic is not imported)."""
    pydantic = sys.modules.get("pydantic")
    if pydantic is None or not isinstance(hint, type):
        return False
    try:
        return issubclass(hint, pydantic.BaseModel)
    except TypeError:  # parametrised generics look like classes but are not
        return False


def describes_nothing(hint: Any) -> bool:
    """True for the hints that are allowed but give no signature: DataFrame, Series, ndarray, sparse."""
    if not isinstance(hint, type):
        return False
    pd = sys.modules.get("pandas")
    if pd is not None and hint in (pd.DataFrame, pd.Series):
        return True
    np = sys.modules.get("numpy")
    if np is not None and hint is np.ndarray:
        return True
    sparse = sys.modules.get("scipy.sparse")
    return sparse is not None and hint in (sparse.csc_matrix, sparse.csr_matrix)


def hint_repr(hint: Any) -> str:
    """How messages show a hint: ``str``, ``Item`` for classes, ``list[str]`` otherwise."""
    if type(hint) is type or is_pydantic_model(hint):
        return str(hint.__name__)
    return str(hint)


def origin_type(hint: Any) -> Any:
    """``typing.get_origin``, seeing through ``Optional[X]``; a real union counts as ``Any``."""
    origin = typing.get_origin(hint)
    if origin in _UNIONS:
        args = typing.get_args(hint)
        if NoneType in args and len(args) == 2:
            return origin_type(next(arg for arg in args if arg is not NoneType))
        return Any
    return origin


def is_list_hint(hint: Any) -> bool:
    """True for ``list`` and ``list[...]`` (also inside ``Optional``)."""
    return hint is list or origin_type(hint) is list


def list_element_type(hint: Any) -> Any:
    """The ``T`` of ``list[T]``.

    Raises:
        InvalidTypeHintError: ``list`` without an element type, or with several.
        SignatureError: an ``Optional[list[...]]`` input.
    """
    args = typing.get_args(hint)
    if NoneType in args:
        raise SignatureError(OPTIONAL_INPUT_MESSAGE)
    if not args:
        raise InvalidTypeHintError(
            f"Type hint `{hint_repr(hint)}` has no element type: write e.g. `list[str]` instead of `list`."
        )
    if len(args) > 1:
        raise InvalidTypeHintError(
            f"Type hint `{hint_repr(hint)}` has {len(args)} element types; a list hint has exactly one, "
            "e.g. `list[int]`."
        )
    return args[0]


def _type_of_hint(hint: Any) -> _Required:
    if hint is Any:
        warnings.warn(
            "The type hint Any is inferred as AnyType, and the data is not validated for it. Use a more "
            "specific type hint to enable data validation.",
            UserWarning,
            stacklevel=3,
        )
        return _Required(AnyType(), True)
    if isinstance(hint, type) and hint in HINT_TYPES:
        return _Required(HINT_TYPES[hint], True)
    if is_pydantic_model(hint):
        return _Required(_object_of_pydantic(hint), True)
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is list:
        return _Required(Array(_type_of_hint(list_element_type(hint)).dtype), True)
    if origin is dict:
        if len(args) != 2:
            raise InvalidTypeHintError(
                f"A dictionary type hint needs a key and a value type, got {hint_repr(hint)}."
            )
        if args[0] is not str:
            raise InvalidTypeHintError(
                f"Dictionary keys must be str, got {args[0]} in the type hint {hint_repr(hint)}."
            )
        return _Required(Map(_type_of_hint(args[1]).dtype), True)
    if origin in _UNIONS:
        if NoneType in args:
            others = [arg for arg in args if arg is not NoneType]
            if len(others) == 1:
                return _Required(_type_of_hint(others[0]).dtype, False)
            _logger.warning(
                "A Union type hint with several non-None types is inferred as AnyType; its element "
                "types are not validated."
            )
            return _Required(AnyType(), False)
        _logger.warning("A Union type hint is inferred as AnyType; its element types are not validated.")
        return _Required(AnyType(), True)
    if hint in (list, dict, typing.Optional, *_UNIONS):
        raise InvalidTypeHintError(
            f"Invalid type hint `{hint_repr(hint)}`: it needs an element type. {SUPPORTED_HINTS_MESSAGE}"
        )
    raise SignatureError(f"Unsupported type hint `{hint_repr(hint)}`. {SUPPORTED_HINTS_MESSAGE}")


def _object_of_pydantic(model: type) -> Object:
    properties = []
    for name, field in model.model_fields.items():  # type: ignore[attr-defined]
        if field.annotation is None:
            raise InvalidTypeHintError(
                f"The field {name!r} of the pydantic model {model.__name__} has no type annotation; add one."
            )
        found = _type_of_hint(field.annotation)
        if not found.required and field.is_required():
            raise InvalidTypeHintError(
                f"The optional field `{name}` of the pydantic model `{model.__name__}` has no default "
                "value; set its default to None."
            )
        properties.append(Property(name, found.dtype, found.required))
    return Object(properties)


def schema_of_hint(hint: Any) -> Schema:
    """The one-column schema of an element hint (``str`` -> ``[{"type": "string"}]``).

    Raises:
        InvalidTypeHintError: a malformed hint, or an Optional one (a column cannot be optional here).
        SignatureError: a hint that describes no type.
    """
    found = _type_of_hint(hint)
    if not found.required:
        raise InvalidTypeHintError(OPTIONAL_INPUT_MESSAGE)
    return Schema([ColSpec(found.dtype, required=True)])


def schema_of_list_hint(hint: Any) -> Schema:
    """The schema of a ``list[T]`` input hint: one unnamed column of ``T``'s type.

    Raises:
        InvalidTypeHintError: a malformed hint (MLflow refuses to save or even define the class).
        SignatureError: a hint that is not a list, or whose elements describe no type.
    """
    if not is_list_hint(hint):
        raise SignatureError(
            "Type hints must be wrapped in list[...] because predict takes several input instances: "
            f"write `list[{hint_repr(hint)}]` for a valid signature."
        )
    return schema_of_hint(list_element_type(hint))


# ---- reading the hints of a function --------------------------------------------------------------
def _parameters(func: Callable[..., Any]) -> Mapping[str, inspect.Parameter]:
    try:
        return inspect.signature(func).parameters
    except (TypeError, ValueError):
        return MappingProxyType({})


def context_in_signature(
    func: Callable[..., Any] | None = None, parameters: Mapping[str, Any] | None = None
) -> bool:
    """MLflow's rule: ``predict`` takes the context when it has a parameter named ``context``, or
    exactly two parameters besides ``self`` and ``params``."""
    if parameters is None:
        parameters = _parameters(func) if func is not None else {}
    names = [name for name in parameters if name not in ("self", "params")]
    return "context" in parameters or len(names) == 2


_LIST_OF_STR = re.compile(r"^(t\w*\.)?list\[str\]$", re.IGNORECASE)
_LIST_OF_STR_DICT = re.compile(r"^(t\w*\.)?list\[(t\w*\.)?dict\[str,str\]\]$", re.IGNORECASE)


def _hint_from_text(text: str) -> Any:
    compact = text.replace(" ", "")
    if _LIST_OF_STR.match(compact):
        return list[str]
    if _LIST_OF_STR_DICT.match(compact):
        return list[dict[str, str]]
    return None


def extract_type_hints(func: Any, input_arg_index: int) -> TypeHints:
    """The hints of ``func``'s input argument (the ``input_arg_index``-th after ``self``) and return.

    String annotations that cannot be evaluated (``from __future__ import annotations`` naming a
    type that is not importable) are read for ``list[str]`` and ``list[dict[str, str]]`` only, as
    MLflow does; anything else unreadable gives no hints.
    """
    if not hasattr(func, "__annotations__") and callable(func):
        return extract_type_hints(func.__call__, input_arg_index)
    annotations = getattr(func, "__annotations__", None) or {}
    if not annotations:
        return TypeHints()
    names = [name for name in _parameters(func) if name != "self"]
    if input_arg_index >= len(names):
        raise SignatureError(
            f"The input argument index {input_arg_index} is out of range for the function's "
            f"parameters {names}."
        )
    name = names[input_arg_index]
    try:
        hints = typing.get_type_hints(func)
    except (TypeError, NameError):
        hints = {}
        for key in (name, "return"):
            text = annotations.get(key)
            if isinstance(text, str):
                found = _hint_from_text(text)
                if found is not None:
                    hints[key] = found
                else:
                    _logger.info("Unsupported type hint %s; no schema is inferred from it.", text)
    except Exception as exc:  # a broken annotation must not break the model
        _logger.warning("Could not read the type hints of %s: %r", getattr(func, "__name__", func), exc)
        return TypeHints()
    return TypeHints(hints.get(name), hints.get("return"))
