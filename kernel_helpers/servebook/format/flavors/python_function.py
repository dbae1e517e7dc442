"""Loader for ``loader_module: mlflow.pyfunc.model``: a pickled custom PythonModel.

Steps: warn once on a Python-minor or cloudpickle version mismatch; import the model's ``code/``
inside a scope (:mod:`servebook.format.code_paths`); unpickle ``python_model.pkl`` with MLflow's names
mapped onto servebook; build the context (absolute artifact paths, model_config) and call
``load_context``, still inside the scope.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

from ...errors import LoadError, ModelFormatError
from .. import code_paths, pickling
from ..mlmodel import PYTHON_MODEL_FILENAME, Model
from ..python_model import PythonModelContext

__all__ = ["ModelEnvironmentWarning", "PythonFunctionModel", "load"]


class ModelEnvironmentWarning(UserWarning):
    """The model was saved with another Python minor version or another cloudpickle version."""


class PythonFunctionModel:
    """A loaded custom model: the unpickled object, its context and the modules its code/ provided."""

    def __init__(self, python_model: Any, context: PythonModelContext, code: code_paths.LoadedCode) -> None:
        self.raw_model = python_model
        self.context = context
        self.code = code


def _inside(model_dir: Path, relative: Any, what: str) -> Path:
    if not isinstance(relative, str) or not relative:
        raise ModelFormatError(f"MLmodel: {what} must be a relative path string, got {relative!r}.")
    path = (model_dir / relative).resolve()
    if not path.is_relative_to(model_dir.resolve()):
        raise LoadError(f"MLmodel: {what} {relative!r} points outside the model directory; refusing to load.")
    return path


def _check_versions(conf: dict[str, Any], suppress: bool) -> None:
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


def load(
    model_dir: Path,
    model: Model,
    model_config: dict[str, Any] | None = None,
    *,
    suppress_warnings: bool = False,
) -> PythonFunctionModel:
    """Load the custom Python model stored in ``model_dir``."""
    conf = model.pyfunc_conf
    if conf.get("python_model_compression"):
        raise LoadError(
            f"This model's pickle is compressed ({conf['python_model_compression']}), which servebook "
            "does not read yet; re-save it without MLFLOW_LOG_MODEL_COMPRESSION."
        )
    if "model_code_path" in conf and "python_model" not in conf:
        raise LoadError(
            "This is an MLflow models-from-code model (python_model given as a .py file); load it with "
            "mlflow (pip install mlflow==3.17.2) or re-save it with a model object."
        )
    pickle_path = _inside(model_dir, conf.get("python_model", PYTHON_MODEL_FILENAME), "python_model")
    code_dir = _inside(model_dir, conf["code"], "code") if conf.get("code") else None
    artifacts = {}
    for name, record in (conf.get("artifacts") or {}).items():
        relative = record.get("path") if isinstance(record, dict) else None
        artifacts[name] = str(_inside(model_dir, relative, f"artifact {name!r} path"))
    config = dict(conf.get("config") or {})
    if model_config:
        config.update(model_config)
    _check_versions(conf, suppress_warnings)

    with code_paths.code_scope(code_dir) as code:
        try:
            with open(pickle_path, "rb") as file:
                python_model = pickling.load(file)
        except FileNotFoundError:
            raise LoadError(f"The model's pickle {pickle_path.name} is missing from {model_dir}.") from None
        except LoadError:
            raise
        except (ImportError, AttributeError) as exc:
            raise LoadError(
                f"Unpickling the model failed: {type(exc).__name__}: {exc}. A module the model needs is "
                "missing: install the model's requirements.txt, or save the model with code_paths for "
                "your own modules."
            ) from exc
        context = PythonModelContext(artifacts, config)
        load_context = getattr(python_model, "load_context", None)
        if callable(load_context):
            load_context(context)
    if not callable(getattr(python_model, "predict", None)):
        raise LoadError(f"The unpickled object ({type(python_model).__name__}) has no predict method.")
    return PythonFunctionModel(python_model, context, code)
