"""The parent side of the launch contract: ``serve(model_uri) -> LocalServer``.

``serve`` starts ``python -m servebook serve -m MODEL --host H --port 0 --ready-file F`` in a new
session (its own process group), with stdout and stderr going to a log file (a pipe nobody reads
would eventually block the child). It then waits for whichever comes first:

* the ready file (written atomically by the child once it listens with the model loaded),
* the child's exit -> :class:`ServerStartError` with the exit code and the last lines of the log,
* the start timeout -> the child is stopped and :class:`ServerTimeoutError` is raised,

and confirms with ``GET /ping``. ``stop()`` terminates the whole process group (workers included),
waits 5 s and kills what is left; it is idempotent. A ``weakref.finalize`` (which also runs at
interpreter exit) stops servers that are forgotten, and the child exits by itself when this process
dies (its watchdog). No signal handlers are installed. The token travels by environment variable,
never on the command line where other local users could read it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import weakref
from collections import deque
from pathlib import Path
from typing import Any

from .. import _display
from ..errors import ServerError, ServerStartError, ServerTimeoutError
from ._watchdog import PARENT_PID_ENV
from .client import ScoringClient

__all__ = ["LocalServer", "serve"]

_TAIL_LINES = 20
_STOP_GRACE = 5.0


def _tail(path: Path, lines: int | None) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            if lines is None:
                return handle.read()
            return "".join(deque(handle, maxlen=lines))
    except FileNotFoundError:
        return ""


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _stop_group(process: subprocess.Popen[bytes], grace: float = _STOP_GRACE) -> int | None:
    """Terminate the child's process group, wait up to ``grace`` s, then kill; returns the exit code."""
    pgid = process.pid  # start_new_session=True: the child leads its own group
    if hasattr(os, "killpg"):
        if process.poll() is None or _group_alive(pgid):
            try:
                os.killpg(pgid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
        deadline = time.monotonic() + 1.0
        while _group_alive(pgid) and time.monotonic() < deadline and process.poll() is not None:
            time.sleep(0.02)  # let workers finish their own graceful shutdown
        if process.poll() is None or _group_alive(pgid):
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    else:  # pragma: no cover - Windows
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait()


def _finalize(process: subprocess.Popen[bytes], log_handle: Any, workdir: str | None) -> None:
    """Stop a server that is being forgotten (garbage collection or interpreter exit)."""
    try:
        _stop_group(process, grace=2.0)
    finally:
        log_handle.close()
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)


class LocalServer:
    """A scoring server running in a child process; create it with :func:`serve`.

    Attributes:
        url: base URL, e.g. ``http://127.0.0.1:43123``.
        pid: pid of the child (the process group leader).
        port: the port the child bound.
        client: a :class:`ScoringClient` for this server.
        model_uri: the model URI it was started with.
    """

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        info: dict[str, Any],
        *,
        log_path: Path,
        log_handle: Any,
        workdir: str | None,
        token: str | None,
        request_timeout: float,
        model_uri: str | None = None,
    ) -> None:
        self._process = process
        self.model_uri = model_uri
        self.url: str = info["url"]
        self.port: int = int(info["port"])
        self.host: str = info["host"]
        self.pid: int = process.pid
        self.log_path = log_path
        self._log_handle = log_handle
        self._workdir = workdir
        self._stopped = False
        self._exit_code: int | None = None
        self.client = ScoringClient(self.url, token=token, timeout=request_timeout)
        self._finalizer = weakref.finalize(self, _finalize, process, log_handle, workdir)

    @property
    def state(self) -> str:
        """``running``, ``stopped`` or ``exited (code N)``."""
        if self._stopped:
            return "stopped"
        code = self._process.poll()
        return "running" if code is None else f"exited (code {code})"

    def __repr__(self) -> str:
        return f"<LocalServer url={self.url} pid={self.pid} state={self.state}>"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any] | None:
        # In a Jupyter kernel: the server card widget; elsewhere None, so the repr above is shown.
        return _display.mimebundle("local_server", self, include, exclude)

    def predict(self, data: Any, params: dict[str, Any] | None = None, **options: Any) -> Any:
        """Score ``data`` on this server (see :meth:`ScoringClient.predict`)."""
        return self.client.predict(data, params, **options)

    def logs(self, tail: int | None = None) -> str:
        """The server's log, or its last ``tail`` lines."""
        return _tail(self.log_path, tail)

    def stop(self) -> int | None:
        """Stop the server and all its workers; safe to call twice. Returns the exit code."""
        if not self._stopped:
            self._stopped = True
            self.client.close()
            if self._finalizer.alive:
                self._finalizer.detach()
            try:
                self._exit_code = _stop_group(self._process)
            finally:
                self._log_handle.close()
        return self._exit_code

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _resolve_model_uri(model_uri: str | os.PathLike[str]) -> str:
    text = os.fspath(model_uri)
    if "://" not in text and not text.startswith(("runs:/", "models:/")) and os.path.exists(text):
        return os.path.abspath(text)
    return text


