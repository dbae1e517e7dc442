"""Built-in loaders for the ``loader_module`` values servebook understands without MLflow.

``loader_module`` names MLflow's module; :data:`LOADERS` maps it to ours. Each loader takes the model
directory, the :class:`~servebook.format.mlmodel.Model` and the model_config, and returns an object
with ``predict(data, params=None)`` plus ``raw_model`` (what ``unwrap_python_model`` returns).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from ...errors import LoadError

__all__ = ["LOADERS", "loader_for"]

#: loader_module -> "servebook module:function" (imported only when a model needs it)
LOADERS: dict[str, str] = {
    "mlflow.pyfunc.model": "servebook.format.flavors.python_function:load",
    "mlflow.pyfunc.loaders.code_model": "servebook.format.flavors.code_model:load",
    "mlflow.sklearn": "servebook.format.flavors.sklearn:load",
}

# loader modules of other MLflow flavors -> the package a user should install to load them
_PACKAGE_HINTS = {
    "mlflow.pyfunc.loaders": "mlflow",
    "mlflow.xgboost": "mlflow and xgboost",
    "mlflow.lightgbm": "mlflow and lightgbm",
    "mlflow.pytorch": "mlflow and torch",
    "mlflow.tensorflow": "mlflow and tensorflow",
    "mlflow.keras": "mlflow and keras",
    "mlflow.transformers": "mlflow and transformers",
}


def loader_for(loader_module: str) -> Callable[..., Any]:
    """The load function for ``loader_module``; LoadError naming what to install when there is none."""
    target = LOADERS.get(loader_module)
    if target is None:
        hint = next((pkg for prefix, pkg in _PACKAGE_HINTS.items() if loader_module.startswith(prefix)), None)
        if hint is None:
            top = loader_module.split(".", 1)[0]
            hint = "mlflow" if top == "mlflow" else top
        raise LoadError(
            f"This model's loader_module is {loader_module!r}, which servebook cannot load by itself "
            "(it loads mlflow.pyfunc.model, mlflow.pyfunc.loaders.code_model and mlflow.sklearn models). "
            f"Install {hint} "
            f"(pip install {hint.replace(' and ', ' ')}) and load it with mlflow.pyfunc.load_model."
        )
    module_name, _, function = target.partition(":")
    loader: Callable[..., Any] = getattr(importlib.import_module(module_name), function)
    return loader
