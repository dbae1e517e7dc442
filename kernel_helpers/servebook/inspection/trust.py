"""What is in a model directory, and what would execute if it were loaded.

Owns the file listing (sizes, symlinks, never followed) and the trust verdict of
:func:`servebook.inspect`: pickles, ``code/`` modules and non-standard loader modules are things a load
would execute; MLmodel paths that escape the model directory and symlinks that leave it are unsafe.
Only file metadata and the first two bytes of files (the pickle magic) are read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["KNOWN_LOADER_MODULES", "FileEntry", "TrustItem", "TrustReport", "assess_trust", "list_files"]

#: loader modules whose behaviour servebook knows (it ships its own implementation of each).
KNOWN_LOADER_MODULES = frozenset({"mlflow.pyfunc.model", "mlflow.sklearn", "servebook.pyfunc.model"})

_PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib", ".pkl.gz", ".pkl.bz2", ".pkl.xz", ".pkl.lzma", ".dill")
# MLmodel flavor keys that name a file or directory inside the model
_PATH_KEYS = ("python_model", "code", "data", "pickled_model", "model_path", "model_code_path", "model_data")
# flavor keys naming a file that the loader unpickles
_PICKLE_KEYS = ("python_model", "pickled_model")
_MAX_SNIFF = 300


@dataclass(frozen=True)
class FileEntry:
    """One entry of the model directory (``path`` is relative, ``/``-separated)."""

    path: str
    size: int
    kind: str  # file | dir | symlink
    target: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        out: dict[str, Any] = {"path": self.path, "size": self.size, "kind": self.kind}
        if self.kind == "symlink":
            out["target"] = self.target
        return out


@dataclass(frozen=True)
class TrustItem:
    """One thing a load would execute, or one unsafe finding."""

    kind: str  # pickle | code_module | loader_module | path_escape | symlink_escape
    path: str | None
    detail: str

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        return {"kind": self.kind, "path": self.path, "detail": self.detail}


@dataclass(frozen=True)
class TrustReport:
    """The trust verdict: ``data_only``, ``executes_code`` or ``unsafe``."""

    verdict: str
    summary: str
    executes_on_load: tuple[TrustItem, ...] = ()
    unsafe: tuple[TrustItem, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        return {
            "verdict": self.verdict,
            "summary": self.summary,
            "executes_on_load": [i.to_dict() for i in self.executes_on_load],
            "unsafe": [i.to_dict() for i in self.unsafe],
        }


def list_files(root: Path, limit: int = 2000) -> tuple[tuple[FileEntry, ...], bool, int]:
    """Walk ``root`` without following symlinks.

    Returns:
        ``(entries sorted by path, truncated, total size of regular files)``.
    """
    entries: list[FileEntry] = []
    total = 0
    truncated = False
    stack = [("", str(root))]
    while stack:
        rel_dir, abs_dir = stack.pop()
        try:
            scan = sorted(os.scandir(abs_dir), key=lambda e: e.name)
        except OSError:
            continue
        for entry in scan:
            if len(entries) >= limit:
                truncated = True
                break
            rel = f"{rel_dir}{entry.name}"
            if entry.is_symlink():
                try:
                    target = os.readlink(entry.path)
                except OSError:
                    target = None
                entries.append(FileEntry(rel, 0, "symlink", target))
            elif entry.is_dir(follow_symlinks=False):
                entries.append(FileEntry(rel, 0, "dir"))
                stack.append((rel + "/", entry.path))
            else:
                try:
                    size = entry.stat(follow_symlinks=False).st_size
                except OSError:
                    size = 0
                total += size
                entries.append(FileEntry(rel, size, "file"))
        if truncated:
            break
    entries.sort(key=lambda e: e.path)
    return tuple(entries), truncated, total


def _inside(root_real: str, candidate: str) -> bool:
    return candidate == root_real or candidate.startswith(root_real + os.sep)


def _escapes(root: Path, root_real: str, value: str) -> bool:
    if os.path.isabs(value) or "://" in value:
        return True
    return not _inside(root_real, os.path.realpath(os.path.join(root, value)))


def _looks_pickled(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(2)
    except OSError:
        return False
    return len(head) == 2 and head[0] == 0x80 and 2 <= head[1] <= 5


def _mlmodel_paths(mlmodel: dict[str, Any]) -> list[tuple[str, str]]:
    """Return ``(where in MLmodel, path value)`` for every path MLmodel names."""
    found: list[tuple[str, str]] = []
    flavors = mlmodel.get("flavors")
    for fname, conf in (flavors or {}).items() if isinstance(flavors, dict) else ():
        if not isinstance(conf, dict):
            continue
        for key in _PATH_KEYS:
            if isinstance(conf.get(key), str):
                found.append((f"flavors.{fname}.{key}", conf[key]))
        env = conf.get("env")
        if isinstance(env, str):
            found.append((f"flavors.{fname}.env", env))
        elif isinstance(env, dict):
            found += [(f"flavors.{fname}.env.{k}", v) for k, v in env.items() if isinstance(v, str)]
        artifacts = conf.get("artifacts")
        if isinstance(artifacts, dict):
            for name, art in artifacts.items():
                if isinstance(art, dict) and isinstance(art.get("path"), str):
                    found.append((f"flavors.{fname}.artifacts.{name}.path", art["path"]))
    info = mlmodel.get("saved_input_example_info")
    if isinstance(info, dict):
        found += [
            (f"saved_input_example_info.{k}", info[k])
            for k in ("artifact_path", "serving_input_path")
            if isinstance(info.get(k), str)
        ]
    return found


def assess_trust(root: Path, mlmodel: dict[str, Any] | None, files: tuple[FileEntry, ...]) -> TrustReport:
    """Decide what a load of the model at ``root`` would execute, and what is unsafe about it.

    Args:
        root: the model directory.
        mlmodel: the parsed MLmodel mapping, or ``None`` if it could not be read.
        files: the listing from :func:`list_files`.
    """
    root_real = os.path.realpath(root)
    unsafe: list[TrustItem] = []
    executes: list[TrustItem] = []
    seen: set[str] = set()
    mlmodel = mlmodel or {}

    for where, value in _mlmodel_paths(mlmodel):
        if _escapes(root, root_real, value):
            unsafe.append(TrustItem("path_escape", value, f"{where} points outside the model directory"))
    for entry in files:
        if entry.kind == "symlink":
            resolved = os.path.realpath(root / entry.path)
            if not _inside(root_real, resolved):
                unsafe.append(
                    TrustItem(
                        "symlink_escape",
                        entry.path,
                        f"symlink to {entry.target}, outside the model directory",
                    )
                )

    raw_flavors = mlmodel.get("flavors")
    flavors: dict[str, Any] = raw_flavors if isinstance(raw_flavors, dict) else {}
    code_dirs: list[str] = []
    for fname, conf in flavors.items():
        if not isinstance(conf, dict):
            continue
        for key in _PICKLE_KEYS:
            pickle_path = conf.get(key)
            if isinstance(pickle_path, str) and not _escapes(root, root_real, pickle_path):
                rel = os.path.normpath(pickle_path).replace(os.sep, "/")
                seen.add(rel)
                executes.append(TrustItem("pickle", rel, f"unpickled on load (flavors.{fname}.{key})"))
        if isinstance(conf.get("code"), str) and not _escapes(root, root_real, conf["code"]):
            code_dirs.append(os.path.normpath(conf["code"]).replace(os.sep, "/"))
        if isinstance(conf.get("model_code_path"), str):
            rel = os.path.normpath(conf["model_code_path"]).replace(os.sep, "/")
            seen.add(rel)
            executes.append(TrustItem("code_module", rel, "model script executed on load (models from code)"))
        loader = conf.get("loader_module")
        if isinstance(loader, str) and loader not in KNOWN_LOADER_MODULES:
            executes.append(
                TrustItem("loader_module", None, f"non-standard loader_module {loader!r} is imported on load")
            )

    sniffed = 0
    for entry in files:
        if entry.kind != "file" or entry.path in seen:
            continue
        in_code = any(entry.path.startswith(d + "/") for d in code_dirs)
        if in_code and entry.path.endswith(".py"):
            executes.append(
                TrustItem("code_module", entry.path, "importable while loading (code dir on sys.path)")
            )
            continue
        is_pickle = entry.path.lower().endswith(_PICKLE_SUFFIXES)
        if not is_pickle and entry.size >= 2 and sniffed < _MAX_SNIFF:
            sniffed += 1
            is_pickle = _looks_pickled(root / entry.path)
        if is_pickle:
            executes.append(TrustItem("pickle", entry.path, "pickle data: unpickling it runs code"))

    return TrustReport(_verdict(executes, unsafe), _summary(executes, unsafe), tuple(executes), tuple(unsafe))


def _verdict(executes: list[TrustItem], unsafe: list[TrustItem]) -> str:
    if unsafe:
        return "unsafe"
    return "executes_code" if executes else "data_only"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _summary(executes: list[TrustItem], unsafe: list[TrustItem]) -> str:
    parts = []
    kinds = [i.kind for i in executes]
    if kinds.count("pickle"):
        parts.append(_count(kinds.count("pickle"), "pickle"))
    if kinds.count("code_module"):
        parts.append(_count(kinds.count("code_module"), "code module"))
    if kinds.count("loader_module"):
        parts.append("a non-standard loader_module")
    runs = f"Loading this model runs code: {', '.join(parts)}." if parts else ""
    if unsafe:
        return (
            f"Unsafe: {_count(len(unsafe), 'path')} in this model "
            f"{'leaves' if len(unsafe) == 1 else 'leave'} its directory. Do not load it; "
            f"ask its author for a clean copy. {runs}"
        ).strip()
    if parts:
        return f"{runs} Load it only if you trust its author."
    return "No pickles or code modules found: loading reads data files only."
