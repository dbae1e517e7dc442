"""Checking and converting input for a tensor schema (a :class:`~servebook.signature.schema.TensorSpec` list).

:func:`enforce_tensors` returns an ndarray (unnamed schema) or a dict of name to ndarray, reshaping in
C order when only the inner dimensions differ and casting only when no value can change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...errors import SignatureError, bounded_repr

if TYPE_CHECKING:  # pragma: no cover
    from ..schema import Schema

__all__ = ["enforce_tensors"]


def _castable(actual: Any, expected: Any) -> bool:
    import numpy as np

    if actual == expected:
        return True
    if np.can_cast(actual, expected, casting="safe"):
        return True
    # integers and booleans into a float tensor (JSON numbers arrive as int64)
    return actual.kind in "biu" and expected.kind == "f"


def _enforce_tensor(value: Any, spec: Any, label: str) -> Any:
    import numpy as np

    expected_type = spec.type
    if not isinstance(value, np.ndarray):
        try:
            value = np.asarray(value, dtype=None if expected_type.kind in "USO" else expected_type)
        except (TypeError, ValueError) as exc:
            raise SignatureError(
                f"Could not convert {label} to a {expected_type} array of shape {spec.shape}: {exc}. "
                "Send a rectangular (non-ragged) nested list of numbers."
            ) from None
    expected = spec.shape
    if len(expected) == 1 and expected[0] == -1 and expected_type == np.dtype("O"):
        return value
    if value.dtype == np.dtype("O") and value.ndim == 1 and len(expected) > 1 and -1 in expected[1:]:
        return value  # ragged input for a spec with variable inner dimensions
    if not _shape_matches(value.shape, expected):
        rows_fixed = len(expected) >= 1 and expected[0] == -1 and -1 not in expected[1:]
        inner = 1
        for d in expected[1:]:
            inner *= d
        given_inner = 1
        for d in value.shape[1:]:
            given_inner *= d
        if rows_fixed and value.ndim >= 1 and given_inner == inner:
            value = value.reshape((value.shape[0], *expected[1:]), order="C")
        else:
            raise SignatureError(
                f"Shape of input {value.shape} does not match expected shape {expected} for {label}. "
                "-1 means any size; reshape the input to the expected shape."
            )
    actual = value.dtype
    if actual.kind == "U" and expected_type.kind == "U" or actual.kind == "S" and expected_type.kind == "S":
        return value
    if actual != expected_type:
        if not _castable(actual, expected_type):
            raise SignatureError(
                f"dtype of input {actual} does not match expected dtype {expected_type} for {label}, and "
                f"converting it could change values. Cast it with .astype('{expected_type}') first if "
                "that is intended."
            )
        value = value.astype(expected_type)
    return value


def _shape_matches(actual: tuple[int, ...], expected: tuple[int, ...]) -> bool:
    return len(actual) == len(expected) and all(
        e == -1 or e == a for a, e in zip(actual, expected, strict=False)
    )


def enforce_tensors(data: Any, schema: Schema) -> Any:
    import numpy as np
    import pandas as pd

    specs = schema.inputs
    if schema.has_input_names():
        if isinstance(data, pd.DataFrame):
            data = {c: _column_to_tensor(data[c]) for c in data.columns}
        if isinstance(data, np.ndarray) and len(specs) == 1:
            data = {specs[0].name: data}
        if not isinstance(data, dict):
            raise SignatureError(
                "This model has a tensor signature with named inputs "
                f"({', '.join(repr(s.name) for s in specs[:12])}); send a dict of name -> array, "
                f"not {type(data).__name__}."
            )
        missing = [s.name for s in specs if s.name not in data]
        if missing:
            raise SignatureError(
                f"Model is missing inputs {missing}. Send a dict with an array for each of "
                f"{[s.name for s in specs][:12]}."
            )
        return {s.name: _enforce_tensor(data[s.name], s, f"input {s.name!r}") for s in specs}
    spec = specs[0]
    if isinstance(data, pd.DataFrame):
        if data.empty:
            raise SignatureError("The input DataFrame is empty; send at least one row.")
        if len(data.columns) == 1:
            data = _column_to_tensor(data[data.columns[0]])
        else:
            data = data.to_numpy()
    elif isinstance(data, dict):
        if len(data) != 1:
            raise SignatureError(
                "This model has a tensor signature with one unnamed input; send an array (or nested list), "
                f"not a dict with keys {bounded_repr(list(data))}."
            )
        data = next(iter(data.values()))
    return _enforce_tensor(data, spec, "the input")


def _column_to_tensor(series: Any) -> Any:
    import numpy as np

    values = series.tolist()
    if values and isinstance(values[0], (list, np.ndarray)):
        try:
            return np.vstack(values)
        except ValueError as exc:
            raise SignatureError(
                f"The values in column {series.name!r} could not be stacked into a tensor ({exc}); "
                "give every row a list of the same length."
            ) from None
    return series.to_numpy()
