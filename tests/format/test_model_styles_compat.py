"""MLflow 3's model styles, built with real MLflow 3.17.2 at test time, against servebook, both directions.

Styles: models from code (``python_model="code_model.py"`` with ``set_model``, ``ModelConfig`` and a
YAML ``model_config``; a function set as the model), a pickled PythonModel subclass living in a
``code_paths`` package that imports mlflow (at module level and lazily inside ``predict``), a
scikit-learn Pipeline whose custom transformer comes from ``code_paths``, streaming models, and
models logged to a local store (``models:/m-<id>``). MLflow saves its own and loads servebook's;
servebook (no mlflow installed) loads MLflow's and its own. In-process predictions, ``predict_stream``
and served responses (status and predictions, ``servebook serve`` next to ``mlflow models serve``)
are compared exactly.
"""

from __future__ import annotations

import json
import math
import pickle
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import requests
from format_helpers import KERNEL_HELPERS, assert_same
from style_scripts import COLUMNS, MLFLOW_SIDE, ROWS, SERVEBOOK_SAVE, SOURCES, STREAM_INPUTS

import servebook as sb
from servebook.errors import InvalidInputError, LoadError
from servebook.serve.process import serve
from tests.conftest import run_python, run_script
from tests.mlflow_serving import mlflow_models_serve

pytestmark = [pytest.mark.compat, pytest.mark.integration, pytest.mark.timeout(600)]

FRAME = pd.DataFrame(ROWS, columns=COLUMNS)


def _no_mlflow_modules() -> list[str]:
    return sorted(name for name in sys.modules if name == "mlflow" or name.startswith("mlflow."))


@pytest.fixture(scope="module")
def styles(tmp_path_factory: pytest.TempPathFactory, mlflow_python: Path) -> tuple[Path, dict]:
    """Write the model sources, save every style with servebook, then with MLflow (which also loads ours)."""
    work = tmp_path_factory.mktemp("styles")
    for relative, text in SOURCES.items():
        (work / relative).parent.mkdir(parents=True, exist_ok=True)
        (work / relative).write_text(text.lstrip())
    (work / "save_servebook.py").write_text(SERVEBOOK_SAVE)
    (work / "mlflow_side.py").write_text(MLFLOW_SIDE)
    run_script(work / "save_servebook.py", str(work), python=sys.executable, cwd=work, timeout=240)
    run_script(
        work / "mlflow_side.py", str(work), python=mlflow_python, cwd=work, timeout=400,
        env={"MLFLOW_ALLOW_FILE_STORE": "true"},
    )  # fmt: skip
    return work, pickle.loads((work / "mlflow_results.pkl").read_bytes())


@pytest.mark.parametrize("name", ["code_model", "fn_code", "pickled_code_paths", "sklearn_code"])
def test_servebook_loads_mlflow_styles_and_predicts_the_same(styles, name: str) -> None:
    work, results = styles
    assert _no_mlflow_modules() == []
    model = sb.load_model(work / "mlflow" / name)
    assert_same(model.predict(FRAME), results[name])
    assert_same(model.predict(FRAME), results[name])  # lazy imports inside predict work on every call
    # the stand-in for mlflow (and the model's code) exist only while the model's own code runs
    assert _no_mlflow_modules() == []
    assert "shop_models" not in sys.modules and "shop_transformers" not in sys.modules


def test_model_config_overrides_follow_mlflow(styles) -> None:
    work, results = styles
    # saved keys are overridden, unknown ones ignored (MLflow logs a warning for "nope")
    model = sb.load_model(work / "mlflow" / "code_model", model_config={"bias": 1.5, "nope": 1})
    assert_same(model.predict(FRAME), results["code_model_override"])
    assert model.model_config == {"scale": 3.0, "bias": 1.5}
    assert results["code_model_override"] != results["code_model"]


@pytest.mark.parametrize(
    "name", ["code_model", "sklearn_cloudpickle", "sklearn_pickle_proba", "code_model_override"]
)
def test_mlflow_loads_servebook_styles_and_predicts_the_same(styles, name: str) -> None:
    work, results = styles
    directory = "code_model" if name == "code_model_override" else name
    config = {"bias": 1.5} if name == "code_model_override" else None
    ours = sb.load_model(work / "sb" / directory, model_config=config).predict(FRAME)
    assert_same(ours, results[f"sb_{name}"])


