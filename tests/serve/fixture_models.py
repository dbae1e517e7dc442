"""Source of the models the serving tests use, saved in a fresh interpreter (classes live in __main__,
so they are pickled by value exactly like classes defined in a notebook)."""

from __future__ import annotations

import json
import math

COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
ROWS = [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3], [7.7, 3.0, 6.1, 2.3]]
TOKEN = "s3cret-token"


def expected_scores(rows: list[list[float]], scale: float = 1.0) -> list[dict[str, float]]:
    """What the Scorer fixture model answers, computed independently of the server."""
    out = []
    for row in rows:
        score = (row[0] + 2 * row[3]) * scale
        out.append({"label": int(score > 5), "score": score})
    return out


def strict_json(content: bytes) -> object:
    """json.loads that refuses NaN/Infinity (Python's json accepts them; valid JSON does not)."""

    def refuse(name: str) -> object:
        raise ValueError(f"invalid JSON constant {name}")

    return json.loads(content, parse_constant=refuse)


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-12)


SAVE_SCRIPT = r'''
import os, sys, time
import numpy as np
import pandas as pd
import servebook
from servebook.signature import ColSpec, ModelSignature, ParamSchema, ParamSpec, Schema

target = sys.argv[1] if len(sys.argv) > 1 else os.environ["SB_TARGET"]

class Scorer(servebook.PythonModel):
    """Row-wise: score = (sepal_length + 2 * petal_width) * scale, label = score > 5."""

    def predict(self, context, model_input, params=None):
        params = params or {}
        if params.get("fail"):
            raise ValueError("failure requested by the test")
        if params.get("sleep"):
            time.sleep(params["sleep"])
        if params.get("pid"):
            return pd.DataFrame({"pid": [os.getpid()] * len(model_input)})
        if params.get("spin"):
            deadline = time.perf_counter() + params["spin"]
            while time.perf_counter() < deadline:
                pass
        score = (model_input["sepal_length"] + 2 * model_input["petal_width"]) * params.get("scale", 1.0)
        return pd.DataFrame({"label": (score > 5).astype("int64"), "score": score})

class Echo(servebook.PythonModel):
    """No signature: returns what it got (arrays, dicts of arrays, frames)."""

    def predict(self, context, model_input, params=None):
        if isinstance(model_input, pd.DataFrame):
            return model_input
        if isinstance(model_input, dict):
            return {k: np.asarray(v).tolist() for k, v in model_input.items()}
        return model_input

class Broken(servebook.PythonModel):
    def load_context(self, context):
        raise RuntimeError("this model cannot load (on purpose)")

    def predict(self, context, model_input, params=None):
        return model_input

columns = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
signature = ModelSignature(
    inputs=Schema([ColSpec("double", c) for c in columns]),
    outputs=Schema([ColSpec("long", "label"), ColSpec("double", "score")]),
    params=ParamSchema([
        ParamSpec("scale", "double", 1.0),
        ParamSpec("fail", "boolean", False),
        ParamSpec("sleep", "double", 0.0),
        ParamSpec("spin", "double", 0.0),
        ParamSpec("pid", "boolean", False),
    ]),
)
example = pd.DataFrame([[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3]], columns=columns)
servebook.save_model(os.path.join(target, "scorer"), python_model=Scorer(), signature=signature,
                     input_example=example)
servebook.save_model(os.path.join(target, "batchable"), python_model=Scorer(), signature=signature,
                     metadata={"servebook": {"batchable": True}})
servebook.save_model(os.path.join(target, "echo"), python_model=Echo())
servebook.save_model(os.path.join(target, "broken"), python_model=Broken())
print("saved")
'''
