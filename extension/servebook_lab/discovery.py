"""Find model directories (those holding an ``MLmodel`` file) under a folder, within bounds.

Owns the scan behind ``GET models?path=``: breadth-first, bounded in depth and wall time, never
following symlinked directories, skipping hidden directories, virtualenvs, ``node_modules``,
``__pycache__`` and ``site-packages``, and not descending into a model directory. Directories inside
an ``mlruns/`` tracking store get extra depth so ``mlruns/<exp>/<run>/artifacts/<name>`` and
``mlruns/<exp>/models/<id>/artifacts`` are reached. Only directory entries are read here.
"""

from __future__ import annotations

import os
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ScanResult", "find_models"]

MLMODEL = "MLmodel"
MAX_MODELS = 500
#: extra levels allowed below an ``mlruns`` directory (exp/run/artifacts/name/+1 nested path)
MLRUNS_EXTRA_DEPTH = 5
_SKIP = frozenset({"node_modules", "__pycache__", "site-packages"})


@dataclass(frozen=True)
class ScanResult:
    """Model directories found (sorted), and whether/why the scan stopped early."""

    models: tuple[Path, ...]
    truncated: bool
    truncated_reason: str | None  # "timeout" | "depth" | "limit"


def _skipped(name: str) -> bool:
    return name.startswith(".") or name in _SKIP or name.startswith("venv")


def find_models(start: Path, *, max_depth: int, timeout: float, limit: int = MAX_MODELS) -> ScanResult:
    """Scan ``start`` for model directories.

    Args:
        start: the directory to scan (already resolved and checked by the caller).
        max_depth: directory levels below ``start`` to look into (0 = only ``start`` itself).
        timeout: seconds after which the scan stops and reports ``truncated_reason="timeout"``.
        limit: stop after this many models (``truncated_reason="limit"``).
    """
    deadline = time.monotonic() + timeout
    found: list[Path] = []
    reason: str | None = None
    # (directory, depth, depth allowed for this branch)
    queue: deque[tuple[Path, int, int]] = deque([(start, 0, max_depth)])
    while queue:
        if time.monotonic() > deadline:
            reason = "timeout"
            break
        directory, depth, allowed = queue.popleft()
        try:
            with os.scandir(directory) as it:
                entries = list(it)
        except OSError:
            continue
        if any(e.name == MLMODEL and e.is_file(follow_symlinks=False) for e in entries):
            found.append(directory)
            if len(found) >= limit:
                reason = "limit"
                break
            continue
        for entry in entries:
            if _skipped(entry.name) or not entry.is_dir(follow_symlinks=False):
                continue
            child_allowed = allowed
            if entry.name == "mlruns":
                child_allowed = max(allowed, depth + 1 + MLRUNS_EXTRA_DEPTH)
            if depth + 1 > child_allowed:
                reason = reason or "depth"
                continue
            queue.append((Path(entry.path), depth + 1, child_allowed))
    return ScanResult(tuple(sorted(found)), reason is not None, reason)
