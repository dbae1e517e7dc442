"""Request bodies into model input: the JSON format keys, CSV and parquet, cast to the schema's dtypes.

``Content-Type: application/json`` bodies hold exactly one of ``dataframe_split``,
``dataframe_records``, ``instances``, ``inputs`` and an optional ``params`` object. An
:class:`InputPlan` computed once per model says which dtypes to parse into. Messages never echo the
request body; they say what was wrong and what to send instead. pandas and numpy are imported lazily.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...errors import InvalidInputError, SignatureError, UnsupportedMediaTypeError, bounded_repr
from .fast_paths import FloatBlock, float_rows
from .media_types import EXAMPLE_BODY

__all__ = ["FORMAT_KEYS", "NO_PLAN", "InputPlan", "ParsedRequest", "parse_request", "plan_from_schema"]

FORMAT_KEYS = ("dataframe_split", "dataframe_records", "instances", "inputs")
_SPLIT_KEYS = frozenset({"columns", "index", "data"})
# MLflow column types -> the numpy dtype the parser casts to (other types are left to enforcement)
_CAST_TYPES = {
    "double": "float64",
    "float": "float32",
    "long": "int64",
    "integer": "int32",
    "datetime": "datetime64[ns]",
}


@dataclass(frozen=True, slots=True)
class InputPlan:
    """What the parser needs to know about a model's input schema, computed once per model.

    Attributes:
        columns: column name -> numpy dtype of the schema's numeric/datetime columns.
        schema: the column schema JSON/CSV tables are coerced to (MLflow casts at parse time).
        all_float: every schema column is float64, so ``dataframe_split`` rows go straight to one array.
        tensor_dtype: numpy dtype for ``instances``/``inputs`` of a tensor-based schema.
        raw_inputs: the signature comes from type hints: JSON bodies must use ``inputs``, whose value
            reaches the model untouched (the model's predict validates it), and tables are not cast.
    """

    columns: Mapping[str, str] | None = None
    schema: Any = None
    all_float: bool = False
    tensor_dtype: str | None = None
    raw_inputs: bool = False


NO_PLAN = InputPlan()


class ParsedRequest:
    """A decoded request: ``data`` is the model input, ``params`` the optional params dict.

    ``fmt`` is the format key (or ``csv``/``parquet``); ``rows`` is set when ``data`` is a DataFrame
    built from rows without an explicit index, which is what adaptive batching may merge. For
    all-double schemas, ``dataframe_split`` rows are kept as one float64 ``block`` with its
    ``columns`` and the DataFrame is only built on first access (batching stacks blocks instead).
    """

    __slots__ = ("_data", "block", "columns", "fmt", "params", "rows")

    def __init__(
        self,
        data: Any,
        params: dict[str, Any] | None,
        fmt: str,
        rows: int | None = None,
        *,
        block: Any = None,
        columns: list[Any] | None = None,
    ) -> None:
        self._data = data
        self.params = params
        self.fmt = fmt
        self.rows = rows
        self.block = block
        self.columns = columns

    @property
    def data(self) -> Any:
        """The model input (a DataFrame, ndarray, dict of arrays or raw JSON value)."""
        if self._data is None and self.block is not None:
            import pandas as pd

            self._data = pd.DataFrame(self.block, columns=self.columns, copy=False)
        return self._data

    def column_key(self) -> tuple[Any, ...]:
        """The column names, for grouping requests that can be merged."""
        if self.block is not None:
            return tuple(self.columns or ())
        return tuple(self.data.columns)


def _type_name(spec_type: Any) -> str | None:
    """The MLflow type name of a ColSpec/TensorSpec type (a DataType enum, its name, or a string)."""
    if spec_type is None:
        return None
    if isinstance(spec_type, str):
        return spec_type
    name = getattr(spec_type, "name", None)
    return name if isinstance(name, str) else None


def plan_from_schema(schema: Any, *, raw_inputs: bool = False) -> InputPlan:
    """Build the parse plan for a model's input schema (``None`` -> no casting).

    Works on any schema object exposing ``inputs`` (specs with ``name`` and ``type``) and, for
    tensor schemas, ``is_tensor_spec()``/``numpy_types()``; unknown shapes simply mean no casting.
    """
    if schema is None or raw_inputs:  # a type-hint model takes JSON as it is and CSV as read
        return InputPlan(schema=schema, raw_inputs=raw_inputs)
    try:
        if callable(getattr(schema, "is_tensor_spec", None)) and schema.is_tensor_spec():
            dtypes = schema.numpy_types()
            dtype = str(dtypes[0]) if dtypes and len({str(d) for d in dtypes}) == 1 else None
            return InputPlan(tensor_dtype=dtype, raw_inputs=raw_inputs)
        columns: dict[str, str] = {}
        specs = list(getattr(schema, "inputs", []) or [])
        for spec in specs:
            name = getattr(spec, "name", None)
            cast = _CAST_TYPES.get(_type_name(getattr(spec, "type", None)) or "")
            if name is not None and cast is not None:
                columns[name] = cast
    except (AttributeError, TypeError, ValueError):
        return InputPlan(raw_inputs=raw_inputs)
    all_float = bool(specs) and len(columns) == len(specs) and set(columns.values()) == {"float64"}
    return InputPlan(columns=columns or None, schema=schema, all_float=all_float, raw_inputs=raw_inputs)


def parse_request(body: bytes, kind: str, plan: InputPlan = NO_PLAN) -> ParsedRequest:
    """Decode a request body of media ``kind`` (from :func:`media_type`) into the model input.

    Raises:
        InvalidInputError: the body cannot be decoded or has the wrong shape (HTTP 400 BAD_REQUEST).
        SignatureError: ``params`` is not an object (HTTP 400 INVALID_PARAMETER_VALUE).
        UnsupportedMediaTypeError: parquet without pyarrow installed.
    """
    if kind == "json":
        return _parse_json(body, plan)
    if kind == "csv":
        return _parse_table(body, plan, csv=True)
    if kind == "parquet":
        return _parse_table(body, plan, csv=False)
    raise UnsupportedMediaTypeError(f"unknown media kind {kind!r}")


def _parse_json(body: bytes, plan: InputPlan) -> ParsedRequest:
    import orjson

    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as err:
        what = (
            "The request body is empty" if not body.strip() else f"The request body is not valid JSON ({err})"
        )
        raise InvalidInputError(f"{what}. Send a JSON object such as {EXAMPLE_BODY}.") from err
    if not isinstance(doc, dict):
        kind = "a list" if isinstance(doc, list) else f"a JSON {type(doc).__name__}"
        hint = (
            ' Wrap a list in {"inputs": [...]} or, for records, {"dataframe_records": [...]}.'
            if isinstance(doc, list)
            else ""
        )
        raise InvalidInputError(
            "The input must be a JSON object with exactly one of the fields "
            f"{', '.join(FORMAT_KEYS)}; received {kind}.{hint}"
        )
    if plan.raw_inputs:
        return _typed_request(doc)
    keys = [key for key in FORMAT_KEYS if key in doc]
    if len(keys) != 1:
        raise InvalidInputError(_format_key_message(doc, keys))
    key = keys[0]
    params = doc.get("params")
    if params is not None and not isinstance(params, dict):
        raise SignatureError(
            f"params must be a JSON object mapping names to values; got {type(params).__name__}. "
            'Send for example {"params": {"threshold": 0.5}}.'
        )
    payload = doc[key]
    if key == "dataframe_split":
        data, rows = _from_split(payload, plan)
        if isinstance(data, FloatBlock):
            return ParsedRequest(None, params, key, rows, block=data.array, columns=data.columns)
    elif key == "dataframe_records":
        data, rows = _from_records(payload, plan)
    else:
        data, rows = _from_tensor_style(key, payload, plan), None
    return ParsedRequest(data=data, params=params, fmt=key, rows=rows)


def _typed_request(doc: dict[str, Any]) -> ParsedRequest:
    """A model whose signature comes from type hints takes the ``inputs`` value as it is (MLflow's rule)."""
    if "inputs" not in doc:
        got = ", ".join(repr(k) for k in list(doc)[:8]) or "none"
        raise SignatureError(
            "This model's signature comes from the type hints of its predict function, so the request "
            'must carry the input under the "inputs" key, e.g. {"inputs": ["a", "b"]}; received fields: '
            f"{got}."
        )
    # params go to the model as sent: without a params schema MLflow ignores even a non-object
    return ParsedRequest(data=doc["inputs"], params=doc.get("params"), fmt="inputs")


def _format_key_message(doc: dict[str, Any], keys: list[str]) -> str:
    got = ", ".join(repr(k) for k in list(doc)[:8]) or "none"
    if keys:
        return (
            f"The input has more than one format field ({', '.join(keys)}); send exactly one of "
            f"{', '.join(FORMAT_KEYS)} (plus optional 'params')."
        )
    if "columns" in doc or "data" in doc:
        return (
            "The input has 'columns'/'data' at the top level (the MLflow 1.x pandas-split format). "
            'Wrap it in dataframe_split: {"dataframe_split": {"columns": [...], "data": [...]}}.'
        )
    return (
        f"The input must have exactly one of the fields {', '.join(FORMAT_KEYS)} (plus optional "
        f"'params'); received fields: {got}. Example: {EXAMPLE_BODY}."
    )


def _from_split(payload: Any, plan: InputPlan) -> tuple[Any, int | None]:
    import pandas as pd

    if not isinstance(payload, dict) or "data" not in payload:
        got = f"keys {sorted(payload)}" if isinstance(payload, dict) else type(payload).__name__
        raise InvalidInputError(
            "dataframe_split must be an object with a 'data' list of rows and optional 'columns' and "
            f"'index'; got {bounded_repr(got)}. Example: {EXAMPLE_BODY}."
        )
    extra = set(payload) - _SPLIT_KEYS
    if extra:
        raise InvalidInputError(
            f"dataframe_split accepts only 'columns', 'data' and 'index'; remove {sorted(extra)}."
        )
    data, columns, index = payload["data"], payload.get("columns"), payload.get("index")
    if not isinstance(data, list):
        raise InvalidInputError(f"dataframe_split 'data' must be a list of rows; got {type(data).__name__}.")
    if columns is not None and not isinstance(columns, list):
        raise InvalidInputError(f"dataframe_split 'columns' must be a list; got {type(columns).__name__}.")
    if columns is not None and len(columns) != len({repr(c) for c in columns}):
        seen = [c for i, c in enumerate(columns) if c in columns[:i]]
        raise InvalidInputError(
            f"dataframe_split 'columns' has duplicate names {bounded_repr(seen)}; "
            "give every column a unique name."
        )
    if index is not None and not isinstance(index, list):
        raise InvalidInputError(f"dataframe_split 'index' must be a list; got {type(index).__name__}.")
    frame = None
    if plan.all_float and columns is not None and index is None and plan.columns is not None:
        # fast path: every schema column is a double, so the rows become one float64 block directly
        block = float_rows(data, len(columns))
        if block is not None and block.ndim == 2 and block.shape[1] == len(columns):
            return FloatBlock(block, columns), len(block)
    try:
        frame = pd.DataFrame(data=data, columns=columns, index=index)
    except (ValueError, TypeError, AssertionError) as err:
        raise InvalidInputError(
            f"dataframe_split could not be turned into a table: {err}. Each row of 'data' needs one "
            "value per entry of 'columns' (and 'index', if given, one entry per row)."
        ) from err
    frame = _cast_columns(frame, plan)
    return frame, (len(frame) if index is None else None)


def _from_records(payload: Any, plan: InputPlan) -> tuple[Any, int | None]:
    import pandas as pd

    if not isinstance(payload, list):
        raise InvalidInputError(
            f"dataframe_records must be a list of records (objects); got {type(payload).__name__}. "
            'Send for example {"dataframe_records": [{"a": 1, "b": 2.5}]}.'
        )
    if not all(isinstance(row, dict) for row in payload):
        raise InvalidInputError(
            "dataframe_records must be a list of objects, one per row, such as "
            '[{"a": 1, "b": 2.5}]; for a list of lists use dataframe_split.'
        )
    frame = pd.DataFrame.from_records(payload) if payload else pd.DataFrame()
    frame = _cast_columns(frame, plan)
    return frame, len(frame)


def _from_tensor_style(key: str, payload: Any, plan: InputPlan) -> Any:
    if (
        key == "instances"
        and isinstance(payload, list)
        and payload
        and all(isinstance(x, dict) for x in payload)
    ):
        names = list(payload[0])
        if any(set(item) != set(names) for item in payload):
            raise InvalidInputError(
                "Every object in 'instances' must have the same keys; for rows with missing values "
                "use dataframe_records instead."
            )
        payload = {name: [item[name] for item in payload] for name in names}
    try:
        if isinstance(payload, dict):
            return {name: _array(value, plan.tensor_dtype) for name, value in payload.items()}
        return _array(payload, plan.tensor_dtype)
    except (ValueError, TypeError) as err:
        raise InvalidInputError(
            f"'{key}' could not be turned into an array: {str(err).rstrip('.')}. "
            "Nested lists must be rectangular "
            "(every row the same length)."
        ) from err


def _array(value: Any, dtype: str | None) -> Any:
    import numpy as np

    array = np.array(value)
    if dtype is not None and array.dtype != dtype:
        array = array.astype(dtype)
    return array


def _parse_table(body: bytes, plan: InputPlan, *, csv: bool) -> ParsedRequest:
    import io

    import pandas as pd

    if csv:
        dtypes = _csv_dtypes(plan) if plan.raw_inputs else None
        try:
            frame = pd.read_csv(io.BytesIO(body), dtype=dtypes)
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
            raise InvalidInputError(
                f"The CSV body could not be parsed ({err}). Send a header row of column names and one "
                "line per row, as written by DataFrame.to_csv(index=False)."
            ) from err
    else:
        try:
            frame = pd.read_parquet(io.BytesIO(body))
        except ImportError as err:
            raise UnsupportedMediaTypeError(
                "Parquet bodies need pyarrow in the server's environment; install it or send JSON/CSV."
            ) from err
        except (ValueError, OSError) as err:
            raise InvalidInputError(f"The parquet body could not be read ({err}).") from err
    if plan.raw_inputs:  # the model's type-hinted predict converts the table itself
        return ParsedRequest(data=frame, params=None, fmt="csv" if csv else "parquet")
    frame = _cast_columns(frame, plan)
    return ParsedRequest(data=frame, params=None, fmt="csv" if csv else "parquet", rows=len(frame))


def _csv_dtypes(plan: InputPlan) -> dict[Any, Any] | None:
    """The dtypes a type-hint model's CSV is read with: its one-column schema's, by position (MLflow's rule).

    Raises:
        InvalidInputError: the hint describes nested values, which a CSV cell cannot hold.
    """
    from ...signature import DataType

    schema = plan.schema
    if schema is None:
        return None
    if not all(isinstance(getattr(spec, "type", None), DataType) for spec in schema.inputs):
        raise InvalidInputError(
            "This model's input type hint describes nested values (a dict, list or object per row), "
            'which CSV cannot carry; send JSON instead, e.g. {"inputs": [...]}.'
        )
    return dict(zip(schema.input_names(), schema.pandas_types(), strict=True))


def _cast_columns(frame: Any, plan: InputPlan) -> Any:
    """Cast columns to the schema's dtypes, as MLflow's parser does (``"1.5"`` -> 1.5, null -> NaN)."""
    if plan.schema is None or plan.tensor_dtype is not None or not len(frame.columns):
        return frame
    from ...signature.enforce import coerce_json_columns

    return coerce_json_columns(frame, plan.schema)
