"""Unit tests for servebook.signature.enforce: input and params checks, server-side JSON coercion."""

from __future__ import annotations

import datetime
import logging

import numpy as np
import pandas as pd
import pytest

from servebook.errors import SignatureError
from servebook.signature import (
    ColSpec,
    DataType,
    Object,
    ParamSchema,
    ParamSpec,
    Property,
    Schema,
    TensorSpec,
)
from servebook.signature.enforce import coerce_json_columns, column_dtypes, enforce_input, enforce_params
from servebook.signature.enforce.columns import _frame_dtypes

IRIS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
IRIS_SCHEMA = Schema([ColSpec(DataType.double, name) for name in IRIS])


def iris(rows: int = 1) -> pd.DataFrame:
    return pd.DataFrame({name: np.linspace(0.5, 1.5, rows) + i for i, name in enumerate(IRIS)})


def test_matching_frame_is_returned_without_copy() -> None:
    frame = iris(3)
    assert enforce_input(frame, IRIS_SCHEMA) is frame


def test_extra_columns_dropped_and_order_restored_without_warning(caplog: pytest.LogCaptureFixture) -> None:
    frame = iris(2)[IRIS[::-1]].assign(extra="x")
    with caplog.at_level(logging.DEBUG, logger="servebook"):
        result = enforce_input(frame, IRIS_SCHEMA)
    assert result.columns.tolist() == IRIS
    assert result["petal_width"].tolist() == frame["petal_width"].tolist()
    assert [r.levelno for r in caplog.records] == [logging.DEBUG]


def test_missing_column_names_column_type_and_what_to_do() -> None:
    with pytest.raises(SignatureError) as info:
        enforce_input(iris().drop(columns=["petal_width"]).assign(petal_wdth=1.0), IRIS_SCHEMA)
    message = str(info.value)
    assert "Model is missing inputs ['petal_width']" in message
    assert "'petal_width': double" in message
    assert "extra inputs: ['petal_wdth']" in message
    assert "Add the missing column" in message


def test_optional_columns_may_be_missing() -> None:
    schema = Schema([ColSpec("double", "a"), ColSpec("string", "note", required=False)])
    result = enforce_input({"a": [1.0, 2.0]}, schema)
    assert result.columns.tolist() == ["a"]


@pytest.mark.parametrize(
    ("values", "column_type", "expected"),
    [
        (np.array([1, 2], dtype=np.int32), "long", "int64"),
        (np.array([1, 2], dtype=np.int8), "double", "float64"),
        (np.array([1, 2], dtype=np.uint32), "long", "int64"),
        (np.array([1.5, 2.5], dtype=np.float32), "double", "float64"),
        (np.array([0, 1], dtype=np.int64), "double", "float64"),
        (np.array([0, 1], dtype=np.int64), "float", "float32"),
        (np.array(["2020-01-01", "2021-06-01"], dtype="datetime64[s]"), "datetime", "datetime64[ns]"),
        (np.array(["a", None], dtype=object), "string", "object"),
    ],
)
def test_safe_casts(values: np.ndarray, column_type: str, expected: str) -> None:
    result = enforce_input(
        pd.DataFrame({"c": pd.Series(values, dtype=values.dtype)}), Schema([ColSpec(column_type, "c")])
    )
    assert str(result["c"].dtype) == expected
    assert result["c"].tolist() == pd.Series(values, dtype=values.dtype).astype(expected).tolist()


@pytest.mark.parametrize(
    ("values", "column_type"),
    [
        (np.array([1.5]), "long"),
        (np.array([1.5]), "float"),
        (np.array([3], dtype=np.int64), "double"),
        (np.array([3], dtype=np.int64), "integer"),
        (np.array([1]), "string"),
        (np.array([True]), "double"),
    ],
)
def test_unsafe_casts_are_refused_with_a_hint(values: np.ndarray, column_type: str) -> None:
    with pytest.raises(
        SignatureError, match=r"Incompatible input types for column c\. Can not safely convert"
    ) as info:
        enforce_input(pd.DataFrame({"c": values}), Schema([ColSpec(column_type, "c")]))
    assert "change the column's type in the model signature" in str(info.value)


