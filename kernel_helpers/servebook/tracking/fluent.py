"""MLflow's fluent tracking API: the module-level functions ``import servebook as mlflow`` provides.

Same names, arguments and behaviour as ``mlflow.*``: a stack of active runs per thread
(``start_run(nested=True)`` pushes), the active experiment per process, logging calls outside a
run start one, ``with start_run():`` ends the run FINISHED (FAILED when the block raises).
Logging to a finished run by ``run_id`` is allowed (as in MLflow); logging to a deleted run is
refused. Values are validated by :mod:`servebook.tracking.validation` before any I/O. Which store
is used follows :mod:`servebook.tracking.store` (``set_tracking_uri``, ``SERVEBOOK_TRACKING_URI``,
``MLFLOW_TRACKING_URI``, ``./mlruns``).
"""

from __future__ import annotations

import getpass
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidTrackingInputError, TrackingError
from .artifacts import artifact_repository
from .entities import ActiveRun, Experiment, ModelInfo, Run, RunStatus
from .store import get_store, get_tracking_uri, set_tracking_uri
from .validation import (
    validate_artifact_path,
    validate_experiment_name,
    validate_metric,
    validate_param,
    validate_run_id,
    validate_tag,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "active_run",
    "create_experiment",
    "delete_run",
    "end_run",
    "get_artifact_uri",
    "get_experiment",
    "get_experiment_by_name",
    "get_run",
    "get_tracking_uri",
    "last_active_run",
    "log_artifact",
    "log_artifacts",
    "log_dict",
    "log_metric",
    "log_metrics",
    "log_model",
    "log_param",
    "log_params",
    "log_text",
    "search_runs",
    "set_experiment",
    "set_tag",
    "set_tags",
    "set_tracking_uri",
    "start_run",
]

_thread_state = threading.local()
_experiment_lock = threading.Lock()
_active_experiment_id: str | None = None

_ADJECTIVES = (
    "amber", "bold", "brisk", "calm", "clever", "crisp", "eager", "fancy", "gentle", "glossy",
    "grand", "keen", "lively", "lucid", "mellow", "nimble", "polite", "quiet", "rapid", "serene",
    "shiny", "silent", "sleek", "sunny", "swift", "tidy", "vivid", "warm", "witty", "zesty",
)  # fmt: skip
_NOUNS = (
    "badger", "bison", "crane", "dolphin", "eagle", "falcon", "finch", "fox", "gecko", "heron",
    "ibis", "koala", "lark", "lemur", "lynx", "mole", "newt", "otter", "owl", "panda", "quail",
    "raven", "robin", "seal", "shrew", "stork", "tapir", "trout", "whale", "wren",
)  # fmt: skip


def _random_run_name() -> str:
    return f"{random.choice(_ADJECTIVES)}-{random.choice(_NOUNS)}-{random.randint(100, 999)}"


def _now_ms() -> int:
    return int(time.time() * 1000)


def _stack() -> list[ActiveRun]:
    stack = getattr(_thread_state, "stack", None)
    if stack is None:
        stack = _thread_state.stack = []
    return stack


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _source_name() -> str:
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None) or (sys.argv[0] if sys.argv and sys.argv[0] else "")
    return os.path.basename(path) if path else "<console>"


# ---- experiments ------------------------------------------------------------------------------
def set_experiment(experiment_name: str | None = None, experiment_id: str | None = None) -> Experiment:
    """Make an experiment active (created when ``experiment_name`` does not exist yet).

    Raises:
        InvalidTrackingInputError: neither or both arguments given, or a bad name.
        TrackingError: the experiment id does not exist or the experiment is deleted.
    """
    global _active_experiment_id
    if (experiment_name is None) == (experiment_id is None):
        raise InvalidTrackingInputError("Pass exactly one of experiment_name or experiment_id.")
    store = get_store()
    if experiment_name is not None:
        validate_experiment_name(experiment_name)
        experiment = store.get_or_create_experiment(experiment_name)
    else:
        experiment = store.get_experiment(str(experiment_id))
    if experiment.lifecycle_stage != "active":
        raise TrackingError(
            f"Cannot set a deleted experiment {experiment.name!r} as the active experiment. Restore it "
            "with MLflow (`mlflow experiments restore`) or use another name."
        )
    with _experiment_lock:
        _active_experiment_id = experiment.experiment_id
    return experiment


