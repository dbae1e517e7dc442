"""Byte-for-byte and behaviour comparisons with real MLflow 3.17.2 (run in its own virtualenv).

One MLflow subprocess computes every case (importing mlflow costs seconds); the tests compare its
answers with servebook's, case by case.
"""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import pytest

from servebook.errors import SignatureError
from servebook.format.input_example import load_input_example, save_input_example, serving_payload
from servebook.signature import ModelSignature, ParamSchema, Schema, infer_signature
from servebook.signature.enforce import coerce_json_columns, enforce_input, enforce_params

pytestmark = pytest.mark.compat

CASES_FILE = Path(__file__).with_name("cases.py")
CASES = runpy.run_path(str(CASES_FILE))

MLFLOW_SCRIPT = r"""
import json, logging, runpy, sys, warnings
from pathlib import Path
warnings.simplefilter("ignore")
logging.disable(logging.CRITICAL)
from mlflow.models import infer_signature
from mlflow.models.utils import _Example, _enforce_schema, _enforce_params_schema
from mlflow.types.schema import ParamSchema, Schema
from mlflow.utils.proto_json_utils import cast_df_types_according_to_schema

cases = runpy.run_path(sys.argv[1])
out_dir = Path(sys.argv[2])
describe = cases["describe"]
result = {"examples": {}, "infer": {}, "schemas": [], "params_texts": [], "enforce": {}, "params": {}}
result["json"] = {}
for name, example in cases["EXAMPLES"].items():
    target = out_dir / name
    target.mkdir()
    ex = _Example(example)
    ex.save(str(target))
    result["examples"][name] = ex.info
for name, (inp, outp, params) in cases["INFER"].items():
    try:
        result["infer"][name] = infer_signature(inp, outp, params).to_dict()
    except Exception as exc:
        result["infer"][name] = {"error": str(exc)}
result["schemas"] = [Schema.from_json(s).to_json() for s in cases["SCHEMA_TEXTS"]]
result["params_texts"] = [ParamSchema.from_json(s).to_json() for s in cases["PARAM_TEXTS"]]
for name, (data, schema) in cases["ENFORCE"].items():
    try:
        value = _enforce_schema(data, Schema.from_json(schema))
    except Exception as exc:
        value = exc
    result["enforce"][name] = describe(value)
for name, (params, schema) in cases["PARAMS"].items():
    try:
        value = _enforce_params_schema(params, ParamSchema.from_json(schema) if schema else None)
    except Exception as exc:
        value = exc
    result["params"][name] = describe(value)
for name, (body, schema) in cases["JSON_BODIES"].items():
    try:
        value = cast_df_types_according_to_schema(cases["frame_from_json"](body), Schema.from_json(schema))
    except Exception as exc:
        value = exc
    result["json"][name] = describe(value)
(out_dir / "result.json").write_text(json.dumps(result))
"""


@pytest.fixture(scope="module")
def mlflow_answers(
    mlflow_python: Path, tmp_path_factory: pytest.TempPathFactory, run_in_python: Any
) -> dict[str, Any]:
    out_dir = tmp_path_factory.mktemp("mlflow-answers")
    run_in_python(
        f"import sys; sys.argv[1:] = [{str(CASES_FILE)!r}, {str(out_dir)!r}]\n" + MLFLOW_SCRIPT,
        python=mlflow_python,
        timeout=150,
    )
    answers: dict[str, Any] = json.loads((out_dir / "result.json").read_text())
    answers["dir"] = out_dir
    return answers


@pytest.mark.parametrize("name", sorted(CASES["EXAMPLES"]))
def test_input_example_files_are_byte_identical(
    name: str, mlflow_answers: dict[str, Any], tmp_path: Path
) -> None:
    info = save_input_example(tmp_path, CASES["EXAMPLES"][name])
    assert json.dumps(info) == json.dumps(mlflow_answers["examples"][name])  # same keys in the same order
    theirs = mlflow_answers["dir"] / name
    for filename in ("input_example.json", "serving_input_example.json"):
        assert (tmp_path / filename).read_bytes() == (theirs / filename).read_bytes(), filename
    assert serving_payload(CASES["EXAMPLES"][name]) == json.loads(
        (theirs / "serving_input_example.json").read_text()
    )
    # and what MLflow wrote reads back with our loader like ours does
    ours_loaded = load_input_example(tmp_path, info)
    theirs_loaded = load_input_example(theirs, mlflow_answers["examples"][name])
    assert CASES["describe"](ours_loaded) == CASES["describe"](theirs_loaded)