def test_servebook_sklearn_models_load_as_estimators_in_mlflow(styles) -> None:
    work, results = styles
    regressor = sb.sklearn.load_model(work / "sb" / "sklearn_cloudpickle")
    assert_same(regressor.predict(FRAME), results["sb_sklearn_cloudpickle_raw"])
    classifier = sb.sklearn.load_model(work / "sb" / "sklearn_pickle_proba")
    assert_same(classifier.predict_proba(FRAME), results["sb_sklearn_pickle_proba_raw"])
    mlmodel = (work / "sb" / "sklearn_pickle_proba" / "MLmodel").read_text()
    assert "serialization_format: pickle" in mlmodel and "predict_fn: predict_proba" in mlmodel
    requirements = (work / "sb" / "sklearn_cloudpickle" / "requirements.txt").read_text().splitlines()
    assert requirements[0].startswith("mlflow==") and requirements[1].startswith("cloudpickle==")
    import sklearn

    assert f"scikit-learn=={sklearn.__version__}" in requirements


def test_servebook_code_model_is_written_like_mlflow_writes_it(styles) -> None:
    work, _ = styles
    import yaml

    ours = yaml.safe_load((work / "sb" / "code_model" / "MLmodel").read_text())["flavors"]["python_function"]
    theirs = yaml.safe_load((work / "mlflow" / "code_model" / "MLmodel").read_text())["flavors"][
        "python_function"
    ]
    assert set(ours) == set(theirs)
    assert ours["loader_module"] == theirs["loader_module"] == "mlflow.pyfunc.loaders.code_model"
    assert ours["config"] == theirs["config"] == {"scale": 3.0, "bias": 0.5}
    # MLflow writes the path the file was saved from and reads the file of that name at the root
    assert (
        ours["model_code_path"] == "code_model.py" and Path(theirs["model_code_path"]).name == "code_model.py"
    )
    assert (work / "sb" / "code_model" / "code_model.py").is_file()
    assert not (work / "sb" / "code_model" / "python_model.pkl").exists()


def test_predict_stream_gets_its_input_as_mlflow_gives_it(styles) -> None:
    work, results = styles
    plain = sb.load_model(work / "mlflow" / "stream_plain")
    assert [list(plain.predict_stream(value)) for value in STREAM_INPUTS] == results["stream_plain"]
    assert results["stream_plain"][0][0] == "dict"  # a dict stays a dict
    signed = sb.load_model(work / "mlflow" / "stream_signed")
    assert [list(signed.predict_stream({"q": "hi"}))] == results["stream_signed"]
    assert results["stream_two"] == "MlflowException"
    with pytest.raises(InvalidInputError, match="single input"):
        plain.predict_stream(["one", "two"])


def test_logged_models_have_mlflow3_uris_in_both_tools(styles) -> None:
    work, results = styles
    logged = json.loads((work / "sb_logged.json").read_text())
    assert logged["code_uri"] == f"models:/{logged['code_model_id']}" and logged["code_model_id"].startswith(
        "m-"
    )
    assert logged["info_uri"] == logged["code_uri"] and logged["info_name"] == "code"
    assert results["sb_logged_info_uri"] == logged["code_uri"]
    assert results["mlflow_logged_uri"].startswith("models:/m-")
    assert json.loads(logged["serving_input"]) == json.loads(
        (work / "sb" / "code_model" / "serving_input_example.json").read_text()
    )
    # servebook resolves both tools' models:/m-<id> in the shared local store
    out = run_python(
        f"""
        import json, numpy as np, pandas as pd, servebook as mlflow
        frame = pd.DataFrame({ROWS!r}, columns={COLUMNS!r})
        result = {{}}
        for key, uri in (("ours", {logged["code_uri"]!r}), ("theirs", {results["mlflow_logged_uri"]!r}),
                         ("sklearn", {logged["sklearn_uri"]!r})):
            result[key] = np.asarray(mlflow.pyfunc.load_model(uri).predict(frame)).tolist()
        result["info"] = mlflow.models.get_model_info({results["mlflow_logged_uri"]!r}).name
        print(json.dumps(result))
        """,
        cwd=work,
        env={"MLFLOW_TRACKING_URI": (work / "mlruns").as_uri()},
    )
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["ours"] == np.asarray(results["sb_logged_code"]).tolist()
    assert seen["theirs"] == np.asarray(results["mlflow_logged"]).tolist()
    assert seen["sklearn"] == np.asarray(results["sb_logged_sklearn"]).tolist()
    assert seen["info"] == "mlflow-code"


