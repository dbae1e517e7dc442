"""Real MLflow 3.x and servebook read and write the same local store (``file:`` tracking URI)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

from servebook.errors import TrackingError
from tests.conftest import run_python
from tests.tracking.mlflow_side import RESOURCES, last_json_line, run_mlflow

pytestmark = [pytest.mark.compat, pytest.mark.integration]

TUTORIAL = RESOURCES / "iris_tutorial.py"


def _run_tutorial(python: str | Path, store_uri: str, work: Path, *, mlflow_venv: bool) -> dict:
    source = (
        f"import runpy, sys; sys.argv = ['iris_tutorial.py', {str(work)!r}]; "
        f"runpy.run_path({str(TUTORIAL)!r}, run_name='__main__')"
    )
    env = {"MLFLOW_TRACKING_URI": store_uri}
    if mlflow_venv:
        return last_json_line(run_mlflow(source, cwd=work, env=env, timeout=150))
    return last_json_line(run_python(source, python=python, cwd=work, env=env, timeout=150))


def test_iris_tutorial_both_ways_on_one_local_store(tmp_path: Path, tracking_dir: Path) -> None:
    """The tutorial script runs with servebook and with MLflow; each tool reads and loads the other's run."""
    import servebook as mlflow

    store_uri = tracking_dir.as_uri()
    ours = _run_tutorial(sys.executable, store_uri, tmp_path, mlflow_venv=False)
    theirs = _run_tutorial("", store_uri, tmp_path, mlflow_venv=True)
    species = {"setosa", "versicolor", "virginica"}
    assert set(ours["predictions"]) <= species and ours["predictions"] == theirs["predictions"]
    assert ours["experiment_id"] == theirs["experiment_id"], "both tools must use one experiment by name"

    # a logged model still being saved (its directory exists, its meta.yaml not yet) is listed by
    # neither tool: MLflow's search_logged_models below must still see exactly the two models
    from servebook.tracking.artifacts import download_model_uri
    from servebook.tracking.store import get_store

    store = get_store()
    _pending, pending_dir = store.create_logged_model(store.get_run(ours["run_id"]), "half-saved")
    pending_dir.mkdir()
    (pending_dir / "MLmodel").write_text("flavors: {}\n")
    with pytest.raises(TrackingError, match="no logged model named 'half-saved'"):
        download_model_uri(f"runs:/{ours['run_id']}/half-saved")

    # MLflow reads what servebook logged and loads its model through runs:/
    check = run_mlflow(
        f"""
        import json, mlflow
        from sklearn.datasets import load_iris
        mlflow.set_tracking_uri({store_uri!r})
        df = mlflow.search_runs(experiment_names=["iris-custom-pyfunc"],
                                filter_string="metrics.accuracy > 0.5",
                                order_by=["attributes.start_time ASC"])
        run = mlflow.get_run({ours["run_id"]!r})
        model = mlflow.pyfunc.load_model({ours["model_uri"]!r})
        X, _ = load_iris(return_X_y=True, as_frame=True)
        logged = mlflow.search_logged_models(experiment_ids=[run.info.experiment_id], output_format="list")
        result = {{"run_ids": list(df.run_id), "params": run.data.params, "status": run.info.status}}
        result["accuracy"] = run.data.metrics["accuracy"]
        result["pred"] = list(model.predict(X.iloc[[0, 60, 120]]))
        result["models"] = [m.name for m in logged]
        print(json.dumps(result))
        """
    )
    seen = last_json_line(check)
    assert seen["run_ids"] == [ours["run_id"], theirs["run_id"]]
    assert seen["params"] == {"max_iter": "500"} and seen["status"] == "FINISHED"
    assert seen["accuracy"] == ours["accuracy"]
    assert seen["pred"] == ["setosa", "versicolor", "virginica"]
    assert seen["models"] == ["artifacts", "artifacts"]

    # servebook reads what MLflow logged and loads its model through runs:/
    mlflow.set_tracking_uri(store_uri)
    mlflow.set_experiment("iris-custom-pyfunc")
    df = mlflow.search_runs(order_by=["attributes.start_time ASC"])
    assert list(df.run_id) == [ours["run_id"], theirs["run_id"]]
    assert list(df["metrics.accuracy"]) == [ours["accuracy"], theirs["accuracy"]]
    run = mlflow.get_run(theirs["run_id"])
    assert run.data.params == {"max_iter": "500"} and run.info.status == "FINISHED"
    model_dir = download_model_uri(theirs["model_uri"])
    assert model_dir.parent.parent.name == "models" and (model_dir / "MLmodel").is_file()
    out = run_python(
        f"""
        import servebook as mlflow
        from sklearn.datasets import load_iris
        mlflow.set_tracking_uri({store_uri!r})
        model = mlflow.pyfunc.load_model({theirs["model_uri"]!r})
        X, _ = load_iris(return_X_y=True, as_frame=True)
        print(list(model.predict(X.iloc[[0, 60, 120]])))
        """
    )
    assert out.strip() == "['setosa', 'versicolor', 'virginica']"


