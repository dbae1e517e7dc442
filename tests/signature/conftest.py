"""Fixtures of the signature tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT_CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"


@pytest.fixture(scope="session")
def run_in_python(request: pytest.FixtureRequest) -> Any:
    """``run_python`` from the top-level conftest, usable from module-scoped fixtures."""
    plugin = request.config.pluginmanager.get_plugin(str(ROOT_CONFTEST))
    assert plugin is not None, f"{ROOT_CONFTEST} is not loaded"
    return plugin.run_python
