"""Loader for ``loader_module: mlflow.pyfunc.model``: a pickled custom PythonModel.

Steps: warn once on a Python-minor or cloudpickle version mismatch; import the model's ``code/``
inside a scope (:mod:`servebook.format.code_paths`), with mlflow's names standing in for MLflow when it
is not installed (:mod:`servebook.format.mlflow_alias`); unpickle ``python_model.pkl`` with MLflow's
names mapped onto servebook; build the context (absolute artifact paths, model_config merged with the
load's overrides) and call ``load_context``, still inside the scope. Models from code
(``model_code_path``) share every step but the unpickling (:mod:`.code_model`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...errors import LoadError
from .. import mlflow_alias, pickling
from ..mlmodel import PYTHON_MODEL_FILENAME, Model
from .custom_model import (
    ModelEnvironmentWarning,
    PythonFunctionModel,
    check_versions,
    inside,
    load_python_model,
)

__all__ = ["ModelEnvironmentWarning", "PythonFunctionModel", "load"]


def load(
    model_dir: Path,
    model: Model,
    model_config: dict[str, Any] | None = None,
    *,
    suppress_warnings: bool = False,
) -> PythonFunctionModel:
    """Load the custom Python model stored in ``model_dir``."""
    conf = model.pyfunc_conf
    if conf.get("model_code_path") and "python_model" not in conf:
        from .code_model import load as load_code_model  # MLflow's loader takes both kinds too

        return load_code_model(model_dir, model, model_config, suppress_warnings=suppress_warnings)
    if conf.get("python_model_compression"):
        raise LoadError(
            f"This model's pickle is compressed ({conf['python_model_compression']}), which servebook "
            "does not read yet; re-save it without MLFLOW_LOG_MODEL_COMPRESSION."
        )
    pickle_path = inside(model_dir, conf.get("python_model", PYTHON_MODEL_FILENAME), "python_model")
    check_versions(conf, suppress_warnings)

    def unpickle(config: dict[str, Any]) -> Any:
        try:
            with open(pickle_path, "rb") as file:
                return pickling.load(file)
        except FileNotFoundError:
            raise LoadError(f"The model's pickle {pickle_path.name} is missing from {model_dir}.") from None
        except LoadError:
            raise
        except (ImportError, AttributeError) as exc:
            raise LoadError(
                f"Unpickling the model failed: {type(exc).__name__}: {exc}. "
                + mlflow_alias.missing_module_hint(exc)
            ) from exc

    return load_python_model(model_dir, conf, model_config, unpickle, keep_aliases=False)
