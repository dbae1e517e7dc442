"""The local tracking store: MLflow's file-store layout, readable and writable by both tools.

Layout (as MLflow 3.x writes it; ``mlflow ui`` and ``mlflow.search_runs`` read it)::

    mlruns/
      .trash/                                   deleted experiments are moved here
      0/meta.yaml                               the "Default" experiment
      <exp_id>/meta.yaml                        name, artifact_location (file: URI), lifecycle_stage, ...
      <exp_id>/tags/<key>                       experiment tags, one file per key
      <exp_id>/<run_id>/meta.yaml               run info: status as an int (1 RUNNING .. 5 KILLED),
                                                start/end_time in ms, artifact_uri, lifecycle_stage
      <exp_id>/<run_id>/params/<key>            the value, no newline (immutable once written)
      <exp_id>/<run_id>/metrics/<key>           one line per value: "<timestamp_ms> <value> <step>"
      <exp_id>/<run_id>/tags/<key>              the value, no newline
      <exp_id>/<run_id>/artifacts/...           files logged with log_artifact(s)/log_text/log_dict
      <exp_id>/<run_id>/outputs/<model_id>/meta.yaml   link run -> logged model
      <exp_id>/models/m-<hex>/meta.yaml         MLflow 3.x logged model (name, source_run_id, status)
      <exp_id>/models/m-<hex>/{params,tags,metrics}/
      <exp_id>/models/m-<hex>/artifacts/MLmodel the model directory itself

Keys with slashes become sub-directories (``params/a/b``), as in MLflow. ``runs:/<run_id>/<name>``
resolves to ``<run>/artifacts/<name>`` when that exists, else to the logged model of that run
named ``<name>`` (MLflow's rule).

Concurrency: metric lines are single ``O_APPEND`` writes; params are created with a link so two
writers cannot both win; every other file is replaced atomically; experiment creation holds a
``flock`` on the store root. Two processes logging to one store at once lose nothing.

A logged model is published by its ``meta.yaml``: ``create_logged_model`` fills a fresh
``models/m-<hex>/`` (params, tags, empty metrics/) without it, the model is saved into its
``artifacts/``, and ``finalize_logged_model`` writes ``meta.yaml`` atomically, already READY. Both
tools skip a model directory without ``meta.yaml``, so readers never see a half-written model, and a
failed or crashed save leaves nothing listed (MLflow itself shows a PENDING model meanwhile).
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ..errors import InvalidTrackingInputError, TrackingError
from . import _fs, mlruns
from .entities import Experiment, LoggedModelRecord, Run, RunData, RunInfo, RunStatus

__all__ = ["FileStore", "path_from_file_uri"]

DEFAULT_EXPERIMENT_ID = "0"


def _now_ms() -> int:
    return int(time.time() * 1000)


def path_from_file_uri(uri: str) -> Path:
    """``file:///a/b`` / ``file:a/b`` / ``/a/b`` -> an absolute local path."""
    if uri.startswith("file:"):
        parsed = urlparse(uri)
        if parsed.netloc not in ("", "localhost"):
            raise InvalidTrackingInputError(f"file URI {uri!r} names a remote host; use a local path.")
        return Path(unquote(parsed.path)).resolve()
    return Path(uri).expanduser().resolve()


