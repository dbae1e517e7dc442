"""The scoring server's ASGI application: ``/ping``, ``/health``, ``/version``, ``POST /invocations``.

A raw ASGI callable (no web framework): each request costs one header scan, one body read, one
hop to a worker thread for parse + predict + encode, and one response. Parsing and formatting live
in :mod:`servebook.serve.protocol`; this module owns routing, limits (body size, timeout, token) and
the single translation of exceptions into HTTP responses (:func:`error_response`).

Why a thread hop even for tiny requests: the event loop must stay free to answer ``/ping`` and to
fire timeouts while a model runs, and a ``predict`` can take any time. The hop costs a few tens of
microseconds (measured in ``benchmarks/bench_serve.py``), far below the HTTP handling itself.
Predictions run in a small thread pool, so like MLflow's server a model may be called from several
threads at once.

This module never imports mlflow and never loads a model itself: the runner passes a loaded one in.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import sys
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..errors import ModelError, PayloadTooLargeError, RequestTimeoutError, ServebookError, bounded_repr
from ..signature.enforce.type_hints import json_input
from . import protocol
from .status import http_status

if TYPE_CHECKING:
    from .batching import Batcher

__all__ = ["AppConfig", "ScoringApp", "error_response"]

logger = logging.getLogger("servebook.serve")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

DEFAULT_MAX_BODY_SIZE = 100 * 1024 * 1024
DEFAULT_TIMEOUT = 60.0
_JSON = b"application/json"
_PUBLIC_PATHS = frozenset({"/ping", "/health"})
_MESSAGE_LIMIT = 2000

if sys.version_info >= (3, 11):
    _deadline = asyncio.timeout
else:  # pragma: no cover - Python 3.10
    import contextlib

    @contextlib.asynccontextmanager
    async def _deadline(delay: float | None) -> AsyncIterator[None]:
        task = asyncio.current_task()
        assert task is not None
        handle = asyncio.get_running_loop().call_later(delay, task.cancel) if delay else None
        try:
            yield
        except asyncio.CancelledError as err:
            raise TimeoutError from err
        finally:
            if handle is not None:
                handle.cancel()


@dataclass(frozen=True)
class AppConfig:
    """Limits and switches of one scoring app.

    Attributes:
        timeout: seconds a request may take from its headers to its response (504 after).
        max_body_size: largest accepted request body in bytes (413 above).
        token: when set, every route but ``/ping`` and ``/health`` needs ``Authorization: Bearer <token>``.
        debug: include tracebacks in error bodies and log them.
        max_batch_size: > 0 turns adaptive batching on (rows per merged ``predict`` call).
        max_batch_delay_ms: how long a batch may wait for more requests after its first one.
        threads: size of the prediction thread pool.
    """

    timeout: float = DEFAULT_TIMEOUT
    max_body_size: int = DEFAULT_MAX_BODY_SIZE
    token: str | None = None
    debug: bool = False
    max_batch_size: int = 0
    max_batch_delay_ms: float = 2.0
    threads: int = 4


def _bounded_text(text: str) -> str:
    return text if len(text) <= _MESSAGE_LIMIT else text[:_MESSAGE_LIMIT] + " ...(truncated)"


def error_response(exc: BaseException, *, debug: bool = False) -> tuple[int, bytes]:
    """The one place that turns an exception into an HTTP status and an error body.

    A ``ServebookError`` gets the status of its ``error_code`` (:mod:`.status`); anything else is a
    bug in the server (500 ``INTERNAL_ERROR``, details only in the log).
    """
    extra: dict[str, Any] = {}
    if debug:
        extra["stack_trace"] = "".join(traceback.format_exception(exc))
    if isinstance(exc, ServebookError):
        body = protocol.encode_error(exc.error_code, _bounded_text(str(exc)), **extra)
        return http_status(exc.error_code), body
    logger.error("unexpected error in the scoring server", exc_info=exc)
    return 500, protocol.encode_error(
        "INTERNAL_ERROR",
        f"The scoring server failed unexpectedly ({type(exc).__name__}); see the server log for details.",
        **extra,
    )


def _predict_error(exc: Exception) -> ServebookError:
    """Wrap an exception raised by the model's predict (ServebookErrors pass through)."""
    if isinstance(exc, ServebookError):
        return exc
    text = str(exc).strip()
    detail = f": {bounded_repr(text) if len(text) > 300 else text}" if text else ""
    error = ModelError(
        f"The model's predict raised {type(exc).__name__}{detail}. Fix the model code or the input; "
        "the full traceback is in the server log (start the server with --debug to receive it)."
    )
    error.__cause__ = exc
    return error


