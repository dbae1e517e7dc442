"""Checking and converting model input and params against a signature, the way MLflow does.

Three entry points:

* :func:`enforce_input` (``PyFuncModel.predict`` calls it): turns the input into what the schema
  describes (a DataFrame for column schemas, an ndarray or dict of ndarrays for tensor schemas),
  allowing only casts that cannot change values.
* :func:`enforce_params`: fills defaults and checks types of inference params.
* :func:`column_dtypes` and :func:`coerce_json_columns`: what the scoring server uses to parse JSON
  and CSV straight into the schema's dtypes (the lenient, MLflow-server-side conversion).

Every failure is a :class:`~servebook.errors.SignatureError` whose message names the column or
param, says what was expected and what to do; inputs are shown with ``bounded_repr`` only.
numpy and pandas are imported inside the functions (this module is imported by ``signature``).
"""

from __future__ import annotations

import datetime as _dt
import logging
from typing import TYPE_CHECKING, Any

from .errors import SignatureError, bounded_repr

if TYPE_CHECKING:  # pragma: no cover
    from .signature import ParamSchema, ParamSpec, Schema

__all__ = ["coerce_json_columns", "column_dtypes", "convert_param_value", "enforce_input", "enforce_params"]

_logger = logging.getLogger("servebook.enforcement")

_MISSING_VALUES_HINT = (
    " Hint: the column holds missing values, which Python integers cannot represent, so they arrive "
    "as floats. Declare the column as 'double' in the signature (infer it from data that has missing "
    "values), or fill the missing values before calling predict."
)


# ---------------------------------------------------------------------------------------------------
# params


def _is_scalar(value: Any) -> bool:
    import numpy as np

    return bool(np.isscalar(value))


def _param_matches(value: Any, dtype_name: str) -> bool:
    """Whether ``value`` is *exactly* of the given param type (python or numpy scalar)."""
    kind = type(value)
    if dtype_name == "boolean":
        return kind is bool or kind.__name__ == "bool" and kind.__module__ == "numpy"
    if dtype_name == "integer":
        return kind is int or kind.__name__ == "int32"
    if dtype_name == "long":
        return kind is int or kind.__name__ == "int64"
    if dtype_name == "float":
        return kind is float or kind.__name__ == "float32"
    if dtype_name == "double":
        return kind is float or kind.__name__ == "float64"
    if dtype_name == "string":
        return kind is str or kind.__name__ == "str_"
    return False


# param type -> value types it may be widened from (MLflow's rules for params)
_PARAM_WIDENING = {
    "long": ("integer",),
    "float": ("integer", "long"),
    "double": ("integer", "long", "float"),
}
_PARAM_PYTHON = {"boolean": bool, "integer": int, "long": int, "float": float, "double": float, "string": str}


def _convert_param_scalar(value: Any, dtype_name: str) -> Any:
    if value is None:
        return None
    if dtype_name == "datetime":
        import numpy as np

        try:
            converted = np.datetime64(value).item()
        except (ValueError, TypeError) as exc:
            raise SignatureError(
                f"cannot convert {bounded_repr(value)} ({type(value).__name__}) to datetime; "
                "give an ISO 8601 string or a datetime"
            ) from exc
        if not isinstance(converted, _dt.date):
            raise SignatureError(
                f"cannot convert {bounded_repr(value)} to datetime; give an ISO 8601 string or a datetime"
            )
        return converted
    if not _is_scalar(value):
        raise SignatureError(
            f"expected a scalar {dtype_name}, got {type(value).__name__} {bounded_repr(value)}"
        )
    if _param_matches(value, dtype_name) or any(
        _param_matches(value, w) for w in _PARAM_WIDENING.get(dtype_name, ())
    ):
        return _PARAM_PYTHON[dtype_name](value)
    raise SignatureError(
        f"cannot safely convert {type(value).__name__} {bounded_repr(value)} to {dtype_name}"
    )


