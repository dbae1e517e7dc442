"""Scripts run in fresh interpreters by the compat and round-trip tests (kept as plain source text)."""

# Run with the project interpreter as __main__: a notebook-like model with artifacts, a code_paths
# package directory, a signature with params and an input example. argv[1] is the work directory.
SERVEBOOK_SAVE = r"""
import json
import pathlib
import pickle
import sys

import pandas as pd

import servebook as sb
from servebook.models import ColSpec, ModelSignature, ParamSchema, ParamSpec, Schema

work = pathlib.Path(sys.argv[1])
package = work / "src" / "iris_tools"
package.mkdir(parents=True)
(package / "__init__.py").write_text("from .scaling import scale\n")
(package / "scaling.py").write_text("def scale(values, factor):\n    return values * factor\n")
weights = work / "weights.json"
weights.write_text(json.dumps({"w": [0.5, -1.25, 2.0, 0.125], "bias": 0.75}))
sys.path.insert(0, str(work / "src"))
import iris_tools  # noqa: E402


class IrisScorer(sb.PythonModel):
    def load_context(self, context):
        config = json.loads(pathlib.Path(context.artifacts["weights"]).read_text())
        self.w, self.bias = config["w"], config["bias"]
        self.offset = context.model_config.get("offset", 0.0)

    def predict(self, context, model_input, params=None):
        factor = (params or {}).get("factor", 1.0)
        score = sum(model_input[c] * w for c, w in zip(model_input.columns, self.w)) + self.bias + self.offset
        score = iris_tools.scale(score, factor)
        return pd.DataFrame({"label": (score > 0).astype("int64"), "score": score})


columns = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
frame = pickle.loads((work / "inputs.pkl").read_bytes())["frame"]
signature = ModelSignature(
    Schema([ColSpec("double", c) for c in columns]),
    Schema([ColSpec("long", "label"), ColSpec("double", "score")]),
    ParamSchema([ParamSpec("factor", "double", 1.0)]),
)
sb.save_model(
    work / "sb_model",
    python_model=IrisScorer(),
    artifacts={"weights": str(weights)},
    code_paths=[str(package)],
    signature=signature,
    input_example=frame.head(2),
    model_config={"offset": 0.5},
)
"""

# Run with the MLflow venv's interpreter. argv[1] is the work directory holding inputs.pkl and
# sb_model; writes mlflow_results.pkl: predictions of MLflow on the servebook model, and MLflow-saved
# models with MLflow's own predictions on them.
MLFLOW_SIDE = r"""
import json
import pathlib
import pickle
import sys
import warnings

warnings.simplefilter("ignore")
import numpy as np
import pandas as pd

# the project venv has no pyarrow: keep pandas strings in python storage so results unpickle there
pd.set_option("mode.string_storage", "python")
import mlflow.pyfunc
import mlflow.sklearn
from mlflow.models import ModelSignature
from mlflow.types import ColSpec, ParamSchema, ParamSpec, Schema, TensorSpec

work = pathlib.Path(sys.argv[1])
inputs = pickle.loads((work / "inputs.pkl").read_bytes())
frame, matrix = inputs["frame"], inputs["matrix"]
results = {}

loaded = mlflow.pyfunc.load_model(str(work / "sb_model"))
results["sb_model"] = {
    "factor2": loaded.predict(frame, params={"factor": 2.0}),
    "default": loaded.predict(frame),
    "example": loaded.input_example,
    "base": [c.__module__ + "." + c.__qualname__ for c in type(loaded.unwrap_python_model()).__mro__],
}

(work / "cfg.json").write_text(json.dumps({"bias": 0.25}))


class Subclass(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        self.bias = json.loads(pathlib.Path(context.artifacts["cfg"]).read_text())["bias"]

    def predict(self, context, model_input, params=None):
        return model_input.sum(axis=1) * (params or {}).get("scale", 1.0) + self.bias


class NoContext(mlflow.pyfunc.PythonModel):
    def predict(self, model_input, params=None):
        return model_input.max(axis=1)


class Tensor(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input):
        return model_input.astype("float64") * 2.0 + 1.0


def add_one(model_input):
    return model_input + 1.0


reqs = ["pandas", "numpy"]
columns = Schema([ColSpec("double", c) for c in frame.columns])
saved = {
    "subclass": dict(
        python_model=Subclass(), artifacts={"cfg": str(work / "cfg.json")},
        signature=ModelSignature(columns, params=ParamSchema([ParamSpec("scale", "double", 1.0)])),
        calls=[(frame, None), (frame, {"scale": 3.0})],
    ),
    "function": dict(python_model=add_one, input_example=frame.head(2), calls=[(frame, None)]),
    "no_context": dict(python_model=NoContext(), signature=ModelSignature(columns), calls=[(frame, None)]),
    "tensor": dict(
        python_model=Tensor(),
        signature=ModelSignature(Schema([TensorSpec(np.dtype("float32"), (-1, 4))])),
        calls=[(matrix, None)],
    ),
}
for name, spec in saved.items():
    calls = spec.pop("calls")
    mlflow.pyfunc.save_model(str(work / "mlflow" / name), pip_requirements=reqs, **spec)
    model = mlflow.pyfunc.load_model(str(work / "mlflow" / name))
    results[name] = [model.predict(data, params=params) for data, params in calls]

from sklearn.linear_model import LinearRegression

estimator = LinearRegression().fit(frame, frame["sepal_length"] * 2 - frame["petal_width"])
for fmt in ("cloudpickle", "pickle", "skops"):
    target = str(work / "mlflow" / f"sklearn_{fmt}")
    mlflow.sklearn.save_model(
        estimator, target, serialization_format=fmt, pip_requirements=["scikit-learn"],
        signature=ModelSignature(columns, Schema([ColSpec("double")])),
    )
    results[f"sklearn_{fmt}"] = [mlflow.pyfunc.load_model(target).predict(frame)]

(work / "mlflow_results.pkl").write_bytes(pickle.dumps(results))
"""
