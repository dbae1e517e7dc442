"""Artifact storage (local directories and an MLflow server's artifact proxy) and model URIs.

``download_model_uri(uri)`` turns ``runs:/<run_id>/<path>``, ``models:/m-<id>``,
``models:/<name>/<version>``, ``models:/<name>/latest`` and ``models:/<name>@<alias>`` into a local
directory, against the current tracking store:

* ``runs:/<run_id>/<path>``: ``<path>`` under the run's artifacts if it exists there, otherwise the
  MLflow 3.x logged model named by the first segment of ``<path>`` that this run produced (the
  rest of ``<path>`` inside it). This is MLflow's own rule, so URIs work for models logged by
  either tool and by MLflow 2.x (which stored models under the run's artifacts).
* For a local store the directory is returned as is (nothing is copied). For a tracking server
  the files are downloaded through ``/api/2.0/mlflow-artifacts/artifacts`` into a cache directory
  (``SERVEBOOK_CACHE_DIR``, default ``~/.cache/servebook``) staged in a temp dir and renamed into
  place. Logged models are immutable once READY, so they are downloaded once per model id.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

from ..errors import InvalidTrackingInputError, TrackingError
from . import _fs
from ._http import HttpClient
from .validation import validate_artifact_path

__all__ = [
    "LocalArtifactRepository",
    "ProxiedArtifactRepository",
    "artifact_repository",
    "download_model_uri",
    "parse_model_uri",
]


class LocalArtifactRepository:
    """Artifacts in a local directory (the file store, or a server sharing this file system)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _target(self, rel: str) -> Path:
        rel = validate_artifact_path(rel)
        return self.root / rel if rel else self.root

    def log_file(self, local_file: Path, artifact_dir: str = "") -> None:
        _fs.copy_file_atomic(local_file, self._target(artifact_dir) / local_file.name)

    def log_dir(self, local_dir: Path, artifact_dir: str = "") -> None:
        target = self._target(artifact_dir)
        target.mkdir(parents=True, exist_ok=True)
        _fs.copy_tree(local_dir, target)

    def put_dir_as(self, local_dir: Path, artifact_dir: str = "") -> None:
        """Place ``local_dir`` at ``artifact_dir`` by renaming it (same file system) or copying."""
        target = self._target(artifact_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(local_dir, target)
        except OSError:
            self.log_dir(local_dir, artifact_dir)

    def write_text(self, rel_path: str, text: str) -> None:
        target = self._target(rel_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        _fs.write_atomic(target, text)

    def exists(self, rel_path: str) -> bool:
        return self._target(rel_path).exists()

    def download(self, rel_path: str = "", cache_key: str | None = None) -> Path:
        target = self._target(rel_path)
        if not target.exists():
            raise TrackingError(f"Artifact {rel_path!r} does not exist under {self.root}.")
        return target


class ProxiedArtifactRepository:
    """Artifacts behind an MLflow server's ``--serve-artifacts`` proxy (``mlflow-artifacts:`` URIs)."""

    _API = "api/2.0/mlflow-artifacts/artifacts"

    def __init__(self, http: HttpClient, root_path: str) -> None:
        self.http = http
        self.root_path = root_path.strip("/")

    def _remote(self, rel: str) -> str:
        rel = validate_artifact_path(rel)
        return f"{self.root_path}/{rel}" if rel else self.root_path

    def _put(self, local_file: Path, remote: str) -> None:
        with open(local_file, "rb") as fh:
            self.http.request("PUT", f"{self._API}/{quote(remote)}", data=fh)

    def log_file(self, local_file: Path, artifact_dir: str = "") -> None:
        base = self._remote(artifact_dir)
        self._put(local_file, f"{base}/{local_file.name}")

    def log_dir(self, local_dir: Path, artifact_dir: str = "") -> None:
        base = self._remote(artifact_dir)
        for root, dirs, files in os.walk(local_dir):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            rel = Path(root).relative_to(local_dir).as_posix()
            for name in files:
                remote = f"{base}/{name}" if rel == "." else f"{base}/{rel}/{name}"
                self._put(Path(root) / name, remote)

    put_dir_as = log_dir

    def write_text(self, rel_path: str, text: str) -> None:
        self.http.request("PUT", f"{self._API}/{quote(self._remote(rel_path))}", data=text.encode("utf-8"))

    def list(self, rel_path: str = "") -> list[dict[str, Any]]:
        response = self.http.request("GET", self._API, params={"path": self._remote(rel_path)})
        return list(response.json().get("files", []))

    def exists(self, rel_path: str) -> bool:
        rel = validate_artifact_path(rel_path)
        if not rel:
            return True
        parent, _, name = rel.rpartition("/")
        return any(f.get("path") == name for f in self.list(parent))

    def _download_into(self, rel: str, is_dir: bool, dst: Path) -> None:
        if not is_dir:
            dst.parent.mkdir(parents=True, exist_ok=True)
            response = self.http.request("GET", f"{self._API}/{quote(self._remote(rel))}", stream=True)
            with open(dst, "wb") as fh:
                for chunk in response.iter_content(chunk_size=1 << 16):
                    fh.write(chunk)
            return
        dst.mkdir(parents=True, exist_ok=True)
        for entry in self.list(rel):
            name = entry["path"].rsplit("/", 1)[-1]
            child = f"{rel}/{name}" if rel else name
            self._download_into(child, bool(entry.get("is_dir")), dst / name)

    def download(self, rel_path: str = "", cache_key: str | None = None) -> Path:
        """Download a file or directory into the cache; reuse it when ``cache_key`` is given."""
        rel = validate_artifact_path(rel_path)
        key = (
            cache_key or hashlib.sha256(f"{self.http.base_url}|{self._remote(rel)}".encode()).hexdigest()[:24]
        )
        final = _cache_dir() / key
        if cache_key and final.exists():
            return final
        if rel:
            parent, _, name = rel.rpartition("/")
            entries = [f for f in self.list(parent) if f.get("path", "").rsplit("/", 1)[-1] == name]
            if not entries:
                raise TrackingError(
                    f"Artifact {rel!r} does not exist under mlflow-artifacts:/{self.root_path} on "
                    f"{self.http.base_url}."
                )
            is_dir = bool(entries[0].get("is_dir"))
        else:
            is_dir = True
        staging = final.with_name(f".{final.name}.tmp-{uuid.uuid4().hex}")
        try:
            self._download_into(rel, is_dir, staging)
            if final.exists():
                shutil.rmtree(final) if final.is_dir() else final.unlink()
            os.replace(staging, final)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        return final


ArtifactRepository = LocalArtifactRepository | ProxiedArtifactRepository


def _cache_dir() -> Path:
    root = os.environ.get("SERVEBOOK_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "servebook"
    )
    path = Path(root) / "artifacts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def artifact_repository(artifact_uri: str, store: Any = None) -> ArtifactRepository:
    """The repository for ``artifact_uri`` (``file:``, a local path, or ``mlflow-artifacts:``)."""
    from .file_store import path_from_file_uri
    from .rest_store import RestStore

    parsed = urlparse(artifact_uri)
    if parsed.scheme == "mlflow-artifacts":
        if parsed.netloc:
            base = f"{'https' if parsed.port == 443 else 'http'}://{parsed.netloc}"
            http = (
                store.http
                if isinstance(store, RestStore) and store.tracking_uri == base
                else HttpClient(base)
            )
        elif isinstance(store, RestStore):
            http = store.http
        else:
            raise TrackingError(
                f"Artifact URI {artifact_uri!r} lives on an MLflow tracking server; set the tracking "
                "URI to that server (set_tracking_uri('http://host:port'))."
            )
        return ProxiedArtifactRepository(http, parsed.path)
    if parsed.scheme in ("file", "") or (len(parsed.scheme) == 1 and os.name == "nt"):
        return LocalArtifactRepository(path_from_file_uri(artifact_uri))
    raise TrackingError(
        f"Artifact URI {artifact_uri!r} uses the {parsed.scheme!r} scheme, which servebook cannot read. "
        "Start the tracking server with --serve-artifacts so artifacts go through its proxy."
    )


def parse_model_uri(uri: str) -> tuple[str, str, str]:
    """Split a model URI into ``(kind, name_or_run_id, version_or_path)``.

    ``runs:/<id>/<path>`` gives ("runs", id, path); ``models:/<name>/<ver>`` gives ("models", name, ver).

    ``models:/<name>@<alias>`` gives version ``@<alias>``; ``models:/m-<id>`` gives ("models", id, "").
    """
    scheme, _, rest = uri.partition(":")
    rest = rest.lstrip("/")
    if scheme == "runs":
        run_id, _, path = rest.partition("/")
        if not run_id:
            raise InvalidTrackingInputError(f"Invalid model URI {uri!r}: expected runs:/<run_id>/<path>.")
        return "runs", run_id, path.strip("/")
    if scheme == "models":
        name, at, alias = rest.rpartition("@")
        if at and "/" not in alias:
            if not name or not alias:
                raise InvalidTrackingInputError(
                    f"Invalid model URI {uri!r}: expected models:/<name>@<alias>."
                )
            return "models", name, f"@{alias}"
        name, _, version = rest.rstrip("/").rpartition("/")
        if not name:
            name, version = version, ""
        if not version and not name.startswith("m-"):
            raise InvalidTrackingInputError(
                f"Invalid model URI {uri!r}: expected models:/<name>/<version|latest>, "
                "models:/<name>@<alias> or models:/m-<model_id>."
            )
        return "models", name, version
    raise InvalidTrackingInputError(f"Not a runs:/ or models:/ URI: {uri!r}.")


def _download_logged_model(store: Any, model_id: str, sub_path: str = "") -> Path:
    record = store.get_logged_model(model_id)
    repo = artifact_repository(record.artifact_location, store)
    key = f"{model_id}-{hashlib.sha256(sub_path.encode()).hexdigest()[:8]}" if sub_path else model_id
    return repo.download(sub_path, cache_key=key if record.status == "READY" else None)


def _download_any(store: Any, source: str) -> Path:
    if source.startswith(("runs:", "models:")):
        return download_model_uri(source, store=store)
    return artifact_repository(source, store).download("")


def download_model_uri(uri: str, store: Any = None) -> Path:
    """Resolve a ``runs:/`` or ``models:/`` URI to a local model directory (see the module docstring).

    Raises:
        InvalidTrackingInputError: the URI is malformed.
        TrackingError: the run, model or artifact does not exist.
        TrackingServerError: the tracking server failed or was unreachable.
    """
    from .store import get_store

    store = store if store is not None else get_store()
    kind, name, rest = parse_model_uri(uri)
    if kind == "runs":
        run = store.get_run(name)
        repo = artifact_repository(run.info.artifact_uri, store)
        if rest and repo.exists(rest):
            return repo.download(rest)
        first, _, inner = rest.partition("/")
        record = store.find_logged_model(run.info.run_id, first) if first else None
        if record is None:
            raise TrackingError(
                f"{uri}: run {name} has no artifact {rest!r} and no logged model named {first!r}. "
                "Check the path given to log_model(name=/artifact_path=)."
            )
        return _download_logged_model(store, record.model_id, inner)
    if not rest:  # models:/m-<id>
        return _download_logged_model(store, name)
    source = store.get_model_version_source(name, rest)
    return _download_any(store, source)
