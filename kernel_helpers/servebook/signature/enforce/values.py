"""Checking one value against a column type, for array, object, map and any columns and object params.

:func:`check_value` walks nested lists and dicts; the checks are the ones MLflow applies to such values
(no numpy needed: numpy scalars are recognised by their type names).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ...errors import SignatureError, bounded_repr
from ..types import AnyType, Array, DataType, Map, Object

__all__ = ["check_value"]


def _check_scalar_value(value: Any, dtype_name: str) -> Any:
    kind = type(value)
    if dtype_name == "string" and isinstance(value, str):
        return value
    if dtype_name == "binary" and isinstance(value, (bytes, bytearray)):
        return value
    if dtype_name == "boolean" and (kind is bool or kind.__name__ == "bool"):
        return bool(value)
    if (
        dtype_name in ("integer", "long")
        and not isinstance(value, bool)
        and (
            isinstance(value, int)
            or kind.__name__ in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32")
        )
    ):
        if dtype_name == "integer" and not -(2**31) <= int(value) < 2**31:
            raise SignatureError(f"{bounded_repr(value)} does not fit in a 32-bit integer")
        return int(value)
    if (
        dtype_name in ("float", "double")
        and not isinstance(value, bool)
        and (isinstance(value, (int, float)) or kind.__name__.startswith(("float", "int", "uint")))
    ):
        return float(value)
    if dtype_name == "datetime" and isinstance(value, (_dt.date, str)):
        return value
    if dtype_name == "datetime" and kind.__name__ == "datetime64":
        return value
    raise SignatureError(f"expected {dtype_name}, got {kind.__name__} {bounded_repr(value)}")


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def check_value(value: Any, dtype: Any, required: bool) -> Any:
    """Check one value of an array/object/map/any column (or nested item); returns it converted."""
    if isinstance(dtype, AnyType):
        return value
    if _is_missing(value):
        if not required:
            return None
        raise SignatureError(f"a required value is missing (expected {dtype!r})")
    if isinstance(dtype, DataType):
        return _check_scalar_value(value, dtype.name)
    if isinstance(dtype, Array):
        if hasattr(value, "tolist") and hasattr(value, "ndim"):
            value = value.tolist()
        if not isinstance(value, (list, tuple)):
            raise SignatureError(f"expected a list, got {type(value).__name__} {bounded_repr(value)}")
        return [check_value(x, dtype.dtype, required) for x in value]
    if isinstance(dtype, Map):
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise SignatureError(f"expected a dict with string keys, got {bounded_repr(value)}")
        return {k: check_value(v, dtype.value_type, required) for k, v in value.items()}
    if isinstance(dtype, Object):
        if not isinstance(value, dict):
            raise SignatureError(f"expected a dict, got {type(value).__name__} {bounded_repr(value)}")
        props = {p.name: p for p in dtype.properties}
        missing = [name for name, p in props.items() if p.required and name not in value]
        if missing:
            raise SignatureError(f"missing required properties {missing}")
        extra = [k for k in value if k not in props]
        if extra:
            raise SignatureError(f"properties not in the schema: {bounded_repr(extra)}")
        out = {}
        for key, item in value.items():
            try:
                out[key] = check_value(item, props[key].dtype, props[key].required)
            except SignatureError as exc:
                raise SignatureError(f"property {key!r}: {exc}") from None
        return out
    raise SignatureError(f"unsupported type {dtype!r}")