def create_experiment(name: str, tags: Mapping[str, Any] | None = None) -> str:
    """Create an experiment and return its id (an error if the name is taken)."""
    validate_experiment_name(name)
    checked = dict(validate_tag(k, v) for k, v in (tags or {}).items())
    return get_store().create_experiment(name, checked)


def get_experiment(experiment_id: str) -> Experiment:
    """The experiment with this id."""
    return get_store().get_experiment(str(experiment_id))


def get_experiment_by_name(name: str) -> Experiment | None:
    """The experiment with this name, or None."""
    return get_store().get_experiment_by_name(name)


def _current_experiment_id() -> str:
    if _active_experiment_id is not None:
        return _active_experiment_id
    name = os.environ.get("MLFLOW_EXPERIMENT_NAME")
    if name:
        return set_experiment(experiment_name=name).experiment_id
    return os.environ.get("MLFLOW_EXPERIMENT_ID") or "0"


# ---- runs -------------------------------------------------------------------------------------
def start_run(
    run_id: str | None = None,
    experiment_id: str | None = None,
    run_name: str | None = None,
    nested: bool = False,
    parent_run_id: str | None = None,
    tags: Mapping[str, Any] | None = None,
    description: str | None = None,
    log_system_metrics: bool | None = None,
) -> ActiveRun:
    """Start a new run (or resume ``run_id``) and make it active; usable as a context manager.

    Raises:
        TrackingError: a run is already active and ``nested`` is False; the run is deleted.
        InvalidTrackingInputError: a bad run id or tag.
    """
    del log_system_metrics  # accepted for MLflow compatibility; servebook does not sample the system
    stack = _stack()
    if stack and not nested:
        raise TrackingError(
            f"Run with UUID {stack[-1].info.run_id} is already active. To start a new run, first end "
            "the current run with end_run(). To start a nested run, call start_run with nested=True."
        )
    store = get_store()
    user_tags = dict(validate_tag(k, v) for k, v in (tags or {}).items())
    if description is not None:
        user_tags["mlflow.note.content"] = str(description)
    if run_id is not None:
        validate_run_id(run_id)
        existing = store.get_run(run_id)
        if existing.info.lifecycle_stage != "active":
            raise TrackingError(f"Cannot start run {run_id!r}: it is deleted. Restore it or start a new run.")
        if experiment_id is not None and str(experiment_id) != existing.info.experiment_id:
            raise TrackingError(
                f"Run {run_id!r} belongs to experiment {existing.info.experiment_id}, not {experiment_id}."
            )
        store.update_run(run_id, RunStatus.RUNNING, None, run_name=run_name)
        if user_tags:
            store.log_batch(run_id, tags=list(user_tags.items()))
        run = store.get_run(run_id)
    else:
        parent = parent_run_id or (stack[-1].info.run_id if stack and nested else None)
        name = run_name or user_tags.get("mlflow.runName") or _random_run_name()
        all_tags = {
            "mlflow.user": _user(),
            "mlflow.source.name": _source_name(),
            "mlflow.source.type": "LOCAL",
            **user_tags,
            "mlflow.runName": name,
        }
        if parent:
            all_tags["mlflow.parentRunId"] = parent
        exp_id = str(experiment_id) if experiment_id is not None else _current_experiment_id()
        run = store.create_run(exp_id, name, all_tags["mlflow.user"], all_tags, _now_ms())
    active = ActiveRun(run, end_run_by_id)
    stack.append(active)
    return active


def end_run_by_id(run_id: str, status: str) -> None:
    """End run ``run_id`` and any run nested above it (``ActiveRun.__exit__``); no-op if already ended."""
    stack = _stack()
    if not any(r.info.run_id == run_id for r in stack):
        return  # already ended explicitly inside the with-block
    while stack:
        top = stack[-1]
        end_run(status if top.info.run_id == run_id else RunStatus.FINISHED)
        if top.info.run_id == run_id:
            break


def end_run(status: str = "FINISHED") -> None:
    """End the active run (no-op when none is active)."""
    if status not in RunStatus.all():
        raise InvalidTrackingInputError(
            f"Unknown run status {status!r}; use one of {', '.join(RunStatus.all())}."
        )
    stack = _stack()
    if not stack:
        return
    run = stack[-1]
    get_store().update_run(run.info.run_id, status, _now_ms())
    stack.pop()
    _thread_state.last_run_id = run.info.run_id


def active_run() -> ActiveRun | None:
    """The active run of this thread, or None."""
    stack = _stack()
    return stack[-1] if stack else None


