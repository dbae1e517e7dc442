"""Run the scoring server in this process: bind, load, serve, and announce readiness.

This is the child side of the launch contract (``python -m servebook serve -m MODEL --port 0
--ready-file F``):

1. bind the listening socket(s) ourselves (port 0 picks a free port; no parent ever picks one);
2. load the model;
3. start serving, then write ``{"pid", "host", "port", "url"}`` to the ready file atomically
   (temporary file + ``os.replace``), so a reader never sees a half-written file;
4. exit when the parent is gone (:mod:`._watchdog`).

``workers > 1``: this process becomes a small supervisor. It binds one socket per worker on the same
port with ``SO_REUSEPORT`` (the kernel spreads connections evenly across them, unlike one shared
socket where a single busy worker tends to win every accept), loads the model once and forks the
workers, which share the loaded model copy-on-write. Each worker runs uvicorn on its own socket; the
event loop sets ``TCP_NODELAY`` on every accepted connection (uvicorn's own multi-worker mode loses
it). The supervisor replaces a worker that dies and stops when its parent is gone.

Signal handling is left to uvicorn inside the server processes; nothing here installs handlers.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import LoadError, ServebookError
from ._watchdog import PARENT_PID_ENV, parent_alive, start_watchdog
from .app import DEFAULT_MAX_BODY_SIZE, DEFAULT_TIMEOUT, AppConfig, ScoringApp

__all__ = ["ServeOptions", "bind_sockets", "build_app", "run_server", "write_ready_file"]

logger = logging.getLogger("servebook.serve")


@dataclass(frozen=True)
class ServeOptions:
    """Everything ``servebook serve`` accepts (see ``servebook serve --help``)."""

    model_uri: str
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 1
    timeout: float = DEFAULT_TIMEOUT
    max_body_size: int = DEFAULT_MAX_BODY_SIZE
    ready_file: str | None = None
    token: str | None = None
    debug: bool = False
    max_batch_size: int | None = None
    max_batch_delay_ms: float | None = None
    threads: int = 4


def bind_sockets(host: str, port: int, count: int = 1) -> list[socket.socket]:
    """Bind ``count`` listening sockets on ``host:port`` (port 0: one free port shared by all).

    Raises:
        OSError: the address cannot be bound (in use, not local, ...).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if count > 1:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            port = sock.getsockname()[1]  # the next sockets join the port the first one got
            sock.listen(2048)
            sock.set_inheritable(True)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def write_ready_file(path: str | os.PathLike[str], host: str, port: int) -> dict[str, Any]:
    """Write ``{"pid", "host", "port", "url"}`` to ``path`` atomically and return it."""
    shown = f"[{host}]" if ":" in host else host
    info = {"pid": os.getpid(), "host": host, "port": port, "url": f"http://{shown}:{port}"}
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(info), encoding="utf-8")
    os.replace(temporary, target)
    return info


def _batch_settings(options: ServeOptions, model: Any) -> tuple[int, float]:
    size = options.max_batch_size
    delay = options.max_batch_delay_ms
    if size is None:
        metadata = getattr(getattr(model, "metadata", None), "metadata", None) or {}
        ours = metadata.get("servebook") if isinstance(metadata, dict) else None
        if isinstance(ours, dict) and ours.get("batchable") is True:
            size = int(ours.get("max_batch_size", 64))
    return max(0, size or 0), (2.0 if delay is None else delay)


def build_app(options: ServeOptions, model: Any) -> ScoringApp:
    """The ASGI app for a loaded ``model`` with the limits of ``options``."""
    size, delay = _batch_settings(options, model)
    config = AppConfig(
        timeout=options.timeout,
        max_body_size=options.max_body_size,
        token=options.token,
        debug=options.debug,
        max_batch_size=size,
        max_batch_delay_ms=delay,
        threads=options.threads,
    )
    app = ScoringApp(model, config)
    if app.batcher is not None:
        logger.info("adaptive batching on: up to %d rows, %.1f ms delay", size, delay)
    return app


def freeze_startup_objects() -> None:
    """Exempt everything alive after start-up (modules, the loaded model) from cyclic GC passes.

    A request allocates thousands of containers (a 1000-row ``dataframe_split`` is 1000 row lists),
    which triggers young-generation collections and, periodically, full ones that walk every object
    pandas, numpy and the model created: measured at about a third of the time of a 1000-row
    request. ``gc.freeze`` moves those objects to the permanent generation; objects created by
    requests are collected as usual. Done once, before forking workers (so the GC never writes to
    the shared pages either). The server stack is imported first so that it is frozen too.
    """
    import gc

    import uvicorn  # noqa: F401 - imported for freezing, used in _uvicorn_server

    gc.collect()
    gc.freeze()


def _uvicorn_server(app: ScoringApp, debug: bool) -> Any:
    import uvicorn

    try:
        import uvloop  # noqa: F401

        loop = "uvloop"
    except ImportError:  # pragma: no cover - Windows
        loop = "asyncio"
    try:
        import httptools  # noqa: F401

        http = "httptools"
    except ImportError:  # pragma: no cover
        http = "h11"
    config = uvicorn.Config(
        app,
        loop=loop,
        http=http,
        lifespan="on",
        log_config=None,
        log_level="debug" if debug else "warning",
        access_log=debug,
        server_header=False,
        date_header=False,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=3,
    )
    return uvicorn.Server(config)