def convert_param_value(value: Any, spec: ParamSpec, context: str | None = None) -> Any:
    """Check ``value`` against one :class:`ParamSpec` and return it as a plain Python value.

    Allowed widenings: int → long/float/double, long → float/double, float → double; datetime
    accepts ISO strings, ``datetime``/``date`` and ``numpy.datetime64``. ``None`` passes through.
    A spec with shape ``(-1,)`` needs a 1-D list (or array); each item is converted.
    Raises SignatureError naming the param otherwise.
    """
    from .signature import DataType, Object

    where = context or f"param {spec.name!r}"
    try:
        if spec.shape is not None:
            if spec.shape != (-1,):
                raise SignatureError(f"the shape must be None (scalar) or (-1,) (1-D list), got {spec.shape}")
            if value is None:
                return None
            items = (
                value.tolist() if hasattr(value, "tolist") and not isinstance(value, (list, tuple)) else value
            )
            if not isinstance(items, (list, tuple)) or any(isinstance(x, (list, tuple, dict)) for x in items):
                raise SignatureError(f"expected a 1-D list, got {type(value).__name__} {bounded_repr(value)}")
            if isinstance(spec.dtype, Object):
                return [_check_object_param(x, spec.dtype) for x in items]
            return [_convert_param_scalar(x, spec.dtype.name) for x in items]
        if isinstance(spec.dtype, Object):
            return _check_object_param(value, spec.dtype)
        if isinstance(spec.dtype, DataType):
            return _convert_param_scalar(value, spec.dtype.name)
        raise SignatureError(f"unsupported param type {spec.dtype!r}")
    except SignatureError as exc:
        raise SignatureError(f"Invalid value for {where} ({spec.dtype!r}): {exc}") from None


def _check_object_param(value: Any, obj: Any) -> Any:
    if value is None:
        return None
    try:
        _check_value(value, obj, required=True)
    except SignatureError as exc:
        raise SignatureError(str(exc)) from None
    return value


def enforce_params(params: dict[str, Any] | None, params_schema: ParamSchema | None) -> dict[str, Any] | None:
    """Return the params a model receives: checked, converted, with defaults filled in.

    * No params schema: params are ignored (a logged warning if some were given) and ``{}`` (or the
      given ``None``/``{}``) is returned, as MLflow does.
    * ``None`` → all defaults. Unknown keys are dropped with a logged warning.
    * A value of the wrong type → SignatureError ``Invalid parameters found: {...}`` listing each
      offending param with what it expects.
    """
    if params_schema is None:
        if params is None or params == {}:
            return params
        shown = list(params) if isinstance(params, dict) else "(not a dict)"
        _logger.warning(
            "This model's signature has no params schema, so the params %s are ignored. "
            "Add a ParamSchema to the signature to accept them.",
            bounded_repr(shown),
        )
        return {}
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise SignatureError(
            f"Parameters must be a dictionary. Got type '{type(params).__name__}'. "
            "Pass params as a dict of name -> value."
        )
    known = {spec.name for spec in params_schema.params}
    if any(not isinstance(k, str) for k in params):
        params = {str(k): v for k, v in params.items()}
    unknown = [k for k in params if k not in known]
    if unknown:
        _logger.warning(
            "Unrecognized params %s are ignored; this model accepts %s. Add them to the signature's "
            "ParamSchema to use them.",
            bounded_repr(unknown),
            bounded_repr(sorted(known)),
        )
    result: dict[str, Any] = {}
    invalid: dict[str, str] = {}
    for spec in params_schema.params:
        if spec.name in params:
            try:
                result[spec.name] = convert_param_value(params[spec.name], spec)
            except SignatureError as exc:
                invalid[spec.name] = str(exc)
        else:
            result[spec.name] = spec.default
    if invalid:
        raise SignatureError(
            f"Invalid parameters found: {invalid!r}. Pass values of the types declared in the model's "
            "params schema, or leave a param out to use its default."
        )
    return result


# ---------------------------------------------------------------------------------------------------
# per-value checks for array/object/map/any column types


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


def _check_value(value: Any, dtype: Any, required: bool) -> Any:
    """Check one value of an array/object/map/any column (or nested item); returns it converted."""
    from .signature import AnyType, Array, DataType, Map, Object

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
        return [_check_value(x, dtype.dtype, required) for x in value]
    if isinstance(dtype, Map):
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise SignatureError(f"expected a dict with string keys, got {bounded_repr(value)}")
        return {k: _check_value(v, dtype.value_type, required) for k, v in value.items()}
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
                out[key] = _check_value(item, props[key].dtype, props[key].required)
            except SignatureError as exc:
                raise SignatureError(f"property {key!r}: {exc}") from None
        return out
    raise SignatureError(f"unsupported type {dtype!r}")


