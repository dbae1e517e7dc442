"""Example data shared by the compat tests.

The source of this module is executed both here and inside the MLflow test interpreter, so both tools
see the very same objects. It may import only numpy, pandas and the standard library.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd


def iris(rows: int = 2) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sepal_length": np.linspace(5.1, 6.0, rows),
            "sepal_width": np.linspace(3.5, 3.0, rows),
            "petal_length": np.linspace(1.4, 4.0, rows),
            "petal_width": np.linspace(0.2, 1.3, rows),
        }
    )


# name -> input example (save_input_example / MLflow's _Example)
EXAMPLES = {
    "df": pd.DataFrame({"a": [1.0, 2.5], "b": [3, 4], "s": ["x", "é"]}),
    "df_iris": iris(),
    "df_nan": pd.DataFrame({"a": [1.0, None], "s": ["x", None]}),
    "df_index": pd.DataFrame({"a": [1.0]}, index=[7]),
    "df_default_columns": pd.DataFrame([[1, 2], [3, 4]]),
    "df_datetime_bytes_bool": pd.DataFrame(
        {"t": pd.to_datetime(["2020-01-01 03:04:05"]), "by": [b"ab"], "bo": [True]}
    ),
    "ndarray": np.array([[1.0, np.nan], [2, 3]]),
    "ndarray_int": np.arange(4).reshape(2, 2),
    "ndarray_float32": np.arange(8, dtype=np.float32).reshape(2, 2, 2),
    "ndarray_str": np.array(["a", "b"]),
    "dict_of_arrays": {"x": np.zeros((1, 2)), "y": np.array([1, 2])},
    "dict": {"a": 1, "b": [1, 2], "c": "é", "d": None},
    "dict_numpy_scalars": {"a": np.int64(3), "b": np.float32(0.5)},
    "dict_chat": {"messages": [{"role": "user", "content": "hi"}]},
    "list": [1, 2, 3],
    "list_of_dicts": [{"a": 1, "t": "x"}, {"a": 2, "t": "y"}],
    "float": 3.5,
    "str": "hello",
    "bytes": b"\x00\x01",
    "datetime": datetime.datetime(2020, 1, 1, 12, 30),
    "df_with_params": (pd.DataFrame({"a": [1.0]}), {"k": 1, "d": datetime.datetime(2020, 1, 1)}),
    "chat_with_params": ({"messages": [{"role": "user", "content": "hi"}]}, {"temperature": 0.5}),
    "ndarray_with_params": (np.array([1, 2]), {"k": "v", "l": [1, 2]}),
}

# name -> (model_input, model_output, params) for infer_signature
INFER = {
    "iris": (iris(), pd.DataFrame({"label": [0, 1], "score": [0.5, 0.25]}), {"raise_error": False}),
    "mixed_frame": (
        pd.DataFrame(
            {
                "i": [1, 2],
                "i8": np.array([1, 2], dtype=np.int8),
                "u32": np.array([1, 2], dtype=np.uint32),
                "i32": np.array([1, 2], dtype=np.int32),
                "f32": np.array([1, 2], dtype=np.float32),
                "s": ["x", "y"],
                "b": [True, False],
                "dt": pd.to_datetime(["2020-01-01", "2020-01-02"]),
                "by": [b"a", b"b"],
                "obj_list": [[1, 2], [3]],
                "obj_dict": [{"k": 1}, {"k": 2, "j": "x"}],
            }
        ),
        None,
        None,
    ),
    "missing_values": (pd.DataFrame({"a": [1.0, None], "s": ["x", None], "n": [None, None]}), None, None),
    "int_column_names": (pd.DataFrame([[1, 2], [3, 4]]), np.array([1, 0]), None),
    "unicode_names": (pd.DataFrame({"é": [1.0], "中": ["x"]}), None, None),
    "series": (pd.Series([1.0, 2.0], name="y"), pd.Series(["a"]), None),
    "ndarray_2d": (np.zeros((3, 4)), np.zeros(3, dtype=np.int32), None),
    "ndarray_3d": (np.zeros((2, 28, 28), dtype=np.float32), None, None),
    "ndarray_str": (np.array(["a", "b"]), np.array([b"x"]), None),
    "ndarray_bool": (np.array([True]), None, None),
    "dict_of_arrays": ({"a": np.zeros((2, 3)), "b": np.array([1, 2])}, None, None),
    "dict_of_lists": ({"a": [1, 2], "b": ["x", "y"], "c": [[1.5], []]}, None, None),
    "dict_of_scalars": ({"a": 1, "b": "x", "c": 1.5, "d": True, "e": None}, None, None),
    "nested_dict": ({"a": {"x": 1, "y": "s"}, "m": [{"role": "u", "c": "hi"}, {"role": "a"}]}, None, None),
    "records": ([{"a": 1, "b": "x"}, {"a": 2}, {"a": 3, "b": None}], None, None),
    "list_str": (["a", "b"], ["c"], None),
    "list_int": ([1, 2], [1.5], None),
    "list_lists": ([[1, 2], [3, 4]], None, None),
    "list_mixed": ([1, "a"], None, None),
    "empty_list": ([], None, None),
    "scalars": ("hello", 3, None),
    "float_bool": (3.5, True, None),
    "bytes_datetime": (b"abc", datetime.datetime(2020, 1, 1), None),
    "numpy_scalars": (np.float32(1.5), np.int32(3), None),
    "numpy_text_scalars": (np.str_("a"), [np.bytes_(b"a")], None),
    "array_cells": (pd.DataFrame({"c": [np.array(["x", "y"]), np.array(["z"])]}), None, None),
    "params_all": (
        [1.0],
        None,
        {
            "i": 1,
            "f": 1.5,
            "s": "x",
            "b": True,
            "l": [1, 2],
            "ls": ["a", "b"],
            "lf": [1, 2.5],
            "dt": datetime.datetime(2020, 1, 1, 3, 4, 5),
            "ldt": [datetime.datetime(2021, 2, 3)],
            "n32": np.int32(3),
            "f32": np.float32(1.5),
            "arr": np.array([1, 2]),
            "obj": {"a": 1, "b": "x"},
        },
    ),
}

# schema JSON written by hand: MLflow's Schema.from_json(s).to_json() must equal ours
SCHEMA_TEXTS = [
    '[{"type": "double", "name": "a", "required": true}, {"type": "string", "name": "b", "required": false}]',
    '[{"type": "long", "required": true}]',
    '[{"type": "binary", "name": "x", "required": true}, {"type": "datetime", "name": "t", '
    '"required": true}]',
    '[{"type": "array", "items": {"type": "array", "items": {"type": "double"}}, "name": "a", '
    '"required": true}]',
    '[{"type": "object", "properties": {"b": {"type": "long", "required": true}, "a": {"type": "string", '
    '"required": false}}, "name": "o", "required": true}]',
    '[{"type": "map", "values": {"type": "string"}, "name": "m", "required": true}]',
    '[{"type": "any", "name": "z", "required": true}]',
    '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 28, 28]}}]',
    '[{"name": "x", "type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}, '
    '{"name": "y", "type": "tensor", "tensor-spec": {"dtype": "str", "shape": [-1, 2]}}]',
    '[{"type": "integer", "name": 0, "required": true}, {"type": "float", "name": 1, "required": true}]',
]
PARAM_TEXTS = [
    '[{"name": "raise_error", "default": false, "shape": null, "type": "boolean"}]',
    '[{"name": "k", "default": 3, "shape": null, "type": "long"}, {"name": "t", "default": 0.5, '
    '"shape": null, '
    '"type": "double"}, {"name": "l", "default": ["a"], "shape": [-1], "type": "string"}, {"name": "d", '
    '"default": "2020-01-01T00:00:00", "shape": null, "type": "datetime"}, {"name": "f", "default": '
    '1, "shape": '
    'null, "type": "float"}, {"name": "i", "default": 7, "shape": null, "type": "integer"}]',
    '[{"name": "o", "default": {"a": 1}, "shape": null, "type": "object", "properties": {"a": '
    '{"type": "long", '
    '"required": true}}}]',
]

_DOUBLES = '[{"type": "double", "name": "%s", "required": true}]'
IRIS_SCHEMA = (
    "["
    + ", ".join(
        f'{{"type": "double", "name": "{n}", "required": true}}'
        for n in ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    )
    + "]"
)
MIXED_SCHEMA = (
    '[{"type": "long", "name": "i", "required": true}, {"type": "string", "name": "s", "required": true}, '
    '{"type": "datetime", "name": "t", "required": true}, {"type": "boolean", "name": "b", '
    '"required": false}, '
    '{"type": "float", "name": "f", "required": false}, {"type": "integer", "name": "n", "required": false}]'
)
UNNAMED_SCHEMA = '[{"type": "double", "required": true}, {"type": "long", "required": true}]'
TENSOR_SCHEMA = '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 2, 2]}}]'
NAMED_TENSORS = (
    '[{"name": "x", "type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 2]}}, '
    '{"name": "y", "type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
)
ARRAY_SCHEMA = (
    '[{"type": "array", "items": {"type": "string"}, "name": "tags", "required": true}, '
    '{"type": "object", "properties": {"k": {"type": "long", "required": true}}, "name": "o", '
    '"required": true}]'
)

# name -> (data, schema json): both tools must agree on success (same dtypes/values) or failure
ENFORCE = {
    "iris_exact": (iris(1), IRIS_SCHEMA),
    "iris_reordered_extra": (
        iris(3)[["petal_width", "sepal_length", "petal_length", "sepal_width"]].assign(x=1),
        IRIS_SCHEMA,
    ),
    "iris_missing": (iris(1).drop(columns=["petal_width"]), IRIS_SCHEMA),
    "iris_float32": (iris(2).astype("float32"), IRIS_SCHEMA),
    "iris_int32": (iris(2).astype("int32"), IRIS_SCHEMA),
    "iris_int64": (iris(2).round().astype("int64") + 5, IRIS_SCHEMA),
    "iris_int64_zero_one": (
        pd.DataFrame({c: [0, 1] for c in ["sepal_length", "sepal_width", "petal_length", "petal_width"]}),
        IRIS_SCHEMA,
    ),
    "iris_uint16": (iris(2).astype("uint16"), IRIS_SCHEMA),
    "iris_strings": (iris(1).astype(str), IRIS_SCHEMA),
    "iris_bool": (iris(1).astype(bool), IRIS_SCHEMA),
    "iris_dict_scalars": (
        {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2},
        IRIS_SCHEMA,
    ),
    "iris_dict_lists": (
        {
            "sepal_length": [5.1, 5.2],
            "sepal_width": [3.5, 3.0],
            "petal_length": [1.4, 1.5],
            "petal_width": [0.2, 0.1],
        },
        IRIS_SCHEMA,
    ),
    "iris_records": (
        [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}],
        IRIS_SCHEMA,
    ),
    "iris_list_of_lists": ([[5.1, 3.5, 1.4, 0.2]], IRIS_SCHEMA),
    "iris_ndarray": (np.array([[5.1, 3.5, 1.4, 0.2]]), IRIS_SCHEMA),
    "mixed_ok": (
        pd.DataFrame(
            {
                "i": np.array([1, 2], dtype=np.int32),
                "s": ["a", "b"],
                "t": pd.to_datetime(["2020-01-01", "2021-01-01"]).astype("datetime64[s]"),
                "b": [True, False],
            }
        ),
        MIXED_SCHEMA,
    ),
    "mixed_object_columns": (
        pd.DataFrame(
            {"i": [1, 2], "s": ["a", "b"], "t": ["2020-01-01", "2020-02-03 04:05:06"], "f": [1.0, 2.0]},
            dtype=object,
        ),
        MIXED_SCHEMA,
    ),
    "mixed_float_into_long": (
        pd.DataFrame({"i": [1.5, 2.0], "s": ["a", "b"], "t": pd.to_datetime(["2020-01-01"] * 2)}),
        MIXED_SCHEMA,
    ),
    "mixed_nan_into_long": (
        pd.DataFrame({"i": [1.0, None], "s": ["a", "b"], "t": pd.to_datetime(["2020-01-01"] * 2)}),
        MIXED_SCHEMA,
    ),
    "mixed_double_into_float": (
        pd.DataFrame({"i": [1], "s": ["a"], "t": pd.to_datetime(["2020-01-01"]), "f": [1.5]}),
        MIXED_SCHEMA,
    ),
    "mixed_int64_into_integer": (
        pd.DataFrame({"i": [1], "s": ["a"], "t": pd.to_datetime(["2020-01-01"]), "n": [7]}),
        MIXED_SCHEMA,
    ),
    "mixed_int8_into_integer": (
        pd.DataFrame(
            {"i": [1], "s": ["a"], "t": pd.to_datetime(["2020-01-01"]), "n": np.array([7], dtype=np.int8)}
        ),
        MIXED_SCHEMA,
    ),
    "mixed_int_into_string": (
        pd.DataFrame({"i": [1], "s": [5], "t": pd.to_datetime(["2020-01-01"])}),
        MIXED_SCHEMA,
    ),
    "mixed_bad_datetime": (
        pd.DataFrame({"i": [1], "s": ["a"], "t": ["not a date"]}, dtype=object),
        MIXED_SCHEMA,
    ),
    "unnamed_ok": (
        pd.DataFrame({"p": [1.0], "q": np.array([2], dtype=np.int32), "r": ["extra"]}),
        UNNAMED_SCHEMA,
    ),
    "unnamed_list_of_lists": ([[1.5, 2]], UNNAMED_SCHEMA),
    "unnamed_too_few": (pd.DataFrame({"p": [1.0]}), UNNAMED_SCHEMA),
    "unnamed_bad_type": (pd.DataFrame({"p": ["x"], "q": [1]}), UNNAMED_SCHEMA),
    "tensor_exact": (np.zeros((3, 2, 2)), TENSOR_SCHEMA),
    "tensor_wrong_shape": (np.zeros((3, 3)), TENSOR_SCHEMA),
    "tensor_wrong_rank": (np.zeros((3, 2, 2, 1)), TENSOR_SCHEMA),
    "tensor_flat_rows": (np.arange(8.0).reshape(2, 4), TENSOR_SCHEMA),
    "tensor_float32": (np.zeros((1, 2, 2), dtype=np.float32), TENSOR_SCHEMA),
    "tensor_int_rows": (np.ones((1, 2, 2), dtype=np.int64), TENSOR_SCHEMA),
    "tensor_float_into_int": ({"x": np.ones((2, 2)), "y": np.array([1.5, 2.0])}, NAMED_TENSORS),
    "tensor_dataframe_list_column": (pd.DataFrame({"x": [[1, 2, 3, 4], [5, 6, 7, 8]]}), TENSOR_SCHEMA),
    "named_tensors": ({"x": np.ones((2, 2)), "y": np.array([1, 2])}, NAMED_TENSORS),
    "named_tensors_missing": ({"x": np.ones((2, 2))}, NAMED_TENSORS),
    "named_tensors_bad_shape": ({"x": np.ones((2, 3)), "y": np.array([1, 2])}, NAMED_TENSORS),
    "array_object_ok": (pd.DataFrame({"tags": [["a", "b"], []], "o": [{"k": 1}, {"k": 2}]}), ARRAY_SCHEMA),
    "array_object_bad": (pd.DataFrame({"tags": [["a"]], "o": [{"j": 1}]}), ARRAY_SCHEMA),
    "scalar_into_string": ("hello", '[{"type": "string", "required": true}]'),
    "list_into_string": (["a", "b"], '[{"type": "string", "required": true}]'),
    "series_into_long": (pd.Series([1, 2], name="n"), '[{"type": "long", "name": "n", "required": true}]'),
}

# name -> (params, params schema json): same result dict or both fail
PARAMS_SCHEMA = PARAM_TEXTS[1]
PARAMS = {
    "none": (None, PARAMS_SCHEMA),
    "empty": ({}, PARAMS_SCHEMA),
    "override": (
        {"k": 5, "t": 2, "l": ["x", "y"], "d": "2021-02-03T04:05:06", "f": 2, "i": np.int32(3)},
        PARAMS_SCHEMA,
    ),
    "widen_long_to_double": ({"t": 7}, PARAMS_SCHEMA),
    "numpy_values": ({"k": np.int64(9), "t": np.float32(0.5), "l": np.array(["a"])}, PARAMS_SCHEMA),
    "date_only": ({"d": "2021-02-03"}, PARAMS_SCHEMA),
    "unknown_key": ({"zzz": 1, "k": 2}, PARAMS_SCHEMA),
    "float_into_long": ({"k": 1.5}, PARAMS_SCHEMA),
    "string_into_double": ({"t": "x"}, PARAMS_SCHEMA),
    "bool_into_long": ({"k": True}, PARAMS_SCHEMA),
    "scalar_into_list": ({"l": "a"}, PARAMS_SCHEMA),
    "list_into_scalar": ({"k": [1, 2]}, PARAMS_SCHEMA),
    "bad_datetime": ({"d": "yesterday"}, PARAMS_SCHEMA),
    "int_into_datetime": ({"d": 5}, PARAMS_SCHEMA),
    "none_value": ({"k": None}, PARAMS_SCHEMA),
    "not_a_dict": ([1, 2], PARAMS_SCHEMA),
    "no_schema_given_params": ({"k": 1}, None),
    "no_schema_no_params": (None, None),
    "object_ok": ({"o": {"a": 2}}, PARAM_TEXTS[2]),
    "object_missing_key": ({"o": {"b": 2}}, PARAM_TEXTS[2]),
}


def describe(result: object) -> object:
    """A JSON-able picture of an enforcement result, comparable across the two interpreters."""
    import json

    if isinstance(result, BaseException):
        return {"kind": "error", "message": str(result)}
    if isinstance(result, pd.DataFrame):
        return {
            "kind": "frame",
            "columns": [str(c) for c in result.columns],
            "dtypes": [str(t) for t in result.dtypes],
            "values": json.loads(json.dumps(result.to_dict(orient="split")["data"], default=_plain)),
        }
    if isinstance(result, np.ndarray):
        return {
            "kind": "array",
            "dtype": str(result.dtype),
            "shape": list(result.shape),
            "values": result.tolist(),
        }
    if isinstance(result, dict):
        return {"kind": "dict", "items": {str(k): describe(v) for k, v in result.items()}}
    return {"kind": "value", "repr": repr(result)}


def _plain(value: object) -> object:
    """numpy scalars as Python values (MLflow leaves np.int64 inside object columns; servebook int)."""
    item = getattr(value, "item", None)
    return item() if callable(item) else repr(value)


def frame_from_json(body: dict) -> pd.DataFrame:
    """A DataFrame from a parsed ``dataframe_split`` / ``dataframe_records`` payload, as both "
    "servers build it."""
    if "dataframe_records" in body:
        return pd.DataFrame(data=body["dataframe_records"])
    split = body["dataframe_split"]
    return pd.DataFrame(index=split.get("index"), columns=split.get("columns"), data=split["data"])


