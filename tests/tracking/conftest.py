"""Fixtures for the tracking tests: an isolated tracking state per test and a real MLflow server."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.conftest import mlflow_python_path


def _reset_tracking_state() -> None:
    from servebook.tracking import fluent, store

    while fluent.active_run() is not None:
        fluent.end_run()
    fluent._active_experiment_id = None
    fluent._thread_state.__dict__.clear()
    store.set_tracking_uri(None)
    store._stores.clear()


@pytest.fixture
def tracking_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh local store; the process-wide tracking state is reset before and after the test."""
    for name in (
        "MLFLOW_TRACKING_URI",
        "SERVEBOOK_TRACKING_URI",
        "MLFLOW_EXPERIMENT_NAME",
        "MLFLOW_EXPERIMENT_ID",
    ):
        monkeypatch.delenv(name, raising=False)
    _reset_tracking_state()
    root = tmp_path / "mlruns"
    from servebook.tracking import store

    store.set_tracking_uri(f"file:{root}")
    yield root
    _reset_tracking_state()


@dataclass
class MlflowServer:
    """A running ``mlflow server`` on loopback."""

    url: str
    root: Path
    process: subprocess.Popen
    start_seconds: float


def _free_port() -> int:
    # mlflow server cannot report the port it bound, so the port is picked here (tests only)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=3)  # its job workers ignore SIGTERM for a while; SIGKILL the group then
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MlflowServer]:
    """A real MLflow 3.x tracking server (SQLite backend, proxied artifacts), one per test session."""
    mlflow_bin = mlflow_python_path().parent / "mlflow"
    if not mlflow_bin.exists():
        pytest.fail(f"The MLflow test virtualenv is missing ({mlflow_bin}); run `make mlflow-venv`.")
    root = tmp_path_factory.mktemp("mlflow-server")
    port = _free_port()
    log = open(root / "server.log", "wb")  # noqa: SIM115 - closed in the finally below
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            os.fspath(mlflow_bin),
            "server",
            "--backend-store-uri",
            f"sqlite:///{root / 'db.sqlite'}",
            "--artifacts-destination",
            os.fspath(root / "artifacts"),
            "--serve-artifacts",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],  # fmt: skip
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=root,
        start_new_session=True,
        env={k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "SERVEBOOK_"))},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                tail = (root / "server.log").read_text()[-3000:]
                pytest.fail(f"mlflow server exited with {process.returncode}:\n{tail}")
            try:
                if requests.get(f"{url}/health", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"mlflow server not ready in 90 s:\n{(root / 'server.log').read_text()[-3000:]}")
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        sys.stderr.write(f"\n[tracking] mlflow server ready in {elapsed:.1f} s\n")
        yield MlflowServer(url=url, root=root, process=process, start_seconds=elapsed)
    finally:
        _stop(process)
        log.close()


@pytest.fixture
def server_uri(mlflow_server: MlflowServer, tracking_dir: Path) -> Iterator[str]:
    """Point servebook's tracking at the session's MLflow server for one test."""
    from servebook.tracking import store

    store.set_tracking_uri(mlflow_server.url)
    yield mlflow_server.url
