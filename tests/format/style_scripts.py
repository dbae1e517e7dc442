"""Scripts of the model-styles compat suite (test_model_styles_compat.py), run in fresh interpreters.

Each takes the work directory as argv[1]. ``SOURCES`` are the model's own files, written by the test
before anything runs: a ``code_paths`` package whose PythonModel subclass does ``import mlflow`` and
``from mlflow.pyfunc import PythonModel``, a custom scikit-learn transformer, and models-from-code
files that end with ``set_model(...)``.
"""

from __future__ import annotations

# file name (under the work directory) -> content
SOURCES: dict[str, str] = {
    "src/shop_models/__init__.py": "",
    "src/shop_models/scorer.py": '''
import mlflow
from mlflow.pyfunc import PythonModel


class Scorer(PythonModel):
    """A code_paths model that imports mlflow at module level and lazily inside predict."""

    def load_context(self, context):
        self.bias = float(context.model_config.get("bias", 0.0))

    def predict(self, context, model_input, params=None):
        import mlflow.models  # noqa: F401 - lazy import of mlflow, as model code does

        assert mlflow.pyfunc.PythonModel is PythonModel
        return [round(float(v), 6) for v in model_input["a"] * 2 + model_input["b"] + self.bias]
''',
    "src/shop_transformers.py": '''
from sklearn.base import BaseEstimator, TransformerMixin


class Squarer(BaseEstimator, TransformerMixin):
    """A custom transformer that lives in code_paths, not in an installed package."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X ** 2
''',
    # models from code: the class comes from the code_paths package; config through ModelConfig
    "code_model.py": """
import mlflow
from mlflow.models import ModelConfig, set_model
from shop_models.scorer import Scorer

SCALE = ModelConfig(development_config={"scale": 1.0, "bias": 0.0}).get("scale")


class CodeModel(Scorer):
    def predict(self, context, model_input, params=None):
        import mlflow  # noqa: F811 - a lazy import inside predict

        return [round(v * SCALE, 6) for v in super().predict(context, model_input)]


set_model(CodeModel())
""",
    "code_config.yaml": "scale: 3.0\nbias: 0.5\n",
    "fn_code.py": """
from mlflow.models import set_model


def times_ten(model_input):
    return model_input * 10


set_model(times_ten)
""",
}

COLUMNS = ["a", "b"]
ROWS = [[1.0, 2.0], [0.5, -1.0], [3.0, 0.25]]
STREAM_INPUTS = [{"q": "hi", "n": 2}, "hello", ["one"]]

# Run with the project interpreter (no mlflow installed): servebook saves each style, logs two models
# to a local file store, and records what servebook.models reports about them.
SERVEBOOK_SAVE = r"""
import json
import pathlib
import sys

import pandas as pd

import servebook as mlflow

work = pathlib.Path(sys.argv[1])
sys.path.insert(0, str(work / "src"))
frame = pd.DataFrame([[1.0, 2.0], [0.5, -1.0], [3.0, 0.25]], columns=["a", "b"])
out = work / "sb"

# a models-from-code file that imports mlflow: servebook answers those imports while it runs
mlflow.pyfunc.save_model(
    out / "code_model", python_model=str(work / "code_model.py"), model_config=str(work / "code_config.yaml"),
    code_paths=[str(work / "src" / "shop_models")], input_example=frame.head(2),
)
assert "mlflow" not in sys.modules, "the stand-in must not outlive the save"

from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from shop_transformers import Squarer

target = frame["a"] * 3 - frame["b"]
regressor = make_pipeline(Squarer(), LinearRegression()).fit(frame, target)
mlflow.sklearn.save_model(
    regressor, out / "sklearn_cloudpickle", code_paths=[str(work / "src" / "shop_transformers.py")],
    input_example=frame.head(2),
)
classifier = make_pipeline(Squarer(), LogisticRegression()).fit(frame, [0, 1, 1])
mlflow.sklearn.save_model(
    classifier, out / "sklearn_pickle_proba", serialization_format="pickle",
    pyfunc_predict_fn="predict_proba", code_paths=[str(work / "src" / "shop_transformers.py")],
    input_example=frame.head(2),
)

mlflow.set_tracking_uri((work / "mlruns").as_uri())
mlflow.set_experiment("styles")
with mlflow.start_run():
    code_info = mlflow.pyfunc.log_model(
        name="code", python_model=str(work / "fn_code.py"), input_example=frame.head(2),
    )
    sk_info = mlflow.sklearn.log_model(
        regressor, name="regressor", code_paths=[str(work / "src" / "shop_transformers.py")]
    )
info = mlflow.models.get_model_info(code_info.model_uri)
(work / "sb_logged.json").write_text(json.dumps({
    "code_uri": code_info.model_uri, "sklearn_uri": sk_info.model_uri, "code_model_id": code_info.model_id,
    "info_uri": info.model_uri, "info_model_id": info.model_id, "info_name": info.name,
    "serving_input": mlflow.models.convert_input_example_to_serving_input(frame.head(2)),
}))
"""

