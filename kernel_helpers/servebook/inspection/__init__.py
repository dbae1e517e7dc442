"""Static model inspection: ``servebook.inspect(model_uri) -> ModelReport``, never running the model.

* :mod:`.report`: the report and its sections (dataclasses with a JSON form);
* :mod:`.reading`: :func:`inspect`, :func:`model_summary` and ``servebook inspect``: bounded reads of a
  model directory;
* :mod:`.environment`: the model's requirements against an interpreter's installed packages;
* :mod:`.trust`: the file listing and the trust verdict;
* :mod:`.text`: the plain-text rendering (``str(report)``).

Where a model sits in a tracking store is read by :mod:`servebook.tracking.mlruns`, the reader the
local store uses too. Nothing here unpickles, imports or executes anything from a model directory, and
nothing imports pandas, numpy, jupyter_server, tornado or mlflow: the Jupyter server extension uses
this package.
"""

from __future__ import annotations

from .reading import inspect, model_summary, run_inspect_command
from .report import (
    MLMODEL,
    ColumnInfo,
    FlavorInfo,
    InputExampleInfo,
    ModelLocation,
    ModelReport,
    ModelSummary,
    ParamInfo,
    SchemaTable,
    SignatureTables,
)

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
    "inspect",
    "model_summary",
    "run_inspect_command",
]
