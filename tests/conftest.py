"""Fixtures shared by every test area (each area's own fixtures live in its directory's conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def mlflow_python_path() -> Path:
    """Where the MLflow test interpreter is (``SERVEBOOK_MLFLOW_PYTHON``, else ``.venv-mlflow``)."""
    configured = os.environ.get("SERVEBOOK_MLFLOW_PYTHON")
    return Path(configured) if configured else REPO_ROOT / ".venv-mlflow" / "bin" / "python"


@pytest.fixture(scope="session")
def mlflow_python() -> Path:
    """The interpreter of the MLflow test virtualenv (servebook itself never imports mlflow)."""
    python = mlflow_python_path()
    if not python.exists():
        pytest.fail(
            f"The MLflow test virtualenv is missing ({python}). Run `make mlflow-venv` "
            "(or `make test`, which creates it), or point SERVEBOOK_MLFLOW_PYTHON at an interpreter "
            "that has mlflow==3.17.2."
        )
    return python


def _run_interpreter(
    what: str,
    arguments: list[str],
    *,
    python: str | os.PathLike[str],
    cwd: str | os.PathLike[str] | None,
    timeout: float,
    env: dict[str, str] | None,
) -> str:
    full_env = {**os.environ, **(env or {})}
    if "PYTHONPATH" not in (env or {}):
        full_env.pop("PYTHONPATH", None)
    proc = subprocess.run(
        [os.fspath(python), *arguments],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"{what} failed with exit code {proc.returncode}\n--- stdout ---\n{proc.stdout[-8000:]}\n"
            f"--- stderr ---\n{proc.stderr[-8000:]}"
        )
    return proc.stdout


def run_python(
    source: str,
    *,
    python: str | os.PathLike[str] = sys.executable,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> str:
    """Run ``source`` in a fresh interpreter; return its stdout, or fail the test showing its output.

    The interpreter does not inherit ``PYTHONPATH`` (unless ``env`` sets it).
    """
    return _run_interpreter(
        "script", ["-c", textwrap.dedent(source)], python=python, cwd=cwd, timeout=timeout, env=env
    )


def run_script(
    script: Path,
    *args: str,
    python: str | os.PathLike[str] = sys.executable,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> str:
    """Run ``python script args...`` like :func:`run_python` runs source."""
    return _run_interpreter(
        script.name, [os.fspath(script), *args], python=python, cwd=cwd, timeout=timeout, env=env
    )


@pytest.fixture
def fresh_python():
    """Run code in a fresh interpreter of the project virtualenv: ``fresh_python(src, cwd=...)``."""
    return run_python
