"""Model discovery bounds and the path guard, without a server."""

from __future__ import annotations

from pathlib import Path

import pytest
from lab_models import write_plain_model

from servebook.errors import NotFoundError
from servebook_lab.discovery import find_models
from servebook_lab.paths import resolve_contents_path, to_contents_path


def test_scan_stops_at_the_time_limit_and_the_model_limit(tmp_path: Path) -> None:
    for i in range(3):
        write_plain_model(tmp_path / f"m{i}")
    result = find_models(tmp_path, max_depth=3, timeout=0.0)
    assert result.truncated and result.truncated_reason == "timeout"
    result = find_models(tmp_path, max_depth=3, timeout=5.0, limit=2)
    assert result.truncated_reason == "limit" and len(result.models) == 2
    result = find_models(tmp_path, max_depth=3, timeout=5.0)
    assert not result.truncated and [p.name for p in result.models] == ["m0", "m1", "m2"]


def test_symlinked_directories_are_not_followed(tmp_path: Path) -> None:
    write_plain_model(tmp_path / "elsewhere" / "m")
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "link").symlink_to(tmp_path / "elsewhere")
    assert find_models(tmp_path / "root", max_depth=4, timeout=5.0).models == ()


def test_path_guard(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "a" / "b").mkdir(parents=True)
    (tmp_path / "root2").mkdir()
    (root / "a" / "sib").symlink_to(tmp_path / "root2")
    assert resolve_contents_path(root, "a/b") == (root / "a" / "b").resolve()
    assert resolve_contents_path(root, "") == root.resolve()
    assert to_contents_path(root, root / "a" / "b") == "a/b" and to_contents_path(root, root) == ""
    for bad in ("../root2", "/a", "a/../../root2", "a/sib", "a\x00", "C:/x", "missing"):
        with pytest.raises(NotFoundError):
            resolve_contents_path(root, bad)
