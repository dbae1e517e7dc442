"""LocalServer and the launch contract: start failures, teardown, parent death, several workers."""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
import requests
from fixture_models import COLUMNS, ROWS

from servebook.errors import ServerStartError
from servebook.serve.process import serve

pytestmark = pytest.mark.integration


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def wait_gone(pids: list[int], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in alive if not _gone(pid)]
        time.sleep(0.05)
    return alive


def test_start_failure_reports_exit_code_and_log_tail(model_root: Path) -> None:
    with pytest.raises(ServerStartError) as info:
        serve(model_root / "broken", start_timeout=60)
    error = info.value
    assert error.exit_code == 1
    assert "this model cannot load (on purpose)" in error.log_tail
    assert "this model cannot load (on purpose)" in str(error)
    assert "Traceback" not in error.log_tail  # a clear message, not a stack, without --debug


def test_missing_model_reports_the_path(tmp_path: Path) -> None:
    with pytest.raises(ServerStartError) as info:
        serve(tmp_path / "no-such-model", start_timeout=60)
    assert "no-such-model" in info.value.log_tail


def test_stop_leaves_no_process_and_is_idempotent(model_root: Path) -> None:
    server = serve(model_root / "scorer", workers=2, start_timeout=90)
    assert f"url={server.url}" in repr(server) and f"pid={server.pid}" in repr(server)
    assert "state=running" in repr(server)
    tree = [server.pid] + [child.pid for child in psutil.Process(server.pid).children(recursive=True)]
    assert len(tree) >= 3  # supervisor + 2 workers
    ready_info = server.logs()
    assert "serving on 127.0.0.1" in ready_info
    code = server.stop()
    assert wait_gone(tree, 10) == []
    assert server.stop() == code
    assert "state=stopped" in repr(server)
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url + "/ping", timeout=2)


def test_context_manager_and_logs(model_root: Path) -> None:
    with serve(model_root / "scorer", start_timeout=90) as server:
        assert server.client.ping()
        pid = server.pid
        assert server.logs(tail=1).count("\n") <= 1
    assert wait_gone([pid], 10) == []


PARENT_SCRIPT = """
import sys, time
import servebook
server = servebook.serve(sys.argv[1], start_timeout=90)
print(server.pid, flush=True)
time.sleep(120)
"""


def test_server_exits_when_its_parent_dies(model_root: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT_SCRIPT, str(model_root / "scorer")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = parent.stdout.readline()  # type: ignore[union-attr]
        assert line.strip().isdigit(), f"parent printed {line!r}"
        child = int(line)
        assert not _gone(child)
        os.kill(parent.pid, signal.SIGKILL)  # no atexit, no finalizer: only the watchdog is left
        parent.wait(10)
        assert wait_gone([child], 15) == [], "the server outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def _pid_request(url: str) -> int:
    body = {"dataframe_split": {"columns": COLUMNS, "data": ROWS[:1]}, "params": {"pid": True}}
    response = requests.post(f"{url}/invocations", json=body, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["predictions"][0]["pid"]


def test_two_workers_both_serve_and_keep_tcp_nodelay(model_root: Path) -> None:
    with serve(model_root / "scorer", workers=2, start_timeout=90) as server:
        workers = {child.pid for child in psutil.Process(server.pid).children()}
        assert len(workers) == 2
        seen: set[int] = set()
        deadline = time.monotonic() + 30
        with ThreadPoolExecutor(8) as pool:  # new connections are spread by SO_REUSEPORT
            while seen != workers and time.monotonic() < deadline:
                seen |= set(pool.map(lambda _: _pid_request(server.url), range(16)))
        assert seen == workers
        # keep-alive requests on one connection: with Nagle on, each would wait ~40 ms for a delayed ACK
        session = requests.Session()
        body = json.dumps({"dataframe_split": {"columns": COLUMNS, "data": ROWS[:1]}})
        times = []
        for _ in range(30):
            started = time.perf_counter()
            response = session.post(
                f"{server.url}/invocations",
                data=body,
                headers={"Content-Type": "application/json"},
                timeout=10,
            )
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        assert statistics.median(times) < 0.03, f"median keep-alive latency {statistics.median(times):.3f} s"
