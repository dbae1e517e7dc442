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

:class:`Store` is what the fluent API needs from a store, written once; :class:`~.file_store.FileStore`
and :class:`~.rest_store.RestStore` implement it (checked by mypy, see ``_implementations``).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from ..errors import InvalidTrackingInputError
from .entities import Experiment, LoggedModelRecord, Run
from .file_store import FileStore, path_from_file_uri
from .rest_store import RestStore

__all__ = ["Store", "get_store", "get_tracking_uri", "set_tracking_uri"]


class Store(Protocol):
    """A tracking store: experiments, runs, their params/metrics/tags, and MLflow 3.x logged models.

    Values reach a store already validated (:mod:`.validation`); a store raises
    :class:`~servebook.errors.TrackingError` (or :class:`~servebook.errors.InvalidTrackingInputError`
    for a value the backend refuses, :class:`~servebook.errors.TrackingServerError` when a server
    fails).
    """

    def get_experiment(self, experiment_id: str) -> Experiment:
        """The experiment with this id (TrackingError when there is none)."""
        ...

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        """The experiment with this name (deleted ones included), or None."""
        ...

    def create_experiment(self, name: str, tags: dict[str, str] | None = None) -> str:
        """Create an experiment and return its id (TrackingError when the name is taken)."""
        ...

    def get_or_create_experiment(self, name: str) -> Experiment:
        """The experiment ``name``, created when missing (safe against a concurrent creator)."""
        ...

    def create_run(
        self, experiment_id: str, run_name: str, user_id: str, tags: dict[str, str], start_time: int
    ) -> Run:
        """Start a RUNNING run in the experiment."""
        ...

    def get_run(self, run_id: str) -> Run:
        """The run with its latest metrics, params and tags (TrackingError when there is none)."""
        ...

    def get_metric_history(self, run_id: str, key: str) -> list[tuple[int, float, int]]:
        """Every ``(timestamp, value, step)`` logged for ``key``."""
        ...

    def update_run(self, run_id: str, status: str, end_time: int | None, run_name: str | None = None) -> None:
        """Set the run's status and end time (and name)."""
        ...

    def delete_run(self, run_id: str) -> None:
        """Mark the run deleted."""
        ...

    def restore_run(self, run_id: str) -> None:
        """Make a deleted run active again."""
        ...

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[tuple[str, float, int, int]] = (),
        params: Sequence[tuple[str, str]] = (),
        tags: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Log metrics ``(key, value, timestamp, step)``, params and tags; a param's value never changes
        (InvalidTrackingInputError for a different value of a logged key)."""
        ...

    def search_runs(
        self,
        experiment_ids: list[str],
        filter_string: str = "",
        order_by: list[str] | None = None,
        max_results: int = 1000,
        run_view: str = "active",
    ) -> list[Run]:
        """Runs of the experiments matching MLflow's ``filter_string``, ordered by ``order_by``;
        ``run_view`` is ``active``, ``deleted`` or ``all``."""
        ...

    def create_logged_model(self, run: Run, name: str) -> tuple[LoggedModelRecord, Path | None]:
        """Create a PENDING logged model of ``run``, with the local directory to save it into, or None
        when its files are to be uploaded through its artifact repository instead."""
        ...

    def finalize_logged_model(self, record: LoggedModelRecord, status: str = "READY") -> LoggedModelRecord:
        """Publish the logged model as READY (linked from its run) or mark it FAILED."""
        ...

    def discard_logged_model(self, record: LoggedModelRecord) -> None:
        """Undo a logged model whose save failed; never raises over the failure being handled."""
        ...

    def find_logged_model(self, run_id: str, name: str) -> LoggedModelRecord | None:
        """The logged model ``name`` produced by the run, if any."""
        ...

    def get_logged_model(self, model_id: str) -> LoggedModelRecord:
        """The logged model with this id (TrackingError when there is none)."""
        ...

    def get_model_version_source(self, name: str, version: str) -> str:
        """The source URI of a registered model version (``version`` may be ``latest`` or ``@alias``)."""
        ...


def _implementations(file_store: FileStore, rest_store: RestStore) -> tuple[Store, Store]:
    """Never called: mypy checks here that both stores implement :class:`Store`."""
    return file_store, rest_store


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
