"""Helpers shared by the format tests: fresh-interpreter runs and exact prediction comparison."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

KERNEL_HELPERS = Path(__file__).resolve().parents[2] / "kernel_helpers"


def run_script(
    script: Path,
    *args: str,
    python: str | os.PathLike[str] = sys.executable,
    cwd: Path,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> str:
    """Run ``python script args...`` in a fresh interpreter; fail the test with its output otherwise."""
    full_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    full_env.update(env or {})
    proc = subprocess.run(
        [os.fspath(python), os.fspath(script), *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"{script.name} failed with exit code {proc.returncode}\n--- stdout ---\n{proc.stdout[-4000:]}\n"
            f"--- stderr ---\n{proc.stderr[-4000:]}"
        )
    return proc.stdout


def assert_same(actual: Any, expected: Any) -> None:
    """Exact equality of predictions: same type, dtype, index, values (NaN equal to NaN)."""
    assert type(actual) is type(expected), (type(actual), type(expected))
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(actual, expected, check_exact=True)
    elif isinstance(expected, pd.Series):
        pd.testing.assert_series_equal(actual, expected, check_exact=True)
    elif isinstance(expected, np.ndarray):
        assert actual.dtype == expected.dtype and actual.shape == expected.shape
        np.testing.assert_array_equal(actual, expected)
    else:
        assert actual == expected
