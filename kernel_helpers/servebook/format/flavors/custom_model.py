"""What loading any custom Python model shares, pickled or from code.

:func:`load_python_model`: the model's code scope (``code/`` importable and, when MLflow is not
installed, mlflow's names standing in, see :mod:`servebook.format.mlflow_alias`), the model object
obtained inside it, the context (absolute artifact paths, model_config merged with the load's
overrides) and ``load_context``. :func:`check_versions` warns when the model was saved with another
Python minor or cloudpickle version.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...errors import LoadError, ModelFormatError
from .. import code_paths, mlflow_alias
from ..model_config import merge_overrides
from ..python_model import PythonModelContext

__all__ = ["ModelEnvironmentWarning", "PythonFunctionModel", "check_versions", "inside", "load_python_model"]


class ModelEnvironmentWarning(UserWarning):
    """The model was saved with another Python minor version or another cloudpickle version."""


class PythonFunctionModel:
    """A loaded custom model: the unpickled object, its context and the modules its code/ provided."""

    def __init__(self, python_model: Any, context: PythonModelContext, code: code_paths.LoadedCode) -> None:
        self.raw_model = python_model
        self.context = context
        self.code = code


def inside(model_dir: Path, relative: Any, what: str) -> Path:
    if not isinstance(relative, str) or not relative:
        raise ModelFormatError(f"MLmodel: {what} must be a relative path string, got {relative!r}.")
    path = (model_dir / relative).resolve()
    if not path.is_relative_to(model_dir.resolve()):
        raise LoadError(f"MLmodel: {what} {relative!r} points outside the model directory; refusing to load.")
    return path


def check_versions(conf: dict[str, Any], suppress: bool) -> None:
    problems = []
    saved_python = str(conf.get("python_version") or "")
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    if saved_python and ".".join(saved_python.split(".")[:2]) != running:
        problems.append(f"Python {saved_python} (running {sys.version.split()[0]})")
    saved_cp = conf.get("cloudpickle_version")
    if saved_cp:
        import cloudpickle

        if str(saved_cp) != cloudpickle.__version__:
            problems.append(f"cloudpickle {saved_cp} (running {cloudpickle.__version__})")
    if problems and not suppress:
        warnings.warn(
            "This model was saved with " + " and ".join(problems) + "; its pickle may not load or may "
            "behave differently. Use the versions in the model's requirements.txt/python_env.yaml.",
            ModelEnvironmentWarning,
            stacklevel=4,
        )


def load_python_model(
    model_dir: Path,
    conf: dict[str, Any],
    model_config: dict[str, Any] | None,
    obtain: Callable[[dict[str, Any]], Any],
    *,
    keep_aliases: bool,
) -> PythonFunctionModel:
    """The steps every custom model shares: code scope, ``obtain(config)``, context, ``load_context``.

    ``obtain`` runs inside the model's code scope (``code/`` importable, mlflow's names standing in
    when MLflow is not installed) and returns the model object. The scope keeps the stand-ins for
    the model's calls when ``keep_aliases`` or when the model's methods import mlflow themselves.
    """
    code_dir = inside(model_dir, conf["code"], "code") if conf.get("code") else None
    artifacts = {}
    for name, record in (conf.get("artifacts") or {}).items():
        relative = record.get("path") if isinstance(record, dict) else None
        artifacts[name] = str(inside(model_dir, relative, f"artifact {name!r} path"))
    saved = conf.get("config")
    config = merge_overrides(saved if isinstance(saved, dict) else None, model_config)

    with code_paths.code_scope(code_dir, mlflow_alias.alias_modules()) as code:
        python_model = obtain(config)
        context = PythonModelContext(artifacts, config)
        load_context = getattr(python_model, "load_context", None)
        if callable(load_context):
            load_context(context)
    if not callable(getattr(python_model, "predict", None)):
        raise LoadError(f"The loaded model ({type(python_model).__name__}) has no predict method.")
    if code.aliases and not (keep_aliases or code.roots or mlflow_alias.imports_mlflow(python_model)):
        code.drop_aliases()
    return PythonFunctionModel(python_model, context, code)
