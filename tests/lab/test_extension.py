"""The servebook_lab server extension through a real Jupyter server (pytest-jupyter) and real children."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import time
from pathlib import Path

import psutil
import pytest
from conftest import fetch_json
from lab_models import write_plain_model, write_trapped_model
from tornado.httpclient import AsyncHTTPClient

from servebook_lab.handlers import HANDLERS

pytestmark = pytest.mark.integration

SAMPLE_GROUPS = {"server_id": "0123abcd", "path": "models/add_one"}
VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _sample_url(pattern: str) -> str:
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: SAMPLE_GROUPS[m.group(1)], pattern)


async def _raw(url: str, method: str, body: bytes | None = None, headers: dict[str, str] | None = None):
    if body is None and method in ("POST", "PUT", "PATCH"):
        body = b"{}"
    return await AsyncHTTPClient().fetch(
        url, method=method, body=body, headers=headers, raise_error=False, request_timeout=20
    )


async def _wait_state(jp_fetch, server_id: str, states: set[str], timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        code, _, data = await fetch_json(jp_fetch, "servers", server_id)
        assert code == 200, data
        if data["state"] in states or time.monotonic() > deadline:
            return data
        await asyncio.sleep(0.05)


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


# ------------------------------------------------------------------------------------------- security


def test_every_route_and_verb_requires_credentials(
    jp_fetch, jp_serverapp, servebook_app, jp_http_port, jp_base_url, run
):
    # the app's own handler table, so a route added later is covered without touching this test
    table = [(pattern, handler) for pattern, handler, *_ in servebook_app.handlers]
    assert {p for p, _ in table} == {p for p, _ in HANDLERS}
    checked = []
    for pattern, handler in table:
        url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}{_sample_url(pattern)}"
        for verb in VERBS:
            if verb.lower() not in handler.__dict__:
                continue
            # a matching XSRF cookie/header pair, so the 403 comes from authentication, not the XSRF check
            response = run(_raw(url, verb, headers={"Cookie": "_xsrf=abc", "X-XSRFToken": "abc"}))
            assert response.code == 403, (verb, url, response.code, response.body)
            assert "xsrf" not in response.body.decode().lower(), response.body
            assert "Access-Control-Allow-Origin" not in response.headers
            checked.append((verb, pattern))
    assert len(checked) == 9, checked
    # with credentials the route answers; CORS stays jupyter_server's policy (allow_origin), we add none
    response = run(jp_fetch("servebook", "info", raise_error=False))
    assert response.code == 200, response.body
    assert response.headers.get("Access-Control-Allow-Origin", "") == ""


def test_path_escapes_are_404(jp_fetch, jp_root_dir: Path, tmp_path: Path, run):
    outside = write_plain_model(tmp_path / "root_dir_evil" / "m")  # a sibling sharing the root's prefix
    (jp_root_dir / "link").symlink_to(tmp_path / "root_dir_evil")
    (jp_root_dir / "mlink").symlink_to(outside)
    write_plain_model(jp_root_dir / "inside")
    assert run(fetch_json(jp_fetch, "models", "inside"))[0] == 200
    for path in (
        "../root_dir_evil/m",
        "link/m",
        "mlink",
        str(outside),
        "/etc",
        "inside/../../root_dir_evil/m",
        "nope",
    ):
        code, _, data = run(fetch_json(jp_fetch, "models", path))
        assert code == 404, (path, code, data)
        assert data["reason"] == "NOT_FOUND" and "not found" in data["message"], data
        code, _, data = run(fetch_json(jp_fetch, "models", params={"path": path}))
        assert code == 404, (path, data)
        code, _, data = run(fetch_json(jp_fetch, "servers", method="POST", body={"model_path": path}))
        assert code == 404, (path, data)
    assert run(fetch_json(jp_fetch, "servers"))[2]["servers"] == []


# ------------------------------------------------------------------------------------- info and models


def test_info_reports_versions_limits_and_a_mismatch(jp_fetch, run):
    from servebook import __version__

    code, _, data = run(fetch_json(jp_fetch, "info", params={"version": __version__}))
    assert code == 200
    assert data["frontend_version_ok"] is True and data["message"] is None
    assert data["limits"] == {
        "max_servers": 2,
        "server_start_timeout": 60.0,
        "invocation_timeout": 60.0,
        "scan_max_depth": 4,
        "scan_timeout": 5.0,
    }
    code, _, data = run(fetch_json(jp_fetch, "info", params={"version": "0.0.0-old"}))
    assert data["frontend_version_ok"] is False
    assert f"pip install servebook=={__version__}" in data["message"]


def test_list_models_under_a_folder_and_mlruns(jp_fetch, jp_root_dir: Path, run):
    root = jp_root_dir / "proj"
    write_plain_model(root / "a")
    write_plain_model(root / "sub" / "b")
    for skipped in (".hidden/m", ".venv/m", "node_modules/m", "__pycache__/m", "a/nested_in_model"):
        write_plain_model(root / skipped)
    write_plain_model(root / "d1" / "d2" / "d3" / "d4" / "d5" / "too_deep")
    broken = root / "broken"
    broken.mkdir()
    (broken / "MLmodel").write_text("flavors: [unclosed")
    exp = root / "mlruns" / "3"
    (exp / "r1").mkdir(parents=True)
    (exp / "meta.yaml").write_text("experiment_id: '3'\nname: churn\n")
    (exp / "r1" / "meta.yaml").write_text("run_id: r1\nrun_name: quiet-fox\nstatus: 3\nexperiment_id: '3'\n")
    write_plain_model(exp / "r1" / "artifacts" / "model")

    code, _, data = run(fetch_json(jp_fetch, "models", params={"path": "proj"}))
    assert code == 200, data
    paths = [m["path"] for m in data["models"]]
    assert paths == ["proj/a", "proj/broken", "proj/mlruns/3/r1/artifacts/model", "proj/sub/b"]
    assert data["truncated"] is True and data["truncated_reason"] == "depth"
    by_path = {m["path"]: m for m in data["models"]}
    assert by_path["proj/a"]["flavors"] == ["python_function"] and by_path["proj/a"]["has_signature"] is True
    assert by_path["proj/broken"]["error"] and by_path["proj/broken"]["flavors"] == []
    run_model = by_path["proj/mlruns/3/r1/artifacts/model"]
    assert (run_model["run_id"], run_model["experiment_name"], run_model["artifact_path"]) == (
        "r1",
        "churn",
        "model",
    )
    assert set(by_path["proj/a"]) == {
        "path", "name", "flavors", "loader_module", "has_signature", "has_input_example", "utc_time_created",
        "model_uuid", "run_id", "experiment_id", "experiment_name", "artifact_path", "error",
    }  # fmt: skip

    code, _, data = run(fetch_json(jp_fetch, "models", params={"path": "proj/a/MLmodel"}))
    assert code == 404


def test_inspect_route_reads_but_never_runs_a_trapped_model(jp_fetch, jp_root_dir: Path, tmp_path: Path, run):
    markers = tmp_path / "markers"
    write_trapped_model(jp_root_dir / "trap", markers)
    code, _, report = run(fetch_json(jp_fetch, "models", "trap"))
    assert code == 200, report
    assert report["path"] == "trap" and report["error"] is None
    assert report["trust"]["verdict"] == "executes_code"
    kinds = {(i["kind"], i["path"]) for i in report["trust"]["executes_on_load"]}
    assert ("pickle", "python_model.pkl") in kinds and ("code_module", "code/trap_loader.py") in kinds
    assert report["signature"]["params"] == [
        {"name": "threshold", "type": "double", "default": 0.5, "shape": None}
    ]
    code, _, listing = run(fetch_json(jp_fetch, "models", params={"path": ""}))
    assert [m["path"] for m in listing["models"]] == ["trap"]
    code, _, same = run(fetch_json(jp_fetch, "models", "trap/MLmodel"))
    assert code == 200 and same["path"] == "trap"
    assert list(markers.iterdir()) == []


# ------------------------------------------------------------------------------------- scoring servers


def test_start_invoke_logs_and_stop(jp_fetch, jp_base_url, model_in_root: str, run):
    code, headers, server = run(
        fetch_json(jp_fetch, "servers", method="POST", body={"model_path": model_in_root, "wait": True})
    )
    assert code == 201, server
    assert headers["Location"] == f"{jp_base_url}servebook/servers/{server['id']}"
    assert server["state"] == "ready", server
    assert server["url"].startswith("http://127.0.0.1:") and server["model_path"] == model_in_root
    assert "token" not in json.dumps(server).lower()
    sid, pid = server["id"], server["pid"]

    code, _, listing = run(fetch_json(jp_fetch, "servers"))
    assert [s["id"] for s in listing["servers"]] == [sid] and listing["max_servers"] == 2

    payload = {"dataframe_split": {"columns": ["x"], "data": [[1.0], [2.5]]}}
    body = json.dumps(payload)
    response = run(jp_fetch("servebook", "servers", sid, "invocations", method="POST", body=body,
                            headers={"Content-Type": "application/json"}, raise_error=False))  # fmt: skip
    assert response.code == 200, response.body
    assert response.headers["Content-Type"].startswith("application/json")
    assert json.loads(response.body) == {"predictions": [2.0, 3.5]}

    response = run(jp_fetch("servebook", "servers", sid, "invocations", method="POST", body="x\n4\n",
                            headers={"Content-Type": "text/csv"}, raise_error=False))  # fmt: skip
    assert response.code == 200 and json.loads(response.body) == {"predictions": [5.0]}

    response = run(jp_fetch("servebook", "servers", sid, "invocations", method="POST", body='{"nope": 1}',
                            headers={"Content-Type": "application/json"}, raise_error=False))  # fmt: skip
    assert response.code == 400 and "error_code" in json.loads(response.body)  # the child's own error body

    # the child itself refuses requests without the per-launch token
    direct = run(_raw(f"{server['url']}/invocations", "POST", json.dumps(payload).encode(),
                      {"Content-Type": "application/json"}))  # fmt: skip
    assert direct.code in (401, 403)

    code, _, logs = run(fetch_json(jp_fetch, "servers", sid, "logs", params={"tail": "3"}))
    assert code == 200 and logs["id"] == sid and 0 < logs["lines"] <= 3
    code, _, logs_all = run(fetch_json(jp_fetch, "servers", sid, "logs", params={"tail": "0"}))
    assert logs_all["lines"] >= logs["lines"] and logs_all["log"].endswith(logs["log"])
    assert run(fetch_json(jp_fetch, "servers", sid, "logs", params={"tail": "-1"}))[0] == 400

    response = run(jp_fetch("servebook", "servers", sid, method="DELETE", raise_error=False))
    assert response.code == 204
    assert _gone(pid)
    code, _, stopped = run(fetch_json(jp_fetch, "servers", sid))
    assert stopped["state"] == "stopped" and stopped["stopped_at"]
    code, _, data = run(fetch_json(jp_fetch, "servers", sid, "invocations", method="POST", body=payload))
    assert code == 409 and data["reason"] == "SERVER_NOT_READY"
    assert run(jp_fetch("servebook", "servers", sid, method="DELETE", raise_error=False)).code == 204
    assert run(fetch_json(jp_fetch, "servers", sid))[0] == 404


def test_bad_model_fails_with_exit_code_and_log_tail(jp_fetch, jp_root_dir: Path, saved_model: Path, run):
    bad = jp_root_dir / "bad"
    shutil.copytree(saved_model, bad)
    (bad / "python_model.pkl").write_bytes(b"this is not a pickle")
    code, _, server = run(
        fetch_json(jp_fetch, "servers", method="POST", body={"model_path": "bad", "wait": True})
    )
    assert code == 201, server
    assert server["state"] == "failed", server
    assert server["exit_code"] not in (None, 0)
    assert server["log_tail"].strip() and "before it was ready" in server["message"]
    assert _gone(server["pid"])

    (bad / "MLmodel").write_text("flavors: [unclosed")
    code, _, data = run(fetch_json(jp_fetch, "servers", method="POST", body={"model_path": "bad"}))
    assert code == 422 and data["reason"] == "INVALID_MODEL" and "not valid YAML" in data["message"]
    for body in (
        b"not json",
        json.dumps([1]),
        json.dumps({"model_path": 3}),
        json.dumps({"model_path": "bad", "wait": "y"}),
    ):
        assert run(fetch_json(jp_fetch, "servers", method="POST", body=body))[0] == 400


def test_killed_child_is_failed_within_2_seconds(jp_fetch, model_in_root: str, run):
    code, _, server = run(
        fetch_json(jp_fetch, "servers", method="POST", body={"model_path": model_in_root, "wait": True})
    )
    assert server["state"] == "ready", server
    os.kill(server["pid"], signal.SIGKILL)
    killed_at = time.monotonic()
    state = run(_wait_state(jp_fetch, server["id"], {"failed"}, timeout=2.0))
    assert state["state"] == "failed" and time.monotonic() - killed_at < 2.0
    assert state["exit_code"] == -signal.SIGKILL and "exited unexpectedly" in state["message"]


def test_max_servers_and_shutdown_leave_no_children(jp_fetch, jp_serverapp, model_in_root: str, run):
    started = []
    for _ in range(2):
        code, _, server = run(
            fetch_json(jp_fetch, "servers", method="POST", body={"model_path": model_in_root})
        )
        assert code == 201 and server["state"] in ("starting", "ready")
        started.append(server)
    code, _, data = run(fetch_json(jp_fetch, "servers", method="POST", body={"model_path": model_in_root}))
    assert code == 429 and data["reason"] == "TOO_MANY_SERVERS"
    assert "max_servers=2" in data["message"]
    for server in started:
        assert run(_wait_state(jp_fetch, server["id"], {"ready", "failed"}, timeout=60))["state"] == "ready"
    pids = [s["pid"] for s in started]
    assert all(not _gone(pid) for pid in pids)

    run(jp_serverapp.cleanup_extensions())  # what the server runs on shutdown: stop_extension()
    assert all(_gone(pid) for pid in pids)
