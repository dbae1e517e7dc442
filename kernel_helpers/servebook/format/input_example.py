"""Input examples saved with a model: ``input_example.json`` and ``serving_input_example.json``.

The two files and the ``saved_input_example_info`` mapping are written exactly as MLflow 3.x writes
them, so either tool reads the other's examples:

* ``input_example.json``: the example as compact JSON. DataFrames are stored in pandas "split" form
  without the index (``{"columns": [...], "data": [[...]]}``; ``columns`` left out for a default
  0..n-1 column index, which makes the orient ``values``); numpy arrays as nested lists with NaN
  written as null; dicts, lists and scalars as they are. With params (an ``(example, params)``
  tuple) the file holds ``{"inputs": <example>, "params": {...}}``.
* ``serving_input_example.json``: a request body ready to POST to ``/invocations`` (indent 2):
  ``{"dataframe_split": ...}`` for DataFrames, ``{"inputs": ...}`` otherwise, plus ``"params"``.
  Chat-style dicts (a ``messages``, ``prompt`` or ``input`` key) are sent as they are.

Bytes become base64 text (with MLflow's trailing newline), numpy scalars Python numbers, dates ISO
8601 strings. numpy and pandas are imported inside the functions.
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SignatureError, bounded_repr

if TYPE_CHECKING:  # pragma: no cover
    from ..signature import ModelSignature, Schema

__all__ = [
    "EXAMPLE_FILENAME",
    "SERVING_INPUT_FILENAME",
    "load_input_example",
    "load_input_example_params",
    "save_input_example",
    "serving_input_json",
    "serving_payload",
    "split_example",
]

EXAMPLE_FILENAME = "input_example.json"
SERVING_INPUT_FILENAME = "serving_input_example.json"
_LLM_KEYS = ("messages", "prompt", "input")
_TYPES = ("dataframe", "ndarray", "json_object", "sparse_matrix_csc", "sparse_matrix_csr")


def _to_json_value(value: Any) -> Any:
    """``json.dumps`` hook for the values an example may hold (numpy, pandas, bytes, dates)."""
    import numpy as np

    if isinstance(value, np.ndarray):
        if value.dtype == np.dtype(object):
            return [_to_json_value(x) if not _plain_json(x) else x for x in value.tolist()]
        if value.dtype.kind == "S":
            return _nested_b64(value.tolist())
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (bytes, bytearray)):
        return _b64(value)
    if isinstance(value, np.datetime64):
        return str(np.datetime_as_string(value))
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):  # pandas.Timestamp is a datetime
        return value.isoformat()
    if hasattr(value, "model_dump"):  # a pydantic model
        return value.model_dump()
    raise TypeError(
        f"Object of type {type(value).__name__} is not JSON serializable; input examples may hold "
        "numbers, strings, bools, bytes, dates, lists, dicts, numpy arrays and DataFrames."
    )


def _plain_json(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, list, dict))


def _b64(raw: bytes | bytearray) -> str:
    return base64.encodebytes(bytes(raw)).decode("ascii")


def _nested_b64(items: Any) -> Any:
    return [_nested_b64(x) for x in items] if isinstance(items, list) else _b64(items)


def _dumps(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, default=_to_json_value, indent=indent)


def split_example(example: Any) -> tuple[Any, dict[str, Any] | None]:
    """Split an ``(example, params)`` tuple (MLflow's convention) into data and params."""
    if isinstance(example, tuple) and len(example) == 2 and isinstance(example[1], dict):
        return example[0], example[1]
    return example, None


def _nans_to_none(array: Any) -> Any:
    import numpy as np

    if np.issubdtype(array.dtype, np.number):
        return np.where(np.isnan(array), None, array)
    return array


def _contains_array(value: Any) -> bool:
    import numpy as np

    if isinstance(value, np.ndarray):
        return True
    if isinstance(value, list):
        return any(_contains_array(x) for x in value)
    if isinstance(value, dict):
        return any(_contains_array(x) for x in value.values())
    return False


def _describe_example(data: Any) -> tuple[str, Any, dict[str, Any], str | None]:
    """Return (type, stored form, serving body, pandas orient) for one example (without params)."""
    import numpy as np

    pd = _pandas_if_loaded()
    if hasattr(data, "model_dump") and not isinstance(data, dict):
        data = data.model_dump()
    if isinstance(data, dict):
        arrays = [isinstance(v, np.ndarray) for v in data.values()]
        if any(arrays):
            if not all(arrays):
                raise SignatureError(
                    "An input example dict mixes numpy arrays with other values; make every value an "
                    "array (a tensor example) or none of them (a JSON object example)."
                )
            stored = {k: _nans_to_none(v).tolist() for k, v in data.items()}
            return "ndarray", stored, {"inputs": stored}, None
        if any(k in data for k in _LLM_KEYS):
            return "json_object", data, data, None
        return "json_object", data, {"inputs": data}, None
    if isinstance(data, np.ndarray):
        stored = _nans_to_none(data).tolist()
        return "ndarray", stored, {"inputs": stored}, None
    if isinstance(data, list):
        if _contains_array(data):
            raise SignatureError(
                "numpy arrays inside a list are not supported in input examples; pass one array, a dict "
                "of arrays, or plain lists."
            )
        return "json_object", data, {"inputs": data}, None
    if _is_sparse(data):
        kind = "sparse_matrix_csc" if type(data).__name__.startswith("csc") else "sparse_matrix_csr"
        stored = {
            "data": _nans_to_none(data.data).tolist(),
            "indices": data.indices.tolist(),
            "indptr": data.indptr.tolist(),
            "shape": list(data.shape),
        }
        return kind, stored, {"inputs": data.toarray()}, None
    if pd is not None and isinstance(data, pd.DataFrame):
        split = data.where(data.notnull(), None).to_dict(orient="split")
        del split["index"]
        if list(data.columns) == list(range(len(data.columns))):
            del split["columns"]
        orient = "split" if "columns" in split else "values"
        return "dataframe", split, {"dataframe_split": split}, orient
    if np.isscalar(data) or isinstance(data, _dt.datetime):
        return "json_object", data, {"inputs": data}, None
    raise SignatureError(
        "An input example must be a pandas DataFrame, a numpy array, a dict of arrays, a dict, a list, "
        f"a scalar or a datetime; got {type(data).__name__}."
    )


def _pandas_if_loaded() -> Any:
    import sys

    return sys.modules.get("pandas")


def _is_sparse(data: Any) -> bool:
    module = type(data).__module__
    return module.startswith("scipy.sparse") and type(data).__name__ in (
        "csr_matrix",
        "csc_matrix",
        "csr_array",
        "csc_array",
    )


def _build(example: Any) -> tuple[dict[str, Any], str, str, Any, dict[str, Any] | None]:
    """(info, example json, serving json, inference data, params) for ``example``."""
    data, params = split_example(example)
    info: dict[str, Any] = {"artifact_path": EXAMPLE_FILENAME}
    if params:
        from ..signature.inference import infer_param_schema

        infer_param_schema(params)  # raises SignatureError naming the params that cannot be described
        info["params"] = "true"
    kind, stored, serving, orient = _describe_example(data)
    info["type"] = kind
    if orient is not None:
        info["pandas_orient"] = orient
    if params:
        stored = {"inputs": stored, "params": params}
        if kind == "json_object" and isinstance(data, dict) and any(k in data for k in _LLM_KEYS):
            serving = {**serving, **params}
        else:
            serving = {**serving, "params": params}
    example_json = _dumps(stored)
    serving_json = _dumps(serving, indent=2)
    info["serving_input_path"] = SERVING_INPUT_FILENAME
    return info, example_json, serving_json, data, params


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def save_input_example(
    model_dir: str | os.PathLike[str], example: Any, signature: ModelSignature | None = None
) -> dict[str, Any]:
    """Write ``input_example.json`` and ``serving_input_example.json`` into ``model_dir``.

    ``example`` may be a DataFrame, ndarray, dict of ndarrays, dict, list, scalar, datetime, scipy
    sparse matrix or an ``(example, params)`` tuple. When ``signature`` is given, the example is
    checked against its inputs and params first (as MLflow's ``save_model`` does) and a mismatch raises
    SignatureError ``Input example does not match the model signature. ...``.

    Returns the ``saved_input_example_info`` mapping for ``MLmodel`` (MLflow's keys and order:
    ``artifact_path``, ``params`` when params were given, ``type``, ``pandas_orient`` for DataFrames,
    ``serving_input_path``).
    """
    info, example_json, serving_json, data, params = _build(example)
    if signature is not None:
        from ..signature.enforce import enforce_input, enforce_params

        try:
            if signature.inputs is not None:
                enforce_input(data, signature.inputs)
            if signature.params is not None or params:
                enforce_params(params, signature.params)
        except SignatureError as exc:
            raise SignatureError(
                f"Input example does not match the model signature. {exc} Fix the example or the signature "
                "(infer_signature(example) shows the signature the example implies)."
            ) from None
    target = Path(model_dir)
    _write_text(target / info["artifact_path"], example_json)
    _write_text(target / info["serving_input_path"], serving_json)
    return info


def serving_input_json(example: Any) -> str | None:
    """``example`` as the JSON text of ``serving_input_example.json`` (None for None), MLflow's
    ``convert_input_example_to_serving_input``."""
    if example is None:
        return None
    return _build(example)[2]


def serving_payload(example: Any) -> dict[str, Any]:
    """The ``/invocations`` JSON body for ``example`` (the content of ``serving_input_example.json``)."""
    _, _, serving_json, _, _ = _build(example)
    payload: dict[str, Any] = json.loads(serving_json)
    return payload


def _read_stored(model_dir: str | os.PathLike[str], info: dict[str, Any]) -> Any:
    if not isinstance(info, dict) or info.get("type") not in _TYPES:
        raise SignatureError(
            f"Malformed saved_input_example_info {bounded_repr(info)}: 'type' must be one of {list(_TYPES)}."
        )
    path = Path(model_dir) / info.get("artifact_path", EXAMPLE_FILENAME)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SignatureError(
            f"The model's MLmodel lists an input example, but {path.name} is missing from the model "
            "directory. Save the model again with input_example=..., or remove saved_input_example_info."
        ) from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise SignatureError(f"{path.name} is not valid JSON ({exc}).") from None


def load_input_example(
    model_dir: str | os.PathLike[str], info: dict[str, Any] | None, schema: Schema | None = None
) -> Any:
    """Read the example saved by :func:`save_input_example` (or by MLflow) back into Python.

    ``dataframe`` → DataFrame, ``ndarray`` → ndarray or dict of ndarrays, ``json_object`` → the JSON
    value, sparse types → a scipy matrix. With ``schema`` (the signature's inputs) columns and tensors
    get the schema's dtypes. Returns None when ``info`` is None.
    """
    if info is None:
        return None
    stored = _read_stored(model_dir, info)
    if info.get("params"):
        stored = stored["inputs"]
    kind = info["type"]
    if kind == "json_object":
        return stored
    import numpy as np

    if kind == "ndarray":
        if isinstance(stored, dict):
            return {k: _array(v, _tensor_dtype(schema, k)) for k, v in stored.items()}
        return _array(stored, _tensor_dtype(schema, None))
    if kind == "dataframe":
        import pandas as pd

        if isinstance(stored, dict):
            frame = pd.DataFrame(data=stored.get("data"), columns=stored.get("columns"))
        else:
            frame = pd.DataFrame(stored)
        if schema is not None:
            from ..signature.enforce import coerce_json_columns

            frame = coerce_json_columns(frame, schema)
        return frame
    from scipy import sparse  # sparse examples need scipy, as in MLflow

    make = sparse.csc_matrix if kind == "sparse_matrix_csc" else sparse.csr_matrix
    return make(
        (np.array(stored["data"]), np.array(stored["indices"]), np.array(stored["indptr"])),
        shape=tuple(stored["shape"]),
    )


def load_input_example_params(model_dir: str | os.PathLike[str], info: dict[str, Any] | None) -> Any:
    """The params saved with the example (``None`` if there were none)."""
    if info is None or not info.get("params"):
        return None
    return _read_stored(model_dir, info).get("params")


def _tensor_dtype(schema: Schema | None, name: str | None) -> Any:
    if schema is None or not schema.is_tensor_spec():
        return None
    for spec in schema.inputs:
        if name is None or spec.name == name:
            return spec.type
    return None


def _array(values: Any, dtype: Any) -> Any:
    import numpy as np

    if dtype is not None:
        try:
            return np.array(values, dtype=dtype)
        except (TypeError, ValueError):
            pass
    return np.array(values)