# ---------------------------------------------------------------------------------------------------
# column schemas


def _numpy_target(dtype_name: str) -> Any:
    import numpy as np

    return np.dtype(_TARGETS[dtype_name])


_TARGETS = {
    "boolean": "bool",
    "integer": "int32",
    "long": "int64",
    "float": "float32",
    "double": "float64",
    "string": "str",
    "binary": "bytes",
    "datetime": "datetime64[ns]",
}
# dtype names that already satisfy a column type (fast path: no copy)


def _cast_column(name: Any, values: Any, dtype_name: str, accepts: Any) -> Any:
    """Return the values of Series ``values`` as ``dtype_name`` if that is safe, else raise SignatureError.

    ``accepts(dtype)`` tells whether a dtype already fits. The result is a Series, a numpy array or
    a pandas ExtensionArray (all fine for building the output DataFrame).
    """
    import numpy as np
    import pandas as pd

    current = values.dtype
    if accepts(current):
        return values
    obj = np.dtype(object)
    if current == obj and dtype_name not in ("string", "binary"):
        values = values.infer_objects()
        current = values.dtype
        if accepts(current):
            return values
    if isinstance(current, pd.StringDtype) and dtype_name in ("string", "binary"):
        return values
    kind = current.kind
    target = _numpy_target(dtype_name)
    if dtype_name == "binary" and kind == "S":
        return values
    if dtype_name == "datetime" and kind == "M":
        try:
            return values.astype("datetime64[ns]")
        except (TypeError, ValueError) as exc:
            raise SignatureError(
                f"Incompatible input types for column {name}. Could not convert {current} to datetime64[ns]: "
                f"{exc}. Use timezone-naive datetimes."
            ) from None
    if dtype_name == "datetime" and (current == obj or isinstance(current, pd.StringDtype)):
        try:
            return values.astype("datetime64[ns]")
        except (TypeError, ValueError) as exc:
            raise SignatureError(
                f"Failed to convert column {name} from type {current} to datetime: {exc}. "
                "Send ISO 8601 date/time strings or datetime objects."
            ) from None
    if dtype_name == "boolean" and current == obj:
        return values  # keeps None as None (a cast would turn it into False)
    if dtype_name == "double" and current == obj:
        import decimal

        first = values.dropna()
        if len(first) and isinstance(first.iloc[0], decimal.Decimal):
            try:
                return pd.to_numeric(values, errors="raise")
            except (TypeError, ValueError):
                pass
    if kind == target.kind:
        safe = current.itemsize <= target.itemsize
    elif kind == "u" and target.kind == "i":
        safe = current.itemsize < target.itemsize
    elif kind in "iu" and target == np.float64:
        safe = current.itemsize <= 6
    else:
        safe = False
    if not safe and current == np.int64 and target.kind == "f":
        arr = values.to_numpy()
        safe = bool(((arr == 0) | (arr == 1)).all())
    if safe:
        return values.to_numpy().astype(target) if isinstance(current, np.dtype) else values.astype(target)
    hint = ""
    if current == np.float64 and target.kind in "iu" and values.hasnans:
        finite = values.dropna().to_numpy()
        if (finite == np.floor(finite)).all():
            hint = _MISSING_VALUES_HINT
    shown = target if dtype_name not in ("string", "binary") else dtype_name
    if not hint:
        hint = (
            f" Convert the column to {shown} before calling predict (only conversions that cannot change "
            "values are applied automatically), or change the column's type in the model signature."
        )
    raise SignatureError(
        f"Incompatible input types for column {name}. Can not safely convert {current} to {shown}.{hint}"
    )


