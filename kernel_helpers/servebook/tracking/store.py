"""Which tracking store the current process talks to.

Tracking URI precedence (first match wins):

1. ``set_tracking_uri(uri)`` in this process;
2. ``SERVEBOOK_TRACKING_URI`` (servebook-specific, so it can point servebook somewhere else than
   MLflow code running in the same environment);
3. ``MLFLOW_TRACKING_URI`` (so existing MLflow set-ups work unchanged);
4. ``./mlruns`` in the current directory (a local file store). MLflow 3.x's own default is
   ``sqlite:///mlflow.db``; to share runs with MLflow, point both at ``file:<dir>`` (MLflow 3.x also
   needs ``MLFLOW_ALLOW_FILE_STORE=true`` to open a file store) or at an ``http(s)://`` server.

Accepted URIs: a local path, ``file:<path>``/``file:///<abs path>`` (the file store), and
``http://``/``https://`` (an MLflow tracking server). Anything else (``sqlite:``, ``databricks``,
``postgresql:`` ...) is refused with a hint: run ``mlflow server`` on that backend and use its URL.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from ..errors import InvalidTrackingInputError
from .file_store import FileStore, path_from_file_uri
from .rest_store import RestStore

__all__ = ["Store", "get_store", "get_tracking_uri", "set_tracking_uri"]

Store = FileStore | RestStore

# a URI scheme of two or more characters (one letter would be a Windows drive)
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]+):")
_lock = threading.Lock()
_explicit_uri: str | None = None
_stores: dict[str, Store] = {}


def _normalize(uri: str | os.PathLike[str]) -> str:
    text = os.fspath(uri).strip()
    if not text:
        raise InvalidTrackingInputError("The tracking URI is empty; pass a directory or an http(s):// URL.")
    lowered = text.lower()
    if lowered.startswith(("http://", "https://")):
        return text.rstrip("/")
    scheme_match = _SCHEME_RE.match(text)
    if lowered.startswith("file:") or scheme_match is None:
        return path_from_file_uri(text).as_uri()
    scheme = scheme_match.group(1)
    raise InvalidTrackingInputError(
        f"Unsupported tracking URI {text!r} (scheme {scheme!r}). servebook talks to a local file store "
        "(a directory or file:<dir>) or to an MLflow tracking server (http(s)://host:port). For a "
        f"{scheme} backend, run `mlflow server --backend-store-uri {text}` and use its URL."
    )


def set_tracking_uri(uri: str | os.PathLike[str] | None) -> None:
    """Set the tracking URI for this process (``None`` goes back to the environment/default)."""
    global _explicit_uri
    with _lock:
        _explicit_uri = None if uri is None else _normalize(uri)


def get_tracking_uri() -> str:
    """The tracking URI in effect (see the module docstring for the precedence)."""
    if _explicit_uri is not None:
        return _explicit_uri
    for name in ("SERVEBOOK_TRACKING_URI", "MLFLOW_TRACKING_URI"):
        value = os.environ.get(name)
        if value:
            return _normalize(value)
    return (Path.cwd() / "mlruns").resolve().as_uri()


def get_store(uri: str | None = None) -> Store:
    """The store for ``uri`` (default: the current tracking URI), cached per URI."""
    key = _normalize(uri) if uri is not None else get_tracking_uri()
    with _lock:
        store = _stores.get(key)
        if store is None:
            if key.lower().startswith(("http://", "https://")):
                store = RestStore(key)
            else:
                store = FileStore(path_from_file_uri(key))
            _stores[key] = store
        return store