def test_sklearn_model_without_its_code_says_what_is_missing(styles, tmp_path: Path) -> None:
    work, _ = styles
    broken = tmp_path / "no_code"
    shutil.copytree(work / "mlflow" / "sklearn_code", broken)
    shutil.rmtree(broken / "code")
    with pytest.raises(
        LoadError, match=r"needs the module 'shop_transformers'.*code_paths=\['shop_transformers.py'\]"
    ):
        sb.load_model(broken)


def test_a_real_mlflow_installation_is_used_not_shadowed(styles, mlflow_python: Path) -> None:
    """Where MLflow is installed, the model's ``import mlflow`` gets MLflow itself."""
    work, results = styles
    out = run_python(
        f"""
        import json, sys, pandas as pd
        sys.path.insert(0, {str(KERNEL_HELPERS)!r})
        import servebook as sb
        frame = pd.DataFrame({ROWS!r}, columns={COLUMNS!r})
        model = sb.load_model({str(work / "mlflow" / "pickled_code_paths")!r})
        predictions = model.predict(frame)
        import mlflow
        bases = [c.__module__ for c in type(model.unwrap_python_model()).__mro__]
        print(json.dumps({{"predictions": predictions, "real": hasattr(mlflow, "__file__"),
                          "alias": bool(getattr(mlflow, "__servebook_alias__", False)), "bases": bases}}))
        """,
        python=mlflow_python,
        cwd=work,
        env={"PYTHONWARNINGS": "ignore"},
    )
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["predictions"] == results["pickled_code_paths"]
    assert seen["real"] and not seen["alias"]
    assert "mlflow.pyfunc.model" in seen["bases"]  # the model's base class is MLflow's own


def _responses(url: str) -> list[tuple[int, object]]:
    bodies = [
        {"dataframe_split": {"columns": COLUMNS, "data": ROWS}},
        {"dataframe_records": [dict(zip(COLUMNS, row, strict=True)) for row in ROWS]},
        {"dataframe_split": {"columns": ["a"], "data": [[1.0]]}},  # a missing column: 400 in both
    ]
    out = []
    for body in bodies:
        response = requests.post(f"{url}/invocations", json=body, timeout=60)
        out.append((response.status_code, response.json().get("predictions")))
    return out


def _close(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return a == b


SERVED = {
    "mlflow/code_model": {"bias": 1.5},
    "mlflow/sklearn_code": None,
    "sb/code_model": None,
    "sb/sklearn_pickle_proba": None,
}


@pytest.fixture(scope="module")
def mlflow_servers(styles, mlflow_python: Path, tmp_path_factory: pytest.TempPathFactory):
    """Every served model under ``mlflow models serve``, all started at once."""
    work, _ = styles
    models = {name: (work / name, _env(config)) for name, config in SERVED.items()}
    with mlflow_models_serve(mlflow_python, models, tmp_path_factory.mktemp("mlflow-serve")) as urls:
        yield urls


def _env(config: dict | None) -> dict[str, str]:
    return {"SERVING_MODEL_CONFIG": json.dumps(config)} if config else {}


@pytest.mark.parametrize("name", list(SERVED))
def test_served_responses_match_mlflow_models_serve(styles, mlflow_servers, name: str) -> None:
    work, _ = styles
    config = SERVED[name]
    with serve(work / name, env=_env(config), start_timeout=120) as server:
        ours = _responses(server.url)
    theirs = _responses(mlflow_servers[name])
    assert [status for status, _ in ours] == [status for status, _ in theirs] == [200, 200, 400]
    for (_, mine), (_, other) in zip(ours[:2], theirs[:2], strict=True):
        assert _close(mine, other), (mine, other)
    if config:  # the override reached the model in both servers
        in_process = sb.load_model(work / name, model_config=config).predict(FRAME)
        assert _close(ours[0][1], in_process) and not _close(
            ours[0][1], sb.load_model(work / name).predict(FRAME)
        )