def last_active_run() -> Run | None:
    """The active run, else the most recently ended run of this thread (fetched fresh), or None."""
    current = active_run()
    run_id = current.info.run_id if current else getattr(_thread_state, "last_run_id", None)
    return get_store().get_run(run_id) if run_id else None


def get_run(run_id: str) -> Run:
    """Fetch a run by id (with its latest metrics, params and tags)."""
    return get_store().get_run(validate_run_id(run_id))


def delete_run(run_id: str) -> None:
    """Mark a run deleted (it stays on disk; logging to it is refused)."""
    get_store().delete_run(validate_run_id(run_id))


def _target_run_id(run_id: str | None = None) -> str:
    if run_id is not None:
        return validate_run_id(run_id)
    current = active_run()
    if current is None:
        current = start_run()
    return current.info.run_id


# ---- params, metrics, tags --------------------------------------------------------------------
def log_param(key: str, value: Any, synchronous: bool | None = None) -> Any:
    """Log one param (immutable: a different value for an existing key is an error)."""
    checked = validate_param(key, value)
    get_store().log_batch(_target_run_id(), params=[checked])
    return value


def log_params(params: Mapping[str, Any], synchronous: bool | None = None, run_id: str | None = None) -> None:
    """Log several params at once."""
    checked = [validate_param(k, v) for k, v in params.items()]
    get_store().log_batch(_target_run_id(run_id), params=checked)


def log_metric(
    key: str,
    value: float,
    step: int | None = None,
    synchronous: bool | None = None,
    timestamp: int | None = None,
    run_id: str | None = None,
    **_ignored: Any,
) -> None:
    """Log one metric value (NaN and infinities allowed) at ``step`` (default 0)."""
    checked = validate_metric(key, value, timestamp if timestamp is not None else _now_ms(), step or 0)
    get_store().log_batch(_target_run_id(run_id), metrics=[checked])


def log_metrics(
    metrics: Mapping[str, float],
    step: int | None = None,
    synchronous: bool | None = None,
    run_id: str | None = None,
    timestamp: int | None = None,
    **_ignored: Any,
) -> None:
    """Log several metrics with one timestamp and step."""
    ts = timestamp if timestamp is not None else _now_ms()
    checked = [validate_metric(k, v, ts, step or 0) for k, v in metrics.items()]
    get_store().log_batch(_target_run_id(run_id), metrics=checked)


def set_tag(key: str, value: Any, synchronous: bool | None = None) -> None:
    """Set one tag (tags can be overwritten)."""
    get_store().log_batch(_target_run_id(), tags=[validate_tag(key, value)])


def set_tags(tags: Mapping[str, Any], synchronous: bool | None = None) -> None:
    """Set several tags."""
    get_store().log_batch(_target_run_id(), tags=[validate_tag(k, v) for k, v in tags.items()])


# ---- artifacts --------------------------------------------------------------------------------
def _run_repo(run_id: str) -> Any:
    store = get_store()
    run = store.get_run(run_id)
    if run.info.lifecycle_stage != "active":
        raise TrackingError(f"Run {run_id!r} is deleted; logging artifacts to it is refused.")
    return artifact_repository(run.info.artifact_uri, store)


def log_artifact(
    local_path: str | os.PathLike[str], artifact_path: str | None = None, run_id: str | None = None
) -> None:
    """Copy a local file into the run's artifacts (under ``artifact_path`` if given)."""
    source = Path(local_path)
    if not source.is_file():
        raise InvalidTrackingInputError(
            f"log_artifact: {str(source)!r} is not a file"
            + ("; use log_artifacts for a directory." if source.is_dir() else ".")
        )
    _run_repo(_target_run_id(run_id)).log_file(source, validate_artifact_path(artifact_path))


def log_artifacts(
    local_dir: str | os.PathLike[str], artifact_path: str | None = None, run_id: str | None = None
) -> None:
    """Copy every file under a local directory into the run's artifacts."""
    source = Path(local_dir)
    if not source.is_dir():
        raise InvalidTrackingInputError(f"log_artifacts: {str(source)!r} is not a directory.")
    _run_repo(_target_run_id(run_id)).log_dir(source, validate_artifact_path(artifact_path))


def log_text(text: str, artifact_file: str, run_id: str | None = None) -> None:
    """Write ``text`` to ``artifact_file`` (a run-relative path) in the run's artifacts."""
    rel = validate_artifact_path(artifact_file)
    if not rel:
        raise InvalidTrackingInputError("log_text: artifact_file must name a file, e.g. 'notes/summary.txt'.")
    _run_repo(_target_run_id(run_id)).write_text(rel, text)