def _to_frame(data: Any, schema: Schema) -> Any:
    """Turn a column-schema input (dict, list, array, scalar, Series) into a DataFrame."""
    import numpy as np
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, pd.Series):
        return data.to_frame()
    if data is None or isinstance(data, (str, bytes)) or np.isscalar(data):
        return pd.DataFrame([data])
    if isinstance(data, dict):
        from .signature import Array, Object

        complex_types = any(isinstance(spec.type, (Array, Object)) for spec in schema.inputs)
        if complex_types or all(v is None or np.isscalar(v) for v in data.values()):
            return pd.DataFrame([data])
        try:
            return pd.DataFrame(
                {k: (v.tolist() if isinstance(v, np.ndarray) and v.ndim > 1 else v) for k, v in data.items()}
            )
        except ValueError as exc:
            raise SignatureError(
                f"Could not build a table from the dict input ({exc}). Give every column a list of the "
                "same length, or pass one row as a dict of scalars."
            ) from None
    if isinstance(data, (list, tuple, np.ndarray)):
        try:
            return pd.DataFrame(list(data) if isinstance(data, tuple) else data)
        except ValueError as exc:
            raise SignatureError(f"Could not build a table from the input ({exc}).") from None
    raise SignatureError(
        f"This model has a column-based signature, so it needs tabular input (DataFrame, dict of columns, "
        f"list of records, list of rows, array or scalar); got {type(data).__name__}."
    )


def _describe(schema: Schema) -> str:
    parts = [
        f"{spec.name!r} ({spec.type!r})" if spec.name is not None else f"column {i}: {spec.type!r}"
        for i, spec in enumerate(schema.inputs[:12])
    ]
    more = f", ... ({len(schema.inputs) - 12} more)" if len(schema.inputs) > 12 else ""
    return ", ".join(parts) + more


def _dtype_check(spec: Any) -> Any:
    """A predicate telling whether a column dtype already satisfies ``spec`` (None: never)."""
    import numpy as np
    import pandas as pd

    from .signature import AnyType, DataType

    if isinstance(spec.type, AnyType):
        return lambda dtype: True
    if not isinstance(spec.type, DataType):
        return None  # array/object/map columns: every value is checked
    name = spec.type.name
    obj = np.dtype(object)
    if name == "string":
        return lambda dtype: dtype == obj or isinstance(dtype, pd.StringDtype)
    if name == "binary":
        return lambda dtype: dtype == obj or getattr(dtype, "kind", "") == "S"
    target = np.dtype(_TARGETS[name])
    return lambda dtype: dtype == target


class _ColumnPlan:
    """What a column schema needs, computed once per Schema (enforcement runs per request)."""

    def __init__(self, schema: Schema) -> None:
        self.named = schema.has_input_names()
        self.names = [spec.name for spec in schema.inputs]
        self.checks = [_dtype_check(spec) for spec in schema.inputs]
        self.fast = all(check is not None for check in self.checks)
        self._columns_index: Any = None

    def columns_index(self) -> Any:
        """The schema's column names as a pandas Index (building one costs ~50 us, so it is kept)."""
        if self._columns_index is None:
            import pandas as pd

            self._columns_index = pd.Index(self.names)
        return self._columns_index


def _plan(schema: Schema) -> _ColumnPlan:
    plan = schema.__dict__.get("_column_plan")
    if plan is None:
        plan = _ColumnPlan(schema)
        schema.__dict__["_column_plan"] = plan
    return plan


def _frame_dtypes(frame: Any) -> Any:
    """The dtypes of ``frame``'s columns, in order.

    ``DataFrame.dtypes`` builds a Series (~25 us with pandas 3, most of a 1-row request's enforcement);
    the block manager already holds the array of dtypes, so read it when it is there and fall back
    to the public attribute otherwise.
    """
    getter = getattr(getattr(frame, "_mgr", None), "get_dtypes", None)
    if getter is not None:
        try:
            dtypes = getter()
        except (AttributeError, TypeError, ValueError):
            dtypes = None
        if dtypes is not None and len(dtypes) == frame.shape[1]:
            return dtypes
    return frame.dtypes.to_numpy()


