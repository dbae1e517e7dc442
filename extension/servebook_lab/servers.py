"""ServerManager: the registry of scoring-server child processes run by the Jupyter server.

Owns starting, supervising, forwarding to and stopping ``python -m servebook serve`` children. Every
child is started with ``asyncio.create_subprocess_exec`` (never a shell) in its own session, bound to
127.0.0.1 on a port it picks itself (``--port 0 --ready-file F``), with a random per-launch token in
its environment (``SERVEBOOK_TOKEN``) so other local users cannot use its port, and with
``SERVEBOOK_PARENT_PID`` so it exits if Jupyter dies. Its stdout/stderr go to a log file (a pipe
could fill up and block it). A watcher task per child awaits its exit, so a crash is seen at once.
Nothing here blocks the event loop: file reads of logs run in a thread.

Never imports or unpickles model code: the child does that.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import secrets
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from servebook.errors import (
    NotFoundError,
    RequestTimeoutError,
    ServerLimitError,
    ServerNotReadyError,
    ServerUnavailableError,
)

__all__ = ["ScoringServer", "ServerManager", "read_log_tail"]

log = logging.getLogger("servebook.lab.servers")

STARTING, READY, FAILED, STOPPED = "starting", "ready", "failed", "stopped"
LOG_TAIL_LINES = 20
TERMINATE_GRACE = 5.0
_POLL = 0.05
_MAX_LOG_BYTES = 1024 * 1024


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def read_log_tail(path: Path, lines: int) -> tuple[str, int, bool]:
    """Return ``(text, line count, truncated)`` for the last ``lines`` lines (0: whole log, max 1 MiB)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            budget = _MAX_LOG_BYTES if lines == 0 else min(_MAX_LOG_BYTES, 64 * 1024 + lines * 512)
            start = max(0, size - budget)
            fh.seek(start)
            data = fh.read()
    except FileNotFoundError:
        return "", 0, False
    text = data.decode("utf-8", errors="replace")
    all_lines = text.splitlines(keepends=True)
    truncated = start > 0
    if start > 0 and all_lines:
        all_lines = all_lines[1:]  # the first line is probably cut
    if lines and len(all_lines) > lines:
        all_lines = all_lines[-lines:]
        truncated = True
    return "".join(all_lines), len(all_lines), truncated


@dataclass(eq=False)
class ScoringServer:
    """One scoring-server child and its state (mutated only by :class:`ServerManager`)."""

    id: str
    model_path: str
    model_dir: Path
    workdir: Path
    token: str = field(repr=False)
    state: str = STARTING
    pid: int | None = None
    url: str | None = None
    started_at: dt.datetime = field(default_factory=_now)
    ready_at: dt.datetime | None = None
    stopped_at: dt.datetime | None = None
    exit_code: int | None = None
    message: str | None = None
    proc: asyncio.subprocess.Process | None = field(default=None, repr=False)
    exited: asyncio.Future[int] | None = field(default=None, repr=False)
    watcher: asyncio.Task[None] | None = field(default=None, repr=False)
    settled: asyncio.Event = field(default_factory=asyncio.Event, repr=False)
    # Invariant guarded by `lock`: `state`, `exit_code`, `stopped_at` and `message` change only while it
    # is held, and only forward: starting -> ready | failed | stopped, ready -> failed | stopped. A server
    # in `failed` or `stopped` has exited and its process group has been signalled; `settled` is set as
    # soon as the state leaves `starting`. Whoever moves the state to stopped/failed owns the teardown.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    @property
    def log_path(self) -> Path:
        """The file holding the child's stdout and stderr."""
        return self.workdir / "server.log"

    @property
    def ready_file(self) -> Path:
        """The file the child writes ``{pid, host, port, url}`` to once it listens."""
        return self.workdir / "ready.json"

    @property
    def active(self) -> bool:
        """Whether the server counts against ``max_servers`` (starting or ready)."""
        return self.state in (STARTING, READY)

    def to_dict(self, log_tail: str) -> dict[str, Any]:
        """Return the JSON the REST API sends (explicit fields; the token is never included)."""

        def iso(value: dt.datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": self.id,
            "model_path": self.model_path,
            "state": self.state,
            "pid": self.pid,
            "url": self.url,
            "started_at": iso(self.started_at),
            "ready_at": iso(self.ready_at),
            "stopped_at": iso(self.stopped_at),
            "exit_code": self.exit_code,
            "message": self.message,
            "log_tail": log_tail,
        }


