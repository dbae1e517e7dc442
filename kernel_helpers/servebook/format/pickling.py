"""cloudpickle in and out, with MLflow's class names on both sides.

Dumping (:func:`dump`):
  * servebook's ``PythonModel`` and ``_FunctionPythonModel`` are written under MLflow's names
    (``mlflow.pyfunc.model.PythonModel`` ...), resolved at load time through cloudpickle's
    ``subimport``. MLflow therefore loads our pickles with its own classes, and the pickle never
    names ``servebook`` (a clean environment does not need servebook to unpickle it).
  * a ``predict`` wrapped for type-hint validation (:mod:`servebook.format.typed_predict`) is
    written as a call ``mlflow.pyfunc.utils.data_validation._wrap_predict_with_pyfunc(<user
    function>, FuncInfo(<hint>, <name>))``, and :data:`~servebook.signature.hints.TypeFromExample`
    under MLflow's name: MLflow rebuilds its own validating wrapper when it loads the model,
    servebook its own, both from the hint object resolved at save time;
  * every module the pickle refers to is recorded (classes, functions, modules, and the imports
    inside functions pickled by value), which is what requirement inference needs: no subprocess,
    no second load of the model.

Loading (:func:`load`): an Unpickler whose ``find_class`` maps the MLflow names that MLflow 3.x
pickles contain onto servebook (see :mod:`servebook.format.flavors.mlflow_pickles`), so MLflow-saved
models load without mlflow installed. Any other ``mlflow.*`` name gives a LoadError that says
which mlflow to install. A model may also hold servebook objects (a signature, a context ...), which
the pickle names by module path: the paths of servebook 0.1.0's flat layout are mapped onto the
modules that own those names now (:data:`MOVED_MODULES`).
"""

from __future__ import annotations

import abc
import dis
import io
import pickle
import sys
import types
from collections.abc import Callable, Iterable
from typing import IO, Any

from .flavors.mlflow_pickles import mlflow_object
from .mlflow_alias import real_mlflow_loaded

__all__ = ["MOVED_MODULES", "dump", "load", "loads"]

_MLFLOW_MODEL_MODULE = "mlflow.pyfunc.model"
_VALIDATION_MODULE = "mlflow.pyfunc.utils.data_validation"

#: servebook 0.1.0 module -> the module that owns its names since the subpackage layout
MOVED_MODULES: dict[str, str] = {
    "servebook.model_format": "servebook.format.mlmodel",
    "servebook.save": "servebook.format.save",
    "servebook.load": "servebook.format.load",
    "servebook.requirements": "servebook.format.requirements",
    "servebook.input_example": "servebook.format.input_example",
    "servebook._pickling": "servebook.format.pickling",
    "servebook._code_paths": "servebook.format.code_paths",
    "servebook.python_model": "servebook.format.python_model",
    "servebook.flavors": "servebook.format.flavors",
    "servebook.flavors.python_function": "servebook.format.flavors.python_function",
    "servebook.flavors.sklearn": "servebook.format.flavors.sklearn",
    "servebook.flavors.mlflow_pickles": "servebook.format.flavors.mlflow_pickles",
    "servebook.data_types": "servebook.signature.types",
    "servebook.schema": "servebook.signature.schema",
    "servebook.param_schema": "servebook.signature.params",
    "servebook.schema_inference": "servebook.signature.inference",
    "servebook.enforcement": "servebook.signature.enforce",
    "servebook.tensor_enforcement": "servebook.signature.enforce.tensors",
    "servebook.param_enforcement": "servebook.signature.enforce.params",
    "servebook.value_enforcement": "servebook.signature.enforce.values",
    "servebook.json_coercion": "servebook.signature.enforce.json_coercion",
    "servebook.inspection_env": "servebook.inspection.environment",
    "servebook.inspection_trust": "servebook.inspection.trust",
    "servebook.inspection_text": "servebook.inspection.text",
    "servebook.client": "servebook.serve.client",
}


def _is_mlflow(module: str) -> bool:
    return module == "mlflow" or module.startswith("mlflow.")


class _MlflowModule(types.ModuleType):
    """What ``subimport("mlflow....")`` yields when mlflow is not installed: names looked up lazily."""

    def __getattr__(self, name: str) -> Any:
        return mlflow_object(self.__name__, name)


def _subimport(name: str) -> types.ModuleType:
    if _is_mlflow(name) and name not in sys.modules:
        return _MlflowModule(name)
    __import__(name)
    return sys.modules[name]


def _class_setstate(obj: Any, state: Any) -> Any:
    import cloudpickle.cloudpickle as cp

    cls: type[Any] = cp._class_setstate(obj, state)
    # A class rebuilt on an abc base (our PythonModel) gets its methods after creation: recompute
    # the abstract set, otherwise the class would still count `predict` as abstract.
    if isinstance(cls, abc.ABCMeta):
        abc.update_abstractmethods(cls)
    return cls


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "cloudpickle.cloudpickle" or module == "cloudpickle.cloudpickle_fast":
            if name == "subimport":
                return _subimport
            if name == "_class_setstate":
                return _class_setstate
        elif _is_mlflow(module) and not real_mlflow_loaded():  # absent, or servebook's stand-in
            return mlflow_object(module, name)
        elif module in MOVED_MODULES:
            module = MOVED_MODULES[module]
        return super().find_class(module, name)


