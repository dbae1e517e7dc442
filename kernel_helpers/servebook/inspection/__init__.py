"""Static model inspection: ``servebook.inspect(model_uri) -> ModelReport``, never running the model.

* :mod:`.report`: the report's sections and :func:`inspect`;
* :mod:`.environment`: the model's requirements against an interpreter's installed packages;
* :mod:`.trust`: the file listing and the trust verdict;
* :mod:`.text`: the plain-text rendering (``str(report)``, ``servebook inspect``).

Nothing here unpickles, imports or executes anything from a model directory, and nothing imports
pandas, numpy, jupyter_server, tornado or mlflow: the Jupyter server extension uses this package.
"""

from __future__ import annotations

from .report import (
    MLMODEL,
    ColumnInfo,
    FlavorInfo,
    InputExampleInfo,
    ModelReport,
    ModelSummary,
    ParamInfo,
    RunInfo,
    SchemaTable,
    SignatureTables,
    inspect,
    model_summary,
    run_inspect_command,
)

__all__ = [
    "MLMODEL",
    "ColumnInfo",
    "FlavorInfo",
    "InputExampleInfo",
    "ModelReport",
    "ModelSummary",
    "ParamInfo",
    "RunInfo",
    "SchemaTable",
    "SignatureTables",
    "inspect",
    "model_summary",
    "run_inspect_command",
]
