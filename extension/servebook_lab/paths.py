"""Resolve contents paths (what the file browser shows) to local directories, refusing escapes.

Owns the path guard of the server extension: a user-supplied path is relative to the contents root,
``/``-separated; absolute paths, ``..`` segments, NUL bytes, and anything whose real path (after
following symlinks) is outside the real root are refused with the same :class:`NotFoundError` a
missing path gets, so the answer does not reveal what exists outside the root. The root comparison
is by path components, so a sibling ``/srv/root-other`` never passes for ``/srv/root``.
"""

from __future__ import annotations

import os
from pathlib import Path

from servebook.errors import NotFoundError

__all__ = ["resolve_contents_path", "to_contents_path"]


def _not_found(path: str, what: str) -> NotFoundError:
    return NotFoundError(
        f"{what} {path!r} was not found under the Jupyter root directory. "
        "Use a path relative to the file browser's root, e.g. 'models/iris'."
    )


def _within(root_real: str, candidate_real: str) -> bool:
    return candidate_real == root_real or candidate_real.startswith(root_real.rstrip(os.sep) + os.sep)


def resolve_contents_path(root_dir: str | os.PathLike[str], path: str, *, what: str = "Path") -> Path:
    """Return the real local path of contents path ``path`` under ``root_dir``.

    Args:
        root_dir: the contents manager's ``root_dir``.
        path: a contents path such as ``models/iris`` (``""`` is the root itself).
        what: the noun used in the error message (``"Model"``, ``"Folder"``).

    Raises:
        NotFoundError: the path is absolute, contains ``..``, escapes the root through a symlink, or
            does not exist.
    """
    if "\x00" in path or path.startswith(("/", "\\")) or (len(path) > 1 and path[1] == ":"):
        raise _not_found(path, what)
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise _not_found(path, what)
    root_real = os.path.realpath(root_dir)
    candidate = os.path.realpath(os.path.join(root_real, *parts))
    if not _within(root_real, candidate) or not os.path.exists(candidate):
        raise _not_found(path, what)
    return Path(candidate)


def to_contents_path(root_dir: str | os.PathLike[str], local: str | os.PathLike[str]) -> str:
    """Return the ``/``-separated contents path of ``local`` (which must lie under ``root_dir``)."""
    rel = os.path.relpath(os.path.realpath(local), os.path.realpath(root_dir))
    return "" if rel == "." else rel.replace(os.sep, "/")
