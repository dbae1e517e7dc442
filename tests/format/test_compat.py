"""Both directions against real MLflow 3.17.2 (in its own virtualenv), predictions compared exactly."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from compat_scripts import MLFLOW_SIDE, SERVEBOOK_SAVE
from format_helpers import assert_same, run_script

import servebook as sb
from servebook.errors import LoadError

pytestmark = [pytest.mark.compat, pytest.mark.integration]

COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


@pytest.fixture(scope="module")
def exchange(tmp_path_factory, mlflow_python):
    """Save with servebook (fresh interpreter), then one MLflow process loads it and saves its own."""
    import sys

    work = tmp_path_factory.mktemp("compat")
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(rng.normal(size=(25, 4)).round(3), columns=COLUMNS)
    matrix = rng.normal(size=(6, 4)).astype("float32")
    (work / "inputs.pkl").write_bytes(pickle.dumps({"frame": frame, "matrix": matrix}))
    (work / "save_servebook.py").write_text(SERVEBOOK_SAVE)
    (work / "mlflow_side.py").write_text(MLFLOW_SIDE)
    run_script(work / "save_servebook.py", str(work), python=sys.executable, cwd=work, timeout=60)
    run_script(work / "mlflow_side.py", str(work), python=mlflow_python, cwd=work, timeout=150)
    results = pickle.loads((work / "mlflow_results.pkl").read_bytes())
    return work, frame, matrix, results


def test_mlflow_loads_servebook_model_and_predicts_the_same(exchange):
    work, frame, _, results = exchange
    ours = sb.load_model(work / "sb_model")
    theirs = results["sb_model"]
    # MLflow rebuilt the model on its own base class, without servebook installed
    assert theirs["base"][1:] == ["mlflow.pyfunc.model.PythonModel", "builtins.object"]
    assert_same(ours.predict(frame, params={"factor": 2.0}), theirs["factor2"])
    assert_same(ours.predict(frame), theirs["default"])
    assert_same(ours.input_example, theirs["example"])
    assert (
        ours.predict(frame)["score"].iloc[0] != ours.predict(frame, params={"factor": 2.0})["score"].iloc[0]
    )


@pytest.mark.parametrize(
    "name", ["subclass", "function", "no_context", "tensor", "sklearn_cloudpickle", "sklearn_pickle"]
)
def test_servebook_loads_mlflow_models_and_predicts_the_same(exchange, name):
    import sys

    work, frame, matrix, results = exchange
    assert "mlflow" not in sys.modules
    model = sb.load_model(work / "mlflow" / name)
    calls = {
        "subclass": [(frame, None), (frame, {"scale": 3.0})],
        "tensor": [(matrix, None)],
    }.get(name, [(frame, None)])
    for (data, params), expected in zip(calls, results[name], strict=True):
        assert_same(model.predict(data, params=params), expected)
    assert "mlflow" not in sys.modules


def test_skops_sklearn_model_says_what_to_install(exchange):
    work, *_ = exchange
    with pytest.raises(LoadError, match=r"pip install skops"):
        sb.load_model(work / "mlflow" / "sklearn_skops")
