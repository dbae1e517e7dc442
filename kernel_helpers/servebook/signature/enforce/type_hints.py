"""Checking and converting a predict input against the function's type hint, the way MLflow 3 does.

Three steps, in MLflow's order:

1. :func:`adapt_dataframe` (the loaded model's side, before the user's ``predict``): a DataFrame
   given to a ``list[str]`` model becomes its first string column, one given to a
   ``list[dict[str, str]]`` model its records;
2. :func:`convert_to_hint` (inside the validating wrapper): any remaining DataFrame becomes a list
   (one column -> its values; ``list[dict]``/pydantic hints -> records), numpy arrays lists and NaN
   None;
3. :func:`validate` : every element is checked; dicts become pydantic instances for a pydantic hint.
   The error names the invalid elements by position and says why, without echoing the data.

JSON requests carry no bytes or datetimes: while :func:`json_input` is active (the scoring server
decoding a request) a string given for a ``bytes`` hint is base64-decoded and one given for a
``datetime`` hint is read as ISO 8601, as MLflow's scoring server does.

:func:`example_format` converts a DataFrame back to the input example's type for models whose hint
is :data:`~servebook.signature.hints.TypeFromExample`.
"""

from __future__ import annotations

import base64
import binascii
import contextvars
import datetime as _dt
import logging
import sys
import typing
from types import NoneType
from typing import Any

from ...errors import SignatureError
from ..hints import HINT_TYPES, hint_repr, is_pydantic_model, list_element_type, origin_type

__all__ = ["adapt_dataframe", "convert_to_hint", "example_format", "json_input", "validate"]

_logger = logging.getLogger("servebook.signature")

_JSON_INPUT: contextvars.ContextVar[bool] = contextvars.ContextVar("servebook_json_input", default=False)
_UNIONS = (typing.Union, type(int | str))
_SHOWN_ELEMENTS = 5


class json_input:  # used like a function: ``with json_input(): ...``
    """Within this block, strings stand for bytes (base64) and datetimes (ISO 8601) as in JSON requests.

    A plain class rather than ``contextlib.contextmanager``: the scoring server enters it on every
    request, and this costs a fraction of a generator-based one.
    """

    __slots__ = ("_token",)

    def __enter__(self) -> None:
        self._token = _JSON_INPUT.set(True)

    def __exit__(self, *_exc: object) -> None:
        _JSON_INPUT.reset(self._token)


def _from_json_text(data: str, hint: type) -> Any:
    if hint is bytes:
        try:
            return base64.decodebytes(data.encode("utf-8"))
        except (binascii.Error, ValueError):
            return data  # not base64: reported as a str where bytes were expected
    if hint is _dt.datetime:
        try:
            return _dt.datetime.fromisoformat(data)
        except ValueError:
            return data
    return data


def validate(data: Any, hint: Any) -> Any:
    """Check ``data`` against ``hint`` and return it, dicts turned into pydantic instances.

    Raises:
        SignatureError: the data does not match; the message names the invalid elements and why.
    """
    if is_pydantic_model(hint):
        return _validate_pydantic(data, hint)
    if hint is Any:
        return data
    if isinstance(hint, type) and hint in HINT_TYPES:
        if _JSON_INPUT.get() and isinstance(data, str):
            data = _from_json_text(data, hint)
        if isinstance(data, hint):
            return data
        raise SignatureError(f"Expected type {hint_repr(hint)}, but got {type(data).__name__}")
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is list:
        return _validate_list(data, args[0])
    if origin is dict:
        return _validate_dict(data, args[1])
    if origin in _UNIONS:
        if NoneType in args:
            if data is None:
                return data
            others = [arg for arg in args if arg is not NoneType]
            if len(others) == 1:
                return validate(data, others[0])
        return data  # a real union is read as Any: not validated
    raise SignatureError(
        f"Unsupported type hint `{hint_repr(hint)}`; the input cannot be validated against it."
    )


def _pydantic_problems(error: Any) -> str:
    lines = []
    for item in error.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in item.get("loc", ())) or "(root)"
        lines.append(f"{where}: {item.get('msg')}")
    return "; ".join(lines)


def _validate_pydantic(data: Any, hint: Any) -> Any:
    import pydantic

    if isinstance(data, pydantic.BaseModel):
        values = data.model_dump()
    elif isinstance(data, dict):
        values = data
    else:
        raise SignatureError(
            f"Expected a dict or an instance of {hint.__name__} for the pydantic type hint, got "
            f"{type(data).__name__}"
        )
    try:
        hint.model_validate(values, strict=True)  # strict: "123" is not an int
    except pydantic.ValidationError as err:
        fields = ", ".join(hint.model_fields)
        raise SignatureError(
            f"Data does not match the type hint {hint.__name__} (fields: {fields}): {_pydantic_problems(err)}"
        ) from None
    return hint(**values) if isinstance(data, dict) else data


def _problems_text(problems: list[tuple[Any, str]]) -> str:
    shown = ", ".join(f"{where}: {why!r}" for where, why in problems[:_SHOWN_ELEMENTS])
    if len(problems) > _SHOWN_ELEMENTS:
        shown += f", ... ({len(problems) - _SHOWN_ELEMENTS} more)"
    return "{" + shown + "}"


