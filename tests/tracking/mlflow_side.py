"""Running code with real MLflow (its own virtualenv) and reading the JSON results it prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import mlflow_python_path, run_python

RESOURCES = Path(__file__).parent / "resources"


def run_mlflow(
    source: str, *, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120
) -> str:
    """Run ``source`` with real MLflow (its own venv); file stores are allowed explicitly."""
    python = mlflow_python_path()
    if not python.exists():
        pytest.fail(f"The MLflow test virtualenv is missing ({python}); run `make mlflow-venv`.")
    full_env = {"MLFLOW_ALLOW_FILE_STORE": "true", "PYTHONWARNINGS": "ignore", **(env or {})}
    return run_python(source, python=python, cwd=cwd, env=full_env, timeout=timeout)


def last_json_line(output: str) -> dict:
    """The last stdout line that is a JSON object (scripts print their results that way)."""
    for line in reversed(output.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise AssertionError(f"no JSON result line in output:\n{output}")
