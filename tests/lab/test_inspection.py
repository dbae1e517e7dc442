"""The static inspector: report contents, robustness, and that nothing from the model ever runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lab_models import EXAMPLE, write_plain_model, write_trapped_model, write_yaml_tag_model

import servebook
from servebook.inspection import model_summary, run_inspect_command


def test_report_of_a_typical_model(tmp_path: Path) -> None:
    model = write_plain_model(
        tmp_path / "iris", requirements="numpy>=1\nnot-a-real-dist-xyz==1.0\npytest==0.0.1"
    )
    report = servebook.inspect(model)
    assert report.error is None
    assert [f.name for f in report.flavors] == ["python_function"]
    assert report.loader_module == "mlflow.pyfunc.model"
    sig = report.signature
    assert sig is not None and sig.inputs is not None and sig.outputs is not None
    assert [(c.name, c.type, c.required) for c in sig.inputs.columns] == [
        ("x", "double", True),
        ("tags", "array<string>", False),
    ]
    assert [(c.name, c.type) for c in sig.outputs.columns] == [("label", "long")]
    assert [(p.name, p.type, p.default) for p in sig.params] == [("threshold", "double", 0.5)]
    assert report.input_example is not None and report.input_example.data == EXAMPLE
    assert report.serving_input_example == {"dataframe_split": EXAMPLE}

    env = report.environment
    assert env is not None and env.error is None
    statuses = {r.name: r.status for r in env.requirements}
    assert statuses == {"numpy": "ok", "not-a-real-dist-xyz": "missing", "pytest": "mismatch"}
    assert env.missing == ["not-a-real-dist-xyz"] and env.mismatched == ["pytest==0.0.1"]
    assert env.python_minor_ok is True and env.cloudpickle_ok is True

    sizes = {f.path: f.size for f in report.files}
    assert sizes["MLmodel"] == (model / "MLmodel").stat().st_size
    assert sizes["artifacts/weights.json"] == 8
    assert report.total_size == sum(f.size for f in report.files if f.kind == "file")
    assert report.trust is not None and report.trust.verdict == "executes_code"
    kinds = {(i.kind, i.path) for i in report.trust.executes_on_load}
    assert kinds == {("pickle", "python_model.pkl"), ("code_module", "code/helpers.py")}
    assert report.run is None

    data = report.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["environment"]["missing"] == ["not-a-real-dist-xyz"]
    text = str(report)
    assert "array<string>" in text and "MISSING" in text and "executes_code" in text


def test_booby_trapped_model_runs_nothing(tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    model = write_trapped_model(tmp_path / "trap", markers)
    report = servebook.inspect(model)
    assert report.error is None
    assert list(markers.iterdir()) == []
    trust = report.trust
    assert trust is not None and trust.verdict == "executes_code"
    found = {(i.kind, i.path) for i in trust.executes_on_load}
    assert ("pickle", "python_model.pkl") in found
    assert ("pickle", "artifacts/state.pkl") in found
    assert ("pickle", "artifacts/weights.bin") in found  # recognised by its magic bytes
    assert ("code_module", "code/trap_loader.py") in found
    assert any(i.kind == "loader_module" and "trap_loader" in i.detail for i in trust.executes_on_load)
    str(report), report.to_dict()
    assert list(markers.iterdir()) == []


def test_cli_on_booby_trapped_model_runs_nothing(tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    model = write_trapped_model(tmp_path / "trap", markers)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = (
        "import sys; from servebook.inspection import run_inspect_command as run; sys.exit(run('trap', True))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=model.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["trust"]["verdict"] == "executes_code"
    assert data["flavors"][0]["loader_module"] == "trap_loader"
    assert list(markers.iterdir()) == []


def test_inspect_subcommand_of_the_cli(tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    model = write_trapped_model(tmp_path / "trap", markers)
    proc = subprocess.run(
        [sys.executable, "-m", "servebook", "inspect", str(model)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Trust: executes_code" in proc.stdout
    assert list(markers.iterdir()) == []


def test_yaml_tags_are_not_executed(tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    report = servebook.inspect(write_yaml_tag_model(tmp_path / "m", markers))
    assert report.error is not None and "not valid YAML" in report.error
    assert list(markers.iterdir()) == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("flavors: [unclosed", "not valid YAML"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("mlflow_version: 3.17.2\n", "no 'flavors' mapping"),
        (
            "flavors:\n  python_function: {loader_module: mlflow.pyfunc.model}\nsignature:\n  inputs: '[{'\n",
            "'signature' cannot be parsed",
        ),
        ("\udcff", "Cannot read"),
    ],
)
def test_malformed_mlmodel_gives_a_report_with_an_error(tmp_path: Path, content: str, expected: str) -> None:
    model = tmp_path / "bad"
    model.mkdir()
    (model / "MLmodel").write_bytes(content.encode("utf-8", "surrogateescape"))
    report = servebook.inspect(model)
    assert report.error is not None and expected in report.error
    assert report.files[0].path == "MLmodel"
    assert json.dumps(report.to_dict())
    assert "ERROR" in str(report)


def test_missing_model_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = servebook.inspect(tmp_path / "nope")
    assert report.error is not None and "No model directory" in report.error
    assert run_inspect_command(str(tmp_path), as_json=False) == 1
    assert "No MLmodel file" in capsys.readouterr().out


def test_paths_and_symlinks_escaping_the_model_are_unsafe(tmp_path: Path) -> None:
    model = write_plain_model(tmp_path / "m")
    outside = tmp_path / "secret.pkl"
    outside.write_bytes(b"x")
    text = (
        (model / "MLmodel")
        .read_text()
        .replace("python_model: python_model.pkl", "python_model: ../secret.pkl")
    )
    (model / "MLmodel").write_text(text.replace("path: artifacts/weights.json", "path: /etc/passwd"))
    (model / "link").symlink_to(outside)
    (model / "inner_link").symlink_to(model / "input_example.json")
    report = servebook.inspect(model)
    assert report.trust is not None and report.trust.verdict == "unsafe"
    unsafe = {(i.kind, i.path) for i in report.trust.unsafe}
    assert unsafe == {
        ("path_escape", "../secret.pkl"),
        ("path_escape", "/etc/passwd"),
        ("symlink_escape", "link"),
    }
    assert ("pickle", "../secret.pkl") not in {(i.kind, i.path) for i in report.trust.executes_on_load}


def test_environment_of_another_interpreter(tmp_path: Path, mlflow_python: Path) -> None:
    model = write_plain_model(tmp_path / "m", requirements="mlflow==3.17.2\npytest>=1\nscikit-learn>=1")
    report = servebook.inspect(model, python=str(mlflow_python))
    env = report.environment
    assert env is not None and env.error is None, env
    assert env.python_executable == str(mlflow_python)
    statuses = {r.name: (r.status, r.installed) for r in env.requirements}
    assert statuses["mlflow"] == (
        "not_needed",
        "3.17.2",
    )  # installed there, and still not needed by servebook
    assert statuses["pytest"][0] == "missing"  # the MLflow venv has no pytest
    assert statuses["scikit-learn"][0] == "ok"


def test_unreachable_interpreter_is_reported(tmp_path: Path) -> None:
    report = servebook.inspect(write_plain_model(tmp_path / "m"), python=str(tmp_path / "no-python"))
    assert report.environment is not None and report.environment.error is not None
    assert "environment was not checked" in report.environment.error
    assert {r.status for r in report.environment.requirements} <= {"unchecked", "not_needed"}


def test_run_info_from_an_mlruns_store(tmp_path: Path) -> None:
    exp = tmp_path / "mlruns" / "7"
    exp.mkdir(parents=True)
    (exp / "meta.yaml").write_text("experiment_id: '7'\nname: iris\nlifecycle_stage: active\n")
    run = exp / "0123abcd"
    run.mkdir()
    (run / "meta.yaml").write_text(
        "run_id: 0123abcd\nrun_uuid: 0123abcd\nrun_name: bold-owl\nstatus: 3\nexperiment_id: '7'\n"
    )
    model = write_plain_model(run / "artifacts" / "model")
    report = servebook.inspect(model)
    assert report.run is not None
    assert (report.run.run_id, report.run.run_name, report.run.status) == ("0123abcd", "bold-owl", "FINISHED")
    assert (report.run.experiment_id, report.run.experiment_name, report.run.artifact_path) == (
        "7",
        "iris",
        "model",
    )
    summary = model_summary(model).to_dict()
    assert summary["run_id"] == "0123abcd" and summary["experiment_name"] == "iris"
    assert summary["flavors"] == ["python_function"] and summary["has_signature"] is True

    logged = exp / "models" / "m-abc" / "artifacts"
    logged.parent.mkdir(parents=True)
    (logged.parent / "meta.yaml").write_text("model_id: m-abc\nexperiment_id: '7'\nsource_run_id: 0123abcd\n")
    write_plain_model(logged)
    info = servebook.inspect(logged).run
    assert info is not None and (info.model_id, info.run_id, info.experiment_name) == (
        "m-abc",
        "0123abcd",
        "iris",
    )


def test_inspection_does_not_import_heavy_or_server_modules(tmp_path: Path) -> None:
    model = write_plain_model(tmp_path / "m")
    code = (
        "import sys, json, servebook; servebook.inspect(sys.argv[1]); "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(model)], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = set(json.loads(out.stdout))
    assert not loaded & {"pandas", "numpy", "cloudpickle", "tornado", "jupyter_server", "mlflow"}


_MLFLOW_SAVE = """
import sys
import mlflow
import pandas as pd

class Doubler(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return model_input["x"] * 2

mlflow.pyfunc.save_model(
    sys.argv[1], python_model=Doubler(), input_example=pd.DataFrame({"x": [1.0, 2.0]}),
    pip_requirements=["pandas", "cloudpickle"],
)
"""


@pytest.mark.compat
def test_inspect_a_model_saved_by_mlflow(tmp_path: Path, mlflow_python: Path) -> None:
    target = tmp_path / "mlflow_model"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [str(mlflow_python), "-c", _MLFLOW_SAVE, str(target)],
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    report = servebook.inspect(target)
    assert report.error is None, report.error
    assert report.loader_module == "mlflow.pyfunc.model"
    assert report.signature is not None and report.signature.inputs is not None
    assert [(c.name, c.type) for c in report.signature.inputs.columns] == [("x", "double")]
    assert report.serving_input_example == json.loads((target / "serving_input_example.json").read_text())
    assert report.environment is not None
    statuses = {r.name: r.status for r in report.environment.requirements}
    assert statuses["mlflow"] == "not_needed" and statuses["pandas"] == "ok"
    assert report.trust is not None and ("pickle", "python_model.pkl") in {
        (i.kind, i.path) for i in report.trust.executes_on_load
    }