def _validate_list(data: Any, element: Any) -> list[Any]:
    if not isinstance(data, list):
        raise SignatureError(f"Expected list, but got {type(data).__name__}")
    result = []
    problems: list[tuple[Any, str]] = []
    for index, item in enumerate(data):
        try:
            result.append(validate(item, element))
        except SignatureError as err:
            problems.append((index, str(err)))
    if problems:
        raise SignatureError(
            f"Failed to validate data against type hint `list[{hint_repr(element)}]`, invalid elements "
            f"(position: reason): {_problems_text(problems)}"
        )
    return result


def _validate_dict(data: Any, value_hint: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise SignatureError(f"Expected dict, but got {type(data).__name__}")
    result = {}
    problems: list[tuple[Any, str]] = []
    for key, value in data.items():
        if not isinstance(key, str):
            problems.append((f"key of type {type(key).__name__}", "Key must be a string"))
            continue
        try:
            result[key] = validate(value, value_hint)
        except SignatureError as err:
            problems.append((repr(key), str(err)))
    if problems:
        raise SignatureError(
            f"Failed to validate data against type hint `dict[str, {hint_repr(value_hint)}]`, invalid "
            f"elements (key: reason): {_problems_text(problems)}"
        )
    return result


# ---- DataFrames -----------------------------------------------------------------------------------
def _sanitize(data: Any) -> Any:
    np = sys.modules.get("numpy")
    if np is None:
        return data
    if isinstance(data, np.ndarray):
        data = data.tolist()
    if isinstance(data, list):
        return [_sanitize(item) for item in data]
    if isinstance(data, dict):
        return {key: _sanitize(value) for key, value in data.items()}
    if isinstance(data, float) and data != data:
        return None
    return data


def convert_to_hint(data: Any, hint: Any) -> Any:
    """A DataFrame given to a ``list[...]``-hinted predict, as a list (other data unchanged).

    Raises:
        SignatureError: a DataFrame for a hint that is not a list.
    """
    pd = sys.modules.get("pandas")
    if pd is None or not isinstance(data, pd.DataFrame) or hint is pd.DataFrame:
        return data
    if origin_type(hint) is not list:
        raise SignatureError(
            f"Only a `list[...]` type hint accepts a pandas DataFrame input; this predict expects "
            f"{hint_repr(hint)}."
        )
    element = list_element_type(hint)
    if element is dict or is_pydantic_model(element):
        result = data.iloc[:, 0].tolist() if list(data.columns) == [0] else data.to_dict(orient="records")
    else:
        if len(data.columns) != 1:
            _logger.warning(
                "A predict with a list[...] type hint of a non-dict element type takes a DataFrame with "
                "one column, but got %d columns; only the first column is used.",
                len(data.columns),
            )
        result = data.iloc[:, 0].tolist()
    return _sanitize(result)


def _first_string_column(frame: Any) -> Any:
    if not len(frame):
        return None
    return next((name for name, value in frame.iloc[0].items() if isinstance(value, str)), None)


def adapt_dataframe(data: Any, hint: Any, schema: Any) -> Any:
    """What the loaded model does with a DataFrame before a ``list[str]`` / ``list[dict[str, str]]`` predict.

    ``schema`` is the model's input schema (an unnamed one-column schema changes how a
    ``list[dict[str, str]]`` model reads a frame, as in MLflow).

    Raises:
        SignatureError: a ``list[str]`` model given a DataFrame without a string column.
    """
    pd = sys.modules.get("pandas")
    if pd is None or not isinstance(data, pd.DataFrame):
        return data
    if hint in (list[str], typing.List[str]):  # noqa: UP006 - MLflow accepts both spellings
        column = _first_string_column(data)
        if column is None:
            raise SignatureError("Expected the model input to contain at least one string column.")
        return data[column].tolist()
    if hint in (list[dict[str, str]], typing.List[typing.Dict[str, str]]):  # noqa: UP006
        inputs = list(getattr(schema, "inputs", None) or [])
        if len(inputs) == 1 and inputs[0].name is None:
            column = _first_string_column(data)
            if column is not None:
                return data[[column]].to_dict(orient="records")
            if len(data.columns) == 1:
                return data.to_dict("list")[0]
        return data.to_dict(orient="records")
    return data


def example_format(data: Any, example: Any) -> Any:
    """A DataFrame converted to the type of the input example (for ``TypeFromExample`` hints)."""
    pd = sys.modules.get("pandas")
    if pd is None or not isinstance(data, pd.DataFrame) or isinstance(example, pd.DataFrame):
        return data
    import numpy as np

    if isinstance(example, pd.Series):
        series = data.iloc[:, 0]
        series.name = example.name
        return series
    if np.isscalar(example):
        return data.iloc[0, 0]
    if isinstance(example, dict):
        if len(data) == 1:
            return data.to_dict(orient="records")[0]
        _logger.warning("A DataFrame of several rows cannot be converted to the example's single dict.")
        return data
    if isinstance(example, list):
        if len(data.columns) == 1 and all(np.isscalar(item) for item in example):
            return data.iloc[:, 0].tolist()
        return data.to_dict(orient="records")
    return data
