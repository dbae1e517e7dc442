"""Value objects of the tracking API, shaped like MLflow's so user code reads them unchanged.

``run.info.run_id``, ``run.info.status`` (a string such as ``"FINISHED"``), ``run.data.metrics``
(latest value per key), ``run.data.params`` and ``run.data.tags`` behave as in MLflow. The stores
build these objects; nothing here does I/O. Stdlib only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "ActiveRun",
    "Experiment",
    "LoggedModelRecord",
    "Metric",
    "ModelInfo",
    "Run",
    "RunData",
    "RunInfo",
    "RunStatus",
]


class RunStatus:
    """Run states with the integer codes MLflow's file store writes into ``meta.yaml``."""

    RUNNING = "RUNNING"
    SCHEDULED = "SCHEDULED"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    KILLED = "KILLED"

    _CODES = {"RUNNING": 1, "SCHEDULED": 2, "FINISHED": 3, "FAILED": 4, "KILLED": 5}
    _NAMES = {code: name for name, code in _CODES.items()}

    @classmethod
    def to_code(cls, status: str) -> int:
        return cls._CODES[status]

    @classmethod
    def from_code(cls, code: int | str) -> str:
        if isinstance(code, str) and code in cls._CODES:
            return code
        return cls._NAMES[int(code)]

    @classmethod
    def is_terminated(cls, status: str) -> bool:
        return status in ("FINISHED", "FAILED", "KILLED")

    @classmethod
    def all(cls) -> tuple[str, ...]:
        return tuple(cls._CODES)


@dataclass(frozen=True)
class Metric:
    """One logged metric value."""

    key: str
    value: float
    timestamp: int
    step: int = 0


@dataclass(frozen=True)
class Experiment:
    """An experiment: a named group of runs."""

    experiment_id: str
    name: str
    artifact_location: str
    lifecycle_stage: str = "active"
    tags: dict[str, str] = field(default_factory=dict)
    creation_time: int | None = None
    last_update_time: int | None = None


@dataclass(frozen=True)
class RunInfo:
    """Run metadata (MLflow's ``RunInfo``)."""

    run_id: str
    experiment_id: str
    run_name: str
    user_id: str
    status: str
    start_time: int | None
    end_time: int | None
    artifact_uri: str
    lifecycle_stage: str = "active"

    @property
    def run_uuid(self) -> str:
        """MLflow's deprecated alias of ``run_id``."""
        return self.run_id


@dataclass(frozen=True)
class RunData:
    """What a run logged: latest metric values, params and tags."""

    metrics: dict[str, float] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    """A run: ``info`` plus ``data``."""

    info: RunInfo
    data: RunData

    def to_dictionary(self) -> dict[str, Any]:
        return {"info": dataclasses.asdict(self.info), "data": dataclasses.asdict(self.data)}


class ActiveRun(Run):
    """The run returned by ``start_run``; a context manager that ends the run on exit.

    On a normal exit the run ends ``FINISHED``; when the block raises it ends ``FAILED`` (and
    ``KILLED`` on ``KeyboardInterrupt``), as MLflow does. Ending is ``end(run_id, status)``, given by
    the fluent API that started the run (these value objects do no I/O themselves).
    """

    _end: Callable[[str, str], None]

    def __init__(self, run: Run, end: Callable[[str, str], None]) -> None:
        object.__setattr__(self, "info", run.info)
        object.__setattr__(self, "data", run.data)
        object.__setattr__(self, "_end", end)

    def __enter__(self) -> ActiveRun:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> Literal[False]:
        if exc_type is None:
            status = RunStatus.FINISHED
        elif issubclass(exc_type, KeyboardInterrupt):
            status = RunStatus.KILLED
        else:
            status = RunStatus.FAILED
        self._end(self.info.run_id, status)
        return False


@dataclass(frozen=True)
class LoggedModelRecord:
    """An MLflow 3.x "logged model" (``m-<hex>``): where a model logged by a run is stored."""

    model_id: str
    experiment_id: str
    name: str
    artifact_location: str
    source_run_id: str | None
    status: str = "READY"
    creation_timestamp: int | None = None


@dataclass
class ModelInfo:
    """What ``log_model`` returns (MLflow's ``mlflow.models.model.ModelInfo``).

    Attributes:
        model_uri: ``models:/<model_id>`` (MLflow 3's form), loadable by servebook and by MLflow;
            ``runs:/<run_id>/<artifact_path>`` loads the same model.
        run_id: the run the model was logged to (None for a model saved with ``save_model``).
        artifact_path: the run-relative name of the model (``name`` / ``artifact_path`` argument).
        model_id: the MLflow 3.x logged-model id (``m-<hex>``).
        artifact_location: where the model files are stored (a ``file:`` or ``mlflow-artifacts:`` URI).
        flavors, signature, model_uuid, utc_time_created, mlflow_version, metadata,
        saved_input_example_info: copied from the saved ``MLmodel``.
        registered_model_version: the version number when ``registered_model_name`` was given.
    """

    model_uri: str
    run_id: str | None
    artifact_path: str | None
    model_id: str | None
    artifact_location: str | None
    flavors: dict[str, Any]
    signature: Any = None
    model_uuid: str | None = None
    utc_time_created: str | None = None
    mlflow_version: str | None = None
    metadata: dict[str, Any] | None = None
    saved_input_example_info: dict[str, Any] | None = None
    registered_model_version: int | None = None

    @property
    def name(self) -> str | None:
        """MLflow 3.x name of the logged model (same as ``artifact_path``)."""
        return self.artifact_path
