"""Fixtures of the serving tests: models saved once per session, real servers on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from servebook.serve.process import LocalServer, serve

sys.path.insert(0, str(Path(__file__).parent))
from fixture_models import SAVE_SCRIPT, TOKEN


@pytest.fixture(scope="session")
def model_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("serve-models")
    proc = subprocess.run(
        [sys.executable, "-c", SAVE_SCRIPT],
        env={**os.environ, "SB_TARGET": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, f"saving the fixture models failed:\n{proc.stdout}\n{proc.stderr}"
    return root


def _start(model: Path, **options: object) -> Iterator[LocalServer]:
    server = serve(model, start_timeout=90, **options)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def scorer_server(model_root: Path) -> Iterator[LocalServer]:
    yield from _start(model_root / "scorer")


@pytest.fixture(scope="session")
def strict_server(model_root: Path) -> Iterator[LocalServer]:
    """Token, a 4 kB body limit and a 1 s timeout."""
    yield from _start(model_root / "scorer", token=TOKEN, max_body_size=4096, timeout=1)


@pytest.fixture(scope="session")
def echo_server(model_root: Path) -> Iterator[LocalServer]:
    yield from _start(model_root / "echo")


@pytest.fixture(scope="session")
def debug_server(model_root: Path) -> Iterator[LocalServer]:
    yield from _start(model_root / "scorer", debug=True)
