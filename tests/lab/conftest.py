"""Fixtures for the server-extension tests: a real Jupyter server with only servebook_lab enabled.

pytest-jupyter has no entry point, so its fixtures are imported here (the template extension lists
it in ``pytest_plugins`` of a root conftest instead; importing keeps the plugin local to this folder).
The tests are plain functions that drive the server's own event loop through the ``run`` fixture:
pytest-asyncio (auto mode, used elsewhere in the suite) would otherwise run coroutine tests on a loop
the Jupyter server does not listen on.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from pytest_jupyter.jupyter_server import *  # noqa: F403

REPO = Path(__file__).resolve().parents[2]

# A model whose predict adds 1 to column x; written by save_model in a fresh interpreter.
_SAVE_SOURCE = """
import sys
import servebook as sb

class AddOne(sb.PythonModel):
    def predict(self, context, model_input, params=None):
        return [float(v) + 1.0 for v in model_input["x"]]

import pandas as pd
sb.save_model(sys.argv[1], python_model=AddOne(), input_example=pd.DataFrame({"x": [1.0, 2.0]}))
"""


@pytest.fixture(scope="session")
def saved_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real servebook-saved model (built once per session, copied into each test's root)."""
    import subprocess

    target = tmp_path_factory.mktemp("saved") / "add_one"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [sys.executable, "-c", _SAVE_SOURCE, str(target)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return target


@pytest.fixture
def jp_server_config():
    """Only servebook_lab, unauthenticated access off, small limits so tests run fast."""
    from traitlets.config import Config

    return Config(
        {
            "ServerApp": {
                "jpserver_extensions": {"servebook_lab": True, "jupyter_server_terminals": False},
                "allow_unauthenticated_access": False,
            },
            "ServebookApp": {"max_servers": 2, "server_start_timeout": 60.0, "scan_timeout": 5.0},
        }
    )


@pytest.fixture
def model_in_root(jp_root_dir: Path, saved_model: Path) -> str:
    """Copy the saved model to ``<root>/models/add_one``; return its contents path."""
    import shutil

    shutil.copytree(saved_model, jp_root_dir / "models" / "add_one")
    return "models/add_one"


@pytest.fixture
def run(jp_asyncio_loop):
    """``run(coro)``: run a coroutine on the Jupyter server's loop and return its result."""
    return jp_asyncio_loop.run_until_complete


@pytest.fixture
def servebook_app(jp_serverapp):
    """The ServebookApp instance loaded into the test server."""
    (app,) = jp_serverapp.extension_manager.extension_apps["servebook_lab"]
    return app


async def fetch_json(jp_fetch, *parts: str, method: str = "GET", body: object | None = None, **kwargs):
    """Call ``servebook/<parts>`` and return ``(status, headers, parsed JSON or None)``."""
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    response = await jp_fetch("servebook", *parts, method=method, body=body, raise_error=False, **kwargs)
    payload = json.loads(response.body) if response.body else None
    return response.code, response.headers, payload
