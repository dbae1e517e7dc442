"""``mlflow models serve`` as test subprocesses: started together on free loopback ports, stopped with
their process groups."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import requests


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Server:
    def __init__(self, mlflow_python: Path, model: Path, log: Path, env: Mapping[str, str]) -> None:
        self.bin_dir = mlflow_python.parent
        self.model, self.log = model, log
        self.env = {**os.environ, "PATH": f"{self.bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", **env}
        self.env.pop("PYTHONPATH", None)
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> None:
        # MLflow cannot bind port 0: a free port is picked just before launch (retried on a collision)
        port = _free_port()
        with open(self.log, "wb") as handle:
            self.process = subprocess.Popen(
                [str(self.bin_dir / "mlflow"), "models", "serve", "-m", str(self.model), "--env-manager",
                 "local", "-h", "127.0.0.1", "-p", str(port)],
                stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env,
                start_new_session=True,
            )  # fmt: skip
        self.url = f"http://127.0.0.1:{port}"

    def ready(self) -> bool | None:
        """True once /ping answers 200, None if the process exited, False while starting."""
        assert self.process is not None
        if self.process.poll() is not None:
            return None
        try:
            return requests.get(self.url + "/ping", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@contextlib.contextmanager
def mlflow_models_serve(
    mlflow_python: Path,
    models: Mapping[str, tuple[Path, Mapping[str, str]]],
    log_dir: Path,
    start_timeout: float = 240,
) -> Iterator[dict[str, str]]:
    """Serve each ``name -> (model dir, extra env)`` with real ``mlflow models serve --env-manager local``.

    All servers start at once; yields ``{name: base URL}`` when every one answers ``/ping``.
    """
    servers = {
        name: _Server(mlflow_python, model, log_dir / f"{name.replace('/', '_')}.log", env)
        for name, (model, env) in models.items()
    }
    try:
        for server in servers.values():
            server.start()
        deadline = time.monotonic() + start_timeout
        pending = dict(servers)
        retries = 3
        while pending and time.monotonic() < deadline:
            for name, server in list(pending.items()):
                state = server.ready()
                if state:
                    del pending[name]
                elif state is None:
                    text = server.log.read_text(errors="replace")
                    if "address already in use" in text.lower() and retries:
                        retries -= 1
                        server.start()
                        continue
                    pytest.fail(f"mlflow models serve exited for {server.model}:\n{text[-3000:]}")
            time.sleep(0.2)  # poll interval between /ping rounds
        if pending:
            name, server = next(iter(pending.items()))
            log = server.log.read_text(errors="replace")[-3000:]
            pytest.fail(f"mlflow models serve not ready within {start_timeout} s for {server.model}:\n{log}")
        yield {name: server.url for name, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()
