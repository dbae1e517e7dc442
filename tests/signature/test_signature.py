"""Unit tests for servebook.signature: spec classes, JSON round-trips and signature inference."""

from __future__ import annotations

import datetime
import json

import numpy as np
import pandas as pd
import pytest

from servebook.errors import SignatureError
from servebook.signature import (
    AnyType,
    Array,
    ColSpec,
    DataType,
    Map,
    ModelSignature,
    Object,
    ParamSchema,
    ParamSpec,
    Property,
    Schema,
    TensorSpec,
    infer_signature,
)

IRIS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def test_mlmodel_form_matches_mlflow_text() -> None:
    # the exact text MLflow 3.x wrote for the reference model (mlflow-reference.md, section 1)
    signature = ModelSignature(
        inputs=Schema([ColSpec(DataType.double, name) for name in IRIS]),
        outputs=Schema([ColSpec("long", "label"), ColSpec("double", "score")]),
        params=ParamSchema([ParamSpec("raise_error", DataType.boolean, False)]),
    )
    assert signature.to_dict() == {
        "inputs": '[{"type": "double", "name": "sepal_length", "required": true}, {"type": "double", "name": '
        '"sepal_width", "required": true}, {"type": "double", "name": "petal_length", "required": true}, '
        '{"type": "double", "name": "petal_width", "required": true}]',
        "outputs": '[{"type": "long", "name": "label", "required": true}, '
        '{"type": "double", "name": "score", "required": true}]',
        "params": '[{"name": "raise_error", "default": false, "shape": null, "type": "boolean"}]',
    }
    assert ModelSignature.from_dict(signature.to_dict()) == signature


def test_absent_parts_are_none() -> None:
    signature = ModelSignature(Schema([ColSpec("string")]))
    assert signature.to_dict() == {
        "inputs": '[{"type": "string", "required": true}]',
        "outputs": None,
        "params": None,
    }
    assert ModelSignature.from_dict({"inputs": signature.to_dict()["inputs"]}) == signature
    assert ModelSignature.from_dict({}) == ModelSignature()


def test_tensor_spec_json_key_order() -> None:
    unnamed = TensorSpec(np.dtype("float32"), (-1, 28, 28))
    named = TensorSpec("int64", [-1], name="ids")
    assert (
        json.dumps(unnamed.to_dict())
        == '{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 28, 28]}}'
    )
    assert (
        json.dumps(named.to_dict())
        == '{"name": "ids", "type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}'
    )
    assert TensorSpec(np.dtype("<U7"), (-1,)).to_dict()["tensor-spec"]["dtype"] == "str"
    schema = Schema([named, TensorSpec(np.float64, (-1, 3), "x")])
    assert Schema.from_json(schema.to_json()) == schema
    assert schema.is_tensor_spec() and schema.has_input_names()
    assert schema.input_names() == ["ids", "x"]
    assert named.type == np.dtype("int64")
    assert TensorSpec(type=np.dtype("float32"), shape=(-1, 28, 28)) == unnamed  # MLflow's keyword


def test_complex_types_round_trip_unchanged() -> None:
    text = json.dumps(
        [
            {"type": "array", "items": {"type": "long"}, "name": "a", "required": True},
            {
                "type": "object",
                "properties": {
                    "x": {"type": "long", "required": True},
                    "y": {"type": "string", "required": False},
                },
                "name": "o",
                "required": True,
            },
            {
                "type": "map",
                "values": {"type": "array", "items": {"type": "double"}},
                "name": "m",
                "required": False,
            },
            {"type": "any", "name": "z", "required": True},
            {
                "type": "array",
                "items": {"type": "object", "properties": {"c": {"type": "string", "required": True}}},
                "name": "msgs",
                "required": True,
            },
        ]
    )
    schema = Schema.from_json(text)
    assert schema.to_json() == text
    assert schema.inputs[0].type == Array(DataType.long)
    assert schema.inputs[1].type == Object([Property("y", "string", False), Property("x", DataType.long)])
    assert schema.inputs[2].type == Map(Array("double"))
    assert schema.inputs[3].type == AnyType()
    assert schema.optional_input_names() == ["m"]


def test_schema_rules() -> None:
    with pytest.raises(SignatureError, match="mix named and unnamed"):
        Schema([ColSpec("double", "a"), ColSpec("double")])
    with pytest.raises(SignatureError, match="mix ColSpec and TensorSpec"):
        Schema([ColSpec("double", "a"), TensorSpec("float32", (-1,), "b")])
    with pytest.raises(SignatureError, match="at least one"):
        Schema([])
    with pytest.raises(SignatureError, match="cannot be optional"):
        Schema([ColSpec("double", required=False)])
    with pytest.raises(SignatureError, match="Unsupported type 'float128'"):
        ColSpec("float128", "a")
    with pytest.raises(SignatureError, match="Duplicate param names"):
        ParamSchema([ParamSpec("a", "long", 1), ParamSpec("a", "long", 2)])


def test_repr_is_readable() -> None:
    signature = infer_signature(pd.DataFrame({"a": [1.0]}), pd.Series([1]), params={"k": 3})
    assert repr(signature) == (
        "inputs: \n  ['a': double (required)]\noutputs: \n  [long (required)]\nparams: \n  ['k': "
        "long (default: 3)]\n"
    )


