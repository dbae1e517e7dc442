"""Helpers shared by the format tests: exact prediction comparison (fresh-interpreter runs are
``run_script``/``run_python`` in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

KERNEL_HELPERS = Path(__file__).resolve().parents[2] / "kernel_helpers"


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