_IRIS_COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
TYPED_SCHEMA = (
    '[{"type": "long", "name": "n", "required": true}, {"type": "string", "name": "s", "required": true}, '
    '{"type": "boolean", "name": "b", "required": false}, {"type": "float", "name": "f", "required": false}, '
    '{"type": "datetime", "name": "t", "required": false}, {"type": "binary", "name": "x", '
    '"required": false}]'
)

# name -> (request JSON body, schema json): the server-side cast (coerce_json_columns vs MLflow's parser)
JSON_BODIES = {
    "iris_numbers": (
        {"dataframe_split": {"columns": _IRIS_COLUMNS, "data": [[5.1, 3.5, 1.4, 0.2]]}},
        IRIS_SCHEMA,
    ),
    "iris_ints": ({"dataframe_split": {"columns": _IRIS_COLUMNS, "data": [[5, 3, 1, 0]]}}, IRIS_SCHEMA),
    "iris_lenient": (
        {
            "dataframe_split": {
                "columns": _IRIS_COLUMNS,
                "data": [["1.5", True, 2, None], [1.0, False, "3", 4.5]],
            }
        },
        IRIS_SCHEMA,
    ),
    "iris_letter": ({"dataframe_split": {"columns": _IRIS_COLUMNS, "data": [["a", 1, 2, 3]]}}, IRIS_SCHEMA),
    "iris_records_missing": ({"dataframe_records": [{"sepal_length": 1.0, "sepal_width": 2.0}]}, IRIS_SCHEMA),
    "iris_records_extra": (
        {"dataframe_records": [{**dict.fromkeys(_IRIS_COLUMNS, 1.0), "zzz": "extra"}]},
        IRIS_SCHEMA,
    ),
    "typed_ok": (
        {
            "dataframe_records": [
                {"n": 1, "s": "a", "b": True, "f": 1.5, "t": "2020-01-02T03:04:05", "x": "YWI=\n"}
            ]
        },
        TYPED_SCHEMA,
    ),
    "typed_int_as_string_column": ({"dataframe_records": [{"n": 1, "s": 7}]}, TYPED_SCHEMA),
    "typed_null_in_long": ({"dataframe_records": [{"n": None, "s": "a"}, {"n": 2, "s": "b"}]}, TYPED_SCHEMA),
    "typed_float_in_long": ({"dataframe_records": [{"n": 1.5, "s": "a"}]}, TYPED_SCHEMA),
    "typed_bad_datetime": ({"dataframe_records": [{"n": 1, "s": "a", "t": "not a date"}]}, TYPED_SCHEMA),
    "typed_bool_from_ints": (
        {"dataframe_records": [{"n": 1, "s": "a", "b": 0}, {"n": 2, "s": "b", "b": 1}]},
        TYPED_SCHEMA,
    ),
    "unnamed": ({"dataframe_split": {"data": [[1, 2], [3, 4]]}}, UNNAMED_SCHEMA),
}