def test_param_spec_defaults_are_validated() -> None:
    assert ParamSpec("t", "double", 1).default == 1.0
    assert ParamSpec("d", "datetime", "2020-01-02T03:04:05").default == datetime.datetime(2020, 1, 2, 3, 4, 5)
    with pytest.raises(SignatureError, match="param 'k'"):
        ParamSpec("k", "long", 1.5)
    with pytest.raises(SignatureError, match="binary"):
        ParamSpec("b", "binary", b"x")
    spec = ParamSpec("l", "double", np.array([1.0, 2.0]), (-1,))
    assert spec.default == [1.0, 2.0]
    assert json.loads(ParamSchema([spec]).to_json()) == [
        {"name": "l", "default": [1.0, 2.0], "shape": [-1], "type": "double"}
    ]


INFER_CASES = {
    "dataframe": (
        pd.DataFrame(
            {
                "i": [1, 2],
                "i32": np.array([1, 2], dtype=np.int32),
                "f32": np.array([1, 2], dtype=np.float32),
                "s": ["x", "y"],
                "b": [True, False],
                "dt": pd.to_datetime(["2020-01-01", "2020-01-02"]),
                "by": [b"a", b"b"],
            }
        ),
        '[{"type": "long", "name": "i", "required": true}, {"type": "integer", "name": "i32", '
        '"required": true}, '
        '{"type": "float", "name": "f32", "required": true}, {"type": "string", "name": "s", '
        '"required": true}, '
        '{"type": "boolean", "name": "b", "required": true}, {"type": "datetime", "name": "dt", '
        '"required": true}, '
        '{"type": "binary", "name": "by", "required": true}]',
    ),
    "missing values": (
        pd.DataFrame({"a": [1.0, None], "s": ["x", None]}),
        '[{"type": "double", "name": "a", "required": false}, {"type": "string", "name": "s", '
        '"required": false}]',
    ),
    "series": (pd.Series([1.0, 2.0], name="y"), '[{"type": "double", "name": "y", "required": true}]'),
    "ndarray": (
        np.zeros((2, 28, 28), dtype=np.float32),
        '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 28, 28]}}]',
    ),
    "dict of arrays": (
        {"a": np.zeros((2, 3)), "b": np.array([1, 2])},
        '[{"name": "a", "type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 3]}}, '
        '{"name": "b", "type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]',
    ),
    "dict of lists": (
        {"a": [1, 2], "b": ["x", "y"]},
        '[{"type": "array", "items": {"type": "long"}, "name": "a", "required": true}, '
        '{"type": "array", "items": {"type": "string"}, "name": "b", "required": true}]',
    ),
    "records": (
        [{"a": 1, "b": "x"}, {"a": 2}],
        '[{"type": "long", "name": "a", "required": true}, {"type": "string", "name": "b", '
        '"required": false}]',
    ),
    "list of str": (["a", "b"], '[{"type": "string", "required": true}]'),
    "scalar": (3.5, '[{"type": "double", "required": true}]'),
    "string": ("hello", '[{"type": "string", "required": true}]'),
    "datetime": (datetime.datetime(2020, 1, 1), '[{"type": "datetime", "required": true}]'),
    "nested dict": (
        {"messages": [{"role": "user", "content": "hi"}]},
        '[{"type": "array", "items": {"type": "object", "properties": {"content": {"type": "string", '
        '"required": '
        'true}, "role": {"type": "string", "required": true}}}, "name": "messages", "required": true}]',
    ),
}


@pytest.mark.parametrize("case", sorted(INFER_CASES))
def test_infer_signature_inputs(case: str) -> None:
    data, expected = INFER_CASES[case]
    signature = infer_signature(data)
    assert signature.to_dict()["inputs"] == expected
    assert ModelSignature.from_dict(signature.to_dict()) == signature


def test_infer_params() -> None:
    signature = infer_signature(
        pd.DataFrame({"a": [1.0]}),
        params={
            "i": 1,
            "f": 1.5,
            "s": "x",
            "b": True,
            "l": [1, 2],
            "dt": datetime.datetime(2020, 1, 1, 3, 4, 5),
            "n": np.int32(3),
        },
    )
    assert signature.to_dict()["params"] == (
        '[{"name": "i", "default": 1, "shape": null, "type": "long"}, {"name": "f", "default": 1.5, '
        '"shape": null, '
        '"type": "double"}, {"name": "s", "default": "x", "shape": null, "type": "string"}, {"name": '
        '"b", "default": '
        'true, "shape": null, "type": "boolean"}, {"name": "l", "default": [1, 2], "shape": [-1], '
        '"type": "long"}, '
        '{"name": "dt", "default": "2020-01-01T03:04:05", "shape": null, "type": "datetime"}, {"name": "n", '
        '"default": 3, "shape": null, "type": "integer"}]'
    )
    with pytest.raises(SignatureError, match=r"Failed to infer schema for parameters.*'x'.*NoneType"):
        infer_signature(1, params={"x": None})
    with pytest.raises(SignatureError, match="2D array"):
        infer_signature(1, params={"x": [[1]]})


def test_uninferable_input_falls_back_to_any(caplog: pytest.LogCaptureFixture) -> None:
    signature = infer_signature([1, "a"])
    assert signature.inputs == Schema([ColSpec(AnyType())])
    assert "Could not infer the inputs schema" in caplog.text
