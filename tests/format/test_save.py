"""save_model: layout, environment files, atomicity, overwrite rules and portability errors."""

from __future__ import annotations

import importlib
import os
import sys
import threading

import pandas as pd
import pytest
import yaml
from sample_models import Doubler, Echo, NoContext

import servebook as sb
from servebook.errors import SaveError
from servebook.format.mlmodel import Model


def _leftovers(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def test_layout_and_mlmodel_keys(tmp_path, weights, write_module):
    helper = write_module("src/shapes_helper.py", "import numpy\n\ndef area(x):\n    return x * x\n")
    info = sb.save_model(
        tmp_path / "model",
        python_model=Doubler(),
        artifacts={"weights": weights},
        code_paths=[helper],
        metadata={"owner": "me"},
        model_config={"k": 1},
        by_value=True,
    )
    model_dir = tmp_path / "model"
    assert sorted(p.name for p in model_dir.iterdir()) == [
        "MLmodel",
        "artifacts",
        "code",
        "conda.yaml",
        "python_env.yaml",
        "python_model.pkl",
        "requirements.txt",
    ]
    assert (model_dir / "artifacts" / "weights.json").read_text() == weights.read_text()
    assert (model_dir / "code" / "shapes_helper.py").is_file()
    mlmodel = yaml.safe_load((model_dir / "MLmodel").read_text())
    flavor = mlmodel["flavors"]["python_function"]
    assert list(flavor) == [
        "artifacts",
        "cloudpickle_version",
        "code",
        "config",
        "env",
        "loader_module",
        "python_model",
        "python_version",
        "streamable",
    ]
    assert flavor["artifacts"] == {"weights": {"path": "artifacts/weights.json", "uri": str(weights)}}
    assert flavor["code"] == "code" and flavor["config"] == {"k": 1}
    assert flavor["env"] == {"conda": "conda.yaml", "virtualenv": "python_env.yaml"}
    assert flavor["loader_module"] == "mlflow.pyfunc.model" and flavor["streamable"] is False
    assert flavor["python_version"] == ".".join(map(str, sys.version_info[:3]))
    assert mlmodel["metadata"] == {"owner": "me"}
    assert (
        mlmodel["model_size_bytes"]
        == (model_dir / "python_model.pkl").stat().st_size + weights.stat().st_size
    )
    assert info.model_uuid == mlmodel["model_uuid"]
    assert _leftovers(tmp_path) == []


def test_environment_files_have_mlflows_format(tmp_path, write_module):
    import cloudpickle
    import numpy

    helper = write_module("helper_np.py", "import numpy as np\nimport os\n")
    sb.save_model(tmp_path / "m", python_model=NoContext(), code_paths=[helper], by_value=True)
    reqs = (tmp_path / "m" / "requirements.txt").read_text()
    assert not reqs.endswith("\n")
    lines = reqs.split("\n")
    assert lines[:2] == ["mlflow==3.17.2", f"cloudpickle=={cloudpickle.__version__}"]
    assert f"numpy=={numpy.__version__}" in lines  # imported by the code_paths module
    assert not any(line.startswith(("servebook", "helper_np", "os")) for line in lines)
    conda = yaml.safe_load((tmp_path / "m" / "conda.yaml").read_text())
    python = ".".join(map(str, sys.version_info[:3]))
    assert conda["name"] == "mlflow-env" and conda["channels"] == ["conda-forge"]
    assert conda["dependencies"][0] == f"python={python}"
    assert conda["dependencies"][1].startswith("pip<=")
    assert conda["dependencies"][2] == {"pip": lines}
    env_text = (tmp_path / "m" / "python_env.yaml").read_text()
    assert env_text.startswith(f"python: {python}\nbuild_dependencies:\n- pip==")
    assert env_text.endswith("dependencies:\n- -r requirements.txt\n")


def test_yaml_files_are_exactly_what_pyyamls_pure_python_dumper_writes(tmp_path, weights):
    # save_model writes MLmodel, conda.yaml and python_env.yaml with libyaml's emitter when PyYAML has
    # it; the text must not depend on that: byte for byte what yaml.safe_dump (Model.to_yaml) writes,
    # including folded long strings (the signature JSON), escapes, quoting and multi-line values
    wide = pd.DataFrame({f"feature_with_a_long_name_{i}": [1.0, 2.5] for i in range(12)})
    metadata = {
        "owner": "Zoë ✓ 名前",
        "notes": "line one\nline two: with a colon\n",
        "long": "word " * 60,
        "quoted": 'it\'s "quoted" # not a comment',
        "values": [1, 2.5, None, True, "yes", "0123", ""],
        "nested": {"b": {"z": 1, "a": [{"k": "v"}]}, "a": "@at"},
    }
    info = sb.save_model(
        tmp_path / "m",
        python_model=Doubler(),
        artifacts={"weights": weights},
        input_example=wide,
        metadata=metadata,
        extra_pip_requirements=["pandas>=1.0; python_version > '3.8'"],
        by_value=True,
    )
    model_dir = tmp_path / "m"
    text = (model_dir / "MLmodel").read_text(encoding="utf-8")
    assert text == info.to_yaml() == yaml.dump(yaml.safe_load(text), Dumper=yaml.SafeDumper)
    assert yaml.safe_load(text)["metadata"] == metadata
    assert len(info.signature_dict["inputs"]) > 500  # long enough to be folded over several lines
    conda_text = (model_dir / "conda.yaml").read_text(encoding="utf-8")
    assert conda_text == yaml.safe_dump(yaml.safe_load(conda_text), default_flow_style=False)
    env_text = (model_dir / "python_env.yaml").read_text(encoding="utf-8")
    env = yaml.safe_load(env_text)
    assert env_text == yaml.safe_dump(env, sort_keys=False, default_flow_style=False)


def test_requirements_come_from_what_the_pickle_references(tmp_path):
    import sklearn
    from sklearn.linear_model import LinearRegression

    model = Echo()
    model.estimator = LinearRegression()
    sb.save_model(tmp_path / "m", python_model=model, by_value=True)
    lines = (tmp_path / "m" / "requirements.txt").read_text().split("\n")
    assert f"scikit-learn=={sklearn.__version__}" in lines


def test_explicit_requirements(tmp_path):
    sb.save_model(
        tmp_path / "a", python_model=NoContext(), pip_requirements=["pandas", "numpy<3"], by_value=True
    )
    assert (tmp_path / "a" / "requirements.txt").read_text() == "mlflow==3.17.2\npandas\nnumpy<3"
    sb.save_model(
        tmp_path / "b", python_model=NoContext(), extra_pip_requirements=["tqdm==1.0"], by_value=True
    )
    assert (tmp_path / "b" / "requirements.txt").read_text().split("\n")[-1] == "tqdm==1.0"
    conda_env = {
        "name": "x",
        "channels": ["defaults"],
        "dependencies": ["python=3.11", {"pip": ["mlflow", "a==1"]}],
    }
    sb.save_model(tmp_path / "c", python_model=NoContext(), conda_env=conda_env, by_value=True)
    assert (tmp_path / "c" / "requirements.txt").read_text() == "mlflow\na==1"
    assert yaml.safe_load((tmp_path / "c" / "conda.yaml").read_text()) == conda_env
    with pytest.raises(SaveError, match="conda_env cannot be combined"):
        sb.save_model(tmp_path / "d", python_model=NoContext(), conda_env=conda_env, pip_requirements=["x"])


def test_signature_and_example_are_inferred_by_running_the_model(tmp_path, weights):
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    sb.save_model(
        tmp_path / "m",
        python_model=Doubler(),
        artifacts={"weights": weights},
        input_example=(frame, {"scale": 2.0}),
        by_value=True,
    )
    model = Model.load(tmp_path / "m")
    assert model.signature.inputs.input_names() == ["a", "b"]
    assert model.signature.outputs.to_dict() == [{"type": "double", "required": True}]
    assert model.get_params_schema().to_dict() == [
        {"name": "scale", "default": 2.0, "shape": None, "type": "double"}
    ]
    assert model.saved_input_example_info["params"] == "true"
    assert (tmp_path / "m" / "serving_input_example.json").is_file()


def test_function_model_and_arity(tmp_path):
    sb.save_model(tmp_path / "f", python_model=lambda x: x + 1)
    assert sb.load_model(tmp_path / "f").predict(1) == 2
    with pytest.raises(SaveError, match="exactly one argument"):
        sb.save_model(tmp_path / "g", python_model=lambda x, y: x)
    with pytest.raises(SaveError, match="not an instance"):
        sb.save_model(tmp_path / "h", python_model=Doubler)


def test_overwrite_rules(tmp_path):
    target = tmp_path / "m"
    target.mkdir()
    sb.save_model(target, python_model=NoContext(), by_value=True)  # empty directory: fine
    first = Model.load(target).model_uuid
    with pytest.raises(SaveError, match="overwrite=True"):
        sb.save_model(target, python_model=NoContext(), by_value=True)
    assert Model.load(target).model_uuid == first
    sb.save_model(target, python_model=NoContext(), overwrite=True, by_value=True)
    assert Model.load(target).model_uuid != first
    (tmp_path / "file").write_text("x")
    with pytest.raises(SaveError, match="not a directory"):
        sb.save_model(tmp_path / "file", python_model=NoContext(), by_value=True)
    assert _leftovers(tmp_path) == []


class _Unpicklable(Echo):
    def __init__(self):
        self.lock = threading.Lock()


def test_failed_save_leaves_nothing_behind(tmp_path):
    target = tmp_path / "m"
    with pytest.raises(SaveError, match="cannot be pickled.*load_context"):
        sb.save_model(target, python_model=_Unpicklable(), by_value=True)
    assert list(tmp_path.iterdir()) == []
    sb.save_model(target, python_model=NoContext(), by_value=True)
    before = {p.name: p.read_bytes() for p in target.iterdir() if p.is_file()}
    with pytest.raises(SaveError):
        sb.save_model(target, python_model=_Unpicklable(), overwrite=True, by_value=True)
    assert {p.name: p.read_bytes() for p in target.iterdir() if p.is_file()} == before
    assert _leftovers(tmp_path) == []


def test_class_from_a_local_module_needs_code_paths(tmp_path, write_module, monkeypatch):
    source = write_module(
        "proj/local_models.py", "class Model:\n    def predict(self, context, x):\n        return x\n"
    )
    monkeypatch.syspath_prepend(str(source.parent))
    module = importlib.import_module("local_models")
    monkeypatch.setitem(sys.modules, "local_models", module)
    with pytest.raises(SaveError, match=r"code_paths=\[.*local_models.py'\].*by_value=True"):
        sb.save_model(tmp_path / "m", python_model=module.Model())
    assert not (tmp_path / "m").exists()
    sb.save_model(tmp_path / "m", python_model=module.Model(), code_paths=[source])
    assert (tmp_path / "m" / "code" / "local_models.py").is_file()
    sb.save_model(tmp_path / "n", python_model=module.Model(), by_value=True)
    assert not (tmp_path / "n" / "code").exists()


@pytest.mark.parametrize(
    ("name", "fragment"), [("yaml.py", "shadows the installed package"), ("json.py", "standard library")]
)
def test_code_paths_must_not_shadow_packages(tmp_path, write_module, name, fragment):
    source = write_module(f"src/{name}", "x = 1\n")
    with pytest.raises(SaveError, match=fragment):
        sb.save_model(tmp_path / "m", python_model=NoContext(), code_paths=[source], by_value=True)
    assert not (tmp_path / "m").exists()


def test_missing_artifact_and_escaping_paths(tmp_path):
    with pytest.raises(SaveError, match="does not exist"):
        sb.save_model(
            tmp_path / "m", python_model=NoContext(), artifacts={"w": tmp_path / "nope.json"}, by_value=True
        )
    with pytest.raises(SaveError, match="no usable name"):
        sb.save_model(tmp_path / "m", python_model=NoContext(), artifacts={"w": "/"}, by_value=True)
    with pytest.raises(SaveError, match="code_paths entry"):
        sb.save_model(
            tmp_path / "m", python_model=NoContext(), code_paths=[tmp_path / "missing.py"], by_value=True
        )
    with pytest.raises(SaveError, match="list of paths"):
        sb.save_model(tmp_path / "m", python_model=NoContext(), code_paths="helpers.py", by_value=True)
    with pytest.raises(SaveError, match="s3://"):
        sb.save_model(
            tmp_path / "m", python_model=NoContext(), artifacts={"w": "s3://bucket/w"}, by_value=True
        )
    assert list(tmp_path.iterdir()) == []


def test_old_code_path_spelling(tmp_path, write_module):
    helper = write_module("old_style_helper.py", "VALUE = 1\n")
    sb.save_model(tmp_path / "m", python_model=NoContext(), code_path=[helper], by_value=True)
    assert (tmp_path / "m" / "code" / "old_style_helper.py").is_file()


def test_save_is_fast(tmp_path, weights):
    # requirement inference happens in-process: no interpreter is started
    import time

    sb.save_model(tmp_path / "warm", python_model=Doubler(), artifacts={"weights": weights}, by_value=True)
    start = time.perf_counter()
    sb.save_model(tmp_path / "m", python_model=Doubler(), artifacts={"weights": weights}, by_value=True)
    assert time.perf_counter() - start < 1.0
    assert os.path.isdir(tmp_path / "m")