def _read_value(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _read_key_files(folder: Path) -> dict[str, str]:
    """Read ``folder/<key>`` files, keys with slashes living in sub-directories."""
    out: dict[str, str] = {}
    if not folder.is_dir():
        return out
    for root, _dirs, files in os.walk(folder):
        for name in files:
            if name.startswith(".") and ".tmp-" in name:
                continue
            full = Path(root) / name
            key = full.relative_to(folder).as_posix()
            out[key] = _read_value(full)
    return out


def _parse_metric_line(line: str) -> tuple[int, float, int] | None:
    parts = line.split()
    if len(parts) < 2:
        return None
    step = int(parts[2]) if len(parts) > 2 else 0
    return int(parts[0]), float(parts[1]), step


def _format_float(value: float) -> str:
    return repr(float(value))


class FileStore:
    """A tracking store in a local directory with MLflow's file-store layout."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self.root_uri = self.root.as_uri()
        self._run_dirs: dict[str, Path] = {}
        self._artifact_locations: dict[str, str] = {}  # experiment id -> its (immutable) location
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / ".trash").mkdir(exist_ok=True)
        if not (self.root / DEFAULT_EXPERIMENT_ID / "meta.yaml").exists():
            with _fs.locked(self.root):
                if not (self.root / DEFAULT_EXPERIMENT_ID / "meta.yaml").exists():
                    self._write_experiment(DEFAULT_EXPERIMENT_ID, "Default")

    def __repr__(self) -> str:
        return f"FileStore({str(self.root)!r})"

    # ---- experiments -------------------------------------------------------------------------
    def _write_experiment(self, experiment_id: str, name: str, tags: dict[str, str] | None = None) -> None:
        exp_dir = self.root / experiment_id
        exp_dir.mkdir(exist_ok=True)
        now = _now_ms()
        for key, value in (tags or {}).items():
            target = exp_dir / "tags" / key
            target.parent.mkdir(parents=True, exist_ok=True)
            _fs.write_atomic(target, value)
        _fs.write_yaml(
            exp_dir / "meta.yaml",
            {
                "artifact_location": exp_dir.as_uri(),
                "creation_time": now,
                "effective_trace_archival_retention": None,
                "experiment_id": experiment_id,
                "last_update_time": now,
                "lifecycle_stage": "active",
                "name": name,
                "trace_location": None,
                "workspace": "default",
            },
        )

    def _experiment_from_dir(self, exp_dir: Path) -> Experiment | None:
        meta_path = exp_dir / "meta.yaml"
        if not meta_path.is_file():
            return None
        meta = mlruns.read_meta(meta_path)
        if "name" not in meta:
            return None
        return mlruns.experiment(meta, exp_dir, _read_key_files(exp_dir / "tags"))

    def list_experiments(self, include_deleted: bool = False) -> list[Experiment]:
        dirs = [p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")]
        if include_deleted and (self.root / ".trash").is_dir():
            dirs += [p for p in (self.root / ".trash").iterdir() if p.is_dir()]
        out = [exp for d in dirs if (exp := self._experiment_from_dir(d)) is not None]
        return out

    def get_experiment(self, experiment_id: str) -> Experiment:
        experiment_id = str(experiment_id)
        if not experiment_id or "/" in experiment_id or experiment_id.startswith("."):
            raise InvalidTrackingInputError(f"Invalid experiment id {experiment_id!r}.")
        for candidate in (self.root / experiment_id, self.root / ".trash" / experiment_id):
            exp = self._experiment_from_dir(candidate)
            if exp is not None:
                return exp
        raise TrackingError(f"No experiment with id {experiment_id!r} in the store at {self.root}.")

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        for exp in self.list_experiments(include_deleted=True):
            if exp.name == name:
                return exp
        return None

    def create_experiment(self, name: str, tags: dict[str, str] | None = None) -> str:
        with _fs.locked(self.root):
            existing = self.get_experiment_by_name(name)
            if existing is not None:
                state = " (it is deleted; restore it or pick another name)" * (
                    existing.lifecycle_stage != "active"
                )
                raise TrackingError(f"Experiment {name!r} already exists{state}.")
            while True:
                experiment_id = str(secrets.randbits(62) + 1)
                if not (self.root / experiment_id).exists():
                    break
            self._write_experiment(experiment_id, name, tags)
        return experiment_id

    def get_or_create_experiment(self, name: str) -> Experiment:
        """Return the active experiment ``name``, creating it (race-free across processes)."""
        exp = self.get_experiment_by_name(name)
        if exp is None:
            with _fs.locked(self.root):
                exp = self.get_experiment_by_name(name)
                if exp is None:
                    while True:
                        experiment_id = str(secrets.randbits(62) + 1)
                        if not (self.root / experiment_id).exists():
                            break
                    self._write_experiment(experiment_id, name)
                    exp = self.get_experiment(experiment_id)
        return exp

    # ---- runs --------------------------------------------------------------------------------
    def _run_dir(self, run_id: str) -> Path:
        cached = self._run_dirs.get(run_id)
        if cached is not None and (cached / "meta.yaml").is_file():
            return cached
        for exp_dir in self.root.iterdir():
            if exp_dir.name.startswith(".") and exp_dir.name != ".trash":
                continue
            candidates = [exp_dir / run_id]
            if exp_dir.name == ".trash":
                candidates = [d / run_id for d in exp_dir.iterdir() if d.is_dir()]
            for candidate in candidates:
                if (candidate / "meta.yaml").is_file():
                    self._run_dirs[run_id] = candidate
                    return candidate
        raise TrackingError(f"Run {run_id!r} not found in the store at {self.root}.")

    def create_run(
        self, experiment_id: str, run_name: str, user_id: str, tags: dict[str, str], start_time: int
    ) -> Run:
        exp = self.get_experiment(experiment_id)
        if exp.lifecycle_stage != "active":
            raise TrackingError(f"Cannot create a run in deleted experiment {exp.name!r} ({experiment_id}).")
        run_id = uuid.uuid4().hex
        run_dir = self.root / exp.experiment_id / run_id
        for sub in ("artifacts", "metrics", "params", "tags"):
            (run_dir / sub).mkdir(parents=True, exist_ok=True)
        for key, value in tags.items():
            _fs.write_atomic(run_dir / "tags" / key, value)
        artifact_uri = f"{exp.artifact_location.rstrip('/')}/{run_id}/artifacts"
        _fs.write_yaml(
            run_dir / "meta.yaml",
            {
                "artifact_uri": artifact_uri,
                "end_time": None,
                "entry_point_name": "",
                "experiment_id": exp.experiment_id,
                "lifecycle_stage": "active",
                "run_id": run_id,
                "run_name": run_name,
                "source_name": "",
                "source_type": 4,
                "source_version": "",
                "start_time": start_time,
                "status": RunStatus.to_code(RunStatus.RUNNING),
                "tags": [],
                "user_id": user_id,
            },
        )
        self._run_dirs[run_id] = run_dir
        return self.get_run(run_id)

    def _read_info(self, run_dir: Path) -> RunInfo:
        return mlruns.run_info(mlruns.read_meta(run_dir / "meta.yaml"), run_dir)

    def _latest_metrics(self, run_dir: Path) -> dict[str, float]:
        out: dict[str, float] = {}
        folder = run_dir / "metrics"
        if not folder.is_dir():
            return out
        for root, _dirs, files in os.walk(folder):
            for name in files:
                full = Path(root) / name
                best: tuple[int, int, int] | None = None
                for index, line in enumerate(full.read_text(encoding="utf-8").splitlines()):
                    parsed = _parse_metric_line(line)
                    if parsed is None:
                        continue
                    rank = (parsed[2], parsed[0], index)
                    if best is None or rank >= best:
                        best = rank
                        out[full.relative_to(folder).as_posix()] = parsed[1]
        return out

    def _read_run(self, run_dir: Path) -> Run:
        info = self._read_info(run_dir)
        data = RunData(
            metrics=self._latest_metrics(run_dir),
            params=_read_key_files(run_dir / "params"),
            tags=_read_key_files(run_dir / "tags"),
        )
        if not info.run_name and "mlflow.runName" in data.tags:
            info = RunInfo(**{**info.__dict__, "run_name": data.tags["mlflow.runName"]})
        return Run(info=info, data=data)

    def get_run(self, run_id: str) -> Run:
        return self._read_run(self._run_dir(run_id))

    def get_metric_history(self, run_id: str, key: str) -> list[tuple[int, float, int]]:
        path = self._run_dir(run_id) / "metrics" / key
        if not path.is_file():
            return []
        lines = path.read_text(encoding="utf-8").splitlines()
        return [p for line in lines if (p := _parse_metric_line(line)) is not None]

    def _check_active(self, run_dir: Path) -> RunInfo:
        info = self._read_info(run_dir)
        if info.lifecycle_stage != "active":
            raise TrackingError(
                f"Run {info.run_id!r} is deleted; logging to it is refused. Restore it or start a new run."
            )
        return info

    def update_run(self, run_id: str, status: str, end_time: int | None, run_name: str | None = None) -> None:
        run_dir = self._run_dir(run_id)
        meta = mlruns.read_meta(run_dir / "meta.yaml")
        meta["status"] = RunStatus.to_code(status)
        meta["end_time"] = end_time
        if run_name is not None:
            meta["run_name"] = run_name
            self._write_tag(run_dir, "mlflow.runName", run_name)
        _fs.write_yaml(run_dir / "meta.yaml", meta)

    def delete_run(self, run_id: str) -> None:
        run_dir = self._run_dir(run_id)
        meta = mlruns.read_meta(run_dir / "meta.yaml")
        meta["lifecycle_stage"] = "deleted"
        meta["deleted_time"] = _now_ms()
        _fs.write_yaml(run_dir / "meta.yaml", meta)

    def restore_run(self, run_id: str) -> None:
        run_dir = self._run_dir(run_id)
        meta = mlruns.read_meta(run_dir / "meta.yaml")
        meta["lifecycle_stage"] = "active"
        meta.pop("deleted_time", None)
        _fs.write_yaml(run_dir / "meta.yaml", meta)

    def _write_tag(self, run_dir: Path, key: str, value: str) -> None:
        _fs.write_atomic(run_dir / "tags" / key, value)

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[tuple[str, float, int, int]] = (),
        params: Sequence[tuple[str, str]] = (),
        tags: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Log already-validated metrics ``(key, value, ts, step)``, params and tags."""
        run_dir = self._run_dir(run_id)
        info = self._check_active(run_dir)
        for key, value in params:
            existing = _fs.create_once(run_dir / "params" / key, value)
            if existing is not None and existing != value:
                raise InvalidTrackingInputError(
                    f"Changing param values is not allowed. Param with key={key!r} was already logged "
                    f"with value={existing!r} for run ID={info.run_id!r}. Attempted logging new value "
                    f"{value!r}. Log it under another key or start a new run."
                )
        for key, number, timestamp, step in metrics:
            _fs.append_line(run_dir / "metrics" / key, f"{timestamp} {_format_float(number)} {step}")
        for key, value in tags:
            self._write_tag(run_dir, key, value)
            if key == "mlflow.runName":
                meta = mlruns.read_meta(run_dir / "meta.yaml")
                meta["run_name"] = value
                _fs.write_yaml(run_dir / "meta.yaml", meta)

    def search_runs(
        self,
        experiment_ids: list[str],
        filter_string: str = "",
        order_by: list[str] | None = None,
        max_results: int = 1000,
        run_view: str = "active",
    ) -> list[Run]:
        from .search import filter_runs, sort_runs

        return sort_runs(filter_runs(self._runs(experiment_ids, run_view), filter_string), order_by)[
            :max_results
        ]

    def _runs(self, experiment_ids: list[str], run_view: str) -> list[Run]:
        runs: list[Run] = []
        for experiment_id in experiment_ids:
            exp = self.get_experiment(experiment_id)
            exp_dir = path_from_file_uri(exp.artifact_location)
            if not exp_dir.is_dir() or not (exp_dir / "meta.yaml").exists():
                exp_dir = self.root / exp.experiment_id
            for run_dir in exp_dir.iterdir():
                if run_dir.name in ("models", "tags", "datasets", "traces") or not run_dir.is_dir():
                    continue
                if not (run_dir / "meta.yaml").is_file():
                    continue
                run = self._read_run(run_dir)
                if run_view == "all" or run.info.lifecycle_stage == run_view:
                    runs.append(run)
        return runs

    def run_artifact_dir(self, run_id: str) -> Path:
        info = self.get_run(run_id).info
        return path_from_file_uri(info.artifact_uri)

    # ---- logged models (MLflow 3.x) ----------------------------------------------------------
    def _experiment_artifact_location(self, experiment_id: str) -> str:
        """The experiment's artifact location, read once per store (it never changes); the
        experiment must still be in place (not moved to ``.trash``) and active."""
        cached = self._artifact_locations.get(experiment_id)
        if cached is not None and (self.root / experiment_id / "meta.yaml").is_file():
            return cached
        exp = self.get_experiment(experiment_id)
        if exp.lifecycle_stage != "active":
            raise TrackingError(f"Cannot log a model to deleted experiment {exp.name!r} ({experiment_id}).")
        self._artifact_locations[experiment_id] = exp.artifact_location
        return exp.artifact_location

    def create_logged_model(self, run: Run, name: str) -> tuple[LoggedModelRecord, Path]:
        """Prepare an unpublished logged model of ``run``; return it (PENDING) and its artifact dir
        (not created yet: ``save_model`` moves the finished model there). Nothing is listed until
        :meth:`finalize_logged_model` writes ``meta.yaml``, so a failed save is discarded by
        removing the directory (:meth:`discard_logged_model`)."""
        self._check_active(self._run_dir(run.info.run_id))
        experiment_id = run.info.experiment_id
        model_id = f"m-{uuid.uuid4().hex}"
        experiment_dir = path_from_file_uri(self._experiment_artifact_location(experiment_id))
        model_dir = experiment_dir / "models" / model_id
        model_dir.mkdir(parents=True)
        for sub in ("metrics", "params", "tags"):  # MLflow creates metrics/ and params/ up front
            (model_dir / sub).mkdir()
        # plain writes: no reader can find this directory before its meta.yaml exists
        for key, value in run.data.params.items():  # MLflow copies the run's params to the model
            _fs.write_unpublished(model_dir / "params" / key, value)
        for key in ("mlflow.source.name", "mlflow.source.type", "mlflow.user"):
            if key in run.data.tags:
                _fs.write_unpublished(model_dir / "tags" / key, run.data.tags[key])
        artifact_dir = model_dir / "artifacts"
        record = LoggedModelRecord(
            model_id=model_id,
            experiment_id=experiment_id,
            name=name,
            artifact_location=artifact_dir.as_uri(),
            source_run_id=run.info.run_id,
            status="PENDING",
            creation_timestamp=_now_ms(),
        )
        return record, artifact_dir

    def _write_logged_model_meta(self, model_dir: Path, record: LoggedModelRecord) -> None:
        _fs.write_yaml(
            model_dir / "meta.yaml",
            {
                "artifact_location": record.artifact_location,
                "creation_timestamp": record.creation_timestamp or _now_ms(),
                "experiment_id": record.experiment_id,
                "last_updated_timestamp": _now_ms(),
                "model_id": record.model_id,
                "model_type": None,
                "name": record.name,
                "source_run_id": record.source_run_id,
                "status": mlruns.LOGGED_MODEL_STATUS_CODES[record.status],
                "status_message": None,
            },
        )

    def finalize_logged_model(self, record: LoggedModelRecord, status: str = "READY") -> LoggedModelRecord:
        """Publish the model with ``status`` (its ``meta.yaml``, written atomically) and, when READY,
        link it from the run's ``outputs/``."""
        model_dir = path_from_file_uri(record.artifact_location).parent
        final = LoggedModelRecord(**{**record.__dict__, "status": status})
        self._write_logged_model_meta(model_dir, final)
        if record.source_run_id and status == "READY":
            out_dir = self._run_dir(record.source_run_id) / "outputs" / record.model_id
            try:  # new for each model; outputs/ exists from the run's second model on
                out_dir.mkdir()
            except FileNotFoundError:
                out_dir.parent.mkdir(exist_ok=True)
                out_dir.mkdir()
            _fs.write_yaml(
                out_dir / "meta.yaml",
                {
                    "destination_id": record.model_id,
                    "destination_type": "MODEL_OUTPUT",
                    "source_id": record.model_id,
                    "source_type": "RUN_OUTPUT",
                    "step": 0,
                    "tags": {},
                },
            )
        return final

    def _logged_model_from_dir(self, model_dir: Path) -> LoggedModelRecord | None:
        meta_path = model_dir / "meta.yaml"
        if not meta_path.is_file():
            return None
        return mlruns.logged_model(mlruns.read_meta(meta_path), model_dir)

    def find_logged_model(self, run_id: str, name: str) -> LoggedModelRecord | None:
        """The logged model named ``name`` produced by ``run_id`` (newest first), if any."""
        run = self.get_run(run_id)
        exp = self.get_experiment(run.info.experiment_id)
        models_dir = path_from_file_uri(exp.artifact_location) / "models"
        if not models_dir.is_dir():
            return None
        matches = []
        for model_dir in models_dir.iterdir():
            record = self._logged_model_from_dir(model_dir)
            if record and record.name == name and record.source_run_id == run_id:
                matches.append((model_dir.stat().st_mtime, record))
        matches.sort(key=lambda pair: pair[0], reverse=True)
        return matches[0][1] if matches else None

    def get_logged_model(self, model_id: str) -> LoggedModelRecord:
        for exp in self.list_experiments(include_deleted=True):
            model_dir = path_from_file_uri(exp.artifact_location) / "models" / model_id
            record = self._logged_model_from_dir(model_dir)
            if record is not None:
                return record
        raise TrackingError(f"Logged model {model_id!r} not found in the store at {self.root}.")

    def discard_logged_model(self, record: LoggedModelRecord) -> None:
        """Remove a logged model whose save failed (never published: it has no ``meta.yaml``)."""
        shutil.rmtree(path_from_file_uri(record.artifact_location).parent, ignore_errors=True)

    # ---- registry (models:/<name>/<version>) -------------------------------------------------
    def get_model_version_source(self, name: str, version: str) -> str:
        """Resolve a registered model version to its source URI (MLflow file registry layout)."""
        model_dir = self.root / "models" / name
        if not model_dir.is_dir():
            raise TrackingError(f"Registered model {name!r} not found in the store at {self.root}.")
        versions: dict[int, dict[str, Any]] = {}
        for vdir in model_dir.glob("version-*"):
            if (vdir / "meta.yaml").is_file():
                meta = mlruns.read_meta(vdir / "meta.yaml")
                if meta.get("current_stage") != "Deleted_Internal":
                    versions[int(meta.get("version", vdir.name.split("-")[1]))] = meta
        if not versions:
            raise TrackingError(f"Registered model {name!r} has no versions.")
        if version == "latest":
            chosen = versions[max(versions)]
        elif version.startswith("@"):
            alias_file = model_dir / "aliases" / version[1:]
            if not alias_file.is_file():
                raise TrackingError(f"Registered model {name!r} has no alias {version[1:]!r}.")
            chosen = versions.get(int(_read_value(alias_file).strip()), {})
        else:
            chosen = versions.get(int(version), {})
        if not chosen:
            raise TrackingError(f"Registered model {name!r} has no version {version!r}.")
        return str(chosen.get("storage_location") or chosen["source"])
