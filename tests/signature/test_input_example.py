"""Unit tests for servebook.format.input_example (byte-level comparison with MLflow: see
test_signature_compat.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from servebook.errors import SignatureError
from servebook.format.input_example import (
    load_input_example,
    load_input_example_params,
    save_input_example,
    serving_payload,
)
from servebook.signature import ColSpec, ModelSignature, ParamSchema, ParamSpec, Schema, TensorSpec


def test_dataframe_example_round_trip(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0], "n": [1, 2], "s": ["x", "y"]})
    info = save_input_example(tmp_path, frame)
    assert info == {
        "artifact_path": "input_example.json",
        "type": "dataframe",
        "pandas_orient": "split",
        "serving_input_path": "serving_input_example.json",
    }
    assert (
        tmp_path / "input_example.json"
    ).read_text() == '{"columns": ["a", "n", "s"], "data": [[1.0, 1, "x"], [2.0, 2, "y"]]}'
    assert json.loads((tmp_path / "serving_input_example.json").read_text()) == {
        "dataframe_split": {"columns": ["a", "n", "s"], "data": [[1.0, 1, "x"], [2.0, 2, "y"]]}
    }
    schema = Schema([ColSpec("float", "a"), ColSpec("long", "n"), ColSpec("string", "s")])
    loaded = load_input_example(tmp_path, info, schema)
    assert loaded["a"].dtype == np.float32 and loaded["s"].tolist() == ["x", "y"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input_example.json", "serving_input_example.json"]


def test_tensor_examples_round_trip(tmp_path: Path) -> None:
    array = np.arange(6, dtype=np.float32).reshape(3, 2)
    info = save_input_example(tmp_path / ".", array)
    assert info["type"] == "ndarray"
    schema = Schema([TensorSpec(np.dtype("float32"), (-1, 2))])
    loaded = load_input_example(tmp_path, info, schema)
    assert loaded.dtype == np.float32 and loaded.tolist() == array.tolist()
    named = {"x": np.ones((1, 2)), "y": np.array([1, 2])}
    info = save_input_example(tmp_path, named)
    loaded = load_input_example(tmp_path, info)
    assert set(loaded) == {"x", "y"} and loaded["y"].tolist() == [1, 2]


def test_example_with_params(tmp_path: Path) -> None:
    example = ({"messages": [{"role": "user", "content": "hi"}]}, {"temperature": 0.5})
    info = save_input_example(tmp_path, example)
    assert list(info) == ["artifact_path", "params", "type", "serving_input_path"]
    assert load_input_example(tmp_path, info) == example[0]
    assert load_input_example_params(tmp_path, info) == {"temperature": 0.5}
    assert serving_payload(example) == {"messages": [{"role": "user", "content": "hi"}], "temperature": 0.5}


def test_serving_payload_shapes() -> None:
    assert serving_payload(pd.DataFrame({"a": [1.5]})) == {
        "dataframe_split": {"columns": ["a"], "data": [[1.5]]}
    }
    assert serving_payload(np.array([[1, 2]])) == {"inputs": [[1, 2]]}
    assert serving_payload(["a", "b"]) == {"inputs": ["a", "b"]}
    assert serving_payload((pd.DataFrame({"a": [1.5]}), {"k": 1}))["params"] == {"k": 1}
    assert serving_payload(b"\x00") == {"inputs": "AA==\n"}


@pytest.mark.parametrize(
    ("example", "match"),
    [
        ({"a": np.zeros(2), "b": [1]}, "mixes numpy arrays"),
        ([np.zeros(2)], "numpy arrays inside a list"),
        ({1, 2}, "must be a pandas DataFrame"),
        ((1, {"p": None}), "Failed to infer schema for parameters"),
    ],
)
def test_unsupported_examples_say_what_to_pass(tmp_path: Path, example: object, match: str) -> None:
    with pytest.raises(SignatureError, match=match):
        save_input_example(tmp_path, example)
    assert list(tmp_path.iterdir()) == []


def test_example_is_checked_against_an_explicit_signature(tmp_path: Path) -> None:
    signature = ModelSignature(
        Schema([ColSpec("double", "a")]), params=ParamSchema([ParamSpec("k", "long", 1)])
    )
    save_input_example(tmp_path, (pd.DataFrame({"a": [1.0]}), {"k": 2}), signature)
    with pytest.raises(
        SignatureError, match="Input example does not match the model signature. Model is missing inputs"
    ):
        save_input_example(tmp_path / "x", pd.DataFrame({"b": [1.0]}), signature)
    with pytest.raises(
        SignatureError, match="Input example does not match the model signature. Invalid parameters"
    ):
        save_input_example(tmp_path / "x", (pd.DataFrame({"a": [1.0]}), {"k": "many"}), signature)


def test_missing_example_file_is_explained(tmp_path: Path) -> None:
    info = {"artifact_path": "input_example.json", "type": "json_object"}
    with pytest.raises(SignatureError, match="input_example.json is missing"):
        load_input_example(tmp_path, info)
    with pytest.raises(SignatureError, match="'type' must be one of"):
        load_input_example(tmp_path, {"type": "pickle"})
    assert load_input_example(tmp_path, None) is None