class ServerManager:
    """Start, supervise, forward to and stop scoring servers (one instance per Jupyter server)."""

    def __init__(
        self,
        *,
        python_executable: str,
        start_timeout: float,
        max_servers: int,
        invocation_timeout: float,
        runtime_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.python_executable = python_executable
        self.start_timeout = start_timeout
        self.max_servers = max_servers
        self.invocation_timeout = invocation_timeout
        base = Path(runtime_dir) if runtime_dir else None
        if base is not None:
            base.mkdir(parents=True, exist_ok=True)
        self.runtime_dir = Path(tempfile.mkdtemp(prefix=f"servebook-{os.getpid()}-", dir=base))
        self._servers: dict[str, ScoringServer] = {}
        # Guards the count-then-register step of start() so concurrent POSTs cannot exceed max_servers.
        self._registry_lock = asyncio.Lock()

    # ------------------------------------------------------------------------------------ queries

    def list(self) -> list[ScoringServer]:
        """All known servers, oldest first."""
        return sorted(self._servers.values(), key=lambda s: s.started_at)

    def get(self, server_id: str) -> ScoringServer:
        """Return the server with ``server_id``.

        Raises:
            NotFoundError: no such server.
        """
        try:
            return self._servers[server_id]
        except KeyError:
            raise NotFoundError(
                f"No scoring server with id {server_id!r}. List the running ones with GET servebook/servers."
            ) from None

    def running_count(self) -> int:
        """Servers that are starting or ready."""
        return sum(1 for s in self._servers.values() if s.active)

    async def describe(self, server: ScoringServer) -> dict[str, Any]:
        """The server's JSON, with the tail of its log read in a thread."""
        tail, _, _ = await asyncio.to_thread(read_log_tail, server.log_path, LOG_TAIL_LINES)
        return server.to_dict(tail)

    # ---------------------------------------------------------------------------------- lifecycle

    async def start(self, model_path: str, model_dir: Path) -> ScoringServer:
        """Launch a scoring server for the model in ``model_dir``; returns while it is ``starting``.

        Raises:
            ServerLimitError: ``max_servers`` servers are already starting or ready.
            OSError: the interpreter could not be started at all.
        """
        async with self._registry_lock:
            running = self.running_count()
            if running >= self.max_servers:
                raise ServerLimitError(
                    f"{running} scoring servers are already running (max_servers={self.max_servers}). "
                    "Stop one in the servebook panel, or raise c.ServebookApp.max_servers."
                )
            server_id = secrets.token_hex(6)
            workdir = self.runtime_dir / server_id
            workdir.mkdir(mode=0o700)
            server = ScoringServer(
                id=server_id,
                model_path=model_path,
                model_dir=model_dir,
                workdir=workdir,
                token=secrets.token_urlsafe(32),
            )
            env = {
                **os.environ,
                "SERVEBOOK_TOKEN": server.token,
                "SERVEBOOK_PARENT_PID": str(os.getpid()),
                "PYTHONUNBUFFERED": "1",
            }
            argv = [
                self.python_executable,
                "-m",
                "servebook",
                "serve",
                "-m",
                str(model_dir),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--ready-file",
                str(server.ready_file),
            ]
            with open(server.log_path, "ab") as log_file:
                server.proc = await asyncio.create_subprocess_exec(
                    *argv,
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=log_file,
                    stderr=asyncio.subprocess.STDOUT,
                    cwd=workdir,
                    env=env,
                    start_new_session=True,
                )
            server.pid = server.proc.pid
            server.exited = asyncio.ensure_future(server.proc.wait())
            self._servers[server_id] = server
        log.info("started scoring server %s (pid %s) for %s", server_id, server.pid, model_path)
        server.watcher = asyncio.ensure_future(self._supervise(server))
        return server

    async def wait_settled(self, server: ScoringServer, timeout: float | None = None) -> None:
        """Wait until ``server`` has left ``starting`` (at most ``timeout`` seconds)."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(server.settled.wait(), timeout or self.start_timeout + 5)

    async def _supervise(self, server: ScoringServer) -> None:
        """Wait for the ready file, process exit or the start timeout; then watch for a crash."""
        assert server.exited is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.start_timeout
        while server.state == STARTING:
            if server.exited.done():
                await self._mark_failed(
                    server, "The scoring server exited with code {code} before it was ready."
                )
                return
            info = await asyncio.to_thread(_read_ready_file, server.ready_file)
            if info is not None and await self._ping(info["url"], server.token):
                async with server.lock:
                    if server.state == STARTING:
                        server.state, server.url, server.ready_at = READY, info["url"], _now()
                        server.settled.set()
                        log.info("scoring server %s ready at %s", server.id, server.url)
                break
            if loop.time() > deadline:
                await self._mark_failed(
                    server,
                    f"The scoring server did not become ready within {self.start_timeout:g} s.",
                    kill=True,
                )
                return
            await asyncio.wait([server.exited], timeout=_POLL * 2)
        await asyncio.shield(server.exited)
        await self._mark_failed(server, "The scoring server exited unexpectedly (code {code}).")

    async def _mark_failed(self, server: ScoringServer, message: str, *, kill: bool = False) -> None:
        async with server.lock:
            if server.state not in (STARTING, READY):
                return  # stopped (or failed) by someone else, who did the teardown
            if kill:
                await self._terminate(server)
            code = await asyncio.shield(server.exited) if server.exited else None
            _signal_group(server, signal.SIGKILL)  # leftovers of the group (workers, grandchildren)
            server.state, server.exit_code, server.stopped_at = FAILED, code, _now()
            server.message = message.format(code=code)
            server.settled.set()
        log.warning("scoring server %s failed: %s", server.id, server.message)

    async def _terminate(self, server: ScoringServer) -> None:
        """SIGTERM the process group, wait up to TERMINATE_GRACE s, then SIGKILL it. Caller holds the lock."""
        assert server.exited is not None
        if not server.exited.done():
            _signal_group(server, signal.SIGTERM)
            try:
                await asyncio.wait_for(asyncio.shield(server.exited), TERMINATE_GRACE)
            except asyncio.TimeoutError:
                _signal_group(server, signal.SIGKILL)
                await asyncio.shield(server.exited)
        _signal_group(server, signal.SIGKILL)

    async def stop(self, server_id: str) -> ScoringServer:
        """Stop a running server (idempotent); a server already stopped or failed is forgotten.

        Raises:
            NotFoundError: no such server.
        """
        server = self.get(server_id)
        async with server.lock:
            if server.state in (STARTING, READY):
                await self._terminate(server)
                server.state, server.stopped_at = STOPPED, _now()
                server.exit_code = server.exited.result() if server.exited and server.exited.done() else None
                server.settled.set()
                log.info("stopped scoring server %s", server.id)
                return server
        self._servers.pop(server_id, None)
        await self._cancel_watcher(server)
        return server

    async def _cancel_watcher(self, server: ScoringServer) -> None:
        if server.watcher is not None and not server.watcher.done():
            server.watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await server.watcher

    async def stop_all(self) -> None:
        """Stop every server and remove the runtime directory (called from ``stop_extension``)."""
        await asyncio.gather(*(self.stop(s.id) for s in self.list() if s.active), return_exceptions=True)
        for server in self.list():
            await self._cancel_watcher(server)
        await asyncio.to_thread(shutil.rmtree, self.runtime_dir, True)

    # --------------------------------------------------------------------------------- forwarding

    async def _ping(self, url: str, token: str) -> bool:
        from tornado.httpclient import AsyncHTTPClient, HTTPClientError

        try:
            response = await AsyncHTTPClient().fetch(
                f"{url}/ping",
                headers={"Authorization": f"Bearer {token}"},
                connect_timeout=2,
                request_timeout=2,
                raise_error=False,
            )
        except (OSError, HTTPClientError):
            return False
        return response.code == 200

    async def invoke(
        self, server_id: str, body: bytes, content_type: str | None
    ) -> tuple[int, str | None, bytes]:
        """Forward a request to the server's ``/invocations`` unchanged.

        Returns:
            ``(status, content type, body)`` of the child's answer.

        Raises:
            NotFoundError: no such server.
            ServerNotReadyError: it is not ``ready``.
            ServerUnavailableError: it could not be reached.
            RequestTimeoutError: it did not answer within ``invocation_timeout``.
        """
        from tornado.httpclient import AsyncHTTPClient, HTTPClientError
        from tornado.simple_httpclient import HTTPTimeoutError

        server = self.get(server_id)
        if server.state != READY or server.url is None:
            raise ServerNotReadyError(
                f"Scoring server {server_id} is {server.state}, not ready. "
                + ("Wait until it is ready." if server.state == STARTING else "Start the model again.")
            )
        headers = {"Authorization": f"Bearer {server.token}"}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            response = await AsyncHTTPClient().fetch(
                f"{server.url}/invocations",
                method="POST",
                body=body,
                headers=headers,
                connect_timeout=5,
                request_timeout=self.invocation_timeout,
                raise_error=False,
                decompress_response=False,
            )
        except HTTPTimeoutError as exc:
            raise RequestTimeoutError(
                f"Scoring server {server_id} did not answer within {self.invocation_timeout:g} s. "
                "Send a smaller request, or raise c.ServebookApp.invocation_timeout."
            ) from exc
        except (OSError, HTTPClientError) as exc:
            raise ServerUnavailableError(f"Scoring server {server_id} could not be reached ({exc}).") from exc
        return response.code, response.headers.get("Content-Type"), response.body or b""


def _signal_group(server: ScoringServer, sig: signal.Signals) -> None:
    """Signal the child's process group (it leads its own session); quiet if it is gone."""
    if server.pid is None or sys.platform == "win32":
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.pid, sig)


def _read_ready_file(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        isinstance(data, dict)
        and isinstance(data.get("url"), str)
        and data["url"].startswith("http://127.0.0.1:")
    ):
        return data
    return None
