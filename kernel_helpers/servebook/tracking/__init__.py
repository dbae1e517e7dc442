"""Experiment tracking with MLflow's fluent API, to a local ``mlruns/`` store or an MLflow server.

Modules: ``fluent`` (the public functions and ``log_model``), ``store`` (the ``Store`` protocol and
which store the tracking URI selects), ``file_store`` (MLflow's file-store layout), ``mlruns`` (the
one reader of that layout, shared with the inspector), ``rest_store`` (an MLflow tracking server's
REST API), ``artifacts`` (artifact repositories, ``download_model_uri`` for ``runs:/`` and
``models:/`` URIs), ``loading`` (``load_model`` for any model URI), ``entities`` (Run, Experiment,
ModelInfo ...), ``validation`` (MLflow's key and value rules), ``search`` (filter strings and
order_by for the local store).

Importing this package is light: the stores import ``requests``/``pandas`` only when used.
"""

from __future__ import annotations

from .._lazy_exports import lazy_exports

_EXPORTS = {
    "ActiveRun": ".entities",
    "Experiment": ".entities",
    "ModelInfo": ".entities",
    "Run": ".entities",
    "RunData": ".entities",
    "RunInfo": ".entities",
    "RunStatus": ".entities",
    "download_model_uri": ".artifacts",
}
_FLUENT = (
    "active_run", "create_experiment", "delete_run", "end_run", "get_artifact_uri", "get_experiment",
    "get_experiment_by_name", "get_run", "get_tracking_uri", "last_active_run", "log_artifact",
    "log_artifacts", "log_dict", "log_metric", "log_metrics", "log_model", "log_param", "log_params",
    "log_text", "search_runs", "set_experiment", "set_tag", "set_tags", "set_tracking_uri", "start_run",
)  # fmt: skip
_EXPORTS.update({name: ".fluent" for name in _FLUENT})

__all__ = sorted(_EXPORTS)  # noqa: PLE0605 - built from the table above

__getattr__, __dir__ = lazy_exports(globals(), _EXPORTS)
