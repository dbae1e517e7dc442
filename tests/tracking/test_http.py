"""Timeouts, bounded retries, auth headers and server messages, against real loopback HTTP servers."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from servebook.errors import TrackingServerError
from servebook.tracking._http import HttpClient


class _Recorder(BaseHTTPRequestHandler):
    """Answers from a script: a list of (status, body) consumed one request at a time."""

    script: list[tuple[int, dict]] = []
    seen: list[dict] = []

    def _answer(self) -> None:
        type(self).seen.append({"path": self.path, "auth": self.headers.get("Authorization")})
        status, body = type(self).script.pop(0) if type(self).script else (200, {})
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, type[_Recorder]]]:
    handler = type("Handler", (_Recorder,), {"script": [], "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_bearer_token_and_basic_auth(recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    url, handler = recorder
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "s3cret")
    HttpClient(url).call("GET", "experiments/get", {"experiment_id": "0"})
    monkeypatch.delenv("MLFLOW_TRACKING_TOKEN")
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "ada")
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "pw")
    HttpClient(url).call("POST", "runs/create", {})
    assert handler.seen[0]["auth"] == "Bearer s3cret"
    assert handler.seen[0]["path"] == "/api/2.0/mlflow/experiments/get?experiment_id=0"
    assert handler.seen[1]["auth"] == "Basic " + base64.b64encode(b"ada:pw").decode()


def test_server_message_and_auth_hint_in_the_error(recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    url, handler = recorder
    handler.script[:] = [(401, {"error_code": "UNAUTHENTICATED", "message": "You are not authenticated."})]
    with pytest.raises(TrackingServerError) as info:
        HttpClient(url).call("GET", "runs/get", {"run_id": "x"})
    text = str(info.value)
    assert "HTTP 401 UNAUTHENTICATED: You are not authenticated." in text
    assert "MLFLOW_TRACKING_TOKEN" in text
    assert len(handler.seen) == 1  # 401 is not retried


def test_transient_statuses_are_retried_with_backoff(recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    url, handler = recorder
    monkeypatch.setenv("SERVEBOOK_HTTP_BACKOFF", "0.05")
    handler.script[:] = [(503, {}), (429, {}), (200, {"ok": True})]
    assert HttpClient(url).call("GET", "runs/get") == {"ok": True}
    assert len(handler.seen) == 3
    handler.seen.clear()
    handler.script[:] = [(503, {"message": "busy"})] * 10
    with pytest.raises(TrackingServerError, match="HTTP 503.*busy"):
        HttpClient(url).call("GET", "runs/get")
    assert len(handler.seen) == 4  # 1 try + 3 retries, then the server's own answer is reported


def test_a_server_that_never_answers_times_out_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    # a listening socket that accepts connections but never replies
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        monkeypatch.setenv("SERVEBOOK_HTTP_TIMEOUT", "0.5")
        monkeypatch.setenv("SERVEBOOK_HTTP_MAX_RETRIES", "2")
        monkeypatch.setenv("SERVEBOOK_HTTP_BACKOFF", "0.05")
        started = time.monotonic()
        with pytest.raises(TrackingServerError, match="after 3 attempts.*Timeout"):
            HttpClient(f"http://127.0.0.1:{port}").call("GET", "experiments/get")
        assert time.monotonic() - started < 5
