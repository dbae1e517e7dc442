"""MLflow's ``mlflow.pyfunc`` names, so ``import servebook as mlflow`` code keeps working.

``save_model``, ``load_model``, ``log_model``, ``PythonModel``, ``PythonModelContext``,
``PyFuncModel``. Names resolve on first use: importing this module pulls in neither pandas nor numpy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["PyFuncModel", "PythonModel", "PythonModelContext", "load_model", "log_model", "save_model"]

_EXPORTS = {
    "save_model": "servebook.save",
    "load_model": "servebook.load",
    "PyFuncModel": "servebook.load",
    "PythonModel": "servebook.python_model",
    "PythonModelContext": "servebook.python_model",
    "log_model": "servebook.tracking.fluent",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'servebook.pyfunc' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover
    from .load import PyFuncModel as PyFuncModel
    from .load import load_model as load_model
    from .python_model import PythonModel as PythonModel
    from .python_model import PythonModelContext as PythonModelContext
    from .save import save_model as save_model
    from .tracking.fluent import log_model as log_model
