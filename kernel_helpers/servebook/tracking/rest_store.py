"""The team store: a real MLflow tracking server over its REST API (``/api/2.0/mlflow/...``).

A :class:`~servebook.tracking.store.Store`, like :class:`~servebook.tracking.file_store.FileStore`,
so ``fluent`` does not care which store it talks to. Params, metrics and tags go through
``runs/log-batch`` in chunks of MLflow's batch limits; artifacts go through the server's artifact proxy
(``/api/2.0/mlflow-artifacts/artifacts/<path>``, see :mod:`servebook.tracking.artifacts`);
models are MLflow 3.x logged models (``logged-models`` create -> upload -> finalize ->
``runs/outputs``). Timeouts, retries and auth live in :mod:`servebook.tracking._http`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import InvalidTrackingInputError, TrackingError, TrackingServerError
from ._http import HttpClient
from .entities import Experiment, LoggedModelRecord, Run, RunData, RunInfo

__all__ = ["RestStore"]

_logger = logging.getLogger("servebook.tracking")

_MAX_PARAMS_TAGS_PER_BATCH = 100
_MAX_METRICS_PER_BATCH = 1000
_LOGGED_MODEL_STATUS = {
    "LOGGED_MODEL_PENDING": "PENDING",
    "LOGGED_MODEL_READY": "READY",
    "LOGGED_MODEL_UPLOAD_FAILED": "FAILED",
}


def _json_float(value: float) -> float | str:
    # protobuf's JSON mapping spells non-finite doubles as strings
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def _parse_float(value: Any) -> float:
    if isinstance(value, str):
        return float({"NaN": "nan", "Infinity": "inf", "-Infinity": "-inf"}.get(value, value))
    return float(value)


def _run_from_json(payload: dict[str, Any]) -> Run:
    info = payload.get("info", {})
    data = payload.get("data", {})
    return Run(
        info=RunInfo(
            run_id=str(info.get("run_id") or info.get("run_uuid")),
            experiment_id=str(info.get("experiment_id")),
            run_name=str(info.get("run_name") or ""),
            user_id=str(info.get("user_id") or ""),
            status=str(info.get("status") or "RUNNING"),
            start_time=int(info["start_time"]) if info.get("start_time") is not None else None,
            end_time=int(info["end_time"]) if info.get("end_time") is not None else None,
            artifact_uri=str(info.get("artifact_uri") or ""),
            lifecycle_stage=str(info.get("lifecycle_stage") or "active"),
        ),
        data=RunData(
            metrics={m["key"]: _parse_float(m.get("value", "NaN")) for m in data.get("metrics", [])},
            params={p["key"]: str(p.get("value", "")) for p in data.get("params", [])},
            tags={t["key"]: str(t.get("value", "")) for t in data.get("tags", [])},
        ),
    )


def _experiment_from_json(payload: dict[str, Any]) -> Experiment:
    return Experiment(
        experiment_id=str(payload["experiment_id"]),
        name=str(payload.get("name", "")),
        artifact_location=str(payload.get("artifact_location", "")),
        lifecycle_stage=str(payload.get("lifecycle_stage") or "active"),
        tags={t["key"]: t.get("value", "") for t in payload.get("tags", [])},
        creation_time=payload.get("creation_time"),
        last_update_time=payload.get("last_update_time"),
    )


def _logged_model_from_json(payload: dict[str, Any]) -> LoggedModelRecord:
    info = payload.get("info", payload)
    return LoggedModelRecord(
        model_id=str(info["model_id"]),
        experiment_id=str(info.get("experiment_id", "")),
        name=str(info.get("name", "")),
        artifact_location=str(info.get("artifact_uri", "")),
        source_run_id=info.get("source_run_id"),
        status=_LOGGED_MODEL_STATUS.get(str(info.get("status")), str(info.get("status"))),
    )


class RestStore:
    """A tracking store backed by an MLflow tracking server."""

    def __init__(self, tracking_uri: str) -> None:
        self.tracking_uri = tracking_uri.rstrip("/")
        self.http = HttpClient(self.tracking_uri)

    def __repr__(self) -> str:
        return f"RestStore({self.tracking_uri!r})"

    # ---- experiments -------------------------------------------------------------------------
    def get_experiment(self, experiment_id: str) -> Experiment:
        body = self.http.call("GET", "experiments/get", {"experiment_id": str(experiment_id)})
        return _experiment_from_json(body["experiment"])

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        try:
            body = self.http.call("GET", "experiments/get-by-name", {"experiment_name": name})
        except TrackingServerError as exc:
            if exc.server_error_code == "RESOURCE_DOES_NOT_EXIST":
                return None
            raise
        return _experiment_from_json(body["experiment"])

    def create_experiment(self, name: str, tags: dict[str, str] | None = None) -> str:
        payload: dict[str, Any] = {"name": name}
        if tags:
            payload["tags"] = [{"key": k, "value": v} for k, v in tags.items()]
        return str(self.http.call("POST", "experiments/create", payload)["experiment_id"])

    def get_or_create_experiment(self, name: str) -> Experiment:
        exp = self.get_experiment_by_name(name)
        if exp is not None:
            return exp
        try:
            experiment_id = self.create_experiment(name)
        except TrackingServerError as exc:  # another client created it between our two calls
            if exc.server_error_code != "RESOURCE_ALREADY_EXISTS":
                raise
            found = self.get_experiment_by_name(name)
            if found is None:
                raise
            return found
        return self.get_experiment(experiment_id)

    # ---- runs --------------------------------------------------------------------------------
    def create_run(
        self, experiment_id: str, run_name: str, user_id: str, tags: dict[str, str], start_time: int
    ) -> Run:
        body = self.http.call(
            "POST",
            "runs/create",
            {
                "experiment_id": str(experiment_id),
                "user_id": user_id,
                "run_name": run_name,
                "start_time": start_time,
                "tags": [{"key": k, "value": v} for k, v in tags.items()],
            },
        )
        return _run_from_json(body["run"])

    def get_run(self, run_id: str) -> Run:
        try:
            body = self.http.call("GET", "runs/get", {"run_id": run_id})
        except TrackingServerError as exc:
            if exc.server_error_code == "RESOURCE_DOES_NOT_EXIST":
                raise TrackingError(f"Run {run_id!r} not found on {self.tracking_uri}.") from exc
            raise
        return _run_from_json(body["run"])

    def get_metric_history(self, run_id: str, key: str) -> list[tuple[int, float, int]]:
        body = self.http.call("GET", "metrics/get-history", {"run_id": run_id, "metric_key": key})
        return [
            (int(m.get("timestamp", 0)), _parse_float(m.get("value", "NaN")), int(m.get("step", 0)))
            for m in body.get("metrics", [])
        ]

    def update_run(self, run_id: str, status: str, end_time: int | None, run_name: str | None = None) -> None:
        payload: dict[str, Any] = {"run_id": run_id, "status": status}
        if end_time is not None:
            payload["end_time"] = end_time
        if run_name is not None:
            payload["run_name"] = run_name
        self.http.call("POST", "runs/update", payload)

    def delete_run(self, run_id: str) -> None:
        self.http.call("POST", "runs/delete", {"run_id": run_id})

    def restore_run(self, run_id: str) -> None:
        self.http.call("POST", "runs/restore", {"run_id": run_id})

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[tuple[str, float, int, int]] = (),
        params: Sequence[tuple[str, str]] = (),
        tags: Sequence[tuple[str, str]] = (),
    ) -> None:
        params, metrics, tags = list(params), list(metrics), list(tags)
        while params or metrics or tags:
            chunk_params, params = params[:_MAX_PARAMS_TAGS_PER_BATCH], params[_MAX_PARAMS_TAGS_PER_BATCH:]
            room = _MAX_PARAMS_TAGS_PER_BATCH - len(chunk_params)
            chunk_tags, tags = tags[:room], tags[room:]
            chunk_metrics, metrics = metrics[:_MAX_METRICS_PER_BATCH], metrics[_MAX_METRICS_PER_BATCH:]
            try:
                self.http.call(
                    "POST",
                    "runs/log-batch",
                    {
                        "run_id": run_id,
                        "params": [{"key": k, "value": v} for k, v in chunk_params],
                        "tags": [{"key": k, "value": v} for k, v in chunk_tags],
                        "metrics": [
                            {"key": k, "value": _json_float(v), "timestamp": ts, "step": step}
                            for k, v, ts, step in chunk_metrics
                        ],
                    },
                )
            except TrackingServerError as exc:
                if exc.server_error_code == "INVALID_PARAMETER_VALUE":
                    raise InvalidTrackingInputError(str(exc)) from exc
                raise

    def search_runs(
        self,
        experiment_ids: list[str],
        filter_string: str = "",
        order_by: list[str] | None = None,
        max_results: int = 1000,
        run_view: str = "active",
    ) -> list[Run]:
        view = {"active": "ACTIVE_ONLY", "deleted": "DELETED_ONLY", "all": "ALL"}[run_view]
        runs: list[Run] = []
        token: str | None = None
        while len(runs) < max_results:
            payload: dict[str, Any] = {
                "experiment_ids": [str(e) for e in experiment_ids],
                "filter": filter_string or "",
                "run_view_type": view,
                "max_results": min(1000, max_results - len(runs)),
                "order_by": list(order_by or []),
            }
            if token:
                payload["page_token"] = token
            body = self.http.call("POST", "runs/search", payload)
            runs.extend(_run_from_json(r) for r in body.get("runs", []))
            token = body.get("next_page_token")
            if not token:
                break
        return runs

    # ---- logged models (MLflow 3.x) ----------------------------------------------------------
    def create_logged_model(self, run: Run, name: str) -> tuple[LoggedModelRecord, Path | None]:
        """Create a PENDING logged model of ``run``; its files are uploaded through the artifact proxy,
        so there is no local directory to save into (None)."""
        body = self.http.call(
            "POST",
            "logged-models",
            {
                "experiment_id": run.info.experiment_id,
                "name": name,
                "source_run_id": run.info.run_id,
                "params": [{"key": k, "value": v} for k, v in list(run.data.params.items())[:100]],
            },
        )
        return _logged_model_from_json(body["model"]), None

    def finalize_logged_model(self, record: LoggedModelRecord, status: str = "READY") -> LoggedModelRecord:
        wire = {"READY": "LOGGED_MODEL_READY", "FAILED": "LOGGED_MODEL_UPLOAD_FAILED"}[status]
        body = self.http.call(
            "PATCH", f"logged-models/{record.model_id}", {"model_id": record.model_id, "status": wire}
        )
        if status == "READY" and record.source_run_id:
            self.http.call(
                "POST",
                "runs/outputs",
                {"run_id": record.source_run_id, "models": [{"model_id": record.model_id, "step": 0}]},
            )
        return _logged_model_from_json(body["model"])

    def discard_logged_model(self, record: LoggedModelRecord) -> None:
        """Mark a logged model whose save or upload failed as FAILED (a failure to do so is only logged)."""
        try:
            self.finalize_logged_model(record, "FAILED")
        except Exception:  # the save's own failure is what the caller re-raises: this one must not mask it
            _logger.exception("could not mark logged model %s as FAILED", record.model_id)

    def find_logged_model(self, run_id: str, name: str) -> LoggedModelRecord | None:
        run = self.get_run(run_id)
        escaped = name.replace("'", "\\'")
        body = self.http.call(
            "POST",
            "logged-models/search",
            {"experiment_ids": [run.info.experiment_id], "filter": f"name = '{escaped}'", "max_results": 100},
        )
        for payload in body.get("models", []):
            record = _logged_model_from_json(payload)
            if record.source_run_id == run_id:
                return record
        return None

    def get_logged_model(self, model_id: str) -> LoggedModelRecord:
        return _logged_model_from_json(self.http.call("GET", f"logged-models/{model_id}")["model"])

    # ---- model registry ----------------------------------------------------------------------
    def get_model_version_source(self, name: str, version: str) -> str:
        """The download URI of a registered model version (``version`` may be ``latest``/``@alias``)."""
        if version.startswith("@"):
            body = self.http.call("GET", "registered-models/alias", {"name": name, "alias": version[1:]})
            version = str(body["model_version"]["version"])
        elif version == "latest":
            body = self.http.call("POST", "registered-models/get-latest-versions", {"name": name})
            versions = [int(v["version"]) for v in body.get("model_versions", [])]
            if not versions:
                raise TrackingError(f"Registered model {name!r} has no versions on {self.tracking_uri}.")
            version = str(max(versions))
        body = self.http.call("GET", "model-versions/get-download-uri", {"name": name, "version": version})
        return str(body["artifact_uri"])

    def register_model(self, name: str, source: str, run_id: str, model_id: str | None) -> int:
        """Create the registered model if needed, then a new version pointing at ``source``."""
        try:
            self.http.call("POST", "registered-models/create", {"name": name})
        except TrackingServerError as exc:
            if exc.server_error_code != "RESOURCE_ALREADY_EXISTS":
                raise
        payload: dict[str, Any] = {"name": name, "source": source, "run_id": run_id}
        if model_id:
            payload["model_id"] = model_id
        body = self.http.call("POST", "model-versions/create", payload)
        return int(body["model_version"]["version"])
