"""The fluent API against the local store: MLflow's semantics, MLflow's file layout."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

import servebook as mlflow
from servebook.errors import InvalidTrackingInputError, TrackingError
from servebook.tracking import fluent, store


def _run_dir(root: Path, run) -> Path:
    return root / run.info.experiment_id / run.info.run_id


def test_default_experiment_and_run_layout(tracking_dir: Path) -> None:
    with mlflow.start_run(run_name="first", tags={"team": "blue"}, description="notes") as run:
        mlflow.log_param("alpha", 0.5)
        mlflow.log_metric("loss", 1.25, step=3, timestamp=1700000000000)
        mlflow.set_tag("stage", "dev")
    assert run.info.experiment_id == "0"
    default = (tracking_dir / "0" / "meta.yaml").read_text()
    assert "name: Default" in default and "lifecycle_stage: active" in default
    assert (tracking_dir / ".trash").is_dir()
    run_dir = _run_dir(tracking_dir, run)
    assert (run_dir / "params" / "alpha").read_text() == "0.5"
    assert (run_dir / "metrics" / "loss").read_text() == "1700000000000 1.25 3\n"
    assert (run_dir / "tags" / "stage").read_text() == "dev"
    assert (run_dir / "tags" / "mlflow.runName").read_text() == "first"
    assert (run_dir / "tags" / "mlflow.note.content").read_text() == "notes"
    meta = (run_dir / "meta.yaml").read_text()
    assert "status: 3" in meta and "run_name: first" in meta and f"run_id: {run.info.run_id}" in meta
    fetched = mlflow.get_run(run.info.run_id)
    assert fetched.info.status == "FINISHED" and fetched.info.end_time >= fetched.info.start_time
    assert fetched.data.params == {"alpha": "0.5"}
    assert fetched.data.metrics == {"loss": 1.25}
    assert fetched.data.tags["team"] == "blue"


def test_exception_in_block_marks_run_failed(tracking_dir: Path) -> None:
    with pytest.raises(ZeroDivisionError), mlflow.start_run() as run:
        1 / 0  # noqa: B018
    assert mlflow.get_run(run.info.run_id).info.status == "FAILED"
    assert mlflow.active_run() is None
    assert mlflow.last_active_run().info.run_id == run.info.run_id


def test_logging_outside_a_run_starts_one_and_end_run_finishes_it(tracking_dir: Path) -> None:
    assert mlflow.active_run() is None
    mlflow.log_metric("x", 1)
    run = mlflow.active_run()
    assert run is not None and run.info.status == "RUNNING"
    mlflow.end_run()
    assert mlflow.active_run() is None
    assert mlflow.get_run(run.info.run_id).info.status == "FINISHED"
    mlflow.end_run()  # no active run: a no-op, as in MLflow


def test_nested_runs_and_the_already_active_error(tracking_dir: Path) -> None:
    with mlflow.start_run() as parent:
        with pytest.raises(TrackingError, match="already active.*nested=True"):
            mlflow.start_run()
        with mlflow.start_run(nested=True) as child:
            assert mlflow.active_run().info.run_id == child.info.run_id
        assert mlflow.active_run().info.run_id == parent.info.run_id
    assert mlflow.get_run(child.info.run_id).data.tags["mlflow.parentRunId"] == parent.info.run_id


def test_set_experiment_creates_once_and_runs_land_there(tracking_dir: Path) -> None:
    exp = mlflow.set_experiment("iris")
    assert mlflow.set_experiment("iris").experiment_id == exp.experiment_id
    assert mlflow.set_experiment(experiment_id=exp.experiment_id).name == "iris"
    with mlflow.start_run() as run:
        pass
    assert run.info.experiment_id == exp.experiment_id
    assert (tracking_dir / exp.experiment_id / run.info.run_id / "meta.yaml").is_file()
    with pytest.raises(InvalidTrackingInputError, match="exactly one"):
        mlflow.set_experiment()
    with pytest.raises(TrackingError, match="No experiment with id"):
        mlflow.set_experiment(experiment_id="424242")


def test_params_are_immutable(tracking_dir: Path) -> None:
    with mlflow.start_run() as run:
        mlflow.log_param("lr", 0.1)
        mlflow.log_param("lr", 0.1)  # same value again is fine
        with pytest.raises(InvalidTrackingInputError, match="Changing param values is not allowed.*'lr'"):
            mlflow.log_params({"lr": 0.2})
    assert mlflow.get_run(run.info.run_id).data.params == {"lr": "0.1"}


def test_metrics_history_latest_value_and_non_finite(tracking_dir: Path) -> None:
    with mlflow.start_run() as run:
        for step, value in enumerate([0.5, 0.25, 0.125]):
            mlflow.log_metric("loss", value, step=step)
        mlflow.log_metrics({"nan": math.nan, "pinf": math.inf, "ninf": -math.inf}, step=1)
    run_dir = _run_dir(tracking_dir, run)
    assert [line.split()[1:] for line in (run_dir / "metrics" / "loss").read_text().splitlines()] == [
        ["0.5", "0"],
        ["0.25", "1"],
        ["0.125", "2"],
    ]
    assert (run_dir / "metrics" / "nan").read_text().split()[1] == "nan"
    assert (run_dir / "metrics" / "pinf").read_text().split()[1] == "inf"
    assert (run_dir / "metrics" / "ninf").read_text().split()[1] == "-inf"
    metrics = mlflow.get_run(run.info.run_id).data.metrics
    assert metrics["loss"] == 0.125 and math.isnan(metrics["nan"]) and metrics["ninf"] == -math.inf
    history = store.get_store().get_metric_history(run.info.run_id, "loss")
    assert [h[1] for h in history] == [0.5, 0.25, 0.125]


def test_bad_input_is_refused_before_any_write(tracking_dir: Path) -> None:
    with mlflow.start_run() as run:
        with pytest.raises(InvalidTrackingInputError, match="'acc'.*not a number"):
            mlflow.log_metric("acc", "high")
        with pytest.raises(InvalidTrackingInputError, match="'a\\$b'.*may only contain"):
            mlflow.log_metrics({"ok": 1.0, "a$b": 2.0})
        with pytest.raises(InvalidTrackingInputError, match="'../x'"):
            mlflow.set_tag("../x", "v")
    data = mlflow.get_run(run.info.run_id).data
    assert data.metrics == {}  # the batch with a bad key logged nothing
    assert not any(k == "../x" for k in data.tags)


def test_logging_to_a_finished_run_by_id_is_allowed_but_a_deleted_run_is_refused(tracking_dir: Path) -> None:
    with mlflow.start_run() as run:
        pass
    run_id = run.info.run_id
    mlflow.log_metrics({"late": 1.0}, run_id=run_id)  # MLflow allows this for ended runs
    assert mlflow.get_run(run_id).data.metrics == {"late": 1.0}
    fluent.delete_run(run_id)
    with pytest.raises(TrackingError, match="deleted"):
        mlflow.log_metrics({"later": 2.0}, run_id=run_id)
    with pytest.raises(TrackingError, match="deleted"):
        mlflow.log_text("x", "a.txt", run_id=run_id)
    with pytest.raises(TrackingError, match="deleted"):
        mlflow.start_run(run_id=run_id)
    assert "later" not in mlflow.get_run(run_id).data.metrics


def test_resume_a_run_by_id(tracking_dir: Path) -> None:
    with mlflow.start_run() as run:
        mlflow.log_param("a", 1)
    with mlflow.start_run(run_id=run.info.run_id) as resumed:
        assert mlflow.get_run(run.info.run_id).info.status == "RUNNING"
        mlflow.log_param("b", 2)
    assert resumed.info.run_id == run.info.run_id
    final = mlflow.get_run(run.info.run_id)
    assert final.info.status == "FINISHED" and final.data.params == {"a": "1", "b": "2"}


def test_artifacts_text_dict_and_uri(tracking_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "tree" / "sub").mkdir(parents=True)
    (tmp_path / "tree" / "sub" / "x.csv").write_text("a,b\n")
    with mlflow.start_run() as run:
        mlflow.log_artifact(tmp_path / "notes.txt")
        mlflow.log_artifact(tmp_path / "notes.txt", artifact_path="docs")
        mlflow.log_artifacts(tmp_path / "tree", artifact_path="data")
        mlflow.log_text("some text", "texts/a.txt")
        mlflow.log_dict({"k": [1, 2]}, "config.json")
        mlflow.log_dict({"k": 1}, "config.yaml")
        uri = mlflow.get_artifact_uri()
        assert mlflow.get_artifact_uri("docs/notes.txt") == uri + "/docs/notes.txt"
        with pytest.raises(InvalidTrackingInputError, match="not a file"):
            mlflow.log_artifact(tmp_path / "tree")
        with pytest.raises(InvalidTrackingInputError, match="artifact_path"):
            mlflow.log_text("x", "../escape.txt")
    art = _run_dir(tracking_dir, run) / "artifacts"
    assert uri == art.as_uri()
    assert (art / "notes.txt").read_text() == "hello"
    assert (art / "docs" / "notes.txt").read_text() == "hello"
    assert (art / "data" / "sub" / "x.csv").read_text() == "a,b\n"
    assert (art / "texts" / "a.txt").read_text() == "some text"
    assert '"k": [\n    1,' in (art / "config.json").read_text()
    assert (art / "config.yaml").read_text() == "k: 1\n"
    assert not (tmp_path / "escape.txt").exists()


def test_search_runs_dataframe_filters_and_order(tracking_dir: Path) -> None:
    mlflow.set_experiment("search")
    for i, (model, acc) in enumerate([("lr", 0.9), ("rf", 0.7), ("lr", 0.6)]):
        with mlflow.start_run(run_name=f"r{i}"):
            mlflow.log_params({"model": model})
            mlflow.log_metric("acc", acc)
    df = mlflow.search_runs()
    assert list(df.columns[:6]) == [
        "run_id",
        "experiment_id",
        "status",
        "artifact_uri",
        "start_time",
        "end_time",
    ]
    assert {"metrics.acc", "params.model", "tags.mlflow.runName"} <= set(df.columns)
    assert str(df["start_time"].dtype).startswith("datetime64") and str(df["start_time"].dt.tz) == "UTC"
    assert list(df["tags.mlflow.runName"]) == ["r2", "r1", "r0"]  # newest first
    picked = mlflow.search_runs(filter_string="metrics.acc > 0.65 and params.model = 'lr'")
    assert list(picked["tags.mlflow.runName"]) == ["r0"]
    ordered = mlflow.search_runs(order_by=["metrics.acc ASC"], max_results=2)
    assert list(ordered["metrics.acc"]) == [0.6, 0.7]
    by_name = mlflow.search_runs(experiment_names=["search"], filter_string="attributes.status = 'FINISHED'")
    assert len(by_name) == 3
    assert len(mlflow.search_runs(experiment_ids=["0"])) == 0
    runs = mlflow.search_runs(output_format="list", filter_string="params.model = 'rf'")
    assert [r.data.params["model"] for r in runs] == ["rf"]


def test_tracking_uri_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tracking_dir: Path) -> None:
    store.set_tracking_uri(None)
    monkeypatch.chdir(tmp_path)
    assert mlflow.get_tracking_uri() == (tmp_path / "mlruns").resolve().as_uri()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", str(tmp_path / "from-mlflow"))
    assert mlflow.get_tracking_uri().endswith("/from-mlflow")
    monkeypatch.setenv("SERVEBOOK_TRACKING_URI", f"file:{tmp_path / 'from-servebook'}")
    assert mlflow.get_tracking_uri().endswith("/from-servebook")
    mlflow.set_tracking_uri("http://127.0.0.1:5000/")
    assert mlflow.get_tracking_uri() == "http://127.0.0.1:5000"
    with pytest.raises(InvalidTrackingInputError, match="mlflow server --backend-store-uri sqlite"):
        mlflow.set_tracking_uri("sqlite:///mlflow.db")


def test_unreachable_server_fails_fast_with_a_clear_error(
    tracking_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket
    import time

    from servebook.errors import TrackingServerError

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    mlflow.set_tracking_uri(f"http://127.0.0.1:{port}")
    started = time.monotonic()
    with pytest.raises(TrackingServerError, match=f"127.0.0.1:{port}.*after 4 attempts"):
        mlflow.set_experiment("x")
    assert time.monotonic() - started < 10


def test_store_files_are_written_atomically(tracking_dir: Path) -> None:
    with mlflow.start_run() as run:
        mlflow.set_tag("t", "1")
        mlflow.set_tag("t", "2")
    leftovers = [p for p in tracking_dir.rglob("*") if ".tmp-" in p.name]
    assert leftovers == []
    assert (_run_dir(tracking_dir, run) / "tags" / "t").read_text() == "2"
    assert os.listdir(tracking_dir / ".trash") == []
