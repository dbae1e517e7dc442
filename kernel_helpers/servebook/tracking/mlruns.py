"""Reading the mlruns layout (MLflow's file store): the one reader of its ``meta.yaml`` files.

The local tracking store (:mod:`.file_store`, which also writes the layout) and the static inspector
(:mod:`servebook.inspection`, which locates a model directory inside a store) both read through
here::

    <store>/<exp_id>/meta.yaml                     an experiment: name, artifact_location, lifecycle_stage
    <store>/<exp_id>/<run_id>/meta.yaml            a run: status as MLflow's integer code, times, artifact_uri
    <store>/<exp_id>/<run_id>/artifacts/...        what the run logged
    <store>/<exp_id>/models/m-<hex>/meta.yaml      an MLflow 3.x logged model: name, source_run_id, status
    <store>/<exp_id>/models/m-<hex>/artifacts/     the logged model's directory

Status codes: runs use :class:`~.entities.RunStatus` (1 RUNNING .. 5 KILLED), logged models
:data:`LOGGED_MODEL_STATUS_CODES`. An unknown code reads as its text rather than failing, so a damaged
file costs information, never the listing. Stdlib and PyYAML only (safe loader, no aliases expanded
into objects).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .entities import Experiment, LoggedModelRecord, RunInfo, RunStatus

# the C loader is several times faster; PyYAML built without libyaml has only the Python one
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = [
    "LOGGED_MODEL_STATUS_CODES",
    "META",
    "ModelLocation",
    "experiment",
    "locate_model",
    "logged_model",
    "logged_model_status_name",
    "read_meta",
    "run_info",
    "run_status_name",
]

META = "meta.yaml"
#: MLflow 3.x logged-model states and the integer codes its file store writes
LOGGED_MODEL_STATUS_CODES = {"PENDING": 1, "READY": 2, "FAILED": 3}
_LOGGED_MODEL_STATUS_NAMES = {code: name for name, code in LOGGED_MODEL_STATUS_CODES.items()}
#: meta.yaml files read while locating a model (any file under the Jupyter root may be hostile)
MAX_META_BYTES = 1024 * 1024
_MAX_LEVELS = 8


def read_meta(path: Path, *, max_bytes: int | None = None) -> dict[str, Any]:
    """Parse a ``meta.yaml``; ``{}`` when it holds no mapping.

    Raises:
        OSError: the file cannot be read; ValueError: it is larger than ``max_bytes``;
        yaml.YAMLError: it is not YAML.
    """
    with open(path, encoding="utf-8") as handle:
        if max_bytes is not None and os.fstat(handle.fileno()).st_size > max_bytes:
            raise ValueError(f"{path} is larger than {max_bytes} bytes; it was not read.")
        data = yaml.load(handle, Loader=_Loader)
    return data if isinstance(data, dict) else {}


def run_status_name(code: Any) -> str:
    """The run status for MLflow's integer ``code`` (a status name passes through); unknown: its text."""
    try:
        return RunStatus.from_code(code)
    except (KeyError, ValueError, TypeError):
        return str(code)


def logged_model_status_name(code: Any) -> str:
    """The logged-model status for MLflow's integer ``code`` (a status name passes through)."""
    if isinstance(code, int):
        return _LOGGED_MODEL_STATUS_NAMES.get(code, str(code))
    return str(code)


def experiment(meta: dict[str, Any], exp_dir: Path, tags: dict[str, str]) -> Experiment | None:
    """The experiment an experiment ``meta.yaml`` describes (None without a name: not an experiment)."""
    if "name" not in meta:
        return None
    return Experiment(
        experiment_id=str(meta.get("experiment_id", exp_dir.name)),
        name=str(meta["name"]),
        artifact_location=str(meta.get("artifact_location") or exp_dir.as_uri()),
        lifecycle_stage=str(meta.get("lifecycle_stage") or "active"),
        tags=tags,
        creation_time=meta.get("creation_time"),
        last_update_time=meta.get("last_update_time"),
    )


