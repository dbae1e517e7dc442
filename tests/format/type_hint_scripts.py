"""Type-hint models of every MLflow 3 style, and the cases run on them, as source text.

The same ``STYLES`` source is executed by the servebook save script (under ``import servebook as
mlflow``, so MLflow code runs unchanged) and by the MLflow script (with real MLflow 3.17.2): each
tool saves every style, and the MLflow script loads both tools' models, predicts every case
in-process and answers every request through MLflow's scoring-server core
(``mlflow.pyfunc.scoring_server.invocations``). The test process does the same with servebook and
compares. ``CASES`` is executed by all three processes, so the inputs are identical.
"""

# Needs ``mlflow`` (the real one, or servebook imported under that name) and ``TypeFromExample``.
STYLES = r"""
import datetime
from typing import Any

import pandas as pd
import pydantic


class Upper(mlflow.pyfunc.PythonModel):
    def predict(self, model_input: list[str], params=None) -> list[str]:
        suffix = (params or {}).get("suffix", "")
        return [text.upper() + suffix for text in model_input]


class Joiner(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input: list[dict[str, str]]) -> list[str]:
        return [row["a"] + "-" + row.get("b", "") for row in model_input]


class Item(pydantic.BaseModel):
    text: str
    n: int
    tags: list[str] = []
    weight: float | None = None


class Repeat(mlflow.pyfunc.PythonModel):
    def predict(self, model_input: list[Item]) -> list[str]:
        return [f"{type(i).__name__}:{i.text * i.n}:{len(i.tags)}:{i.weight}" for i in model_input]


class Quoted(mlflow.pyfunc.PythonModel):
    # string annotations (as under `from __future__ import annotations`): where the model is loaded,
    # the by-value function's globals no longer hold Item, so the hint must travel resolved
    def predict(self, model_input: "list[Item]") -> "list[int]":
        return [item.n for item in model_input]


class Describe(mlflow.pyfunc.PythonModel):
    def predict(self, model_input: list[Any]) -> list[str]:
        return [type(value).__name__ for value in model_input]


class Sums(mlflow.pyfunc.PythonModel):
    def predict(self, model_input: list[list[int]]) -> list[int]:
        return [sum(row) for row in model_input]


class Stamps(mlflow.pyfunc.PythonModel):
    def predict(self, model_input: list[datetime.datetime]) -> list[str]:
        return [value.isoformat() for value in model_input]


class Sizes(mlflow.pyfunc.PythonModel):
    def predict(self, model_input: list[bytes]) -> list[int]:
        return [len(value) for value in model_input]


class Echo(mlflow.pyfunc.PythonModel):
    def predict(self, model_input: TypeFromExample):
        return model_input


def reverse(model_input: list[str]) -> list[str]:
    return [text[::-1] for text in model_input]


SAVES = {
    "upper": dict(python_model=Upper(), input_example=["a", "b"]),
    "upper_params": dict(python_model=Upper(), input_example=(["a"], {"suffix": "?"})),
    "upper_no_example": dict(python_model=Upper()),
    "upper_given_signature": dict(
        python_model=Upper(),
        signature=mlflow.models.infer_signature(pd.DataFrame({"x": ["a"]})),
        input_example=["a"],
    ),
    "joiner": dict(python_model=Joiner(), input_example=[{"a": "x", "b": "y"}]),
    "repeat": dict(python_model=Repeat(), input_example=[{"text": "a", "n": 2}]),
    "quoted": dict(python_model=Quoted(), input_example=[{"text": "a", "n": 2}]),
    "describe": dict(python_model=Describe(), input_example=[1, "a", 2.5]),
    "sums": dict(python_model=Sums(), input_example=[[1, 2], [3]]),
    "stamps": dict(python_model=Stamps(), input_example=[datetime.datetime(2024, 1, 2, 3, 4, 5)]),
    "sizes": dict(python_model=Sizes(), input_example=[b"abc"]),
    "echo_frame": dict(python_model=Echo(), input_example=pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})),
    "echo_list": dict(python_model=Echo(), input_example=["a", "b"]),
    "reverse": dict(python_model=reverse, input_example=["ab"]),
}
"""

