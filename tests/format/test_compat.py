"""Both directions against real MLflow 3.17.2 (in its own virtualenv), predictions compared exactly."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from compat_scripts import MLFLOW_SIDE, SERVEBOOK_SAVE
from format_helpers import assert_same

import servebook as sb
from servebook.errors import LoadError
from tests.conftest import run_script

pytestmark = [pytest.mark.compat, pytest.mark.integration]

COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]

# Appended to the scripts of compat_scripts.py: MLflow's classic example pattern, a code_paths module
# imported inside predict, saved by servebook and predicted by MLflow in the same two processes.
LAZY_SAVE = r"""
(work / "lazy_src").mkdir()
(work / "lazy_src" / "iris_names.py").write_text("NAMES = ['setosa', 'versicolor']\n")


class LazyNames(sb.PythonModel):
    def predict(self, context, model_input, params=None):
        from iris_names import NAMES

        return [NAMES[int(value > 0)] for value in model_input["sepal_length"]]


lazy_code = [str(work / "lazy_src" / "iris_names.py")]
sb.save_model(work / "sb_lazy", python_model=LazyNames(), code_paths=lazy_code)
"""
LAZY_MLFLOW = r"""
results["sb_lazy"] = mlflow.pyfunc.load_model(str(work / "sb_lazy")).predict(frame)
(work / "mlflow_results.pkl").write_bytes(pickle.dumps(results))
"""


@pytest.fixture(scope="module")
def exchange(tmp_path_factory, mlflow_python):
    """Save with servebook (fresh interpreter), then one MLflow process loads it and saves its own."""
    import sys

    work = tmp_path_factory.mktemp("compat")
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(rng.normal(size=(25, 4)).round(3), columns=COLUMNS)
    matrix = rng.normal(size=(6, 4)).astype("float32")
    (work / "inputs.pkl").write_bytes(pickle.dumps({"frame": frame, "matrix": matrix}))
    (work / "save_servebook.py").write_text(SERVEBOOK_SAVE + LAZY_SAVE)
    (work / "mlflow_side.py").write_text(MLFLOW_SIDE + LAZY_MLFLOW)
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


def test_classic_lazy_import_pattern_predicts_the_same_in_both(exchange):
    work, frame, _, results = exchange
    ours = sb.load_model(work / "sb_lazy").predict(frame)
    assert ours == results["sb_lazy"]
    assert set(ours) == {"setosa", "versicolor"}


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
