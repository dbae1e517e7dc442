"""What :func:`servebook.inspect` reports: the :class:`ModelReport` and its sections.

Plain frozen dataclasses with a ``to_dict`` each (the ``GET models/<path>`` shape in docs/rest-api.md);
:mod:`.reading` fills them. ``str(report)`` is the text of :mod:`.text`; in a Jupyter kernel the
report displays as the model card (the hook :mod:`servebook.widgets` installs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import _display
from ..tracking.mlruns import ModelLocation
from .environment import EnvironmentReport
from .trust import FileEntry, TrustReport

__all__ = [
    "MLMODEL",
    "ColumnInfo",
    "FlavorInfo",
    "InputExampleInfo",
    "ModelLocation",
    "ModelReport",
    "ModelSummary",
    "ParamInfo",
    "SchemaTable",
    "SignatureTables",
]

MLMODEL = "MLmodel"


@dataclass(frozen=True)
class FlavorInfo:
    """One flavor of the model: its name, loader and raw configuration."""

    name: str
    loader_module: str | None
    python_version: str | None
    config: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        return {
            "name": self.name,
            "loader_module": self.loader_module,
            "python_version": self.python_version,
            "config": self.config,
        }


@dataclass(frozen=True)
class ColumnInfo:
    """One row of a signature table (a column or a tensor)."""

    name: str | None
    type: str
    required: bool
    shape: tuple[int, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        shape = list(self.shape) if self.shape is not None else None
        return {"name": self.name, "type": self.type, "required": self.required, "shape": shape}


@dataclass(frozen=True)
class SchemaTable:
    """An input or output schema as a table: ``kind`` is ``columns`` or ``tensors``."""

    kind: str
    columns: tuple[ColumnInfo, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        return {"kind": self.kind, "columns": [c.to_dict() for c in self.columns]}


@dataclass(frozen=True)
class ParamInfo:
    """One inference parameter with its default."""

    name: str
    type: str
    default: Any
    shape: tuple[int, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        shape = list(self.shape) if self.shape is not None else None
        return {"name": self.name, "type": self.type, "default": self.default, "shape": shape}


@dataclass(frozen=True)
class SignatureTables:
    """The model signature as tables."""

    inputs: SchemaTable | None
    outputs: SchemaTable | None
    params: tuple[ParamInfo, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        return {
            "inputs": self.inputs.to_dict() if self.inputs else None,
            "outputs": self.outputs.to_dict() if self.outputs else None,
            "params": [p.to_dict() for p in self.params],
        }


@dataclass(frozen=True)
class InputExampleInfo:
    """The saved input example (``data`` is the parsed JSON file, or ``None`` with ``error``)."""

    path: str | None
    type: str | None
    pandas_orient: str | None
    data: Any
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        return {
            "path": self.path,
            "type": self.type,
            "pandas_orient": self.pandas_orient,
            "data": self.data,
            "error": self.error,
        }


@dataclass(frozen=True)
class ModelSummary:
    """The cheap listing form of a model (MLmodel header and tracking-store info only)."""

    directory: Path
    name: str
    flavors: tuple[str, ...]
    loader_module: str | None
    has_signature: bool
    has_input_example: bool
    utc_time_created: str | None
    model_uuid: str | None
    run: ModelLocation | None
    error: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form (without the directory; callers add their own ``path``)."""
        run = self.run or ModelLocation(None)
        return {
            "name": self.name,
            "flavors": list(self.flavors),
            "loader_module": self.loader_module,
            "has_signature": self.has_signature,
            "has_input_example": self.has_input_example,
            "utc_time_created": self.utc_time_created,
            "model_uuid": self.model_uuid,
            "run_id": run.run_id,
            "experiment_id": run.experiment_id,
            "experiment_name": run.experiment_name,
            "artifact_path": run.artifact_path,
            "error": self.error,
        }


@dataclass(frozen=True)
class ModelReport:
    """Everything :func:`inspect` found out about a model without running it.

    ``error`` is ``None`` for a readable model, else a sentence saying what is wrong and what to do;
    the other fields then hold whatever could still be read.
    """

    uri: str
    directory: Path | None
    name: str
    error: str | None
    mlflow_version: str | None = None
    model_uuid: str | None = None
    utc_time_created: str | None = None
    model_size_bytes: int | None = None
    metadata: dict[str, Any] | None = None
    flavors: tuple[FlavorInfo, ...] = ()
    loader_module: str | None = None
    signature: SignatureTables | None = None
    input_example: InputExampleInfo | None = None
    serving_input_example: Any = None
    environment: EnvironmentReport | None = None
    files: tuple[FileEntry, ...] = ()
    files_truncated: bool = False
    total_size: int = 0
    run: ModelLocation | None = None
    trust: TrustReport | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (the ``GET models/<path>`` shape in docs/rest-api.md, minus ``path``)."""
        return {
            "uri": self.uri,
            "name": self.name,
            "error": self.error,
            "mlflow_version": self.mlflow_version,
            "model_uuid": self.model_uuid,
            "utc_time_created": self.utc_time_created,
            "model_size_bytes": self.model_size_bytes,
            "metadata": self.metadata,
            "flavors": [f.to_dict() for f in self.flavors],
            "loader_module": self.loader_module,
            "signature": self.signature.to_dict() if self.signature else None,
            "input_example": self.input_example.to_dict() if self.input_example else None,
            "serving_input_example": self.serving_input_example,
            "environment": self.environment.to_dict() if self.environment else None,
            "files": [f.to_dict() for f in self.files],
            "files_truncated": self.files_truncated,
            "total_size": self.total_size,
            "run": self.run.to_dict() if self.run else None,
            "trust": self.trust.to_dict() if self.trust else None,
        }

    def __str__(self) -> str:
        from .text import render_report

        return render_report(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(f"ModelReport({self.uri!r})" if cycle else str(self))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any] | None:
        # In a Jupyter kernel: the model card widget; elsewhere None, so the text above is shown.
        return _display.mimebundle("model_report", self, include, exclude)