# Inputs: PREDICT[name] are in-process predict inputs, REQUESTS[name] (body, content type) requests.
CASES = r"""
import datetime
import pandas as pd

_LISTS = {
    "upper": [["a", "b"], ["a", 1], "abc", [], pd.DataFrame({"x": ["p", "q"]}),
              pd.DataFrame({"n": [1, 2], "s": ["u", "v"]}), pd.DataFrame({"n": [1, 2]})],
    "joiner": [[{"a": "x", "b": "y"}], [{"a": 1}], ["x"], pd.DataFrame({"a": ["x"], "b": ["y"]})],
    "repeat": [[{"text": "a", "n": 2}], [{"text": "a", "n": "2"}], [{"text": "a"}],
               [{"text": "a", "n": 1, "tags": ["q"], "weight": 0.5}], [3],
               pd.DataFrame({"text": ["a", "b"], "n": [3, 1]})],
    "quoted": [[{"text": "a", "n": 2}], [{"text": "a", "n": "2"}], [3]],
    "describe": [[1, "a", None, [1], {"k": 2}], pd.DataFrame({"v": [1.0, None]}), {"a": 1}],
    "sums": [[[1, 2], [3]], [[1, "2"]], [1], pd.DataFrame({"v": [[1, 2], [3]]})],
    "stamps": [[datetime.datetime(2024, 5, 6, 7, 8, 9)], ["2024-05-06T07:08:09"]],
    "sizes": [[b"ab", b""], ["YWI=\n"]],
    "echo_frame": [pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), pd.DataFrame({"a": ["1"], "b": ["x"]}),
                   {"a": [3], "b": ["z"]}],
    "echo_list": [["a", "b"], pd.DataFrame({0: ["c"]})],
    "reverse": [["ab", "cd"], [1], pd.DataFrame({"t": ["xy"]})],
}
PREDICT = {
    "upper": [(data, None) for data in _LISTS["upper"]] + [(["a"], {"suffix": "!"})],
    "upper_params": [(["a"], None), (["a"], {"suffix": "!"}), (["a"], {"suffix": 3})],
    "upper_no_example": [(data, None) for data in _LISTS["upper"][:3]],
    "upper_given_signature": [(["a"], None), (pd.DataFrame({"x": ["p"]}), None)],
}
for name, inputs in _LISTS.items():
    PREDICT.setdefault(name, [(data, None) for data in inputs])

JSON = "application/json"
REQUESTS = {
    "upper": [({"inputs": ["a", "b"]}, JSON), ({"inputs": ["a", 1]}, JSON), ({"inputs": "abc"}, JSON),
              ({"dataframe_split": {"columns": ["x"], "data": [["a"]]}}, JSON),
              ({"dataframe_records": [{"x": "a"}]}, JSON), ({"instances": ["a"]}, JSON), ({"foo": 1}, JSON),
              ({"inputs": ["a"], "params": {"suffix": "!"}}, JSON), ({"inputs": ["a"], "params": [1]}, JSON),
              ("x\np\nq\n", "text/csv"), ("n\n1\n", "text/csv")],
    "upper_params": [({"inputs": ["a"], "params": {"suffix": "!"}}, JSON),
                     ({"inputs": ["a"], "params": {"suffix": 3}}, JSON), ({"inputs": ["a"]}, JSON)],
    "joiner": [({"inputs": [{"a": "x", "b": "y"}]}, JSON), ({"inputs": [{"a": 1}]}, JSON),
               ({"inputs": {"a": "x"}}, JSON), ("a,b\nx,y\n", "text/csv")],
    "repeat": [({"inputs": [{"text": "a", "n": 2}]}, JSON), ({"inputs": [{"text": "a", "n": "2"}]}, JSON),
               ({"inputs": [{"text": "a", "n": 2.0}]}, JSON), ({"inputs": [{"n": 2}]}, JSON),
               ({"inputs": [{"text": "a", "n": 1, "tags": ["x", "y"], "weight": 1.5}]}, JSON),
               ({"dataframe_records": [{"text": "a", "n": 2}]}, JSON)],
    "describe": [({"inputs": [1, "a", None, 2.5, [1], {"k": True}]}, JSON)],
    "sums": [({"inputs": [[1, 2], [3]]}, JSON), ({"inputs": [[1, "2"]]}, JSON), ({"inputs": [[1.5]]}, JSON)],
    "stamps": [({"inputs": ["2024-05-06T07:08:09"]}, JSON), ({"inputs": ["not a date"]}, JSON),
               ({"inputs": [5]}, JSON)],
    "sizes": [({"inputs": ["YWJj\n", ""]}, JSON), ({"inputs": [1]}, JSON)],
    "echo_frame": [({"dataframe_split": {"columns": ["a", "b"], "data": [[1, "x"]]}}, JSON),
                   ({"inputs": {"a": [1], "b": ["x"]}}, JSON),
                   ({"dataframe_records": [{"a": "z", "b": "x"}]}, JSON)],
    "echo_list": [({"inputs": ["a", "b"]}, JSON), ({"dataframe_split": {"data": [["c"]]}}, JSON)],
    "reverse": [({"inputs": ["ab"]}, JSON), ({"inputs": [1]}, JSON),
                ({"dataframe_records": [{"t": "ab"}]}, JSON)],
}
# (model, request index) -> (MLflow's status, servebook's): the README's deliberate differences
DIFFERENT = {("stamps", 1): (500, 400)}
REQUESTS["quoted"] = REQUESTS["repeat"][:4]
REQUESTS["upper_no_example"] = REQUESTS["upper"][:3]
REQUESTS["upper_given_signature"] = REQUESTS["upper"][:4]
"""

