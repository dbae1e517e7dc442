"""Predictions and errors into response bytes, in MLflow's shapes.

``{"predictions": ...}``: DataFrames as records, Series as records of one column, arrays as nested
lists; NaN and infinities become ``null`` so the body is always valid JSON. Errors are
``{"error_code": ..., "message": ...}``. orjson and pandas are imported lazily.
"""

from __future__ import annotations

import datetime as _dt
import decimal
from typing import Any

from .fast_paths import column_values, fast_records, frame_records

__all__ = ["encode_error", "encode_predictions", "jsonable"]

_OPTIONS = 0


def _orjson_options() -> int:
    global _OPTIONS
    if not _OPTIONS:
        import orjson

        _OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
    return _OPTIONS


def _default(obj: Any) -> Any:
    """Fallback encoder for what orjson does not serialize natively."""
    tolist = getattr(obj, "tolist", None)
    if tolist is not None:  # non-contiguous / object ndarrays, numpy scalars of exotic dtypes
        return tolist()
    if isinstance(obj, _dt.datetime | _dt.date | _dt.time):
        return obj.isoformat()
    if isinstance(obj, decimal.Decimal):
        return float(obj)
    if isinstance(obj, bytes | bytearray):
        import base64

        return base64.b64encode(obj).decode("ascii")
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    import pandas as pd

    if obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, pd.DataFrame | pd.Series):
        return jsonable(obj)
    if isinstance(obj, pd.Timedelta):
        return obj.isoformat()
    dump = getattr(obj, "model_dump", None)  # pydantic models
    if callable(dump):
        return dump()
    raise TypeError(f"predict returned a value of type {type(obj).__name__} that cannot be sent as JSON")


def jsonable(predictions: Any) -> Any:
    """Map a prediction onto MLflow's response shapes (records for tables, lists for arrays)."""
    module = type(predictions).__module__
    if module.startswith("pandas"):
        import pandas as pd

        if isinstance(predictions, pd.DataFrame):
            return frame_records(predictions)
        if isinstance(predictions, pd.Series):
            # the records of the one-column frame MLflow makes of it, without building that frame
            name = 0 if predictions.name is None else predictions.name
            return [{name: value} for value in column_values(predictions)]
    return predictions


def encode_predictions(predictions: Any) -> bytes:
    """Serialize ``{"predictions": ...}`` to JSON bytes (NaN/inf -> null).

    Raises:
        TypeError: the predictions contain an object that has no JSON form.
    """
    import orjson

    fast = fast_records(predictions)
    if fast is not None:
        return fast
    try:
        return orjson.dumps(
            {"predictions": jsonable(predictions)}, default=_default, option=_orjson_options()
        )
    except orjson.JSONEncodeError as err:
        raise TypeError(str(err.__cause__ or err)) from err


def encode_error(error_code: str, message: str, **extra: Any) -> bytes:
    """Serialize an MLflow-compatible error body ``{"error_code", "message"}`` (plus ``extra``)."""
    import orjson

    return orjson.dumps({"error_code": error_code, "message": message, **extra})