def log_dict(dictionary: Any, artifact_file: str, run_id: str | None = None) -> None:
    """Write a dict as JSON (or YAML for ``.yaml``/``.yml`` files) into the run's artifacts."""
    if artifact_file.endswith((".yaml", ".yml")):
        import yaml

        text = yaml.safe_dump(dictionary, indent=2, default_flow_style=False)
    else:
        text = json.dumps(dictionary, indent=2)
    log_text(text, artifact_file, run_id=run_id)


def get_artifact_uri(artifact_path: str | None = None) -> str:
    """The artifact URI of the active run (starting one if needed), optionally joined with a path."""
    run = get_store().get_run(_target_run_id())
    rel = validate_artifact_path(artifact_path)
    return f"{run.info.artifact_uri.rstrip('/')}/{rel}" if rel else run.info.artifact_uri


# ---- search -----------------------------------------------------------------------------------
_VIEW = {
    1: "active",
    2: "deleted",
    3: "all",
    "ACTIVE_ONLY": "active",
    "DELETED_ONLY": "deleted",
    "ALL": "all",
}


def search_runs(
    experiment_ids: list[str] | None = None,
    filter_string: str = "",
    run_view_type: int | str = 1,
    max_results: int = 100000,
    order_by: list[str] | None = None,
    output_format: str = "pandas",
    search_all_experiments: bool = False,
    experiment_names: list[str] | None = None,
) -> pd.DataFrame | list[Run]:
    """Search runs like ``mlflow.search_runs``: a DataFrame (or a list with ``output_format="list"``).

    Columns: ``run_id, experiment_id, status, artifact_uri, start_time, end_time`` (UTC datetimes),
    then ``metrics.<key>``, ``params.<key>``, ``tags.<key>``.
    """
    from .file_store import FileStore

    if output_format not in ("pandas", "list"):
        raise InvalidTrackingInputError(f"output_format must be 'pandas' or 'list', got {output_format!r}.")
    view = _VIEW.get(run_view_type)
    if view is None:
        raise InvalidTrackingInputError(
            f"run_view_type must be 1 (active), 2 (deleted) or 3 (all), got {run_view_type!r}."
        )
    store = get_store()
    ids = [str(e) for e in experiment_ids or []]
    for name in experiment_names or []:
        exp = store.get_experiment_by_name(name)
        if exp is not None:
            ids.append(exp.experiment_id)
    if not ids and experiment_ids is None and experiment_names is None:
        if search_all_experiments and isinstance(store, FileStore):
            ids = [e.experiment_id for e in store.list_experiments()]
        else:
            ids = [_current_experiment_id()]
    runs = store.search_runs(ids, filter_string, order_by, max_results, view) if ids else []
    if output_format == "list":
        return runs
    return _runs_to_frame(runs)


def _runs_to_frame(runs: list[Run]) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    def when(ms: int | None) -> Any:
        return pd.to_datetime(ms, unit="ms", utc=True) if ms is not None else pd.NaT

    rows: dict[str, list[Any]] = {
        c: [] for c in ("run_id", "experiment_id", "status", "artifact_uri", "start_time", "end_time")
    }
    metric_keys = sorted({k for r in runs for k in r.data.metrics})
    param_keys = sorted({k for r in runs for k in r.data.params})
    tag_keys = sorted({k for r in runs for k in r.data.tags})
    for r in runs:
        rows["run_id"].append(r.info.run_id)
        rows["experiment_id"].append(r.info.experiment_id)
        rows["status"].append(r.info.status)
        rows["artifact_uri"].append(r.info.artifact_uri)
        rows["start_time"].append(when(r.info.start_time))
        rows["end_time"].append(when(r.info.end_time))
    columns: dict[str, Any] = dict(rows)
    if runs:
        columns["start_time"] = pd.to_datetime(pd.Series(rows["start_time"], dtype=object), utc=True)
        columns["end_time"] = pd.to_datetime(pd.Series(rows["end_time"], dtype=object), utc=True)
    for key in metric_keys:
        columns[f"metrics.{key}"] = [r.data.metrics.get(key, np.nan) for r in runs]
    for key in param_keys:
        columns[f"params.{key}"] = [r.data.params.get(key) for r in runs]
    for key in tag_keys:
        columns[f"tags.{key}"] = [r.data.tags.get(key) for r in runs]
    return pd.DataFrame(columns)


