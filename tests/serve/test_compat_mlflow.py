"""Same requests to `mlflow models serve` and to servebook: same status codes and predictions.

The documented improvements are checked as differences: a model exception is 400 in MLflow and
500 MODEL_ERROR here; a missing Content-Type is 500 in MLflow and 415 here; NaN is written as
`NaN` by MLflow (invalid JSON) and as `null` here.
"""

from __future__ import annotations

import json
import math
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from fixture_models import COLUMNS, ROWS

from servebook.serve.process import LocalServer

pytestmark = [pytest.mark.compat, pytest.mark.integration]

RECORDS = [dict(zip(COLUMNS, row, strict=True)) for row in ROWS]
CSV = ",".join(COLUMNS) + "\n" + "\n".join(",".join(map(str, row)) for row in ROWS) + "\n"
JSON = "application/json"

SAME = [
    ("split", {"dataframe_split": {"columns": COLUMNS, "data": ROWS}}, JSON),
    ("split-index", {"dataframe_split": {"columns": COLUMNS, "data": ROWS, "index": [3, 4, 5]}}, JSON),
    ("records", {"dataframe_records": RECORDS}, JSON),
    ("instances", {"instances": RECORDS}, JSON),
    ("inputs-columns", {"inputs": {c: [r[i] for r in ROWS] for i, c in enumerate(COLUMNS)}}, JSON),
    ("params", {"dataframe_split": {"columns": COLUMNS, "data": ROWS}, "params": {"scale": 3.0}}, JSON),
    ("params-unknown", {"dataframe_records": RECORDS, "params": {"nope": 1}}, JSON),
    ("lenient", {"dataframe_split": {"columns": [*COLUMNS, "x"], "data": [[5, "3.5", True, 1, "y"]]}}, JSON),
    ("csv", CSV, "text/csv"),
    ("charset", {"dataframe_records": RECORDS}, "application/json; charset=utf-8"),
    ("malformed", "{nope", JSON),
    ("empty", "", JSON),
    ("list", [1, 2], JSON),
    ("mlflow-1x", {"columns": COLUMNS, "data": ROWS}, JSON),
    ("no-key", {"foo": 1}, JSON),
    ("two-keys", {"dataframe_records": RECORDS, "inputs": [1]}, JSON),
    ("split-no-data", {"dataframe_split": {"columns": COLUMNS}}, JSON),
    ("records-dict", {"dataframe_records": {"a": 1}}, JSON),
    ("missing-column", {"dataframe_split": {"columns": COLUMNS[:3], "data": [r[:3] for r in ROWS]}}, JSON),
    ("csv-missing-column", "sepal_length\n1.0\n", "text/csv"),
    ("string-in-double", {"dataframe_split": {"columns": COLUMNS, "data": [["a", 1, 1, 1]]}}, JSON),
    ("params-not-dict", {"dataframe_records": RECORDS, "params": [1]}, JSON),
    ("params-wrong-type", {"dataframe_records": RECORDS, "params": {"scale": "big"}}, JSON),
    ("text-plain", "x", "text/plain"),
    ("format-param", {"dataframe_records": RECORDS}, "application/json; format=pandas-split"),
    ("latin-1", {"dataframe_records": RECORDS}, "application/json; charset=latin-1"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def mlflow_url(
    mlflow_python: Path, model_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    bin_dir = mlflow_python.parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    log = tmp_path_factory.mktemp("mlflow-serve") / "mlflow.log"
    for _attempt in range(3):  # MLflow cannot bind port 0: pick one just before launch, retry on a collision
        port = _free_port()
        with open(log, "wb") as handle:
            process = subprocess.Popen(
                [str(bin_dir / "mlflow"), "models", "serve", "-m", str(model_root / "scorer"),
                 "--env-manager", "local", "-h", "127.0.0.1", "-p", str(port)],
                stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                start_new_session=True,
            )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if requests.get(url + "/ping", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.2)
        if process.poll() is None and time.monotonic() < deadline:
            try:
                yield url
            finally:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            return
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if "address already in use" not in log.read_text(errors="replace").lower():
            break
    pytest.fail(f"mlflow models serve did not start:\n{log.read_text(errors='replace')[-3000:]}")


def _send(url: str, body: object, content_type: str | None) -> requests.Response:
    data = body if isinstance(body, str) else json.dumps(body)
    headers = {} if content_type is None else {"Content-Type": content_type}
    return requests.post(f"{url}/invocations", data=data.encode(), headers=headers, timeout=30)


def _lenient_json(text: str) -> object:
    return json.loads(text)  # accepts MLflow's NaN


def _same_predictions(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_predictions(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_predictions(a[k], b[k]) for k in a)
    return a == b


@pytest.mark.parametrize(("name", "body", "content_type"), SAME, ids=[case[0] for case in SAME])
def test_same_status_and_predictions(
    mlflow_url: str, scorer_server: LocalServer, name: str, body: object, content_type: str
) -> None:
    theirs = _send(mlflow_url, body, content_type)
    ours = _send(scorer_server.url, body, content_type)
    assert ours.status_code == theirs.status_code, (name, theirs.text[:300], ours.text[:300])
    if ours.status_code == 200:
        assert _same_predictions(_lenient_json(ours.text), _lenient_json(theirs.text))
    elif ours.status_code == 400:
        assert {"error_code", "message"} <= set(theirs.json()) and set(ours.json()) == {
            "error_code",
            "message",
        }


def test_documented_improvements(mlflow_url: str, scorer_server: LocalServer) -> None:
    failing = {"dataframe_records": RECORDS, "params": {"fail": True}}
    assert _send(mlflow_url, failing, JSON).status_code == 400
    assert _send(scorer_server.url, failing, JSON).status_code == 500
    assert _send(mlflow_url, {"dataframe_records": RECORDS}, None).status_code == 500
    assert _send(scorer_server.url, {"dataframe_records": RECORDS}, None).status_code == 415
    with_null = {"dataframe_split": {"columns": COLUMNS, "data": [[None, 1, 1, 1]]}}
    assert "NaN" in _send(mlflow_url, with_null, JSON).text
    assert json.loads(_send(scorer_server.url, with_null, JSON).text) == {
        "predictions": [{"label": 0, "score": None}]
    }