def test_missing_values_in_integer_column_get_the_missing_values_hint() -> None:
    with pytest.raises(SignatureError, match="missing values") as info:
        enforce_input(pd.DataFrame({"n": [1.0, None]}), Schema([ColSpec("long", "n")]))
    assert "Can not safely convert float64 to int64" in str(info.value)


def test_messages_never_dump_the_input() -> None:
    frame = pd.DataFrame({"c": [f"value-{i}" for i in range(10_000)], "zzz": range(10_000)})
    for schema in (Schema([ColSpec("double", "c")]), Schema([ColSpec("double", "missing")])):
        with pytest.raises(SignatureError) as info:
            enforce_input(frame, schema)
        assert len(str(info.value)) < 800
        assert "value-5000" not in str(info.value)


def test_input_shapes_become_frames() -> None:
    schema = Schema([ColSpec("double", "a"), ColSpec("string", "b")])
    for data in (
        {"a": 1.5, "b": "x"},
        {"a": [1.5], "b": ["x"]},
        [{"b": "x", "a": 1.5}],
        pd.Series({"a": 1.5, "b": "x"}).to_frame().T,
    ):
        frame = enforce_input(data, schema)
        assert frame.columns.tolist() == ["a", "b"]
        assert frame.iloc[0].tolist() == [1.5, "x"]
    unnamed = Schema([ColSpec("double"), ColSpec("long")])
    assert enforce_input([[1.5, 2]], unnamed).iloc[0].tolist() == [1.5, 2]
    assert enforce_input("text", Schema([ColSpec("string")])).iloc[0, 0] == "text"
    assert enforce_input(np.array([[1.0, 2.0]]), Schema([ColSpec("double"), ColSpec("double")])).shape == (
        1,
        2,
    )


def test_unnamed_schema_checks_count() -> None:
    with pytest.raises(SignatureError, match="declares 2 unnamed inputs but the input has 1 column"):
        enforce_input([[1.5]], Schema([ColSpec("double"), ColSpec("long")]))


def test_object_and_array_columns_are_checked_per_value() -> None:
    schema = Schema(
        [ColSpec(Object([Property("k", "long")]), "o"), ColSpec(Object([Property("t", "string")]), "p")]
    )
    frame = enforce_input({"o": {"k": 1}, "p": {"t": "x"}}, schema)
    assert frame["o"].tolist() == [{"k": 1}]
    with pytest.raises(SignatureError, match=r"column 'o' at row 0: property 'k': expected long"):
        enforce_input({"o": {"k": "one"}, "p": {"t": "x"}}, schema)


def test_tensor_inputs_are_converted_reshaped_and_cast() -> None:
    schema = Schema([TensorSpec(np.dtype("float32"), (-1, 2, 2))])
    from_list = enforce_input([[1, 2, 3, 4]], schema)
    assert from_list.dtype == np.float32 and from_list.shape == (1, 2, 2)
    flat = np.arange(8, dtype=np.float32).reshape(2, 4)
    assert enforce_input(flat, schema).tolist() == flat.reshape(2, 2, 2).tolist()
    assert enforce_input(np.zeros((3, 2, 2), dtype=np.int16), schema).dtype == np.float32
    with pytest.raises(
        SignatureError, match=r"Shape of input \(2, 3\) does not match expected shape \(-1, 2, 2\)"
    ):
        enforce_input(np.zeros((2, 3)), schema)
    with pytest.raises(SignatureError, match="could change values"):
        enforce_input(np.zeros((1, 2, 2), dtype=np.float64), schema)


def test_named_tensors() -> None:
    schema = Schema([TensorSpec("float64", (-1, 2), "x"), TensorSpec("int64", (-1,), "y")])
    result = enforce_input({"x": [[1, 2]], "y": np.array([3]), "ignored": 1}, schema)
    assert set(result) == {"x", "y"}
    assert result["x"].dtype == np.float64 and result["y"].tolist() == [3]
    with pytest.raises(SignatureError, match=r"Model is missing inputs \['y'\]"):
        enforce_input({"x": np.ones((1, 2))}, schema)
    with pytest.raises(SignatureError, match="send a dict of name -> array"):
        enforce_input([1, 2], schema)


