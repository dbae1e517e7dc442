"""Models from code: a Python file that builds the model and hands it over with ``set_model``.

MLflow 3's recommended way to save a custom model: instead of pickling an object, ``save_model``
gets ``python_model="model.py"``, a file ending with ``mlflow.models.set_model(MyModel())`` (or
``servebook.models.set_model``). The file is copied into the model directory and run again on every
load (``loader_module: mlflow.pyfunc.loaders.code_model``, ``model_code_path: model.py``); nothing is
unpickled, so the model does not depend on cloudpickle or on the Python version that saved it.

:func:`run_model_file` runs such a file as a fresh module (a new name each time, as MLflow does, so
one file loads as several models) and returns what it passed to :func:`set_model`. While it runs,
:class:`~.model_config.ModelConfig` reads the model's config.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ServebookError
from .mlflow_alias import missing_module_hint
from .model_config import config_scope

__all__ = ["check_model_file", "run_model_file", "set_model"]

_UNSET = object()
# one slot per file being run, innermost last (a model file may load another code model); the lock
# keeps two threads' loads from filling each other's slot
_slots: list[Any] = []
_lock = threading.RLock()


def set_model(model: Any) -> None:
    """Name the model a models-from-code file defines (MLflow's ``mlflow.models.set_model``).

    Args:
        model: a ``PythonModel`` (any object with ``predict``) or a function of one argument.

    Raises:
        TypeError: ``model`` is a string or has neither ``predict`` nor ``__call__``.
    """
    if isinstance(model, (str, bytes, os.PathLike)) or not (
        callable(getattr(model, "predict", None)) or callable(model)
    ):
        raise TypeError(
            f"set_model() takes the model object (a PythonModel instance or a function of one argument), "
            f"got {type(model).__name__}."
        )
    with _lock:
        if _slots:
            _slots[-1] = model


def check_model_file(value: str | os.PathLike[str], error: type[ServebookError]) -> Path:
    """The absolute path of a models-from-code file given as ``python_model``, checked."""
    path = Path(os.fspath(value)).expanduser().absolute()
    if not path.exists():
        hint = f" Did you mean '{path}.py'?" if not path.suffix and path.with_suffix(".py").is_file() else ""
        raise error(f"python_model file {os.fspath(value)!r} does not exist ({path}).{hint}")
    if not path.is_file():
        raise error(
            f"python_model {os.fspath(value)!r} is not a file: pass the .py file that calls set_model()."
        )
    if path.suffix != ".py":
        raise error(f"python_model file {path.name!r} must be a Python file ending in .py.")
    return path


def run_model_file(path: Path, config: Mapping[str, Any] | None, error: type[ServebookError]) -> Any:
    """Run the models-from-code file ``path`` and return the model it gave to ``set_model``.

    Raises:
        ``error``: the file failed to run (the message names the missing module, if one is missing)
        or never called ``set_model``.
    """
    name = f"code_model_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise error(f"The model file {path.name} cannot be run as Python code.")
    with _lock:
        _slots.append(_UNSET)
        try:
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module  # dataclasses, pydantic and typing look the module up by name
            try:
                with config_scope(config):
                    spec.loader.exec_module(module)
            except ImportError as exc:
                sys.modules.pop(name, None)
                raise error(
                    f"Running the model file {path.name} failed: {type(exc).__name__}: {exc}. "
                    + missing_module_hint(exc)
                ) from exc
            except ServebookError:
                sys.modules.pop(name, None)
                raise
            except Exception as exc:
                sys.modules.pop(name, None)
                raise error(
                    f"Running the model file {path.name} failed: {type(exc).__name__}: {exc}"
                ) from exc
        finally:
            model = _slots.pop()
    if model is _UNSET:
        raise error(
            f"The model file {path.name} ran but never called set_model(...): end it with "
            "servebook.models.set_model(MyModel()) (or mlflow.models.set_model)."
        )
    return model