def run_info(meta: dict[str, Any], run_dir: Path) -> RunInfo:
    """The :class:`~.entities.RunInfo` a run ``meta.yaml`` in ``run_dir`` describes."""
    return RunInfo(
        run_id=str(meta.get("run_id") or meta.get("run_uuid") or run_dir.name),
        experiment_id=str(meta.get("experiment_id", run_dir.parent.name)),
        run_name=str(meta.get("run_name") or ""),
        user_id=str(meta.get("user_id") or ""),
        status=run_status_name(meta.get("status", 1)),
        start_time=meta.get("start_time"),
        end_time=meta.get("end_time"),
        artifact_uri=str(meta.get("artifact_uri") or (run_dir / "artifacts").as_uri()),
        lifecycle_stage=str(meta.get("lifecycle_stage") or "active"),
    )


def logged_model(meta: dict[str, Any], model_dir: Path) -> LoggedModelRecord:
    """The logged model a ``models/m-<hex>/meta.yaml`` describes."""
    return LoggedModelRecord(
        model_id=str(meta.get("model_id", model_dir.name)),
        experiment_id=str(meta.get("experiment_id", "")),
        name=str(meta.get("name", "")),
        artifact_location=str(meta.get("artifact_location") or (model_dir / "artifacts").as_uri()),
        source_run_id=meta.get("source_run_id"),
        status=logged_model_status_name(meta.get("status", 2)),
        creation_timestamp=meta.get("creation_timestamp"),
    )


@dataclass(frozen=True)
class ModelLocation:
    """Where a model directory sits in a tracking store: its run (or logged model) and experiment."""

    run_id: str | None
    run_name: str | None = None
    status: str | None = None
    experiment_id: str | None = None
    experiment_name: str | None = None
    artifact_path: str | None = None
    model_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        return {
            "run_id": self.run_id,
            "run_name": self.run_name,
            "status": self.status,
            "experiment_id": self.experiment_id,
            "experiment_name": self.experiment_name,
            "artifact_path": self.artifact_path,
            "model_id": self.model_id,
        }


def _meta_or_empty(path: Path) -> dict[str, Any]:
    try:
        return read_meta(path, max_bytes=MAX_META_BYTES)
    except Exception:  # a broken or hostile meta.yaml only means less run info, never a failure
        return {}


def locate_model(directory: Path, mlmodel: dict[str, Any] | None = None) -> ModelLocation | None:
    """Locate ``directory`` in an mlruns store, reading ``meta.yaml`` files only.

    Knows ``<exp>/<run>/artifacts/...`` and MLflow 3.x's ``<exp>/models/<model_id>/artifacts``. Falls
    back to the MLmodel's own ``run_id``/``artifact_path`` when the model is not inside a store.
    """
    current = directory.absolute()
    for _ in range(_MAX_LEVELS):
        parent = current.parent
        if current.name == "artifacts" and (parent / META).is_file():
            owner = _meta_or_empty(parent / META)
            rel = os.path.relpath(directory.absolute(), current).replace(os.sep, "/")
            artifact_path = None if rel == "." else rel
            if "model_id" in owner and parent.parent.name == "models":
                exp_dir = parent.parent.parent
                run_id, model_id = owner.get("source_run_id"), owner.get("model_id")
                run_name, status = None, None
            else:
                exp_dir = parent.parent
                run_id = owner.get("run_id") or owner.get("run_uuid") or parent.name
                model_id, run_name = None, owner.get("run_name")
                status = run_status_name(owner["status"]) if owner.get("status") is not None else None
            exp = _meta_or_empty(exp_dir / META)
            return ModelLocation(
                run_id=str(run_id) if run_id else None,
                run_name=str(run_name) if run_name else None,
                status=status,
                experiment_id=str(owner.get("experiment_id", exp.get("experiment_id", exp_dir.name))),
                experiment_name=str(exp["name"]) if "name" in exp else None,
                artifact_path=artifact_path,
                model_id=str(model_id) if model_id else None,
            )
        if parent == current:
            break
        current = parent
    if mlmodel and isinstance(mlmodel.get("run_id"), str):
        art = mlmodel.get("artifact_path")
        return ModelLocation(mlmodel["run_id"], artifact_path=art if isinstance(art, str) else None)
    return None
