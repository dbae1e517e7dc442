"""MLflow's ``mlflow.pyfunc`` names, so ``import servebook as mlflow`` code keeps working.

``save_model``, ``load_model``, ``log_model``, ``PythonModel``, ``PythonModelContext``,
``PyFuncModel``. Names resolve on first use: importing this module pulls in neither pandas nor numpy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy_exports import lazy_exports

__all__ = ["PyFuncModel", "PythonModel", "PythonModelContext", "load_model", "log_model", "save_model"]

__getattr__, __dir__ = lazy_exports(
    globals(),
    {
        "save_model": ".format.save",
        "load_model": ".tracking.loading",
        "PyFuncModel": ".format.load",
        "PythonModel": ".format.python_model",
        "PythonModelContext": ".format.python_model",
        "log_model": ".tracking.fluent",
    },
)


if TYPE_CHECKING:  # pragma: no cover
    from .format.load import PyFuncModel as PyFuncModel
    from .format.python_model import PythonModel as PythonModel
    from .format.python_model import PythonModelContext as PythonModelContext
    from .format.save import save_model as save_model
    from .tracking.fluent import log_model as log_model
    from .tracking.loading import load_model as load_model