def _enforce_columns(data: Any, schema: Schema) -> Any:
    import pandas as pd

    from .signature import DataType

    frame = _to_frame(data, schema)
    plan = _plan(schema)
    specs = schema.inputs
    columns = frame.columns.tolist()

    # fast path: the schema's columns, in order, with the right dtypes -> the input itself, no copy
    same_columns = columns == plan.names if plan.named else len(columns) == len(specs)
    if (
        plan.fast
        and same_columns
        and all(check(dtype) for check, dtype in zip(plan.checks, _frame_dtypes(frame), strict=True))
    ):
        return frame

    if plan.named:
        column_set = set(columns)
        if len(column_set) != len(columns):
            dupes = sorted({str(c) for c in columns if columns.count(c) > 1})
            raise SignatureError(
                f"The input has duplicate column names {bounded_repr(dupes)}; make them unique."
            )
        missing = [spec for spec in specs if spec.required and spec.name not in column_set]
        wanted = set(plan.names)
        extra = [c for c in columns if c not in wanted]
        if missing:
            message = "Model is missing inputs " + str([spec.name for spec in missing])
            message += " (expected " + ", ".join(f"{s.name!r}: {s.type!r}" for s in missing[:12]) + ")."
            if extra:
                message += f" Note that there were extra inputs: {bounded_repr(extra)}."
            if all(isinstance(c, int) for c in columns):
                message += " The input has no column names; send records or a dict keyed by column name."
            message += f" Add the missing column(s); the model's signature expects {_describe(schema)}."
            raise SignatureError(message)
        if extra:
            _logger.debug("Dropping input columns not in the model signature: %s", bounded_repr(extra))
        keyed = [
            (spec.name, spec, check)
            for spec, check in zip(specs, plan.checks, strict=True)
            if spec.name in column_set
        ]
    else:
        if len(columns) < len(specs):
            raise SignatureError(
                f"Model inference is missing inputs: the model signature declares {len(specs)} unnamed "
                f"inputs but the input has {len(columns)} column(s). The signature has no names, "
                "so only the column count and the column order are checked; send at least "
                f"{len(specs)} columns in the signature's order ({_describe(schema)})."
            )
        keyed = list(zip(columns[: len(specs)], specs, plan.checks, strict=False))

    out: dict[Any, Any] = {}
    for col, spec, check in keyed:
        values = frame[col]
        if isinstance(spec.type, DataType):
            out[col] = _cast_column(col, values, spec.type.name, check)
        else:
            checked = []
            for position, item in enumerate(values.tolist()):
                try:
                    checked.append(_check_value(item, spec.type, spec.required))
                except SignatureError as exc:
                    raise SignatureError(
                        f"Failed to enforce schema for column {col!r} at row {position}: {exc}. "
                        f"Expected {spec.type!r}."
                    ) from None
            column = pd.array(checked, dtype=object) if checked else pd.array([], dtype=object)
            out[col] = column
    names = plan.columns_index() if plan.named and len(out) == len(plan.names) else list(out)
    return _build_frame(out, frame.index, names)


def _build_frame(columns: dict[Any, Any], index: Any, names: Any) -> Any:
    """A DataFrame from column name -> Series/array; one 2-D block when every column is one numpy dtype."""
    import numpy as np
    import pandas as pd

    arrays = [
        c.to_numpy() if isinstance(c, pd.Series) and isinstance(c.dtype, np.dtype) else c
        for c in columns.values()
    ]
    if arrays and all(isinstance(a, np.ndarray) and a.ndim == 1 for a in arrays):
        first = arrays[0].dtype
        if first.kind in "biuf" and all(a.dtype == first for a in arrays):
            return pd.DataFrame(np.column_stack(arrays), columns=names, index=index, copy=False)
    return pd.DataFrame(
        {name: (c.array if isinstance(c, pd.Series) else c) for name, c in zip(columns, arrays, strict=True)},
        index=index,
        copy=False,
    )


# ---------------------------------------------------------------------------------------------------
# tensor schemas


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


def _enforce_tensors(data: Any, schema: Schema) -> Any:
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


# ---------------------------------------------------------------------------------------------------
# public entry points


def enforce_input(data: Any, schema: Schema | None) -> Any:
    """Check ``data`` against ``schema`` and convert it, like MLflow's pyfunc ``predict``.

    Column schema → a pandas DataFrame with the schema's columns in schema order (extra columns are
    dropped; optional columns may be absent). Input may be a DataFrame, Series, dict (column → list or
    scalar), list of dicts (records), list of lists (unnamed schemas), ndarray or a scalar. Only safe
    casts are applied: int → long, int32 → long, float → double, (u)int of ≤ 6 bytes → double, int64
    holding only 0/1 → float/double, object → string, datetime64 of any precision → datetime64[ns],
    object → datetime, Decimal → double. A DataFrame that already matches is returned as is (no copy).

    Tensor schema → an ndarray (unnamed) or a dict of name → ndarray. Lists become arrays of the spec's
    dtype; arrays are reshaped in C order when only their inner dimensions differ ((n, 784) →
    (n, 28, 28)) and cast when the cast is safe (or int/bool → float).

    ``schema=None`` returns ``data`` unchanged. Raises SignatureError otherwise.
    """
    if schema is None:
        return data
    if schema.is_tensor_spec():
        return _enforce_tensors(data, schema)
    return _enforce_columns(data, schema)


