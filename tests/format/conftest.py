"""Fixtures for the model-format tests: small models and helpers to write code files."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest


@pytest.fixture
def weights(tmp_path: Path) -> Path:
    path = tmp_path / "inputs" / "weights.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"factor": 2.5}))
    return path


@pytest.fixture
def write_module(tmp_path: Path):
    """write_module("dir/name.py", source) -> Path: write a dedented source file under tmp_path."""

    def write(relative: str, source: str) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
        return path

    return write
