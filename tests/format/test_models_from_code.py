"""Models from code, the mlflow stand-in, model_config rules and servebook.sklearn, in one process.

What real MLflow makes of the same models is checked in test_model_styles_compat.py; here, the
errors (what they say and that nothing is left behind) and the scoping of the stand-in.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import servebook as sb
from servebook.errors import InvalidInputError, LoadError, SaveError

FRAME = pd.DataFrame({"a": [1.0, 2.0]})

MODEL_FILE = """
import mlflow
from mlflow.models import set_model


class Plus(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        self.k = context.model_config["k"]

    def predict(self, context, model_input, params=None):
        from mlflow.models import ModelConfig  # lazy, inside predict

        assert ModelConfig is not None
        return [value + self.k for value in model_input["a"]]


set_model(Plus())
"""


def _write(path: Path, source: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    return path


def _mlflow_modules() -> list[str]:
    return sorted(name for name in sys.modules if name.split(".")[0] == "mlflow")


@pytest.fixture
def code_model(tmp_path: Path) -> Path:
    model_file = _write(tmp_path / "src" / "plus.py", MODEL_FILE)
    target = tmp_path / "plus_model"
    sb.pyfunc.save_model(target, python_model=model_file, model_config={"k": 10}, input_example=FRAME)
    return target


def test_model_file_with_mlflow_imports_saves_and_loads_without_mlflow(code_model: Path) -> None:
    assert _mlflow_modules() == []
    model = sb.load_model(code_model)
    assert model.predict(FRAME) == [11.0, 12.0]
    assert model.predict(FRAME) == [11.0, 12.0]
    assert _mlflow_modules() == []  # the stand-in lives only while the model's code runs
    assert sb.load_model(code_model, model_config={"k": 1}).predict(FRAME) == [2.0, 3.0]
    assert sorted(p.name for p in code_model.iterdir()) == [
        "MLmodel", "conda.yaml", "input_example.json", "plus.py", "python_env.yaml", "requirements.txt",
        "serving_input_example.json",
    ]  # fmt: skip


def test_overrides_of_unsaved_keys_are_ignored(code_model: Path, caplog: pytest.LogCaptureFixture) -> None:
    model = sb.load_model(code_model, model_config={"k": 2, "other": 1})
    assert model.model_config == {"k": 2}
    assert "other" in caplog.text and "ignored" in caplog.text


def test_inference_config_env_var_overrides_too(code_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_PYFUNC_INFERENCE_CONFIG", json.dumps({"k": 100}))
    assert sb.load_model(code_model).predict(FRAME) == [101.0, 102.0]
    monkeypatch.setenv("MLFLOW_PYFUNC_INFERENCE_CONFIG", "[1]")
    with pytest.raises(LoadError, match="must be a JSON object"):
        sb.load_model(code_model)


def test_model_config_file_and_model_config_class(tmp_path: Path) -> None:
    model_file = _write(
        tmp_path / "cfg_model.py",
        """
        from servebook.models import ModelConfig, set_model

        SETTINGS = ModelConfig(development_config={"greeting": "dev"})


        def greet(model_input):
            return [SETTINGS.get("greeting") + ":" + str(v) for v in model_input["a"]]


        set_model(greet)
        """,
    )
    (tmp_path / "cfg.yaml").write_text("greeting: hello\n")
    sb.pyfunc.save_model(tmp_path / "m", python_model=str(model_file), model_config=tmp_path / "cfg.yaml")
    assert sb.load_model(tmp_path / "m").predict(FRAME) == ["hello:1.0", "hello:2.0"]
    # saved without a config, ModelConfig has none at load time (MLflow's rule): the file fails clearly
    sb.pyfunc.save_model(tmp_path / "dev", python_model=str(model_file), model_config={"greeting": "x"})
    with pytest.raises(FileNotFoundError):
        sb.models.ModelConfig()
    assert sb.models.ModelConfig(development_config={"a": 1}).get("a") == 1
    with pytest.raises(KeyError, match="'b' not found"):
        sb.models.ModelConfig(development_config={"a": 1}).get("b")


@pytest.mark.parametrize(
    ("source", "match"),
    [
        ("x = 1\n", "never called set_model"),
        ("import not_a_module_anywhere\n", "No module named 'not_a_module_anywhere'.*requirements.txt"),
        ("raise RuntimeError('boom')\n", "RuntimeError: boom"),
        ("from servebook.models import set_model\nset_model('model.py')\n", "takes the model object"),
        ("import mlflow.deployments\n", "mlflow is not installed here|MLflow is not installed here"),
    ],
)
def test_bad_model_files_are_refused_and_nothing_is_written(tmp_path: Path, source: str, match: str) -> None:
    model_file = _write(tmp_path / "bad.py", source)
    with pytest.raises((SaveError, TypeError), match=match):
        sb.pyfunc.save_model(tmp_path / "out", python_model=str(model_file))
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.py"]  # no staging directory left
    assert _mlflow_modules() == []


def test_model_file_path_errors(tmp_path: Path) -> None:
    _write(tmp_path / "model.py", "pass\n")
    with pytest.raises(SaveError, match=r"Did you mean '.*model\.py'\?"):
        sb.pyfunc.save_model(tmp_path / "out", python_model=str(tmp_path / "model"))
    _write(tmp_path / "model.txt", "pass\n")
    with pytest.raises(SaveError, match="ending in .py"):
        sb.pyfunc.save_model(tmp_path / "out", python_model=tmp_path / "model.txt")


def test_model_file_importing_a_local_module_needs_code_paths(tmp_path: Path, monkeypatch) -> None:
    _write(tmp_path / "lib" / "local_helper_xyz.py", "VALUE = 3\n")
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    model_file = _write(
        tmp_path / "m.py",
        """
        from local_helper_xyz import VALUE
        from servebook.models import set_model
        set_model(lambda model_input: model_input * VALUE)
        """,
    )
    with pytest.raises(SaveError, match="imports the module 'local_helper_xyz'.*code_paths"):
        sb.pyfunc.save_model(tmp_path / "out", python_model=str(model_file))
    sb.pyfunc.save_model(
        tmp_path / "out",
        python_model=str(model_file),
        code_paths=[str(tmp_path / "lib" / "local_helper_xyz.py")],
    )
    sys.modules.pop("local_helper_xyz", None)
    monkeypatch.syspath_prepend(str(tmp_path / "elsewhere"))
    assert sb.load_model(tmp_path / "out").predict(FRAME)["a"].tolist() == [3.0, 6.0]
    assert "local_helper_xyz" not in sys.modules


def test_mlflow_submodule_servebook_does_not_provide_says_so(tmp_path: Path) -> None:
    model_file = _write(
        tmp_path / "m.py",
        """
        from servebook.models import set_model

        class M:
            def predict(self, model_input):
                import mlflow
                return mlflow.deployments.get_deploy_client("x")

        set_model(M())
        """,
    )
    sb.pyfunc.save_model(tmp_path / "out", python_model=str(model_file))
    model = sb.load_model(tmp_path / "out")
    with pytest.raises(AttributeError, match=r"mlflow\.deployments.*does not provide that name"):
        model.predict(FRAME)
    assert _mlflow_modules() == []


def test_predict_stream_takes_one_request(tmp_path: Path) -> None:
    class Stream(sb.PythonModel):
        def predict(self, context, model_input, params=None):
            return model_input

        def predict_stream(self, context, model_input, params=None):
            yield type(model_input).__name__
            yield model_input

    sb.save_model(tmp_path / "s", python_model=Stream(), by_value=True)
    model = sb.load_model(tmp_path / "s")
    assert list(model.predict_stream({"q": 1})) == ["dict", {"q": 1}]
    assert list(model.predict_stream(["only"])) == ["str", "only"]
    with pytest.raises(InvalidInputError, match="single input, got a list of 2"):
        model.predict_stream(["a", "b"])


def test_get_model_info_and_serving_input(code_model: Path) -> None:
    info = sb.models.get_model_info(code_model)
    assert info.model_uri == str(code_model) and info.model_id is None and info.run_id is None
    assert info.flavors["python_function"]["loader_module"] == "mlflow.pyfunc.loaders.code_model"
    assert info.signature is not None
    body = sb.models.convert_input_example_to_serving_input(FRAME)
    assert body is not None and json.loads(body) == json.loads(
        (code_model / "serving_input_example.json").read_text()
    )
    assert sb.models.convert_input_example_to_serving_input(None) is None
    assert sb.models.validate_serving_input(code_model, body) == [11.0, 12.0]
    assert sb.models.validate_serving_input(code_model, json.loads(body)) == [11.0, 12.0]
    with pytest.raises(InvalidInputError, match="exactly one of"):
        sb.models.validate_serving_input(code_model, {"rows": []})


def test_sklearn_save_refuses_what_it_cannot_write(tmp_path: Path) -> None:
    from sklearn.linear_model import LinearRegression

    estimator = LinearRegression().fit(FRAME, [1.0, 2.0])
    with pytest.raises(SaveError, match="skops"):
        sb.sklearn.save_model(estimator, tmp_path / "a", serialization_format="skops")
    sb.sklearn.save_model(estimator, tmp_path / "b", serialization_format="pickle")
    with pytest.raises(SaveError, match="overwrite=True"):
        sb.sklearn.save_model(estimator, tmp_path / "b")
    sb.sklearn.save_model(estimator, tmp_path / "b", overwrite=True)
    assert sb.sklearn.load_model(tmp_path / "b").predict(FRAME).tolist() == pytest.approx([1.0, 2.0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]


def test_sklearn_pickle_format_refuses_notebook_classes(tmp_path: Path, monkeypatch) -> None:
    from sklearn.base import BaseEstimator

    class Local(BaseEstimator):  # as if defined in a notebook cell
        def predict(self, X):
            return X

    Local.__module__, Local.__qualname__ = "__main__", "Local"
    monkeypatch.setattr(sys.modules["__main__"], "Local", Local, raising=False)
    with pytest.raises(SaveError, match="__main__"):
        sb.sklearn.save_model(Local(), tmp_path / "m", serialization_format="pickle")
    assert not (tmp_path / "m").exists()


def test_serving_model_config_must_be_json(monkeypatch: pytest.MonkeyPatch) -> None:
    from servebook.serve.runner import serving_model_config

    monkeypatch.delenv("SERVING_MODEL_CONFIG", raising=False)
    assert serving_model_config() is None
    monkeypatch.setenv("SERVING_MODEL_CONFIG", '{"k": 2}')
    assert serving_model_config() == {"k": 2}
    monkeypatch.setenv("SERVING_MODEL_CONFIG", "{nope")
    with pytest.raises(LoadError, match="not valid JSON"):
        serving_model_config()
