"""Loader for ``loader_module: mlflow.pyfunc.loaders.code_model``: models from code.

The flavor's ``model_code_path`` names the model file; MLflow writes the absolute path it was saved
from and reads the file of that base name at the model's root, and so does servebook. The file runs
inside the model's code scope (``code/`` importable, ``import mlflow`` answered by servebook when MLflow
is not installed, ``ModelConfig`` reading the model's config); what it passed to ``set_model`` is the
model. A function is wrapped like a function model. Then the context and ``load_context``, as for a
pickled model (:func:`.custom_model.load_python_model`).
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from ...errors import LoadError, ModelFormatError
from ..mlmodel import Model
from ..models_from_code import run_model_file
from ..python_model import _FunctionPythonModel
from .custom_model import PythonFunctionModel, check_versions, inside, load_python_model

__all__ = ["load"]


def load(
    model_dir: Path,
    model: Model,
    model_config: dict[str, Any] | None = None,
    *,
    suppress_warnings: bool = False,
) -> PythonFunctionModel:
    """Run the model file of a models-from-code directory and load the model it sets."""
    conf = model.pyfunc_conf
    saved_path = conf.get("model_code_path")
    if not isinstance(saved_path, str) or not saved_path:
        raise ModelFormatError(
            "loader_module is mlflow.pyfunc.loaders.code_model but model_code_path is missing."
        )
    # MLflow stores where the file was saved from (maybe a Windows path): only its name counts
    file_name = posixpath.basename(saved_path.replace("\\", "/"))
    model_file = inside(model_dir, file_name, "model_code_path")
    if not model_file.is_file():
        raise LoadError(f"The model file {file_name} (model_code_path) is missing from {model_dir}.")
    check_versions({"python_version": conf.get("python_version")}, suppress_warnings)

    def run(config: dict[str, Any]) -> Any:
        python_model = run_model_file(model_file, config, LoadError)
        if not callable(getattr(python_model, "predict", None)):  # a function: MLflow wraps it
            python_model = _FunctionPythonModel(python_model, signature=model.signature)
        return python_model

    return load_python_model(model_dir, conf, model_config, run, keep_aliases=True)