def load(file: IO[bytes]) -> Any:
    """Unpickle a model pickle (cloudpickle or pickle), mapping MLflow's class names onto servebook."""
    return _Unpickler(file).load()


def loads(data: bytes) -> Any:
    """:func:`load` from bytes."""
    return load(io.BytesIO(data))


# ---------------------------------------------------------------------------------------------------
class _ModuleRef:
    """Pickles as ``cloudpickle.cloudpickle.subimport(name)`` without importing ``name`` here."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __reduce__(self) -> tuple[Callable[[str], types.ModuleType], tuple[str]]:
        import cloudpickle.cloudpickle as cp

        return cp.subimport, (self.name,)


class _MlflowName:
    """Pickles as ``getattr(subimport(module), name)``: an MLflow callable the loading tool resolves."""

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[_ModuleRef, str]]:
        return getattr, (_ModuleRef(self.module), self.name)

    def __call__(self, *args: Any) -> Any:  # pickle wants a callable; it is only ever written
        raise TypeError(f"{self.module}.{self.name} is resolved when the pickle is loaded")


def _imports_in_code(code: types.CodeType, found: set[str]) -> None:
    for instruction in dis.get_instructions(code):
        if instruction.opname == "IMPORT_NAME" and isinstance(instruction.argval, str):
            found.add(instruction.argval)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _imports_in_code(const, found)


def _make_pickler_class() -> type:
    import cloudpickle

    from ..signature.hints import TypeFromExample
    from .python_model import PythonModel, _FunctionPythonModel
    from .typed_predict import FuncInfo, is_typed_wrapper, typed_info

    renamed: dict[int, tuple[str, str]] = {
        id(PythonModel): (_MLFLOW_MODEL_MODULE, "PythonModel"),
        id(_FunctionPythonModel): (_MLFLOW_MODEL_MODULE, "_FunctionPythonModel"),
        id(FuncInfo): (_VALIDATION_MODULE, "FuncInfo"),
    }
    type_from_example = ("mlflow.types.type_hints", "TypeFromExample")
    import cloudpickle.cloudpickle as cp

    by_reference = getattr(cp, "_should_pickle_by_reference", None)

    def pickled_by_reference(obj: Any) -> bool:
        if by_reference is not None:
            return bool(by_reference(obj))
        module = getattr(obj, "__module__", None)
        return module in sys.modules and module != "__main__"

    class RecordingPickler(cloudpickle.CloudPickler):
        """A CloudPickler that records referenced modules and writes our base classes by MLflow's name."""

        modules: set[str]

        def reducer_override(self, obj: Any) -> Any:
            if isinstance(obj, type):
                alias = renamed.get(id(obj))
                if alias is not None:
                    return getattr, (_ModuleRef(alias[0]), alias[1])
                if pickled_by_reference(obj):
                    self.modules.add(obj.__module__)
            elif obj is TypeFromExample:
                return getattr, (_ModuleRef(type_from_example[0]), type_from_example[1])
            elif is_typed_wrapper(obj):
                # rebuilt at load time by the loading tool's own wrapper, from the hint as resolved now
                # (a string annotation may not resolve later: by-value globals omit annotation names)
                wrap = _MlflowName(_VALIDATION_MODULE, "_wrap_predict_with_pyfunc")
                return wrap, (obj.__wrapped__, typed_info(obj))
            elif isinstance(obj, types.FunctionType):
                if pickled_by_reference(obj):
                    self.modules.add(obj.__module__)
                else:  # by value: the modules it imports at run time are requirements too
                    _imports_in_code(obj.__code__, self.modules)
            elif isinstance(obj, types.BuiltinFunctionType):
                module = getattr(obj, "__module__", None)
                if isinstance(module, str):
                    self.modules.add(module)
            elif isinstance(obj, types.ModuleType):
                self.modules.add(obj.__name__)
            return super().reducer_override(obj)

    return RecordingPickler


_PICKLER: list[type] = []


def dump(obj: Any, file: IO[bytes], *, by_value: Iterable[types.ModuleType] = ()) -> set[str]:
    """Cloudpickle ``obj`` into ``file``; return the names of the modules the pickle refers to.

    ``by_value`` modules are pickled by value for this call only (``cloudpickle.register_pickle_by_value``).
    """
    import cloudpickle

    if not _PICKLER:
        _PICKLER.append(_make_pickler_class())
    registered = []
    try:
        for module in by_value:
            if module.__name__ not in cloudpickle.list_registry_pickle_by_value():
                cloudpickle.register_pickle_by_value(module)
                registered.append(module)
        pickler = _PICKLER[0](file, protocol=cloudpickle.DEFAULT_PROTOCOL)
        pickler.modules = set()
        pickler.dump(obj)
    finally:
        for module in registered:
            cloudpickle.unregister_pickle_by_value(module)
    modules: set[str] = pickler.modules
    return modules
