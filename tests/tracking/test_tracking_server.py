"""servebook against a real MLflow tracking server, checked through MLflow's own client."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

from servebook.errors import InvalidTrackingInputError, TrackingError
from tests.conftest import run_python
from tests.tracking.mlflow_side import RESOURCES, last_json_line, run_mlflow

pytestmark = [pytest.mark.compat, pytest.mark.integration]

TUTORIAL = RESOURCES / "iris_tutorial.py"


def _tutorial(server: str, work: Path, *, mlflow_venv: bool) -> dict:
    source = (
        f"import runpy, sys; sys.argv = ['iris_tutorial.py', {str(work)!r}]; "
        f"runpy.run_path({str(TUTORIAL)!r}, run_name='__main__')"
    )
    env = {"MLFLOW_TRACKING_URI": server, "SERVEBOOK_CACHE_DIR": str(work / "cache")}
    if mlflow_venv:
        return last_json_line(run_mlflow(source, cwd=work, env=env, timeout=150))
    return last_json_line(run_python(source, python=sys.executable, cwd=work, env=env, timeout=150))


def test_iris_tutorial_on_the_tracking_server_both_ways(server_uri: str, tmp_path: Path) -> None:
    ours = _tutorial(server_uri, tmp_path, mlflow_venv=False)
    theirs = _tutorial(server_uri, tmp_path, mlflow_venv=True)
    assert ours["predictions"] == theirs["predictions"]
    assert set(ours["predictions"]) <= {"setosa", "versicolor", "virginica"}

    seen = last_json_line(
        run_mlflow(
            f"""
            import json, mlflow
            from sklearn.datasets import load_iris
            mlflow.set_tracking_uri({server_uri!r})
            run = mlflow.get_run({ours["run_id"]!r})
            df = mlflow.search_runs(experiment_names=["iris-custom-pyfunc"],
                                    filter_string="params.max_iter = '500'")
            model = mlflow.pyfunc.load_model({ours["model_uri"]!r})
            X, _ = load_iris(return_X_y=True, as_frame=True)
            result = {{"status": run.info.status, "accuracy": run.data.metrics["accuracy"]}}
            result.update(runs=sorted(df.run_id), pred=list(model.predict(X.iloc[[0, 60, 120]])))
            result.update(artifact_uri=run.info.artifact_uri)
            print(json.dumps(result))
            """
        )
    )
    assert seen["status"] == "FINISHED" and seen["accuracy"] == ours["accuracy"]
    assert seen["runs"] == sorted([ours["run_id"], theirs["run_id"]])
    assert seen["pred"] == ["setosa", "versicolor", "virginica"]
    assert seen["artifact_uri"].startswith("mlflow-artifacts:/")

    import servebook as mlflow

    run = mlflow.get_run(theirs["run_id"])
    assert run.data.params == {"max_iter": "500"} and run.info.status == "FINISHED"
    out = run_python(
        f"""
        import servebook as mlflow
        from sklearn.datasets import load_iris
        mlflow.set_tracking_uri({server_uri!r})
        model = mlflow.pyfunc.load_model({theirs["model_uri"]!r})
        X, _ = load_iris(return_X_y=True, as_frame=True)
        print(list(model.predict(X.iloc[[0, 60, 120]])))
        """,
        env={"SERVEBOOK_CACHE_DIR": str(tmp_path / "cache2")},
    )
    assert out.strip() == "['setosa', 'versicolor', 'virginica']"


def test_fluent_api_over_rest(server_uri: str, tmp_path: Path) -> None:
    import servebook as mlflow

    exp = mlflow.set_experiment("rest-fluent")
    assert mlflow.set_experiment("rest-fluent").experiment_id == exp.experiment_id
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    with mlflow.start_run(run_name="r1", tags={"team": "blue"}, description="over REST") as run:
        mlflow.log_params({"lr": 0.1, "depth": 4})
        for step in range(3):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        mlflow.log_metrics({"nan": math.nan, "ninf": -math.inf})
        mlflow.log_artifact(tmp_path / "data.csv", artifact_path="inputs")
        mlflow.log_dict({"k": 1}, "cfg.json")
        with pytest.raises(InvalidTrackingInputError, match="Changing param values is not allowed"):
            mlflow.log_param("lr", 0.2)
        with pytest.raises(InvalidTrackingInputError, match="'bad\\$'"):
            mlflow.log_metric("bad$", 1)  # refused locally, before any request
    with pytest.raises(ZeroDivisionError), mlflow.start_run(run_name="r2"):
        mlflow.log_metric("loss", 9.0)
        1 / 0  # noqa: B018

    df = mlflow.search_runs(order_by=["metrics.loss ASC"])
    assert list(df["tags.mlflow.runName"]) == ["r1", "r2"]
    assert list(df["status"]) == ["FINISHED", "FAILED"]
    picked = mlflow.search_runs(filter_string="params.depth = '4' and metrics.loss < 1")
    assert list(picked.run_id) == [run.info.run_id]

    seen = last_json_line(
        run_mlflow(
            f"""
            import json, math, mlflow
            mlflow.set_tracking_uri({server_uri!r})
            client = mlflow.MlflowClient()
            run = client.get_run({run.info.run_id!r})
            hist = [(m.step, m.value) for m in client.get_metric_history(run.info.run_id, "loss")]
            files = sorted(f.path for f in client.list_artifacts(run.info.run_id, "inputs"))
            local = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="cfg.json")
            text = open(local).read()
            result = {{"params": run.data.params, "hist": hist, "files": files, "cfg": json.loads(text)}}
            result.update(nan=math.isnan(run.data.metrics["nan"]), ninf=run.data.metrics["ninf"] < -1e300)
            result.update(note=run.data.tags["mlflow.note.content"], team=run.data.tags["team"])
            print(json.dumps(result))
            """
        )
    )
    assert seen["params"] == {"lr": "0.1", "depth": "4"}
    assert seen["hist"] == [[0, 1.0], [1, 0.5], [2, 1.0 / 3]]
    assert seen["files"] == ["inputs/data.csv"] and seen["cfg"] == {"k": 1}
    assert seen["nan"] and seen["ninf"]  # the SQL backend stores -inf as the lowest double, as MLflow does
    assert seen["note"] == "over REST" and seen["team"] == "blue"

    mlflow.tracking.fluent.delete_run(run.info.run_id)
    with pytest.raises(TrackingError, match="deleted"):
        mlflow.log_text("late", "late.txt", run_id=run.info.run_id)
    with pytest.raises(TrackingError, match="deleted"):
        mlflow.log_metrics({"late": 1.0}, run_id=run.info.run_id)


def test_registered_model_versions_and_aliases_resolve(server_uri: str, tmp_path: Path) -> None:
    import pandas as pd

    import servebook as mlflow

    class Doubler(mlflow.pyfunc.PythonModel):
        def predict(self, context, model_input, params=None):
            return model_input * 2

    mlflow.set_experiment("registry")
    with mlflow.start_run():
        info = mlflow.pyfunc.log_model(
            name="doubler",
            python_model=Doubler(),
            registered_model_name="doubler",
            pip_requirements=["pandas"],
            by_value=True,  # the class lives in this test module, not in an installed package
        )
    assert info.registered_model_version == 1
    assert info.model_uri == f"models:/{info.model_id}" and info.model_id.startswith("m-")
    seen = last_json_line(
        run_mlflow(
            f"""
            import json, mlflow, pandas as pd
            mlflow.set_tracking_uri({server_uri!r})
            mlflow.MlflowClient().set_registered_model_alias("doubler", "champion", "1")
            # MLflow resolves the models:/m-<id> URI servebook's log_model returned
            model = mlflow.pyfunc.load_model({info.model_uri!r})
            print(json.dumps({{"x": model.predict(pd.DataFrame({{"x": [1.0, 2.0]}}))["x"].tolist()}}))
            """
        )
    )
    assert seen["x"] == [2.0, 4.0]
    frame = pd.DataFrame({"x": [1.0, 2.0]})
    for uri in (
        "models:/doubler/1",
        "models:/doubler/latest",
        "models:/doubler@champion",
        f"models:/{info.model_id}",
    ):
        model = mlflow.pyfunc.load_model(uri)
        assert list(model.predict(frame)["x"]) == [2.0, 4.0], uri
    with pytest.raises(TrackingError, match=r"(?i)version.*7.*not found|not found.*version.*7"):
        mlflow.pyfunc.load_model("models:/doubler/7")
