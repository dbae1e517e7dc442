"""Describing example data as a schema, the way MLflow's ``infer_signature`` does.

:func:`infer_schema` turns a DataFrame, Series, ndarray, dict, list or scalar into a :class:`Schema`;
:func:`infer_param_schema` turns a dict of param values into a :class:`ParamSchema` whose defaults are
those values. numpy and pandas are looked up in ``sys.modules`` (an object of their types can only exist
once they are imported) or imported inside the functions that need them.
"""

from __future__ import annotations

import copy
import datetime as _dt
import sys
from typing import Any

from ..errors import SignatureError, bounded_repr
from .params import ParamSchema, ParamSpec
from .schema import ColSpec, Schema, TensorSpec
from .types import AnyType, Array, ColSpecType, DataType, Map, Object, Property

__all__ = ["infer_param_schema", "infer_schema"]


class _InferenceError(SignatureError):
    """Data that cannot be described by a schema (caught by infer_signature, which falls back to Any)."""


def _loaded(module: str) -> Any:
    """The module if it is already imported (an object of its types can only exist then), else None."""
    return sys.modules.get(module)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return value != value  # NaN
    pd = _loaded("pandas")
    return pd is not None and (value is pd.NA or value is pd.NaT)


def _scalar_type(value: Any) -> DataType:
    kind = type(value)
    found = _PY_SCALARS.get(kind)
    if found is not None:
        return found
    np = _loaded("numpy")
    if np is not None and isinstance(value, np.generic):
        dtype = np.dtype(kind)
        found = _NUMPY_SCALARS.get(dtype.name)
        if found is not None:
            return found
        if dtype.kind in "US":
            return DataType.string if dtype.kind == "U" else DataType.binary
        if isinstance(value, np.datetime64):
            return DataType.datetime
    if isinstance(value, _dt.date):
        return DataType.datetime
    raise _InferenceError(f"Value {bounded_repr(value)} of type {kind.__name__} has no signature type.")


_PY_SCALARS: dict[type, DataType] = {
    bool: DataType.boolean,
    int: DataType.long,
    float: DataType.double,
    str: DataType.string,
    bytes: DataType.binary,
    bytearray: DataType.binary,
    _dt.date: DataType.datetime,
    _dt.datetime: DataType.datetime,
}
# numpy scalar types MLflow maps (other widths are not accepted as scalars)
_NUMPY_SCALARS = {
    "bool": DataType.boolean,
    "int64": DataType.long,
    "int32": DataType.integer,
    "float64": DataType.double,
    "float32": DataType.float,
}


def _numpy_dtype_type(dtype: Any) -> DataType:
    """Map a numpy (or pandas extension) dtype to a DataType, as MLflow does."""
    kind, size = dtype.kind, dtype.itemsize
    if kind == "b":
        return DataType.boolean
    if kind in "iu":
        if size < 4 or (kind == "i" and size == 4):
            return DataType.integer
        if size < 8 or (kind == "i" and size == 8):
            return DataType.long
    elif kind == "f":
        if size <= 4:
            return DataType.float
        if size <= 8:
            return DataType.double
    elif kind == "U":
        return DataType.string
    elif kind == "S":
        return DataType.binary
    elif kind == "M":
        return DataType.datetime
    raise _InferenceError(f"The dtype {dtype} (kind {kind!r}) has no signature type.")


def _merge(a: ColSpecType, b: ColSpecType) -> ColSpecType:
    """Combine the types of two items of one list (objects gain optional properties)."""
    if a == b:
        return a
    if isinstance(a, AnyType):
        return b
    if isinstance(b, AnyType):
        return a
    if isinstance(a, Array) and isinstance(b, Array):
        if isinstance(a.dtype, DataType) and not isinstance(b.dtype, AnyType) and a.dtype != b.dtype:
            raise _InferenceError(f"List items have different types: {a!r} and {b!r}.")
        return Array(_merge(a.dtype, b.dtype))
    if isinstance(a, Map) and isinstance(b, Map):
        return Map(_merge(a.value_type, b.value_type))
    if isinstance(a, Object) and isinstance(b, Object):
        left = {p.name: p for p in a.properties}
        right = {p.name: p for p in b.properties}
        merged = []
        for name in {**left, **right}:
            if name in left and name in right:
                merged.append(
                    Property(
                        name,
                        _merge(left[name].dtype, right[name].dtype),
                        left[name].required and right[name].required,
                    )
                )
            else:
                only = left.get(name) or right[name]
                merged.append(Property(name, only.dtype, required=False))
        return Object(merged)
    raise _InferenceError(f"List items have different types: {a!r} and {b!r}.")


def _infer_type(value: Any) -> ColSpecType | None:
    """The type of one (possibly nested) value; None for an empty numpy array (undetermined)."""
    if _is_missing(value) or (isinstance(value, (list, dict)) and not value):
        return AnyType()
    if isinstance(value, dict):
        props = []
        for key, item in value.items():
            item_type = _infer_type(item)
            if item_type is None:
                raise _InferenceError("A dict value must not be an empty numpy array.")
            props.append(Property(key, item_type, required=not isinstance(item_type, AnyType)))
        return Object(props)
    np = _loaded("numpy")
    if isinstance(value, list) or (np is not None and isinstance(value, np.ndarray)):
        return _infer_list_type(value)
    return _scalar_type(value)


def _infer_list_type(items: Any) -> Array | None:
    result: Array | None = None
    for item in items:
        item_type = _infer_type(item)
        if item_type is None:
            continue
        if result is None:
            result = Array(item_type)
        elif isinstance(result.dtype, DataType):
            if not isinstance(item_type, AnyType) and item_type != result.dtype:
                raise _InferenceError(
                    f"List items have different types ({result.dtype!r} and {item_type!r}); "
                    "use one type per list."
                )
        else:
            result = Array(_merge(result.dtype, item_type))
    return result


