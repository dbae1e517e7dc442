"""MLmodel reading and writing: key spellings and order, unknown keys, malformed files."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from servebook.errors import ModelFormatError
from servebook.format.mlmodel import MLMODEL_FILENAME, Model
from servebook.signature import ColSpec, ModelSignature, ParamSchema, ParamSpec, Schema

# Written by MLflow 3.17.2's save_model for a custom PythonModel (only the uri and times changed).
MLFLOW_MLMODEL = textwrap.dedent(
    """\
    flavors:
      python_function:
        artifacts:
          w:
            path: artifacts/w.json
            uri: /data/w.json
        cloudpickle_version: 3.1.2
        code: code
        env:
          conda: conda.yaml
          virtualenv: python_env.yaml
        loader_module: mlflow.pyfunc.model
        python_model: python_model.pkl
        python_version: 3.11.7
        streamable: false
    is_signature_from_type_hint: false
    metadata:
      k: v
    mlflow_version: 3.17.2
    model_id: null
    model_size_bytes: 2171
    model_uuid: 08bd092246cb4be5809047bc70f4f3bd
    prompts: null
    saved_input_example_info:
      artifact_path: input_example.json
      pandas_orient: split
      serving_input_path: serving_input_example.json
      type: dataframe
    signature:
      inputs: '[{"type": "double", "name": "a", "required": true}, {"type": "double",
        "name": "b", "required": true}]'
      outputs: '[{"type": "double", "required": true}]'
      params: null
    type_hint_from_example: false
    utc_time_created: '2026-11-23 00:15:12.357297'
    """
)


def test_mlflow_mlmodel_round_trips_byte_for_byte(tmp_path):
    (tmp_path / MLMODEL_FILENAME).write_text(MLFLOW_MLMODEL)
    model = Model.load(tmp_path)
    assert model.to_yaml() == MLFLOW_MLMODEL
    assert model.signature.inputs.input_names() == ["a", "b"]
    assert model.get_params_schema() is None
    assert model.pyfunc_conf["loader_module"] == "mlflow.pyfunc.model"


def test_new_model_writes_mlflow_keys_sorted():
    model = Model()
    model.add_flavor("python_function", loader_module="mlflow.pyfunc.model", python_version="3.11.7")
    model.signature = ModelSignature(
        Schema([ColSpec("double", "x")]), params=ParamSchema([ParamSpec("k", "long", 3)])
    )
    data = yaml.safe_load(model.to_yaml())
    assert list(data) == sorted(data)
    assert data["mlflow_version"] == "3.17.2"
    assert data["model_id"] is None and data["prompts"] is None
    assert len(data["model_uuid"]) == 32
    assert data["is_signature_from_type_hint"] is False and data["type_hint_from_example"] is False
    assert data["signature"]["inputs"] == '[{"type": "double", "name": "x", "required": true}]'
    assert data["signature"]["params"] == '[{"name": "k", "default": 3, "shape": null, "type": "long"}]'
    assert "run_id" not in data and "artifact_path" not in data


def test_unknown_keys_round_trip_unchanged(tmp_path):
    text = MLFLOW_MLMODEL + "resources:\n  api: [1, 2]\nzz_future_key:\n  nested: true\n"
    (tmp_path / MLMODEL_FILENAME).write_text(text)
    model = Model.load(tmp_path / MLMODEL_FILENAME)
    assert model.extra == {"resources": {"api": [1, 2]}, "zz_future_key": {"nested": True}}
    model.save(tmp_path / "copy")
    assert yaml.safe_load((tmp_path / "copy").read_text()) == yaml.safe_load(text)


def test_signature_setter_and_getters():
    model = Model().add_flavor("python_function", loader_module="mlflow.pyfunc.model")
    assert model.signature is None and model.get_input_schema() is None
    signature = ModelSignature(Schema([ColSpec("string", "t")]), Schema([ColSpec("long")]))
    model.signature = signature
    assert model.signature == signature
    assert Model.from_dict(model.to_dict()).signature == signature


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("flavors: [1, 2\n", "not valid YAML"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("mlflow_version: 3.17.2\n", "no 'flavors' mapping"),
        ("flavors:\n  python_function: 3\n", "flavor 'python_function' must be a mapping"),
        ("flavors:\n  python_function: {}\nsignature: nope\n", "'signature' must be a dict"),
        ("flavors:\n  python_function: {}\nmodel_size_bytes: big\n", "'model_size_bytes' must be a int"),
    ],
)
def test_malformed_mlmodel_gives_clear_error(tmp_path, text, fragment):
    (tmp_path / MLMODEL_FILENAME).write_text(text)
    with pytest.raises(ModelFormatError, match=fragment):
        Model.load(tmp_path)


def test_missing_mlmodel_says_what_to_pass(tmp_path):
    with pytest.raises(ModelFormatError, match="No MLmodel file"):
        Model.load(tmp_path)


def test_bad_signature_json_is_a_format_error(tmp_path):
    (tmp_path / MLMODEL_FILENAME).write_text("flavors:\n  python_function: {}\nsignature:\n  inputs: '[{'\n")
    model = Model.load(tmp_path)
    with pytest.raises(ModelFormatError, match="signature"):
        _ = model.signature


def test_model_without_pyfunc_flavor():
    model = Model(flavors={"sklearn": {"pickled_model": "model.pkl"}})
    with pytest.raises(ModelFormatError, match="no 'python_function' flavor"):
        _ = model.pyfunc_conf
