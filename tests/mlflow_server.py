"""Start a real ``mlflow models serve`` (from the MLflow test virtualenv) for a test, and stop it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def mlflow_models_serve(
    mlflow_python: Path, model: Path, log: Path, ready_timeout: float = 120
) -> Iterator[str]:
    """Serve ``model`` with ``mlflow models serve --env-manager local``; yield its URL."""
    bin_dir = mlflow_python.parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    for _attempt in range(3):  # MLflow cannot bind port 0: pick one just before launch, retry on a collision
        port = _free_port()
        with open(log, "wb") as handle:
            process = subprocess.Popen(
                [str(bin_dir / "mlflow"), "models", "serve", "-m", str(model), "--env-manager", "local",
                 "-h", "127.0.0.1", "-p", str(port)],
                stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                start_new_session=True,
            )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + ready_timeout
        ready = False
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if requests.get(url + "/ping", timeout=1).status_code == 200:
                    ready = True
                    break
            except requests.RequestException:
                pass
            time.sleep(0.2)  # polling interval of the readiness check
        try:
            if ready:
                yield url
                return
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        if "address already in use" not in log.read_text(errors="replace").lower():
            break
    pytest.fail(f"mlflow models serve did not start:\n{log.read_text(errors='replace')[-3000:]}")