def _colspec_type(value: Any) -> ColSpecType:
    found = _infer_type(value)
    if found is None:
        raise _InferenceError(f"Cannot infer a type from the empty array {bounded_repr(value)}.")
    return found


def _no_missing(value: Any) -> bool:
    if isinstance(value, list) or type(value).__name__ == "Series":
        return not any(_is_missing(x) for x in value)
    return not _is_missing(value)


def _pandas_column_type(col: Any) -> ColSpecType:
    if col.values.ndim > 1:
        raise _InferenceError(f"Expected a 1-d column, got shape {col.shape}.")
    if col.dtype.kind == "O":
        col = col.infer_objects()
    if col.dtype.kind == "O":
        try:
            item_list = _colspec_type(col.to_list())
            return item_list.dtype if isinstance(item_list, Array) else item_list
        except SignatureError:
            import pandas as pd

            if pd.api.types.is_string_dtype(col):
                return DataType.string
            raise
    return _numpy_dtype_type(col.dtype)


def _tensor_spec(array: Any, name: str | None = None) -> TensorSpec:
    if array.ndim == 0:
        raise _InferenceError("A 0-dimensional array has no tensor shape; wrap it in a list.")
    return TensorSpec(array.dtype, (-1, *array.shape[1:]), name)


def infer_schema(data: Any) -> Schema:
    """Describe ``data`` as a Schema (column specs, or tensor specs for numpy arrays)."""
    pd = _loaded("pandas")
    np = _loaded("numpy")
    if isinstance(data, list) and not data:
        return Schema([ColSpec(DataType.string)])
    if isinstance(data, list) and all(isinstance(x, dict) for x in data):
        columns: dict[Any, list[Any]] = {}
        for record in data:
            for key, value in record.items():
                columns.setdefault(key, []).append(value)
        specs = []
        for key, values in columns.items():
            col_type = _colspec_type(values)
            required = all(record.get(key) is not None for record in data)
            specs.append(ColSpec(col_type.dtype if isinstance(col_type, Array) else col_type, key, required))
        return Schema(specs)
    if isinstance(data, dict):
        if np is not None and data and all(isinstance(v, np.ndarray) for v in data.values()):
            return Schema([_tensor_spec(v, k) for k, v in data.items()])
        if any(not isinstance(k, str) for k in data):
            raise _InferenceError("The dict keys must all be strings.")
        return Schema([ColSpec(_colspec_type(v), k, _no_missing(v)) for k, v in data.items()])
    if pd is not None and isinstance(data, pd.Series):
        return Schema([ColSpec(_pandas_column_type(data), data.name, _no_missing(data))])
    if pd is not None and isinstance(data, pd.DataFrame):
        return Schema([ColSpec(_pandas_column_type(data[c]), c, _no_missing(data[c])) for c in data.columns])
    if np is not None and isinstance(data, np.ndarray):
        return Schema([_tensor_spec(data)])
    if isinstance(data, list):
        found = _colspec_type(data)
        return Schema([ColSpec(found.dtype if isinstance(found, Array) else found)])
    return Schema([ColSpec(_colspec_type(data))])


def _param_type_and_shape(value: Any) -> tuple[DataType | Object, tuple[int, ...] | None]:
    np = _loaded("numpy")
    if isinstance(value, list) or (np is not None and isinstance(value, np.ndarray)):
        depth = _depth(value)
        if depth != 1:
            raise SignatureError(f"Expected parameters to be 1D array or scalar, got {depth}D array")
        if value is not None and len(value) and all(_is_datetime(v) for v in value):
            return DataType.datetime, (-1,)
        import numpy

        return _numpy_dtype_type(numpy.array(value).dtype), (-1,)
    if _is_datetime(value):
        return DataType.datetime, None
    if isinstance(value, dict):
        found = infer_schema({"value": value}).inputs[0].type
        return found, None
    if isinstance(value, (bool, int, float, str, bytes)) or (
        np is not None and isinstance(value, np.generic)
    ):
        import numpy

        return _numpy_dtype_type(numpy.array(value).dtype), None
    raise SignatureError(f"Expected parameters to be 1D array or scalar, got {type(value).__name__}")


def _is_datetime(value: Any) -> bool:
    if isinstance(value, _dt.date):
        return True
    np = _loaded("numpy")
    return np is not None and isinstance(value, np.datetime64)


def _depth(value: Any) -> int:
    np = _loaded("numpy")
    if np is not None and isinstance(value, np.ndarray):
        return int(value.ndim)
    if isinstance(value, list):
        return 1 + max((_depth(x) for x in value), default=0)
    return 0


def infer_param_schema(params: dict[str, Any]) -> ParamSchema:
    """Describe a dict of param values as a ParamSchema whose defaults are those values.

    Raises SignatureError listing every param that is not a scalar, a 1-D list or a dict.
    """
    if not isinstance(params, dict):
        raise SignatureError(f"params must be a dict of name -> value, got {type(params).__name__}.")
    specs = []
    failures = []
    for name, value in params.items():
        try:
            dtype, shape = _param_type_and_shape(value)
            specs.append(ParamSpec(name, dtype, copy.deepcopy(value), shape))
        except SignatureError as exc:
            failures.append((name, bounded_repr(value), str(exc)))
    if failures:
        raise SignatureError(
            f"Failed to infer schema for parameters: {failures}. Params must be scalars (bool, int, float, "
            "str, datetime), 1-D lists of one of those, or dicts."
        )
    return ParamSchema(specs)
