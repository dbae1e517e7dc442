"""serve.protocol as pure functions: media types, parsing into model input, response encoding."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from servebook.errors import InvalidInputError, SignatureError, UnsupportedMediaTypeError
from servebook.serve import protocol
from servebook.serve.protocol import fast_paths
from servebook.signature import ColSpec, Schema, TensorSpec

PLAN = protocol.plan_from_schema(Schema([ColSpec("double", "a"), ColSpec("long", "b")]))
FLOAT_PLAN = protocol.plan_from_schema(Schema([ColSpec("double", "a"), ColSpec("double", "b")]))


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("application/json", "json"),
        (b"application/json; charset=UTF-8", "json"),
        ("text/csv", "csv"),
        ("TEXT/CSV ; charset=utf8", "csv"),
    ],
)
def test_media_type_accepts(header: str | bytes, kind: str) -> None:
    assert protocol.media_type(header) == kind


@pytest.mark.parametrize(
    "header", [None, "", "text/plain", "application/json; format=pandas-split", "text/csv; charset=ascii"]
)
def test_media_type_refuses(header: str | None) -> None:
    with pytest.raises(UnsupportedMediaTypeError):
        protocol.media_type(header)


def test_plan_from_schema() -> None:
    assert PLAN.columns == {"a": "float64", "b": "int64"} and not PLAN.all_float
    assert FLOAT_PLAN.all_float
    tensor = protocol.plan_from_schema(Schema([TensorSpec(np.dtype("float32"), (-1, 2))]))
    assert tensor.tensor_dtype == "float32"
    assert protocol.plan_from_schema(None) == protocol.NO_PLAN


def test_split_records_and_csv_give_the_same_frame() -> None:
    split = protocol.parse_request(
        b'{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2]]}}', "json", PLAN
    )
    records = protocol.parse_request(b'{"dataframe_records": [{"a": 1, "b": 2}]}', "json", PLAN)
    csv = protocol.parse_request(b"a,b\n1,2\n", "csv", PLAN)
    for parsed in (split, records, csv):
        assert parsed.rows == 1 and parsed.params is None
        assert parsed.data.dtypes.tolist() == [np.float64, np.int64]
        assert parsed.data.to_dict("list") == {"a": [1.0], "b": [2]}


def test_float_fast_path_matches_the_general_path() -> None:
    body = b'{"dataframe_split": {"columns": ["a", "b"], "data": [[1, "2.5"], [true, null]]}}'
    fast = protocol.parse_request(body, "json", FLOAT_PLAN).data
    slow = protocol.parse_request(
        body.replace(b'"columns": ["a", "b"], ', b'"index": [0, 1], "columns": ["a", "b"], '),
        "json",
        FLOAT_PLAN,
    ).data
    pd.testing.assert_frame_equal(fast, slow)
    assert fast["b"].isna().tolist() == [False, True]


def test_params_and_tensor_inputs() -> None:
    parsed = protocol.parse_request(b'{"inputs": [[1, 2]], "params": {"k": 3}}', "json")
    assert isinstance(parsed.data, np.ndarray) and parsed.data.shape == (1, 2)
    assert parsed.params == {"k": 3} and parsed.fmt == "inputs"
    parsed = protocol.parse_request(b'{"instances": [{"x": 1, "y": "a"}, {"x": 2, "y": "b"}]}', "json")
    assert parsed.data["x"].tolist() == [1, 2] and parsed.data["y"].tolist() == ["a", "b"]
    raw = protocol.InputPlan(raw_inputs=True)
    assert protocol.parse_request(b'{"inputs": ["a", "b"]}', "json", raw).data == ["a", "b"]


@pytest.mark.parametrize(
    ("body", "error", "hint"),
    [
        (b"{", InvalidInputError, "not valid JSON"),
        (b"  ", InvalidInputError, "empty"),
        (b"1", InvalidInputError, "received a JSON int"),
        (b'{"data": [[1]]}', InvalidInputError, "Wrap it in dataframe_split"),
        (b'{"dataframe_split": {"data": [[1]], "extra": 1}}', InvalidInputError, "remove ['extra']"),
        (
            b'{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2, 3]]}}',
            InvalidInputError,
            "one value per",
        ),
        (b'{"dataframe_records": [[1, 2]]}', InvalidInputError, "dataframe_split"),
        (
            b'{"dataframe_split": {"columns": ["a", "a"], "data": []}}',
            InvalidInputError,
            "duplicate names ['a']",
        ),
        (b'{"instances": [{"a": 1}, {"b": 2}]}', InvalidInputError, "same keys"),
        (b'{"inputs": [1], "params": "x"}', SignatureError, "params must be a JSON object"),
        (b'{"dataframe_split": {"columns": ["a", "b"], "data": [["x", 1]]}}', SignatureError, "column a"),
    ],
)
def test_parse_errors_say_what_to_do(body: bytes, error: type[Exception], hint: str) -> None:
    with pytest.raises(error) as info:
        protocol.parse_request(body, "json", PLAN)
    assert hint in str(info.value)


def test_csv_errors() -> None:
    with pytest.raises(InvalidInputError, match="DataFrame.to_csv"):
        protocol.parse_request(b"", "csv")


def test_encode_shapes_like_mlflow() -> None:
    frame = pd.DataFrame({"x": [1, 2], "y": [0.5, np.nan], "z": ["a", None]})
    assert protocol.encode_predictions(frame) == (
        b'{"predictions":[{"x":1,"y":0.5,"z":"a"},{"x":2,"y":null,"z":null}]}'
    )
    assert protocol.encode_predictions(pd.Series([1.5, np.inf])) == b'{"predictions":[{"0":1.5},{"0":null}]}'
    assert protocol.encode_predictions(pd.Series([1], name="p")) == b'{"predictions":[{"p":1}]}'
    assert protocol.encode_predictions(np.array([[1.0, np.nan]])) == b'{"predictions":[[1.0,null]]}'
    assert protocol.encode_predictions(np.arange(4).reshape(2, 2)[:, 0]) == b'{"predictions":[0,2]}'
    assert protocol.encode_predictions({"k": np.float32(0.5)}) == b'{"predictions":{"k":0.5}}'
    assert protocol.encode_predictions(3) == b'{"predictions":3}'
    stamp = pd.DataFrame({"t": pd.to_datetime(["2024-01-02"])})
    assert protocol.encode_predictions(stamp) == b'{"predictions":[{"t":"2024-01-02T00:00:00"}]}'
    assert (
        protocol.encode_predictions([dt.date(2024, 1, 2), b"\x00"])
        == b'{"predictions":["2024-01-02","AA=="]}'
    )
    wide = pd.DataFrame({f"c{i}": [i] for i in range(70)})
    assert protocol.encode_predictions(wide).count(b":") == 71  # 70 columns + "predictions"
    with pytest.raises(TypeError, match="cannot be sent as JSON"):
        protocol.encode_predictions(object())


def test_error_body() -> None:
    assert protocol.encode_error("BAD_REQUEST", "m") == b'{"error_code":"BAD_REQUEST","message":"m"}'


def _records_reference(predictions: pd.DataFrame | pd.Series) -> bytes:
    """The records body built the general way: Python dicts per row, then orjson."""
    import orjson

    frame = predictions.to_frame() if isinstance(predictions, pd.Series) else predictions
    records = [{name: (None if isinstance(v, float) and not np.isfinite(v) else v) for name, v in row.items()}
               for row in frame.astype(object).to_dict(orient="records")]  # fmt: skip
    return orjson.dumps({"predictions": records}, option=orjson.OPT_SERIALIZE_NUMPY)


def test_numeric_records_fast_path_writes_the_same_bytes() -> None:
    # numeric tables of >= 64 rows are spliced from per-column JSON arrays: same text as row dicts,
    # including NaN/inf -> null, -0.0, extreme exponents, bools, unsigned and narrow ints
    rng = np.random.default_rng(7)
    rows = 5000
    values = rng.standard_normal(rows) * 10.0 ** rng.integers(-320, 308, rows)
    values[:9] = [np.nan, np.inf, -np.inf, -0.0, 5e-324, 1e16, 1e-7, 0.1, 9007199254740993.0]
    ints = rng.integers(-(2**63), 2**63 - 1, rows, dtype=np.int64)
    frame = pd.DataFrame(
        {"score": values, "label": ints, "u": ints.view("uint64"), "flag": ints % 2 == 0,
         "small": (ints % 100).astype("int8"), 'quote"é\n': values}
    )  # fmt: skip
    for case in (frame, frame.iloc[::3], frame.iloc[:64], frame[["score"]], frame["label"].rename("p")):
        assert fast_paths.fast_records(case) is not None
        assert protocol.encode_predictions(case) == _records_reference(case)
    # a 2-D block's columns are strided views
    block = pd.DataFrame(rng.standard_normal((100, 3)), columns=["a", "b", "c"], copy=False)
    assert protocol.encode_predictions(block) == _records_reference(block)


@pytest.mark.parametrize(
    "predictions",
    [
        pd.DataFrame({"x": np.arange(10.0)}),  # fewer than 64 rows
        pd.DataFrame({"x": np.arange(100, dtype="float32")}),  # float32 text differs from float64's
        pd.DataFrame({0: np.arange(100.0)}),  # non-string name
        pd.DataFrame(np.ones((100, 2)), columns=["x", "x"]),  # duplicate names
        pd.DataFrame({"x": pd.array(range(100), dtype="Int64")}),  # extension dtype
        pd.DataFrame({"t": pd.date_range("2020-01-01", periods=100)}),
        pd.Series(np.arange(100.0)),  # unnamed Series -> key 0
        pd.DataFrame({"x": np.arange(0.0)}),
    ],
)
def test_records_fast_path_leaves_other_tables_to_the_general_encoder(predictions: object) -> None:
    assert fast_paths.fast_records(predictions) is None
    assert protocol.encode_predictions(predictions).startswith(b'{"predictions":[')


def test_float_rows_fast_path_matches_numpy() -> None:
    rows = [[1, 2.5, "3.5", None], [True, -0.0, 1e300, 4]]
    np.testing.assert_array_equal(fast_paths.float_rows(rows, 4), np.array(rows, dtype=np.float64))
    assert fast_paths.float_rows([[1, 2], [3]], 2) is None  # ragged
    assert fast_paths.float_rows([[1, 10**400]], 2) is None  # too large for a double: general path
    assert fast_paths.float_rows([["ab", 1]], 2) is None
    # a row that is a 2-character string is not a row of numbers
    assert fast_paths.float_rows(["12", [1, 2]], 2) is None