def test_mlflow_reads_servebook_runs_params_metrics_tags_and_artifacts(
    tracking_dir: Path, tmp_path: Path
) -> None:
    import servebook as mlflow

    mlflow.set_experiment("compat")
    with mlflow.start_run(run_name="sb", tags={"team": "blue"}, description="from servebook") as run:
        mlflow.log_params({"lr": 0.1, "layers": "a/b"})
        for step in range(3):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        mlflow.log_metrics({"nan": math.nan, "inf": math.inf})
        mlflow.log_dict({"k": 1}, "cfg/config.json")
    with mlflow.start_run(run_name="failed"):
        mlflow.set_tag("kind", "bad")
    fluent_store = mlflow.tracking.fluent.get_store()
    fluent_store.update_run(mlflow.last_active_run().info.run_id, "FAILED", 1)
    out = run_mlflow(
        f"""
        import json, math, mlflow
        mlflow.set_tracking_uri({tracking_dir.as_uri()!r})
        client = mlflow.MlflowClient()
        run = mlflow.get_run({run.info.run_id!r})
        hist = [(m.step, m.value) for m in client.get_metric_history(run.info.run_id, "loss")]
        df = mlflow.search_runs(experiment_names=["compat"],
                                filter_string="params.lr = '0.1' and tags.team = 'blue'")
        failed = mlflow.search_runs(experiment_names=["compat"], filter_string="attributes.status = 'FAILED'")
        local = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="cfg/config.json")
        tags = {{k: v for k, v in run.data.tags.items() if k in ("team", "mlflow.note.content")}}
        result = {{"name": run.info.run_name, "status": run.info.status, "params": run.data.params}}
        result.update(tags=tags, hist=hist, nan=math.isnan(run.data.metrics["nan"]))
        result.update(inf=run.data.metrics["inf"] == math.inf, found=list(df.run_id))
        result.update(failed=list(failed["tags.mlflow.runName"]), artifact=open(local).read())
        print(json.dumps(result))
        """
    )
    seen = last_json_line(out)
    assert seen["name"] == "sb" and seen["status"] == "FINISHED"
    assert seen["params"] == {"lr": "0.1", "layers": "a/b"}
    assert seen["tags"] == {"team": "blue", "mlflow.note.content": "from servebook"}
    assert seen["hist"] == [[0, 1.0], [1, 0.5], [2, 1.0 / 3]]
    assert seen["nan"] and seen["inf"]
    assert seen["found"] == [run.info.run_id]
    assert seen["failed"] == ["failed"]
    assert '"k": 1' in seen["artifact"]


def test_servebook_reads_mlflow_runs(tracking_dir: Path) -> None:
    import servebook as mlflow

    out = run_mlflow(
        f"""
        import json, math, mlflow
        mlflow.set_tracking_uri({tracking_dir.as_uri()!r})
        mlflow.set_experiment("from-mlflow")
        with mlflow.start_run(run_name="parent") as parent:
            mlflow.log_params({{"depth": 3}})
            mlflow.log_metric("acc", 0.5, step=0)
            mlflow.log_metric("acc", 0.75, step=1)
            mlflow.log_metric("odd", float("nan"))
            mlflow.set_tags({{"owner": "ml"}})
            mlflow.log_text("hi", "notes/readme.txt")
            with mlflow.start_run(run_name="child", nested=True) as child:
                mlflow.log_metric("acc", 0.9)
        print(json.dumps({{"parent": parent.info.run_id, "child": child.info.run_id}}))
        """
    )
    ids = last_json_line(out)
    mlflow.set_experiment("from-mlflow")
    run = mlflow.get_run(ids["parent"])
    assert run.info.run_name == "parent" and run.info.status == "FINISHED"
    assert run.data.params == {"depth": "3"} and run.data.metrics["acc"] == 0.75
    assert math.isnan(run.data.metrics["odd"]) and run.data.tags["owner"] == "ml"
    df = mlflow.search_runs(filter_string="metrics.acc > 0.8")
    assert list(df.run_id) == [ids["child"]]
    assert df["tags.mlflow.parentRunId"][0] == ids["parent"]
    artifact = (
        Path(mlflow.get_run(ids["parent"]).info.artifact_uri.removeprefix("file://")) / "notes/readme.txt"
    )
    assert artifact.read_text() == "hi"
    # servebook can keep logging into the run MLflow created
    mlflow.log_metrics({"later": 1.0}, run_id=ids["parent"])
    assert mlflow.get_run(ids["parent"]).data.metrics["later"] == 1.0