@pytest.mark.parametrize("name", sorted(CASES["INFER"]))
def test_inferred_signature_text_matches(name: str, mlflow_answers: dict[str, Any]) -> None:
    expected = mlflow_answers["infer"][name]
    inp, outp, params = CASES["INFER"][name]
    if "error" in expected:
        with pytest.raises(SignatureError):
            infer_signature(inp, outp, params)
        return
    signature = infer_signature(inp, outp, params)
    assert signature.to_dict() == expected
    assert ModelSignature.from_dict(expected) == signature


def test_schema_json_round_trips_like_mlflow(mlflow_answers: dict[str, Any]) -> None:
    assert [Schema.from_json(s).to_json() for s in CASES["SCHEMA_TEXTS"]] == mlflow_answers["schemas"]
    assert [ParamSchema.from_json(s).to_json() for s in CASES["PARAM_TEXTS"]] == mlflow_answers[
        "params_texts"
    ]


# Where servebook deliberately does more than MLflow: tensors are reshaped in C order when only their
# inner dimensions differ, and cast when the cast cannot change values. name -> (shape, dtype) we return.
BEYOND_MLFLOW = {
    "tensor_wrong_rank": ((3, 2, 2), "float64"),
    "tensor_flat_rows": ((2, 2, 2), "float64"),
    "tensor_float32": ((1, 2, 2), "float64"),
    "tensor_int_rows": ((1, 2, 2), "float64"),
}


@pytest.mark.parametrize("name", sorted(CASES["ENFORCE"]))
def test_enforcement_agrees_with_mlflow(name: str, mlflow_answers: dict[str, Any]) -> None:
    data, schema = CASES["ENFORCE"][name]
    try:
        ours: Any = enforce_input(data, Schema.from_json(schema))
    except SignatureError as exc:
        ours = exc
    theirs = mlflow_answers["enforce"][name]
    mine = CASES["describe"](ours)
    if name in BEYOND_MLFLOW:
        assert theirs["kind"] == "error", f"MLflow now accepts {name}; drop it from BEYOND_MLFLOW"
        shape, dtype = BEYOND_MLFLOW[name]
        assert (ours.shape, str(ours.dtype)) == (shape, dtype)
        assert ours.ravel().tolist() == data.ravel().astype(dtype).tolist()
        return
    if theirs["kind"] == "error":
        assert mine["kind"] == "error", (
            f"MLflow refused this input ({theirs['message']}) but servebook accepted it"
        )
    else:
        assert mine == theirs


@pytest.mark.parametrize("name", sorted(CASES["PARAMS"]))
def test_params_enforcement_agrees_with_mlflow(name: str, mlflow_answers: dict[str, Any]) -> None:
    params, schema = CASES["PARAMS"][name]
    try:
        ours: Any = enforce_params(params, ParamSchema.from_json(schema) if schema else None)
    except SignatureError as exc:
        ours = exc
    theirs = mlflow_answers["params"][name]
    mine = CASES["describe"](ours)
    if theirs["kind"] == "error":
        assert mine["kind"] == "error", (
            f"MLflow refused these params ({theirs['message']}) but servebook accepted them"
        )
        assert "Invalid parameters found" in mine["message"] or "must be a dictionary" in mine["message"]
    else:
        assert mine == theirs


@pytest.mark.parametrize("name", sorted(CASES["JSON_BODIES"]))
def test_json_coercion_agrees_with_mlflow_server(name: str, mlflow_answers: dict[str, Any]) -> None:
    body, schema = CASES["JSON_BODIES"][name]
    try:
        ours: Any = coerce_json_columns(CASES["frame_from_json"](body), Schema.from_json(schema))
    except SignatureError as exc:
        ours = exc
    theirs = mlflow_answers["json"][name]
    mine = CASES["describe"](ours)
    if theirs["kind"] == "error":
        assert mine["kind"] == "error", (
            f"MLflow refused this body ({theirs['message']}) but servebook accepted it"
        )
        assert mine["message"].startswith(
            "Data is not compatible with model signature. Failed to convert column"
        )
    else:
        assert mine == theirs