# ---- models -----------------------------------------------------------------------------------
def log_model(
    artifact_path: str | None = None,
    python_model: Any = None,
    *,
    name: str | None = None,
    registered_model_name: str | None = None,
    await_registration_for: int | None = None,
    **save_kwargs: Any,
) -> ModelInfo:
    """Save a pyfunc model into the active run (MLflow's ``mlflow.pyfunc.log_model``).

    Takes every argument of :func:`servebook.format.save.save_model` (``artifacts``, ``code_paths`` or
    the older ``code_path``, ``signature``, ``input_example``, ``pip_requirements``, ``metadata``
    ...) plus the model's run-relative ``name`` (``artifact_path`` is the older spelling;
    default ``"model"``). Outside a run, a run is started, as MLflow does. The model is stored as
    an MLflow 3.x logged model of the run and loads with ``load_model(info.model_uri)``
    (``models:/<model_id>``, as MLflow 3 returns it; ``runs:/<run_id>/<name>`` loads it too) in
    servebook and in MLflow.

    Raises:
        InvalidTrackingInputError: a bad name.
        SaveError: save_model refused the model (a server's logged model is marked FAILED; the
            local store's is removed, never having been listed).
        TrackingError, TrackingServerError: the store failed.
    """
    from ..format.save import save_model

    del await_registration_for
    if python_model is not None:
        save_kwargs["python_model"] = python_model
    return log_with(
        save_model,
        artifact_path=artifact_path,
        name=name,
        registered_model_name=registered_model_name,
        **save_kwargs,
    )


def log_with(
    save: Callable[..., Any],
    *,
    artifact_path: str | None,
    name: str | None,
    registered_model_name: str | None,
    **save_kwargs: Any,
) -> ModelInfo:
    """Log a model saved by ``save(path=..., mlflow_model=..., **save_kwargs)`` into the active run.

    The flavor-independent half of every ``log_model`` (pyfunc, sklearn): the run, the MLflow 3.x
    logged model, saving straight into a local store or uploading to a server, registration.
    """
    from ..format.mlmodel import Model

    if name is not None and artifact_path is not None and name != artifact_path:
        raise InvalidTrackingInputError(
            f"Pass name= or artifact_path=, not both ({name!r} vs {artifact_path!r})."
        )
    model_name = validate_artifact_path(name or artifact_path or "model")
    if not model_name or "/" in model_name:
        raise InvalidTrackingInputError(
            f"Model name {model_name!r} must be a single path segment (letters, digits, '-', '_', '.')."
        )
    store = get_store()
    run = store.get_run(_target_run_id())
    record, local_dir = store.create_logged_model(run, model_name)
    staging_root = None
    if local_dir is not None:  # the store keeps models on this machine: save straight into place
        model_dir = local_dir
    else:  # saved here first, then uploaded through the store's artifact repository
        staging_root = Path(tempfile.mkdtemp(prefix="servebook-log-model-"))
        model_dir = staging_root / "model"
    try:
        mlmodel = Model(
            run_id=run.info.run_id,
            artifact_path=record.artifact_location,
            model_id=record.model_id,
            model_uuid=record.model_id,
        )
        saved = save(path=model_dir, mlflow_model=mlmodel, **save_kwargs)
        if staging_root is not None:
            artifact_repository(record.artifact_location, store).log_dir(model_dir, "")
        record = store.finalize_logged_model(record, "READY")
    except BaseException:
        store.discard_logged_model(record)
        raise
    finally:
        if staging_root is not None:
            import shutil

            shutil.rmtree(staging_root, ignore_errors=True)
    version = None
    if registered_model_name:
        version = _register(store, registered_model_name, run.info.run_id, record.model_id, model_name)
    return ModelInfo(
        model_uri=f"models:/{record.model_id}",
        run_id=run.info.run_id,
        artifact_path=model_name,
        model_id=record.model_id,
        artifact_location=record.artifact_location,
        flavors=saved.flavors,
        signature=saved.signature,
        model_uuid=saved.model_uuid,
        utc_time_created=saved.utc_time_created,
        mlflow_version=saved.mlflow_version,
        metadata=saved.metadata,
        saved_input_example_info=saved.saved_input_example_info,
        registered_model_version=version,
    )


def _register(store: Any, name: str, run_id: str, model_id: str, model_name: str) -> int:
    register = getattr(store, "register_model", None)
    if register is None:
        raise TrackingError(
            f"registered_model_name={name!r} needs a model registry: log to an MLflow tracking server "
            "(set_tracking_uri('http://host:port')). The model itself was logged."
        )
    return int(register(name, f"models:/{model_id}", run_id, model_id))