def serve(
    model_uri: str | os.PathLike[str],
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    workers: int = 1,
    timeout: float = 60,
    token: str | None = None,
    start_timeout: float = 60,
    env: dict[str, str] | None = None,
    python: str | os.PathLike[str] = sys.executable,
    log_file: str | os.PathLike[str] | None = None,
    max_body_size: int | None = None,
    max_batch_size: int | None = None,
    max_batch_delay_ms: float | None = None,
    debug: bool = False,
) -> LocalServer:
    """Start a scoring server for ``model_uri`` in a child process and wait until it answers.

    Args:
        model_uri: model directory or URI.
        host: address to bind (loopback by default).
        port: port to bind; 0 lets the child pick a free one.
        workers: worker processes.
        timeout: per-request timeout of the server, in seconds (also the client's).
        token: require this bearer token (``LocalServer.client`` sends it).
        start_timeout: seconds to wait for the server to be ready.
        env: extra environment variables for the child.
        python: interpreter that runs the server (it needs servebook installed).
        log_file: where the child's output goes (default: a temporary file removed on stop).
        max_body_size, max_batch_size, max_batch_delay_ms, debug: see ``servebook serve --help``.

    Returns:
        The running :class:`LocalServer`; use it as a context manager or call ``stop()``.

    Raises:
        ServerStartError: the child exited before it was ready (exit code and log tail included).
        ServerTimeoutError: it was not ready within ``start_timeout`` seconds.
    """
    workdir = tempfile.mkdtemp(prefix="servebook-")
    ready = Path(workdir) / "ready.json"
    log_path = Path(log_file) if log_file is not None else Path(workdir) / "server.log"
    command = [
        os.fspath(python), "-m", "servebook", "serve",
        "-m", _resolve_model_uri(model_uri),
        "--host", host, "--port", str(port), "--workers", str(workers), "--timeout", f"{timeout:g}",
        "--ready-file", str(ready),
    ]  # fmt: skip
    if max_body_size is not None:
        command += ["--max-body-size", str(max_body_size)]
    if max_batch_size is not None:
        command += ["--max-batch-size", str(max_batch_size)]
    if max_batch_delay_ms is not None:
        command += ["--max-batch-delay-ms", f"{max_batch_delay_ms:g}"]
    if debug:
        command.append("--debug")
    child_env = {**os.environ, **(env or {}), PARENT_PID_ENV: str(os.getpid()), "PYTHONUNBUFFERED": "1"}
    child_env.pop("SERVEBOOK_TOKEN", None)
    if token:
        child_env["SERVEBOOK_TOKEN"] = token
    log_handle = open(log_path, "ab")  # noqa: SIM115 - owned by the LocalServer, closed by stop()
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log_handle,
            stderr=subprocess.STDOUT,
            env=child_env,
            start_new_session=True,
            close_fds=True,
        )
    except OSError as err:
        log_handle.close()
        shutil.rmtree(workdir, ignore_errors=True)
        raise ServerStartError(f"Could not start {command[0]!r}: {err}") from err
    owned_dir = workdir if log_file is None else None
    try:
        info = _wait_for_ready(process, ready, log_path, start_timeout)
        server = LocalServer(
            process, info, log_path=log_path, log_handle=log_handle, workdir=owned_dir, token=token,
            request_timeout=max(float(timeout) + 5.0, 10.0), model_uri=os.fspath(model_uri),
        )  # fmt: skip
        started = time.monotonic()
        server.client.wait_ready(timeout=max(1.0, start_timeout - (time.monotonic() - started)))
    except BaseException:
        _stop_group(process, grace=2.0)
        log_handle.close()
        if owned_dir:
            shutil.rmtree(owned_dir, ignore_errors=True)
        raise
    if log_file is not None:
        shutil.rmtree(workdir, ignore_errors=True)
    return server


def _wait_for_ready(
    process: subprocess.Popen[bytes], ready: Path, log_path: Path, start_timeout: float
) -> dict[str, Any]:
    deadline = time.monotonic() + start_timeout
    while True:
        if ready.exists():
            try:
                info: dict[str, Any] = json.loads(ready.read_text(encoding="utf-8"))
            except (OSError, ValueError) as err:
                raise ServerError(f"The scoring server wrote an unreadable ready file: {err}") from err
            return info
        code = process.poll()
        if code is not None:
            raise ServerStartError(
                "The scoring server exited before it was ready",
                exit_code=code,
                log_tail=_tail(log_path, _TAIL_LINES).rstrip(),
            )
        if time.monotonic() > deadline:
            raise ServerTimeoutError(
                f"The scoring server was not ready after {start_timeout:g} s (a slow model load?). "
                "Pass a larger start_timeout. Last lines of its log:\n"
                + _tail(log_path, _TAIL_LINES).rstrip()
            )
        time.sleep(0.01)
