"""The servebook command: predict without a server, usage errors, failures without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_models import COLUMNS, ROWS, close, expected_scores

import servebook


def run(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "servebook", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.integration
def test_version_and_help() -> None:
    proc = run("--version")
    assert proc.returncode == 0
    assert proc.stdout.decode().strip() == f"servebook {servebook.__version__}"
    proc = run("serve", "--help")
    assert proc.returncode == 0
    assert b"--max-body-size" in proc.stdout and b"-h HOST" in proc.stdout


@pytest.mark.integration
def test_usage_errors_exit_2() -> None:
    assert run().returncode == 2
    proc = run("serve")
    assert proc.returncode == 2
    assert b"--model-uri" in proc.stderr
    assert run("serve", "-m", "x", "--port", "abc").returncode == 2


@pytest.mark.integration
def test_predict_json_file_and_csv_stdin(model_root: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(
        json.dumps({"dataframe_split": {"columns": COLUMNS, "data": ROWS}, "params": {"scale": 2}})
    )
    target = tmp_path / "out.json"
    proc = run("predict", "-m", str(model_root / "scorer"), "-i", str(source), "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    got = json.loads(target.read_text())["predictions"]
    assert all(close(g["score"], w["score"]) for g, w in zip(got, expected_scores(ROWS, 2), strict=True))
    # one row scores under 5, so the labels differ between rows
    rows = [*ROWS, [4.3, 3.0, 1.1, 0.1]]
    csv = (",".join(COLUMNS) + "\n" + "\n".join(",".join(map(str, r)) for r in rows)).encode()
    proc = run("predict", "-m", str(model_root / "scorer"), "-t", "csv", stdin=csv)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)["predictions"]
    want = expected_scores(rows)
    assert [r["label"] for r in got] == [w["label"] for w in want] == [1, 1, 1, 0]
    assert all(close(g["score"], w["score"]) for g, w in zip(got, want, strict=True))


@pytest.mark.integration
def test_failures_exit_1_with_a_message(model_root: Path, tmp_path: Path) -> None:
    proc = run("predict", "-m", str(tmp_path / "missing"), stdin=b"{}")
    assert proc.returncode == 1
    assert b"Traceback" not in proc.stderr and b"missing" in proc.stderr
    proc = run("predict", "-m", str(model_root / "scorer"), stdin=b'{"columns": [], "data": []}')
    assert proc.returncode == 1
    assert b"Wrap it in dataframe_split" in proc.stderr and b"Traceback" not in proc.stderr
    proc = run("predict", "-m", str(model_root / "scorer"), "--debug", stdin=b"[]")
    assert proc.returncode == 1 and b"Traceback" in proc.stderr


@pytest.mark.integration
def test_serve_port_in_use_exits_1(model_root: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = run("serve", "-m", str(model_root / "scorer"), "-p", str(port))
    assert proc.returncode == 1
    assert b"Address already in use" in proc.stderr and b"Traceback" not in proc.stderr


@pytest.mark.integration
def test_inspect_delegates_to_inspection(model_root: Path) -> None:
    proc = run("inspect", str(model_root / "scorer"), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["name"] == "scorer" and report["error"] is None
    assert report["loader_module"] == "mlflow.pyfunc.model"
    assert [c["name"] for c in report["signature"]["inputs"]["columns"]] == COLUMNS
    assert [p["name"] for p in report["signature"]["params"]][:2] == ["scale", "fail"]
    assert report["trust"]["verdict"] == "executes_code"
    assert "python_model.pkl" in {f["path"] for f in report["files"]}


def test_serve_options_and_mlflow_env_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    from servebook.cli import build_parser

    args = build_parser().parse_args(["serve", "-m", "m", "-h", "0.0.0.0", "-p", "0", "-w", "2", "-t", "5"])
    assert (args.host, int(args.port), int(args.workers), float(args.timeout)) == ("0.0.0.0", 0, 2, 5.0)
    monkeypatch.setenv("MLFLOW_PORT", "6001")
    monkeypatch.setenv("MLFLOW_HOST", "::1")
    monkeypatch.setenv("MLFLOW_MODELS_WORKERS", "3")
    monkeypatch.setenv("MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT", "7")
    args = build_parser().parse_args(["serve", "-m", "m"])
    assert (args.host, int(args.port), int(args.workers), float(args.timeout)) == ("::1", 6001, 3, 7.0)


def test_serve_name_is_callable_whichever_import_came_first() -> None:
    import servebook.serve.protocol
    from servebook.serve import process

    assert callable(servebook.serve)
    assert servebook.LocalServer is process.LocalServer