def _serve(app: ScoringApp, sock: socket.socket, debug: bool, on_started: Any) -> None:
    """Run uvicorn on ``sock`` in this process until it is told to stop."""
    import asyncio

    server = _uvicorn_server(app, debug)

    async def main() -> None:
        task = asyncio.ensure_future(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.005)
        if server.started:
            on_started()
        await task

    _run(main, server.config.get_loop_factory())


def _run(main: Callable[[], Coroutine[Any, Any, None]], loop_factory: Any) -> None:
    """``asyncio.run(main(), loop_factory=...)`` on every Python pyproject allows (3.10 has neither
    ``loop_factory`` nor ``asyncio.Runner``: there the loop is driven as ``asyncio.run`` drives it)."""
    import asyncio

    if sys.version_info >= (3, 12):
        asyncio.run(main(), loop_factory=loop_factory)
    elif sys.version_info >= (3, 11):
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            runner.run(main())
    else:
        loop = loop_factory() if loop_factory is not None else asyncio.new_event_loop()
        try:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(main())
        finally:
            try:
                pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
                for task in pending:
                    task.cancel()
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
            finally:
                asyncio.set_event_loop(None)
                loop.close()


def _configure_logging(debug: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.INFO,
        format="%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("uvicorn.error").setLevel(logging.DEBUG if debug else logging.WARNING)


#: MLflow's scoring-server variable: a JSON object of model_config overrides applied at load
SERVING_MODEL_CONFIG_ENV = "SERVING_MODEL_CONFIG"


def serving_model_config() -> dict[str, Any] | None:
    """The ``SERVING_MODEL_CONFIG`` overrides, or None when unset.

    Raises:
        LoadError: the variable is not a JSON object.
    """
    text = os.environ.get(SERVING_MODEL_CONFIG_ENV)
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise LoadError(
            f"{SERVING_MODEL_CONFIG_ENV} is not valid JSON ({exc}); set it to a JSON object."
        ) from exc
    if not isinstance(value, dict):
        raise LoadError(f"{SERVING_MODEL_CONFIG_ENV} must be a JSON object, got {type(value).__name__}.")
    return value


def run_server(options: ServeOptions) -> int:
    """Serve ``options.model_uri`` until stopped; the exit code of ``servebook serve``.

    Raises:
        ServebookError: the model cannot be loaded (LoadError, ModelFormatError, ...).
        OSError: the address cannot be bound.
    """
    _configure_logging(options.debug)
    supervised = options.ready_file is not None or PARENT_PID_ENV in os.environ
    workers = max(1, options.workers)
    sockets = bind_sockets(options.host, options.port, workers)
    port = sockets[0].getsockname()[1]
    started = time.monotonic()
    from ..tracking.loading import load_model

    model = load_model(options.model_uri, model_config=serving_model_config())
    app = build_app(options, model)
    freeze_startup_objects()
    logger.info("model %s loaded in %.2f s", options.model_uri, time.monotonic() - started)

    def announce() -> None:
        # logged before the ready file is written: whoever waits for readiness finds the line in the log
        logger.info("serving on %s:%d with %d worker(s)", options.host, port, workers)
        if options.ready_file:
            write_ready_file(options.ready_file, options.host, port)

    if workers == 1:
        if supervised:
            start_watchdog()
        _serve(app, sockets[0], options.debug, announce)
        return 0
    return _supervise(app, sockets, options, announce, supervised)


def _supervise(
    app: ScoringApp, sockets: list[socket.socket], options: ServeOptions, announce: Any, supervised: bool
) -> int:
    """Fork one worker per socket, announce once all serve, replace workers that die."""
    parent = int(os.environ.get(PARENT_PID_ENV, "") or os.getppid())
    initial_ppid = os.getppid()
    ready_read, ready_write = os.pipe()
    children: dict[int, int] = {}  # pid -> socket index

    def fork(index: int, notify: int | None) -> None:
        pid = os.fork()
        if pid == 0:  # worker
            code = 1
            try:
                if notify is not None:
                    os.close(ready_read)
                for other, sock in enumerate(sockets):
                    if other != index:
                        sock.close()
                start_watchdog(os.getppid())

                def started() -> None:
                    if notify is not None:
                        os.write(notify, b"1")
                        os.close(notify)

                _serve(app, sockets[index], options.debug, started)
                code = 0
            except BaseException:  # the worker must never return into the supervisor's code
                logging.getLogger("servebook.serve").exception("worker failed")
            finally:
                os._exit(code)
        children[pid] = index

    for index in range(len(sockets)):
        fork(index, ready_write)
    os.close(ready_write)
    ready = 0
    deadline = time.monotonic() + 60
    while ready < len(sockets) and time.monotonic() < deadline:
        chunk = os.read(ready_read, len(sockets) - ready)
        if not chunk:
            break
        ready += len(chunk)
    os.close(ready_read)
    if ready < len(sockets):
        _stop_children(children)
        raise ServebookError(f"only {ready} of {len(sockets)} workers started; see the log above")
    announce()
    try:
        while not supervised or parent_alive(parent, initial_ppid):
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return 1
            if pid:
                replaced = children.pop(pid) if pid in children else None
                if replaced is not None:
                    logger.warning("worker %d exited (status %d); starting a new one", pid, status)
                    fork(replaced, None)
            time.sleep(0.5)
        logger.warning("parent process %d is gone; stopping the workers", parent)
        return 0
    finally:
        _stop_children(children)


def _stop_children(children: dict[int, int]) -> None:
    import signal

    for pid in list(children):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            children.pop(pid)
    deadline = time.monotonic() + 5
    while children and time.monotonic() < deadline:
        for pid in list(children):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                children.pop(pid)
        time.sleep(0.05)
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