def column_dtypes(schema: Schema) -> dict[Any, Any]:
    """Map each input (name, or position for unnamed schemas) to the numpy dtype to parse it as.

    For the scoring server's JSON/CSV parsing: ``boolean → bool``, ``integer → int32``,
    ``long → int64``, ``float → float32``, ``double → float64``, ``datetime → datetime64[ns]``,
    ``string``/``binary`` → ``object``. Tensor specs map to their dtype. Array, object, map and any
    columns are left out (they stay Python objects).
    """
    import numpy as np

    from .signature import DataType

    result: dict[Any, Any] = {}
    for position, spec in enumerate(schema.inputs):
        key = spec.name if spec.name is not None else position
        if schema.is_tensor_spec():
            result[key] = spec.type
        elif isinstance(spec.type, DataType):
            result[key] = (
                np.dtype(object) if spec.type.name in ("string", "binary") else _numpy_target(spec.type.name)
            )
    return result


def coerce_json_columns(df: Any, schema: Schema) -> Any:
    """Cast a DataFrame parsed from a JSON/CSV request to the schema's dtypes (server side).

    This is the lenient conversion MLflow's scoring server applies before enforcement: ``"1.5"``
    strings and booleans are accepted in double columns, ``null`` becomes NaN, binary columns are
    base64-decoded, datetime columns are parsed. Missing columns are left for :func:`enforce_input`
    to report. A value that cannot be converted raises SignatureError ``Data is not compatible with
    model signature. Failed to convert column X to type 'float64' ...``. Returns ``df`` (columns are
    replaced in place when a cast is needed; a frame whose dtypes already match is untouched).
    """
    import base64

    import numpy as np
    import pandas as pd

    from .signature import AnyType, DataType

    specs = schema.inputs
    if schema.has_input_names():
        pairs = [(s.name, s) for s in specs]
    elif schema.is_tensor_spec():
        pairs = [(c, specs[0]) for c in df.columns]
    else:
        pairs = list(zip(df.columns[: len(specs)], specs, strict=False))
    columns = set(df.columns)
    for col, spec in pairs:
        if col not in columns:
            continue
        values = df[col]
        if schema.is_tensor_spec():
            target = spec.type
            if len(values) and isinstance(values.iloc[0], list):
                continue  # nested lists are stacked by enforce_input
        elif isinstance(spec.type, DataType):
            name = spec.type.name
            target = np.dtype(object) if name in ("string", "binary") else _numpy_target(name)
        elif isinstance(spec.type, AnyType):
            continue
        else:
            try:
                df[col] = values.map(lambda x, s=spec: _check_value(x, s.type, s.required))
            except SignatureError as exc:
                raise SignatureError(
                    f"Data is not compatible with model signature. Failed to convert column {col} to type "
                    f"'{spec.type!r}': {exc}. Send values of the declared type."
                ) from None
            continue
        if values.dtype == target:
            continue
        try:
            if not schema.is_tensor_spec() and spec.type.name == "binary":
                df[col] = values.map(
                    lambda x: base64.decodebytes(bytes(x, "utf8")) if isinstance(x, str) else x
                )
            elif not schema.is_tensor_spec() and spec.type.name == "datetime":
                parsed = pd.to_datetime(values)
                if parsed.dtype != target:
                    parsed = parsed.astype(target)
                df[col] = parsed
            elif target.name == "object" and isinstance(values.dtype, pd.StringDtype):
                continue
            else:
                df[col] = values.astype(target)
        except (TypeError, ValueError, OverflowError) as exc:
            raise SignatureError(
                f"Data is not compatible with model signature. Failed to convert column {col} to type "
                f"'{target}'. Error: {bounded_repr(str(exc))}. Send values of the column's type "
                f"({spec.type!r}); use null for a missing value only in float/double columns."
            ) from None
    return df