# Run with the MLflow venv's interpreter: MLflow saves each style, predicts on its own models and on
# servebook's, and logs a models-from-code model to the same file store; results to mlflow_results.pkl.
MLFLOW_SIDE = r"""
import json
import os
import pathlib
import pickle
import sys
import warnings

warnings.simplefilter("ignore")
import pandas as pd

pd.set_option("mode.string_storage", "python")
import mlflow
import mlflow.pyfunc
import mlflow.sklearn

work = pathlib.Path(sys.argv[1])
sys.path.insert(0, str(work / "src"))
frame = pd.DataFrame([[1.0, 2.0], [0.5, -1.0], [3.0, 0.25]], columns=["a", "b"])
stream_inputs = [{"q": "hi", "n": 2}, "hello", ["one"]]
out = work / "mlflow"
results = {}


def record(name, model, data=frame, **kwargs):
    results[name] = model.predict(data, **kwargs)


mlflow.pyfunc.save_model(
    out / "code_model", python_model=str(work / "code_model.py"), model_config=str(work / "code_config.yaml"),
    code_paths=[str(work / "src" / "shop_models")], input_example=frame.head(2), pip_requirements=["pandas"],
)
record("code_model", mlflow.pyfunc.load_model(str(out / "code_model")))
overridden = mlflow.pyfunc.load_model(str(out / "code_model"), model_config={"bias": 1.5, "nope": 1})
record("code_model_override", overridden)
mlflow.pyfunc.save_model(
    out / "fn_code", python_model=str(work / "fn_code.py"), input_example=frame.head(2),
    pip_requirements=["pandas"],
)
record("fn_code", mlflow.pyfunc.load_model(str(out / "fn_code")))

from shop_models.scorer import Scorer

mlflow.pyfunc.save_model(
    out / "pickled_code_paths", python_model=Scorer(), code_paths=[str(work / "src" / "shop_models")],
    model_config={"bias": 0.25}, input_example=frame.head(2), pip_requirements=["pandas"],
)
record("pickled_code_paths", mlflow.pyfunc.load_model(str(out / "pickled_code_paths")))

from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from shop_transformers import Squarer

regressor = make_pipeline(Squarer(), LinearRegression()).fit(frame, frame["a"] * 3 - frame["b"])
mlflow.sklearn.save_model(
    regressor, out / "sklearn_code", serialization_format="cloudpickle",
    code_paths=[str(work / "src" / "shop_transformers.py")], input_example=frame.head(2),
    pip_requirements=["scikit-learn"],
)
record("sklearn_code", mlflow.pyfunc.load_model(str(out / "sklearn_code")))


class Streamer(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return [type(model_input).__name__]

    def predict_stream(self, context, model_input, params=None):
        yield type(model_input).__name__
        yield json.dumps(model_input, sort_keys=True)


mlflow.pyfunc.save_model(out / "stream_plain", python_model=Streamer(), pip_requirements=["pandas"])
mlflow.pyfunc.save_model(
    out / "stream_signed", python_model=Streamer(), input_example={"q": "hi"}, pip_requirements=["pandas"]
)
plain = mlflow.pyfunc.load_model(str(out / "stream_plain"))
results["stream_plain"] = [list(plain.predict_stream(value)) for value in stream_inputs]
signed = mlflow.pyfunc.load_model(str(out / "stream_signed"))
results["stream_signed"] = [list(signed.predict_stream({"q": "hi"}))]
try:
    list(plain.predict_stream(["one", "two"]))
    results["stream_two"] = "accepted"
except Exception as exc:
    results["stream_two"] = type(exc).__name__

# servebook's models, in MLflow
sb = work / "sb"
record("sb_code_model", mlflow.pyfunc.load_model(str(sb / "code_model")))
record("sb_code_model_override", mlflow.pyfunc.load_model(str(sb / "code_model"), model_config={"bias": 1.5}))
record("sb_sklearn_cloudpickle", mlflow.pyfunc.load_model(str(sb / "sklearn_cloudpickle")))
regressor = mlflow.sklearn.load_model(str(sb / "sklearn_cloudpickle"))
results["sb_sklearn_cloudpickle_raw"] = regressor.predict(frame)
record("sb_sklearn_pickle_proba", mlflow.pyfunc.load_model(str(sb / "sklearn_pickle_proba")))
classifier = mlflow.sklearn.load_model(str(sb / "sklearn_pickle_proba"))
results["sb_sklearn_pickle_proba_raw"] = classifier.predict_proba(frame)

logged = json.loads((work / "sb_logged.json").read_text())
mlflow.set_tracking_uri((work / "mlruns").as_uri())
record("sb_logged_code", mlflow.pyfunc.load_model(logged["code_uri"]))
record("sb_logged_sklearn", mlflow.pyfunc.load_model(logged["sklearn_uri"]))
results["sb_logged_info_uri"] = mlflow.models.get_model_info(logged["code_uri"]).model_uri
mlflow.set_experiment("styles")
with mlflow.start_run():
    info = mlflow.pyfunc.log_model(
        name="mlflow-code", python_model=str(work / "fn_code.py"), input_example=frame.head(2),
        pip_requirements=["pandas"],
    )
results["mlflow_logged_uri"] = info.model_uri
record("mlflow_logged", mlflow.pyfunc.load_model(info.model_uri))
(work / "mlflow_results.pkl").write_bytes(pickle.dumps(results))
"""