class ScoringApp:
    """ASGI app serving one loaded model (anything with ``predict(data, params=None)``).

    Args:
        model: the loaded model; ``metadata.get_input_schema()`` is used when present.
        config: limits and switches.
    """

    def __init__(self, model: Any, config: AppConfig | None = None) -> None:
        self.model = model
        self.config = config or AppConfig()
        self.plan = _plan_for(model)
        self._executor: ThreadPoolExecutor | None = None
        #: merges concurrent DataFrame requests when ``config.max_batch_size`` > 0, else None
        self.batcher: Batcher | None = None
        if self.config.max_batch_size > 0:
            from .batching import Batcher

            self.batcher = Batcher(self, self.config.max_batch_size, self.config.max_batch_delay_ms)
        self._token = self.config.token.encode() if self.config.token else None

    # -- pieces that run in worker threads -------------------------------------------------------

    def predict(self, data: Any, params: dict[str, Any] | None) -> Any:
        """Call the model; its own exceptions become :class:`ModelError`.

        Input reaching a type-hinted predict came from a request: base64 strings stand for bytes and
        ISO 8601 strings for datetimes, as in MLflow's scoring server.
        """
        try:
            with json_input():
                return self.model.predict(data, params=params)
        except Exception as exc:  # the model's code: anything it raises is mapped, never lost
            error = _predict_error(exc)
            if error is not exc:
                logger.warning("the model's predict raised", exc_info=exc)
                raise error from exc
            raise

    def invoke(self, body: bytes, kind: str) -> bytes:
        """Parse, predict and encode one request (runs in a worker thread)."""
        parsed = protocol.parse_request(body, kind, self.plan)
        return self.encode(self.predict(parsed.data, parsed.params))

    def encode(self, predictions: Any) -> bytes:
        try:
            return protocol.encode_predictions(predictions)
        except TypeError as err:
            raise ModelError(f"{err}. Return a DataFrame, Series, ndarray, list, dict or scalar.") from err

    # -- ASGI --------------------------------------------------------------------------------------

    @property
    def executor(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=self.config.threads, thread_name_prefix="predict")
        return self._executor

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.batcher is not None:
                    logger.info("adaptive batching: %d merged predict calls", self.batcher.batches)
                self.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def close(self) -> None:
        """Release the thread pool (running predictions are not interrupted)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"]
        method = scope["method"]
        if path in _PUBLIC_PATHS:
            if method not in ("GET", "HEAD"):
                return await _respond(send, 405, _method_error(path, "GET"))
            if self.model is None:
                return await _respond(send, 503, protocol.encode_error("NOT_READY", "The model is loading."))
            return await _respond(send, 200, b"\n")
        if self._token is not None and not self._authorized(scope):
            body = protocol.encode_error(
                "UNAUTHENTICATED",
                "This scoring server needs a token: send the header 'Authorization: Bearer <token>'.",
            )
            return await _respond(send, 401, body, extra=((b"www-authenticate", b"Bearer"),))
        if path == "/invocations":
            if method != "POST":
                return await _respond(send, 405, _method_error(path, "POST"))
            return await self._invocations(scope, receive, send)
        if path == "/version":
            if method not in ("GET", "HEAD"):
                return await _respond(send, 405, _method_error(path, "GET"))
            return await _respond(send, 200, __version__.encode(), content_type=b"text/plain; charset=utf-8")
        body = protocol.encode_error(
            "NOT_FOUND",
            f"There is no route {bounded_repr(path)}. The scoring server answers GET /ping, GET /health, "
            "GET /version and POST /invocations.",
        )
        await _respond(send, 404, body)

    def _authorized(self, scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, credential = value.partition(b" ")
                if scheme.lower() in (b"bearer", b"token") and self._token is not None:
                    return hmac.compare_digest(credential.strip(), self._token)
                return False
        return False

    async def _invocations(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.monotonic()
        content_type = None
        length = None
        for name, value in scope["headers"]:
            if name == b"content-type":
                content_type = value
            elif name == b"content-length":
                length = value
        config = self.config
        try:
            kind = protocol.media_type(content_type)
            if length is not None and length.isdigit() and int(length) > config.max_body_size:
                raise _too_large(config.max_body_size)
            async with _deadline(config.timeout):
                body = await _read_body(receive, config.max_body_size)
                if self.batcher is not None and len(body) <= 65536:
                    result = await self.batcher.submit(body, kind)
                else:
                    loop = asyncio.get_running_loop()
                    result = await loop.run_in_executor(self.executor, self.invoke, body, kind)
        except TimeoutError:
            elapsed = time.monotonic() - started
            error = RequestTimeoutError(
                f"The request took longer than the server's timeout of {config.timeout:g} s "
                f"(gave up after {elapsed:.1f} s). Send fewer rows per request or start the server "
                "with a larger --timeout."
            )
            status, payload = error_response(error, debug=False)
            return await _respond(send, status, payload)
        except Exception as exc:  # the single translation point: every failure becomes a response
            status, payload = error_response(exc, debug=config.debug)
            close = isinstance(exc, PayloadTooLargeError)
            return await _respond(send, status, payload, extra=((b"connection", b"close"),) if close else ())
        await _respond(send, 200, result)


def _plan_for(model: Any) -> protocol.InputPlan:
    metadata = getattr(model, "metadata", None)
    get_schema = getattr(metadata, "get_input_schema", None)
    if not callable(get_schema):
        return protocol.NO_PLAN
    try:
        schema = get_schema()
    except ServebookError:
        return protocol.NO_PLAN
    raw = bool(getattr(metadata, "is_signature_from_type_hint", False))
    return protocol.plan_from_schema(schema, raw_inputs=raw)


def _too_large(limit: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(
        f"The request body is larger than the server's limit of {limit} bytes. Split the rows into "
        "several requests or start the server with a larger --max-body-size."
    )


def _method_error(path: str, allowed: str) -> bytes:
    return protocol.encode_error("METHOD_NOT_ALLOWED", f"{path} accepts {allowed} requests only.")


async def _read_body(receive: Receive, limit: int) -> bytes:
    message = await receive()
    body: bytes = message.get("body", b"")
    if not message.get("more_body", False):
        if len(body) > limit:
            raise _too_large(limit)
        return body
    chunks = [body]
    size = len(body)
    while message.get("more_body", False):
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def _respond(
    send: Send,
    status: int,
    body: bytes,
    *,
    content_type: bytes = _JSON,
    extra: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
