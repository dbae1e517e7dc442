"""``import mlflow`` inside a model's own code, answered by servebook when MLflow is not installed.

Code written for MLflow says ``import mlflow``, ``from mlflow.pyfunc import PythonModel`` or ``from
mlflow.models import set_model``: a ``code_paths`` package, a models-from-code file, or a ``predict``
that imports mlflow lazily. Where real MLflow is installed, it is used and nothing here is active.
Where it is not, :func:`alias_modules` builds stand-in modules (``mlflow``, ``mlflow.pyfunc``,
``mlflow.models`` ...) whose names are servebook's public ones, the very objects ``import servebook as
mlflow`` gives. :mod:`.code_paths` binds them in ``sys.modules`` only while the model's code scope is
active (loading, and each call of a model that needs them) and removes them on leaving, so the user's
session never sees an ``mlflow`` module that is not MLflow.

The stand-ins resolve their names lazily (by module name, like :mod:`servebook._lazy_exports`), so
building them imports nothing. A name servebook does not provide raises an ``AttributeError`` that
says so and what to install.
"""

from __future__ import annotations

import dis
import importlib
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Iterator
from typing import Any

from ..errors import LoadError, ModelError
from .mlmodel import MLFLOW_FORMAT_VERSION

__all__ = [
    "MlflowException",
    "alias_modules",
    "imports_mlflow",
    "is_alias",
    "missing_module_hint",
    "real_mlflow_available",
    "real_mlflow_loaded",
]

_ALIAS_FLAG = "__servebook_alias__"

# mlflow module -> servebook modules whose attributes it offers, first match wins. The targets are
# servebook's public faces (what ``import servebook as mlflow`` reaches) plus the owners of the few
# MLflow names those faces do not re-export.
_TREE: dict[str, tuple[str, ...]] = {
    "mlflow": ("servebook",),
    "mlflow.pyfunc": ("servebook.pyfunc",),
    "mlflow.pyfunc.model": ("servebook.pyfunc", "servebook.format.python_model"),
    "mlflow.models": ("servebook.models",),
    "mlflow.models.model": ("servebook.models",),
    "mlflow.models.signature": ("servebook.models",),
    "mlflow.models.model_config": ("servebook.models",),
    "mlflow.types": ("servebook.models", "servebook.signature"),
    "mlflow.types.schema": ("servebook.models", "servebook.signature"),
    "mlflow.exceptions": (),
    "mlflow.sklearn": ("servebook.sklearn",),
}
_PACKAGES = frozenset(name.rpartition(".")[0] for name in _TREE if "." in name)


class MlflowException(ModelError):
    """What model code gets for ``mlflow.exceptions.MlflowException`` (and ``mlflow.MlflowException``).

    Raised inside ``predict`` it is the model's own failure, as any exception there.
    """

    def __init__(self, message: Any, error_code: Any = None, **kwargs: Any) -> None:
        super().__init__(str(message))
        self.mlflow_error_code = error_code

    @classmethod
    def invalid_parameter_value(cls, message: Any, **kwargs: Any) -> MlflowException:
        """MLflow's constructor for an invalid-parameter error."""
        return cls(message, "INVALID_PARAMETER_VALUE")


_OWN: dict[str, dict[str, Any]] = {
    "mlflow": {"__version__": MLFLOW_FORMAT_VERSION, "MlflowException": MlflowException},
    "mlflow.exceptions": {"MlflowException": MlflowException},
}