PARAMS = ParamSchema(
    [
        ParamSpec("k", "long", 3),
        ParamSpec("t", "double", 0.5),
        ParamSpec("when", "datetime", "2020-01-01T00:00:00"),
        ParamSpec("tags", "string", ["a"], (-1,)),
    ]
)


def test_params_defaults_and_widening() -> None:
    defaults = {"k": 3, "t": 0.5, "when": datetime.datetime(2020, 1, 1), "tags": ["a"]}
    assert enforce_params(None, PARAMS) == defaults
    assert enforce_params({}, PARAMS) == defaults
    got = enforce_params(
        {"t": 2, "k": np.int32(4), "when": "2021-02-03T04:05:06", "tags": ("x", "y")}, PARAMS
    )
    assert got == {"k": 4, "t": 2.0, "when": datetime.datetime(2021, 2, 3, 4, 5, 6), "tags": ["x", "y"]}
    assert type(got["t"]) is float and type(got["k"]) is int


def test_unknown_params_are_ignored_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="servebook"):
        assert enforce_params({"zzz": 1}, PARAMS)["k"] == 3
    assert "Unrecognized params ['zzz'] are ignored" in caplog.text


def test_wrong_params_name_each_param_and_what_to_do() -> None:
    with pytest.raises(SignatureError) as info:
        enforce_params({"k": 1.5, "t": "fast", "tags": "a"}, PARAMS)
    message = str(info.value)
    assert message.startswith("Invalid parameters found: {")
    assert "'k'" in message and "'t'" in message and "'tags'" in message
    assert "Pass values of the types declared" in message
    with pytest.raises(SignatureError, match="Parameters must be a dictionary. Got type 'list'"):
        enforce_params([1], PARAMS)


def test_params_without_params_schema_are_ignored(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="servebook"):
        assert enforce_params({"k": 1}, None) == {}
    assert "no params schema" in caplog.text
    assert enforce_params(None, None) is None


def test_column_dtypes_for_the_server() -> None:
    schema = Schema(
        [
            ColSpec("double", "d"),
            ColSpec("float", "f"),
            ColSpec("long", "l"),
            ColSpec("integer", "i"),
            ColSpec("boolean", "b"),
            ColSpec("string", "s"),
            ColSpec("binary", "x"),
            ColSpec("datetime", "t"),
            ColSpec(Object([Property("k", "long")]), "o"),
        ]
    )
    assert {k: str(v) for k, v in column_dtypes(schema).items()} == {
        "d": "float64",
        "f": "float32",
        "l": "int64",
        "i": "int32",
        "b": "bool",
        "s": "object",
        "x": "object",
        "t": "datetime64[ns]",
    }
    assert column_dtypes(Schema([ColSpec("double"), ColSpec("long")])) == {
        0: np.dtype("float64"),
        1: np.dtype("int64"),
    }


def test_coerce_json_columns_is_lenient_like_mlflows_parser() -> None:
    frame = pd.DataFrame({"sepal_length": ["1.5", True, None], "sepal_width": [1, 2, 3]})
    result = coerce_json_columns(frame, IRIS_SCHEMA)
    assert result["sepal_length"].tolist()[:2] == [1.5, 1.0] and np.isnan(result["sepal_length"].iloc[2])
    assert result["sepal_width"].dtype == np.float64
    with pytest.raises(SignatureError, match="Failed to convert column sepal_length to type 'float64'"):
        coerce_json_columns(pd.DataFrame({"sepal_length": ["a"]}), IRIS_SCHEMA)


def test_coerce_json_columns_leaves_matching_frames_alone() -> None:
    frame = iris(2)
    before = frame["sepal_length"].to_numpy()
    assert coerce_json_columns(frame, IRIS_SCHEMA) is frame
    assert frame["sepal_length"].to_numpy() is before or np.shares_memory(
        frame["sepal_length"].to_numpy(), before
    )


def test_frame_dtypes_matches_the_public_attribute() -> None:
    frame = pd.DataFrame({"a": [1], "b": ["x"], "c": [1.5], "d": pd.to_datetime(["2020-01-01"]), "e": [True]})
    assert list(_frame_dtypes(frame)) == frame.dtypes.tolist()