# Run with the project interpreter: argv[1] is the directory to save servebook's models into.
SERVEBOOK_SAVE = (
    r"""
import logging
import pathlib
import sys
import warnings

warnings.simplefilter("ignore")
logging.disable(logging.WARNING)
import servebook as mlflow
from servebook.models import TypeFromExample
"""
    + STYLES
    + r"""
target = pathlib.Path(sys.argv[1])
for name, options in SAVES.items():
    mlflow.pyfunc.save_model(str(target / name), pip_requirements=["pandas", "pydantic"], **options)
"""
)

# Run with the MLflow interpreter: argv[1] holds servebook's models (sb/), MLflow's go to mlflow/;
# writes results.pkl.
MLFLOW_SIDE = (
    r"""
import json
import logging
import os
import pathlib
import pickle
import sys
import warnings

warnings.simplefilter("ignore")
logging.disable(logging.WARNING)
import pandas as pd

pd.set_option("mode.string_storage", "python")  # results unpickle in the project venv (no pyarrow)
import mlflow
import mlflow.pyfunc
import yaml
from mlflow.exceptions import MlflowException
from mlflow.pyfunc import scoring_server
from mlflow.types.type_hints import TypeFromExample
"""
    + STYLES
    + CASES
    + r"""
work = pathlib.Path(sys.argv[1])
for name, options in SAVES.items():
    mlflow.pyfunc.save_model(str(work / "mlflow" / name), pip_requirements=["pandas", "pydantic"], **options)


def outcome(call):
    try:
        return ("ok", call())
    except MlflowException as err:
        return ("refused", err.get_http_status_code())
    except Exception as err:
        return ("raised", type(err).__name__)


os.environ["_MLFLOW_IS_IN_SERVING_ENVIRONMENT"] = "false"
results = {"mlmodel": {}, "predict": {}, "serve": {}}
for origin in ("mlflow", "sb"):
    for name in SAVES:
        path = work / origin / name
        if origin == "mlflow":
            results["mlmodel"][name] = {
                "MLmodel": yaml.safe_load((path / "MLmodel").read_text()),
                "files": {p.name: p.read_text() for p in path.glob("*.json")},
            }
        model = mlflow.pyfunc.load_model(str(path))
        results["predict"][(origin, name)] = [
            outcome(lambda: model.predict(data, params=params)) for data, params in PREDICT[name]
        ]
        os.environ["_MLFLOW_IS_IN_SERVING_ENVIRONMENT"] = "true"
        answers = []
        for body, content_type in REQUESTS[name]:
            text = body if isinstance(body, str) else json.dumps(body)
            try:
                schema = model.metadata.get_input_schema()
                response = scoring_server.invocations(text, content_type, model, schema)
                answers.append((response.status, json.loads(response.response)))
            except MlflowException as err:
                answers.append((err.get_http_status_code(), json.loads(err.serialize_as_json())))
        results["serve"][(origin, name)] = answers
        os.environ["_MLFLOW_IS_IN_SERVING_ENVIRONMENT"] = "false"
(work / "results.pkl").write_bytes(pickle.dumps(results))
"""
)
