"""The scoring server's lenient conversion of JSON/CSV request data to a schema's dtypes.

:func:`column_dtypes` says what dtype to parse each input as; :func:`coerce_json_columns` casts a
parsed DataFrame (strings to numbers, base64 to bytes, ISO strings to datetimes) before
:func:`~servebook.signature.enforce.enforce_input` checks it strictly, as MLflow's scoring server does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...errors import SignatureError, bounded_repr
from ..types import AnyType, DataType
from .values import check_value

if TYPE_CHECKING:  # pragma: no cover
    from ..schema import Schema

__all__ = ["coerce_json_columns", "column_dtypes"]


def column_dtypes(schema: Schema) -> dict[Any, Any]:
    """Map each input (name, or position for unnamed schemas) to the numpy dtype to parse it as.

    For the scoring server's JSON/CSV parsing: ``boolean → bool``, ``integer → int32``,
    ``long → int64``, ``float → float32``, ``double → float64``, ``datetime → datetime64[ns]``,
    ``string``/``binary`` → ``object``. Tensor specs map to their dtype. Array, object, map and any
    columns are left out (they stay Python objects).
    """
    result: dict[Any, Any] = {}
    for position, spec in enumerate(schema.inputs):
        key = spec.name if spec.name is not None else position
        if schema.is_tensor_spec():
            result[key] = spec.type
        elif isinstance(spec.type, DataType):
            result[key] = spec.type.to_pandas()
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

    import pandas as pd

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
            target = spec.type.to_pandas()
        elif isinstance(spec.type, AnyType):
            continue
        else:
            try:
                df[col] = values.map(lambda x, s=spec: check_value(x, s.type, s.required))
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
