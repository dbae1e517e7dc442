"""Small crash- and race-safe file primitives used by the local store (stdlib + PyYAML).

* ``write_atomic``: write a sibling temp file, then ``os.replace`` (readers never see half a file).
* ``create_once``: write a temp file and ``os.link`` it into place, so exactly one writer wins and
  the losers can compare values (used for immutable params).
* ``append_line``: one ``os.write`` on an ``O_APPEND`` descriptor, so concurrent writers' lines
  never interleave (local file systems make small appends atomic).
* ``locked``: an exclusive ``flock`` on a directory, serialising experiment creation across
  processes without leaving extra files in the store.
* ``write_unpublished``: a plain write, for files inside a directory no reader can find yet (a
  logged model before its ``meta.yaml`` exists); the later atomic write publishes them all at once.

Durability: nothing here calls ``fsync``, deliberately. Atomicity (a reader sees the old file or the
new one, never half of one; two writers never lose each other's lines or params) comes from
``rename``/``link``/``O_APPEND`` and holds without it. ``fsync`` would only add durability across a
power loss or kernel crash, at a cost of milliseconds per file on ordinary disks, which MLflow's own
file store does not pay either (ext4's default ``auto_da_alloc`` also starts writing a replaced
file's data before the rename commits, which in practice avoids empty files after a crash). A crash
can therefore lose the last writes, never corrupt what was there before.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import yaml

# the C dumper is several times faster; PyYAML built without libyaml has only the Python one
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]  # no flock here: locked() is a no-op


def _tmp_sibling(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex}")


def _open_creating_parents(path: Path, mode: str) -> IO[str]:
    # the parent usually exists: try first, create it only when missing (mkdir is a slow syscall)
    try:
        return open(path, mode, encoding="utf-8")
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, mode, encoding="utf-8")


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically (creating its directory if needed)."""
    tmp = _tmp_sibling(path)
    try:
        with _open_creating_parents(tmp, "w") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_unpublished(path: Path, text: str) -> None:
    """Write ``path`` directly (no temp file): only for directories not yet visible to readers."""
    with _open_creating_parents(path, "w") as fh:
        fh.write(text)


def create_once(path: Path, text: str) -> str | None:
    """Create ``path`` with ``text`` unless it exists; return the existing content if it did."""
    tmp = _tmp_sibling(path)
    with _open_creating_parents(tmp, "w") as fh:
        fh.write(text)
    try:
        os.link(tmp, path)
        return None
    except FileExistsError:
        return path.read_text(encoding="utf-8")
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def append_line(path: Path, line: str) -> None:
    """Append one line with a single write on an O_APPEND descriptor."""
    data = (line.rstrip("\n") + "\n").encode("utf-8")
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
    try:
        fd = os.open(path, flags, 0o644)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, flags, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, default_flow_style=False, sort_keys=True)


def write_yaml(path: Path, data: dict[str, Any]) -> None:
    write_atomic(path, dump_yaml(data))


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``directory`` (a no-op where ``flock`` does not exist)."""
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def copy_file_atomic(src: Path, dst: Path) -> None:
    """Copy a file so ``dst`` appears complete or not at all."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_sibling(dst)
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def copy_tree(src: Path, dst: Path) -> None:
    """Copy every file under ``src`` into ``dst`` (merging), each file atomically."""
    for root, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        rel = Path(root).relative_to(src)
        for name in files:
            copy_file_atomic(Path(root) / name, dst / rel / name)