class _AliasModule(types.ModuleType):
    """A stand-in for one mlflow module: names resolved in servebook on first access, then cached."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        full = f"{self.__name__}.{name}"
        modules = self.__dict__["_servebook_family"]
        if full in modules:
            value: Any = modules[full]
        else:
            value = _resolve(self.__name__, name)
        setattr(self, name, value)
        return value


def _resolve(module: str, name: str) -> Any:
    own = _OWN.get(module, {})
    if name in own:
        return own[name]
    for target in _TREE[module]:
        owner = importlib.import_module(target)
        try:
            return getattr(owner, name)
        except AttributeError:
            continue
    from .flavors.mlflow_pickles import mlflow_object

    try:
        return mlflow_object(module, name)
    except LoadError:
        raise AttributeError(
            f"The model's code uses {module}.{name}. MLflow is not installed here, and servebook, which "
            "stands in for mlflow while the model's own code runs, does not provide that name: install "
            "mlflow where the model is loaded (pip install mlflow==3.17.2)."
        ) from None


def real_mlflow_loaded() -> bool:
    """True when ``sys.modules['mlflow']`` is real MLflow (not servebook's stand-in)."""
    module = sys.modules.get("mlflow")
    return module is not None and not getattr(module, _ALIAS_FLAG, False)


def real_mlflow_available() -> bool:
    """True when real MLflow is imported or importable (then servebook never stands in for it).

    A directory named ``mlflow`` on ``sys.path`` (say, a folder of saved models in the working
    directory) is a namespace package, not MLflow: MLflow is a regular package with ``__init__.py``.
    """
    module = sys.modules.get("mlflow")
    if module is not None:  # imported already: real, or our stand-in (bound because it is missing)
        return not is_alias(module) and getattr(module, "__file__", None) is not None
    try:
        spec = importlib.util.find_spec("mlflow")
    except (ImportError, ValueError):
        return False
    return spec is not None and spec.origin not in (None, "namespace")


def is_alias(module: object) -> bool:
    """True for servebook's stand-in mlflow modules."""
    return bool(getattr(module, _ALIAS_FLAG, False))


def alias_modules() -> dict[str, types.ModuleType]:
    """Fresh stand-in modules, ``{sys.modules key: module}``; empty when real MLflow is available."""
    if real_mlflow_available():
        return {}
    family: dict[str, types.ModuleType] = {}
    for name in _TREE:
        module = _AliasModule(name, f"servebook's stand-in for {name} (MLflow is not installed)")
        module.__dict__[_ALIAS_FLAG] = True
        module.__dict__["_servebook_family"] = family
        package = name in _PACKAGES or name == "mlflow"
        if package:
            module.__path__ = []  # a package: unknown submodules fail with ModuleNotFoundError
        module.__package__ = name if package else name.rpartition(".")[0]
        # a spec, so importlib.util.find_spec("mlflow") answers instead of raising while bound
        module.__spec__ = importlib.machinery.ModuleSpec(name, None, is_package=package)
        family[name] = module
    return family


def _code_objects(value: Any) -> Iterator[types.CodeType]:
    seen = 0
    while value is not None and seen < 8:  # follow functools.wraps chains (MLflow's predict wrapper)
        function = getattr(value, "__func__", value)
        code = getattr(function, "__code__", None)
        if isinstance(code, types.CodeType):
            yield code
        value = getattr(function, "__wrapped__", None)
        seen += 1


def _code_imports_mlflow(code: types.CodeType, depth: int = 0) -> bool:
    for instruction in dis.get_instructions(code):
        name = instruction.argval
        if instruction.opname == "IMPORT_NAME" and isinstance(name, str) and name.split(".")[0] == "mlflow":
            return True
    nested = (const for const in code.co_consts if isinstance(const, types.CodeType))
    return depth < 4 and any(_code_imports_mlflow(const, depth + 1) for const in nested)


def imports_mlflow(obj: Any) -> bool:
    """True when a method of ``obj``'s class (outside servebook) imports mlflow when it runs."""
    for cls in type(obj).__mro__:
        module = getattr(cls, "__module__", "") or ""
        if module == "builtins" or module.split(".")[0] in ("servebook", "mlflow"):
            continue
        for value in list(vars(cls).values()):
            for code in _code_objects(value):
                if _code_imports_mlflow(code):
                    return True
    return False


def missing_module_hint(exc: BaseException) -> str:
    """What to do about an ImportError/AttributeError raised while loading a model's code."""
    name = getattr(exc, "name", None) or ""
    if name == "mlflow" or name.startswith("mlflow."):
        return (
            "MLflow is not installed here; servebook stands in for MLflow's common names (pyfunc, models, "
            "types, sklearn) while a model's own code runs, but not for this one: install mlflow where "
            "the model is loaded (pip install mlflow==3.17.2)."
        )
    return (
        "A module the model needs is missing: install the model's requirements.txt, or save the model "
        "with code_paths for your own modules."
    )
