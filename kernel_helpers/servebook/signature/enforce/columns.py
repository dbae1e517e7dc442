"""Column schemas: :func:`enforce_input` turns the input into what the schema describes.

The input becomes a DataFrame with the schema's columns, allowing only casts that cannot change
values; tensor schemas are handed to :mod:`.tensors`. Every failure is a
:class:`~servebook.errors.SignatureError` whose message names the column, says what was expected and
what to do; inputs are shown with ``bounded_repr`` only. numpy and pandas are imported inside the
functions.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ...errors import SignatureError, bounded_repr
from ..types import AnyType, Array, DataType, Object
from .tensors import enforce_tensors
from .values import check_value

if TYPE_CHECKING:  # pragma: no cover
    from ..schema import Schema

__all__ = ["enforce_input"]

_logger = logging.getLogger("servebook.enforcement")


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
        return enforce_tensors(data, schema)
    return _enforce_columns(data, schema)


# ---------------------------------------------------------------------------------------------------
# column schemas

_MISSING_VALUES_HINT = (
    " Hint: the column holds missing values, which Python integers cannot represent, so they arrive "
    "as floats. Declare the column as 'double' in the signature (infer it from data that has missing "
    "values), or fill the missing values before calling predict."
)


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
    target = DataType[dtype_name].to_numpy()
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
    target = spec.type.to_numpy()
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
                    checked.append(check_value(item, spec.type, spec.required))
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
