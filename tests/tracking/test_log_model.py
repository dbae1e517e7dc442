"""log_model into the local store and runs:/ / models:/ resolution (the seed workflow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import servebook as mlflow
from servebook.errors import InvalidTrackingInputError, SaveError, TrackingError
from servebook.tracking.artifacts import download_model_uri, parse_model_uri
from tests.conftest import run_python

SEED = """
import json, sys
import servebook as mlflow
import pandas as pd

class Scaler(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        import scale_helpers
        self.factor = json.load(open(context.artifacts["factor"]))["factor"]
        self.helpers = scale_helpers

    def predict(self, context, model_input, params=None):
        return self.helpers.scale(model_input, self.factor)

df = pd.DataFrame({"x": [1.0, 2.0]})
with mlflow.start_run() as run:
    mlflow.log_metric("quality", 0.5)
    info = mlflow.pyfunc.log_model(
        artifact_path="artifacts",
        python_model=Scaler(),
        artifacts={"factor": sys.argv[1]},
        signature=mlflow.models.infer_signature(df, df),
        code_path=[sys.argv[2]],
        input_example=df,
    )
print(json.dumps({"run_id": run.info.run_id, "model_uri": info.model_uri, "model_id": info.model_id,
                  "artifact_path": info.artifact_path, "flavors": sorted(info.flavors),
                  "has_signature": info.signature is not None}))
"""


@pytest.mark.integration
def test_seed_workflow_log_model_then_load_runs_uri(tracking_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "factor.json").write_text('{"factor": 3}')
    (tmp_path / "scale_helpers.py").write_text("def scale(frame, factor):\n    return frame * factor\n")
    (tmp_path / "seed.py").write_text(SEED)
    env = {"MLFLOW_TRACKING_URI": tracking_dir.as_uri()}
    out = run_python(
        "import runpy, sys; sys.argv = ['seed.py', 'factor.json', 'scale_helpers.py']; "
        "runpy.run_path('seed.py', run_name='__main__')",
        cwd=tmp_path,
        env=env,
    )
    info = json.loads(out.strip().splitlines()[-1])
    assert info["model_uri"] == f"models:/{info['model_id']}"  # MLflow 3's form
    assert info["artifact_path"] == "artifacts" and info["flavors"] == ["python_function"]
    assert info["has_signature"] and info["model_id"].startswith("m-")

    run = mlflow.get_run(info["run_id"])
    model_dir = download_model_uri(info["model_uri"])
    assert model_dir == tracking_dir / "0" / "models" / info["model_id"] / "artifacts"
    mlmodel = (model_dir / "MLmodel").read_text()
    assert f"run_id: {run.info.run_id}" in mlmodel and f"model_id: {info['model_id']}" in mlmodel
    assert (model_dir / "code" / "scale_helpers.py").is_file()
    meta = (model_dir.parent / "meta.yaml").read_text()
    assert "status: 2" in meta and "name: artifacts" in meta and f"source_run_id: {run.info.run_id}" in meta
    assert (tracking_dir / "0" / run.info.run_id / "outputs" / info["model_id"] / "meta.yaml").is_file()
    assert download_model_uri(f"runs:/{info['run_id']}/artifacts") == model_dir

    # a fresh interpreter (another directory, so nothing is importable by accident) loads it by URI
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = run_python(
        f"""
        import servebook as mlflow, pandas as pd
        model = mlflow.pyfunc.load_model("runs:/{info["run_id"]}/artifacts")
        print(list(model.predict(pd.DataFrame({{"x": [1.0, 2.0]}}))["x"]))
        """,
        cwd=elsewhere,
        env=env,
    )
    assert out.strip() == "[3.0, 6.0]"


class _Echo(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return model_input


def test_log_model_outside_a_run_starts_one_and_names_are_checked(tracking_dir: Path) -> None:
    info = mlflow.pyfunc.log_model(
        name="echo", python_model=_Echo(), pip_requirements=["pandas"], by_value=True
    )
    active = mlflow.active_run()
    assert active is not None and info.run_id == active.info.run_id
    # MLflow 3's form; the run-relative URI names the same model
    assert info.model_uri == f"models:/{info.model_id}" and info.name == "echo"
    assert download_model_uri(info.model_uri) == download_model_uri(f"runs:/{info.run_id}/echo")
    mlflow.end_run()
    with pytest.raises(InvalidTrackingInputError, match="single path segment"):
        mlflow.pyfunc.log_model(name="a/b", python_model=_Echo(), by_value=True)
    with pytest.raises(InvalidTrackingInputError, match="not both"):
        mlflow.pyfunc.log_model(artifact_path="a", name="b", python_model=_Echo(), by_value=True)
    assert mlflow.active_run() is None  # bad names are refused before a run is started


def test_a_failed_save_marks_nothing_ready_and_leaves_no_model(tracking_dir: Path) -> None:
    with mlflow.start_run() as run, pytest.raises(SaveError):
        mlflow.pyfunc.log_model(name="broken", python_model=_Echo(), artifacts={"missing": "/no/such/file"})
    models = tracking_dir / run.info.experiment_id / "models"
    assert not models.exists() or list(models.iterdir()) == []
    with pytest.raises(TrackingError, match="no logged model named 'broken'"):
        download_model_uri(f"runs:/{run.info.run_id}/broken")


@pytest.mark.parametrize(
    ("uri", "parsed"),
    [
        ("runs:/abc/model", ("runs", "abc", "model")),
        ("runs:/abc/a/b/", ("runs", "abc", "a/b")),
        ("models:/iris/3", ("models", "iris", "3")),
        ("models:/iris/latest", ("models", "iris", "latest")),
        ("models:/iris@champion", ("models", "iris", "@champion")),
        ("models:/m-0123abcd", ("models", "m-0123abcd", "")),
    ],
)
def test_model_uri_forms(uri: str, parsed: tuple[str, str, str]) -> None:
    assert parse_model_uri(uri) == parsed


@pytest.mark.parametrize("uri", ["runs:/", "models:/iris", "s3://bucket/model", "models:/@x"])
def test_malformed_model_uris(uri: str) -> None:
    with pytest.raises(InvalidTrackingInputError, match="URI"):
        parse_model_uri(uri)


def test_a_logged_model_is_published_by_its_meta_yaml(tracking_dir: Path) -> None:
    from servebook.tracking.store import get_store

    store = get_store()
    with mlflow.start_run() as run:
        mlflow.log_param("alpha", "0.5")
        record, artifact_dir = store.create_logged_model(store.get_run(run.info.run_id), "later")
        model_dir = artifact_dir.parent
        assert model_dir.parent.name == "models" and not (model_dir / "meta.yaml").exists()
        assert (model_dir / "params" / "alpha").read_text() == "0.5"  # MLflow copies run params
        assert (model_dir / "tags" / "mlflow.user").is_file() and (model_dir / "metrics").is_dir()
        assert store.find_logged_model(run.info.run_id, "later") is None
        with pytest.raises(TrackingError, match="not found"):
            store.get_logged_model(record.model_id)
        mlflow.save_model(artifact_dir, python_model=_Echo(), pip_requirements=["pandas"], by_value=True)
        store.finalize_logged_model(record, "READY")
    found = store.find_logged_model(run.info.run_id, "later")
    assert found is not None and found.status == "READY" and found.model_id == record.model_id
    assert store.get_logged_model(record.model_id).status == "READY"
    assert download_model_uri(f"runs:/{run.info.run_id}/later") == artifact_dir
    assert [p.name for p in model_dir.parent.iterdir()] == [record.model_id]  # no temp files left


def test_log_model_to_an_experiment_deleted_meanwhile_is_refused(tracking_dir: Path) -> None:
    import yaml

    echo = {"python_model": _Echo(), "pip_requirements": ["pandas"], "by_value": True}
    exp_id = mlflow.create_experiment("short-lived")
    with mlflow.start_run(experiment_id=exp_id):
        mlflow.pyfunc.log_model(name="first", **echo)  # the store now knows the experiment's location
        # delete the experiment the way MLflow's file store does: mark it, move it to .trash
        meta_path = tracking_dir / exp_id / "meta.yaml"
        meta = yaml.safe_load(meta_path.read_text())
        meta_path.write_text(yaml.safe_dump({**meta, "lifecycle_stage": "deleted"}))
        (tracking_dir / exp_id).rename(tracking_dir / ".trash" / exp_id)
        with pytest.raises(TrackingError, match="deleted experiment 'short-lived'"):
            mlflow.pyfunc.log_model(name="second", **echo)
    assert not (tracking_dir / exp_id).exists(), "nothing may be written where the experiment was"
    assert len(list((tracking_dir / ".trash" / exp_id / "models").iterdir())) == 1
