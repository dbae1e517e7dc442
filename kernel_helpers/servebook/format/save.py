"""``save_model``: write a custom Python model in the MLflow Model format, atomically.

Everything is staged in a hidden sibling directory (``.<name>.tmp-<hex>``); ``MLmodel`` is written
last; the staging directory is then renamed into place. If anything fails, the staging directory is
removed and the target is left as it was. Portability problems are found before anything is written,
and the error says how to fix them.
"""

from __future__ import annotations

import inspect
import logging
import os
import shutil
import sys
import types
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import SaveError
from . import code_paths as _code_paths
from . import mlflow_alias, pickling, requirements
from .mlmodel import (
    ARTIFACTS_DIRNAME,
    CODE_DIRNAME,
    CODE_MODEL_LOADER_MODULE,
    CONDA_ENV_FILENAME,
    MLMODEL_FILENAME,
    PYFUNC_FLAVOR,
    PYFUNC_LOADER_MODULE,
    PYTHON_ENV_FILENAME,
    PYTHON_MODEL_FILENAME,
    Model,
)
from .model_config import read_model_config
from .models_from_code import check_model_file, run_model_file
from .python_model import PythonModelContext, _FunctionPythonModel
from .uri import parse_location

if TYPE_CHECKING:
    from ..signature import ModelSignature

__all__ = ["save_model"]

_logger = logging.getLogger("servebook.save")

PathLike = str | os.PathLike[str]


def save_model(
    path: PathLike,
    python_model: Any = None,
    artifacts: Mapping[str, PathLike] | None = None,
    code_paths: Sequence[PathLike] | None = None,
    signature: ModelSignature | None = None,
    input_example: Any = None,
    pip_requirements: Sequence[str] | PathLike | None = None,
    extra_pip_requirements: Sequence[str] | PathLike | None = None,
    conda_env: Mapping[str, Any] | PathLike | None = None,
    metadata: Mapping[str, Any] | None = None,
    model_config: Mapping[str, Any] | PathLike | None = None,
    overwrite: bool = False,
    code_path: Sequence[PathLike] | None = None,
    *,
    by_value: bool = False,
    mlflow_model: Model | None = None,
) -> Model:
    """Save ``python_model`` to the directory ``path`` in the MLflow Model format.

    Args:
        path: target directory; must not exist or be empty unless ``overwrite=True``.
        python_model: a :class:`PythonModel` (or any object with ``predict``), a function of one
            argument, or the path of a Python file that ends with ``set_model(...)`` (models from
            code: the file is run now to check it, copied into the model and run again at each load;
            nothing is pickled).
        artifacts: name -> local file/directory (or ``file://`` URI), copied to ``artifacts/``; at load
            time ``context.artifacts[name]`` is its absolute path.
        code_paths: files and package directories copied to ``code/``, importable while the model loads.
        signature: a ModelSignature; inferred from ``input_example`` (and the model's output on it)
            when omitted.
        input_example: a DataFrame, array, dict, list or scalar, or ``(example, params)``.
        pip_requirements: replaces inferred requirements (list or requirements file).
        extra_pip_requirements: added to the inferred requirements.
        conda_env: a conda environment (dict or YAML file); its pip section becomes requirements.txt.
        metadata: free-form dict stored in MLmodel.
        model_config: dict (or YAML/JSON file) given to the model as ``context.model_config`` (and to
            a models-from-code file's ``ModelConfig``).
        overwrite: replace an existing non-empty ``path``.
        code_path: MLflow's older spelling of ``code_paths``.
        by_value: pickle the model class's own module by value instead of requiring ``code_paths``.
        mlflow_model: a Model to fill in (``log_model`` uses it to pre-set run and model ids).

    Returns:
        The :class:`Model` written to ``path/MLmodel``.
    """
    if code_path is not None:
        if code_paths is not None:
            raise SaveError("Pass code_paths or its old spelling code_path, not both.")
        code_paths = code_path
    if conda_env is not None and (pip_requirements is not None or extra_pip_requirements is not None):
        raise SaveError(
            "conda_env cannot be combined with pip_requirements or extra_pip_requirements; pass one of them."
        )
    if pip_requirements is not None and extra_pip_requirements is not None:
        raise SaveError("Pass pip_requirements or extra_pip_requirements, not both.")
    target = Path(os.fspath(path)).expanduser().absolute()
    config = None
    if model_config is not None:
        given = model_config
        if not isinstance(given, Mapping):
            given = _local_path(given, "model_config")
        config = read_model_config(given, SaveError)
    model_file = None
    if isinstance(python_model, (str, os.PathLike)):
        model_file = check_model_file(python_model, SaveError)
        python_model = _model_from_file(model_file, config)
    else:
        _logger.info(
            "Pickling the model object with cloudpickle; to save it as code instead, pass "
            "python_model='model.py' (a file ending with set_model(MyModel()))."
        )
    python_model = _as_python_model(python_model)
    _check_target(target, overwrite)
    code_sources = _resolve_code_paths(code_paths)
    artifact_sources = _resolve_artifacts(artifacts)
    code_names = _code_paths.top_level_names(code_sources)
    _check_code_names(code_names)
    if model_file is None:
        by_value_modules = _check_model_class(python_model, code_names, by_value)
    else:
        by_value_modules = []
        _check_referenced_modules(_code_paths.imports_of([model_file]), code_names, set(), model_file)
    conda = _read_conda_env(conda_env)

    if not target.parent.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
    stage = target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:12]}"
    stage.mkdir()
    try:
        model = _write_model(
            stage,
            python_model,
            artifact_sources=artifact_sources,
            code_sources=code_sources,
            code_names=code_names,
            by_value_modules=by_value_modules,
            signature=signature,
            input_example=input_example,
            pip_requirements=pip_requirements,
            extra_pip_requirements=extra_pip_requirements,
            conda_env=conda,
            metadata=metadata,
            model_config=config,
            model=mlflow_model if mlflow_model is not None else Model(),
            model_file=model_file,
        )
        _move_into_place(stage, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return model


# ---- checks (nothing written yet) ------------------------------------------------------------------
def _model_from_file(model_file: Path, config: dict[str, Any] | None) -> Any:
    """Run a models-from-code file (``import mlflow`` answered by servebook when MLflow is missing)."""
    with _code_paths.code_scope(None, mlflow_alias.alias_modules()):
        model = run_model_file(model_file, config, SaveError)
    if isinstance(model, type):
        raise SaveError(
            f"{model_file.name} passed the class {model.__name__} to set_model: pass an instance, "
            f"set_model({model.__name__}())."
        )
    return model


def _as_python_model(python_model: Any) -> Any:
    if python_model is None:
        raise SaveError(
            "save_model() needs python_model=: a PythonModel instance or a function of one argument."
        )
    if isinstance(python_model, type):
        raise SaveError(
            f"python_model is the class {python_model.__name__}, not an instance: pass "
            f"python_model={python_model.__name__}()."
        )
    if callable(getattr(python_model, "predict", None)):
        return python_model
    if callable(python_model):
        try:
            parameters = [
                p
                for p in inspect.signature(python_model).parameters.values()
                if p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
            ]
        except (TypeError, ValueError):
            parameters = []
        if len(parameters) != 1:
            raise SaveError(
                f"python_model is a function with {len(parameters)} parameters; a function model must "
                "take exactly one argument (the model input). Wrap it in a PythonModel for more."
            )
        return _FunctionPythonModel(python_model)
    raise SaveError(
        f"python_model must be a PythonModel (an object with a predict method) or a function, got "
        f"{type(python_model).__name__}."
    )


def _check_target(target: Path, overwrite: bool) -> None:
    if target.exists() and not target.is_dir():
        raise SaveError(f"{target} exists and is not a directory; choose a new path for the model.")
    if target.is_dir() and any(target.iterdir()) and not overwrite:
        raise SaveError(
            f"{target} already exists and is not empty: pass overwrite=True or choose a new path."
        )


def _local_path(value: PathLike, what: str) -> Path:
    location = parse_location(value, error=SaveError)
    if location.path is None:
        raise SaveError(
            f"{what} {location.text!r} is a {location.scheme}:// URI; servebook copies local files only. "
            "Download it first and pass the local path."
        )
    return location.path


def _resolve_code_paths(code_paths: Sequence[PathLike] | None) -> list[Path]:
    if code_paths is None:
        return []
    if isinstance(code_paths, (str, os.PathLike)):
        raise SaveError("code_paths must be a list of paths, e.g. code_paths=['helpers.py'].")
    sources = []
    for entry in code_paths:
        path = _local_path(entry, "code_paths entry").absolute()
        if not path.exists():
            raise SaveError(f"code_paths entry {os.fspath(entry)!r} does not exist ({path}).")
        _check_basename(path, "code_paths entry")
        sources.append(path)
    names = [p.name for p in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SaveError(
            f"Several code_paths entries are named {duplicates}; they would overwrite each other in code/."
        )
    return sources


def _check_basename(path: Path, what: str) -> None:
    name = path.resolve().name
    if name in ("", ".", "..") or "/" in name or os.sep in name:
        raise SaveError(
            f"{what} {str(path)!r} has no usable name inside the model directory; name it explicitly."
        )


def _resolve_artifacts(artifacts: Mapping[str, PathLike] | None) -> dict[str, tuple[Path, str]]:
    if not artifacts:
        return {}
    if not isinstance(artifacts, Mapping):
        raise SaveError("artifacts must be a dict of name -> path, e.g. artifacts={'weights': 'w.json'}.")
    out: dict[str, tuple[Path, str]] = {}
    for name, uri in artifacts.items():
        if not isinstance(name, str) or not name:
            raise SaveError(f"Artifact names must be non-empty strings, got {name!r}.")
        path = _local_path(uri, f"artifact {name!r}").absolute()
        if not path.exists():
            raise SaveError(f"Artifact {name!r} points to {path}, which does not exist. Check the path.")
        _check_basename(path, f"artifact {name!r}")
        out[name] = (path, os.fspath(uri))
    return out


def _check_code_names(code_names: Mapping[str, Path]) -> None:
    import importlib.util

    for name, source in code_names.items():
        if name in sys.stdlib_module_names:
            raise SaveError(
                f"code_paths entry {source} provides the module {name!r}, which shadows the standard "
                f"library module of that name. Rename it (e.g. {name}_helpers)."
            )
        dist = requirements.distribution_of(name)
        if dist is None or dist.lower() == "servebook":
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = getattr(spec, "origin", None) or ""
        if origin and Path(origin).resolve().is_relative_to(source.resolve()):
            continue  # the installed module *is* this code path (e.g. an editable install)
        raise SaveError(
            f"code_paths entry {source} provides the module {name!r}, which shadows the installed "
            f"package {dist!r}; at load time one of them would hide the other. Rename your module."
        )


def _check_model_class(
    python_model: Any, code_names: Mapping[str, Path], by_value: bool
) -> list[types.ModuleType]:
    cls = type(python_model)
    module_name = cls.__module__ or ""
    top = module_name.split(".", 1)[0]
    if module_name == "__main__" or top in ("servebook", "mlflow") or top in code_names:
        return []
    module = sys.modules.get(module_name)
    if by_value:
        return [module] if module is not None else []
    if requirements.distribution_of(top) is not None:
        return []
    where = getattr(module, "__file__", None) or "an unknown file"
    raise SaveError(
        f"The model class {cls.__qualname__} comes from the module {module_name!r} ({where}), which is "
        "not an installed package, so it would not be importable where the model is loaded. Either pass "
        f"code_paths=[{_suggest_code_path(module, top)!r}], or define the class in the notebook, or save "
        "with by_value=True to embed the module in the pickle."
    )


def _suggest_code_path(module: types.ModuleType | None, top: str) -> str:
    top_module = sys.modules.get(top)
    file = getattr(top_module, "__file__", None) or getattr(module, "__file__", None)
    if not file:
        return f"{top}.py"
    path = Path(file)
    if path.name == "__init__.py":
        path = path.parent
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _read_conda_env(conda_env: Mapping[str, Any] | PathLike | None) -> dict[str, Any] | None:
    if conda_env is None:
        return None
    if isinstance(conda_env, Mapping):
        return dict(conda_env)
    path = _local_path(conda_env, "conda_env")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SaveError(f"conda_env file {path} cannot be read: {exc}") from exc
    if not isinstance(data, dict):
        raise SaveError(f"conda_env file {path} must hold a mapping, got {type(data).__name__}.")
    return data


def _requirement_lines(value: Sequence[str] | PathLike) -> list[str]:
    if isinstance(value, (str, os.PathLike)):
        path = Path(os.fspath(value))
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise SaveError(f"Requirements file {path} cannot be read: {exc}") from exc
        return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    return [str(line).strip() for line in value if str(line).strip()]


# ---- writing (inside the staging directory) --------------------------------------------------------
def _copy(source: Path, dest: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    else:
        shutil.copy2(source, dest)


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def _copy_artifacts(stage: Path, sources: dict[str, tuple[Path, str]]) -> dict[str, dict[str, str]]:
    records: dict[str, dict[str, str]] = {}
    root = stage / ARTIFACTS_DIRNAME
    for index, (name, (source, uri)) in enumerate(sources.items()):
        relative = Path(ARTIFACTS_DIRNAME) / source.resolve().name
        if (stage / relative).exists():
            relative = Path(ARTIFACTS_DIRNAME) / str(index) / source.resolve().name
        dest = stage / relative
        if not _inside(dest, root):
            raise SaveError(f"Artifact {name!r} would be written outside the model directory ({dest}).")
        dest.parent.mkdir(parents=True, exist_ok=True)
        _copy(source, dest)
        records[name] = {"path": relative.as_posix(), "uri": uri}
    return records


def _size_of(root: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(root):
        for file in files:
            total += os.path.getsize(os.path.join(dirpath, file))
    return total


def _split_example(input_example: Any) -> tuple[Any, dict[str, Any] | None]:
    if isinstance(input_example, tuple) and len(input_example) == 2 and isinstance(input_example[1], dict):
        return input_example[0], input_example[1]
    return input_example, None


def _infer_signature(
    python_model: Any,
    input_example: Any,
    artifact_records: dict[str, dict[str, str]],
    stage: Path,
    model_config: dict[str, Any] | None,
) -> ModelSignature | None:
    """MLflow's behaviour: load_context, then predict on the example as the loaded model would see it
    (enforced against the schema inferred from it), then infer inputs, outputs and params."""
    import sys

    from ..signature import infer_signature
    from ..signature.enforce import enforce_input
    from ..signature.enforce.type_hints import adapt_dataframe
    from ..signature.inference import infer_schema
    from .hinted_signature import hints_of

    example, params = _split_example(input_example)
    output = None
    try:
        context = _context(artifact_records, stage, model_config)
        load_context = getattr(python_model, "load_context", None)
        if callable(load_context):
            load_context(context)
        schema = infer_schema(example)
        data = adapt_dataframe(enforce_input(example, schema), hints_of(python_model).input, schema)
        output = _call_predict(python_model, context, data, params)
        np = sys.modules.get("numpy")
        if (
            np is not None
            and not schema.is_tensor_spec()
            and isinstance(output, np.ndarray)
            and output.ndim == 1
        ):
            import pandas as pd

            output = pd.Series(output)  # row-wise predictions of a table: one unnamed column
    except Exception as exc:  # a failing model must not prevent saving; MLflow only logs this too
        _logger.warning(
            "Could not run the model on input_example to infer the output schema (%s: %s); "
            "saving a signature with inputs only.",
            type(exc).__name__,
            exc,
        )
        output = None
    return infer_signature(example, row_output(example, output), params)


def row_output(example: Any, output: Any) -> Any:
    """MLflow's rule when inferring an output schema: for a column-based (non-array) input, a 1-D
    array of predictions is one value per row, a column, not a tensor."""
    tensor_input = type(example).__name__ == "ndarray" or (
        isinstance(example, dict) and all(type(v).__name__ == "ndarray" for v in example.values())
    )
    if type(output).__name__ == "ndarray" and getattr(output, "ndim", 0) == 1 and not tensor_input:
        import pandas as pd

        return pd.Series(output)
    return output


def _context(
    artifact_records: dict[str, dict[str, str]], stage: Path, model_config: dict[str, Any] | None
) -> PythonModelContext:
    return PythonModelContext(
        {name: str(stage / rec["path"]) for name, rec in artifact_records.items()}, model_config
    )


def _call_predict(
    python_model: Any, context: PythonModelContext, data: Any, params: dict[str, Any] | None
) -> Any:
    from .python_model import predict_takes_context, predict_takes_params

    predict = python_model.predict
    kwargs = {"params": params} if predict_takes_params(predict) else {}
    if predict_takes_context(predict):
        return predict(context, data, **kwargs)
    return predict(data, **kwargs)


def _is_streamable(python_model: Any) -> bool:
    method = getattr(type(python_model), "predict_stream", None)
    if method is None:
        return False
    return getattr(method, "__qualname__", "") != "PythonModel.predict_stream"


def _write_model(
    stage: Path,
    python_model: Any,
    *,
    artifact_sources: dict[str, tuple[Path, str]],
    code_sources: list[Path],
    code_names: Mapping[str, Path],
    by_value_modules: list[types.ModuleType],
    signature: ModelSignature | None,
    input_example: Any,
    pip_requirements: Sequence[str] | PathLike | None,
    extra_pip_requirements: Sequence[str] | PathLike | None,
    conda_env: dict[str, Any] | None,
    metadata: Mapping[str, Any] | None,
    model_config: dict[str, Any] | None,
    model: Model,
    model_file: Path | None = None,
) -> Model:
    import cloudpickle

    if model_file is None:
        with open(stage / PYTHON_MODEL_FILENAME, "wb") as out:
            try:
                modules = pickling.dump(python_model, out, by_value=by_value_modules)
            except Exception as exc:
                raise SaveError(
                    f"The model cannot be pickled with cloudpickle: {type(exc).__name__}: {exc}. Objects "
                    "such as open files, locks, sockets or database connections cannot be saved; create "
                    "them in load_context, or save the model as code (python_model='model.py')."
                ) from exc
        _check_referenced_modules(modules, code_names, {m.__name__ for m in by_value_modules})
    else:  # models from code: the file itself is the model; its imports are its requirements
        shutil.copy2(model_file, stage / model_file.name)
        modules = _code_paths.imports_of([model_file])
    artifact_records = _copy_artifacts(stage, artifact_sources)

    from .hinted_signature import choose_signature

    # the hint check and the inference may run the model's predict: inside its code scope
    with _code_paths.code_scope(None, mlflow_alias.alias_modules() if model_file else None):
        choice = choose_signature(
            python_model, signature, input_example, lambda: _context(artifact_records, stage, model_config)
        )
        signature = choice.signature
        if choice.infer:
            signature = _infer_signature(python_model, input_example, artifact_records, stage, model_config)
    example_info = None
    if input_example is not None:
        from .input_example import save_input_example

        checked = signature if choice.validate_example or choice.infer else None
        example_info = save_input_example(stage, input_example, checked)
    model.model_size_bytes = _size_of(stage)

    if code_sources:
        (stage / CODE_DIRNAME).mkdir()
        for source in code_sources:
            _copy(source, stage / CODE_DIRNAME / source.name)

    if conda_env is not None:
        reqs = requirements.pip_requirements_of_conda_env(conda_env)
    elif pip_requirements is not None:
        reqs = requirements.with_mlflow_first(_requirement_lines(pip_requirements))
    else:
        inferred = requirements.infer_requirements(
            modules | _code_paths.imports_of(code_sources), exclude_modules=code_names
        )
        extra = _requirement_lines(extra_pip_requirements) if extra_pip_requirements is not None else []
        reqs = requirements.merge_requirements(requirements.default_requirements(), inferred, extra)
    requirements.write_environment_files(stage, reqs, conda_env)

    flavor: dict[str, Any] = {}
    if artifact_records:
        flavor["artifacts"] = artifact_records
    flavor.update(
        cloudpickle_version=cloudpickle.__version__,
        code=CODE_DIRNAME if code_sources else None,
        env={"conda": CONDA_ENV_FILENAME, "virtualenv": PYTHON_ENV_FILENAME},
        loader_module=PYFUNC_LOADER_MODULE if model_file is None else CODE_MODEL_LOADER_MODULE,
    )
    if model_file is None:
        flavor["python_model"] = PYTHON_MODEL_FILENAME
    else:  # MLflow writes the path it was saved from and reads the file of that name: write the name
        flavor["model_code_path"] = model_file.name
    flavor.update(python_version=requirements.python_version(), streamable=_is_streamable(python_model))
    if model_config is not None:
        flavor["config"] = model_config
    model.add_flavor(PYFUNC_FLAVOR, **flavor)
    if signature is not None:
        model.signature = signature
        model.is_signature_from_type_hint = choice.from_type_hint
        model.type_hint_from_example = choice.type_hint_from_example
    if example_info:
        model.saved_input_example_info = example_info
    if metadata is not None:
        model.metadata = dict(metadata)
    model.save(stage / MLMODEL_FILENAME)
    return model


def _check_referenced_modules(
    modules: set[str], code_names: Mapping[str, Path], by_value: set[str], model_file: Path | None = None
) -> None:
    """Refuse pickles (and model files) naming local modules that will not exist at load time."""
    for name in sorted(modules):
        top = name.split(".", 1)[0]
        if (
            name == "__main__"
            or name in by_value
            or top in code_names
            or top in ("servebook", "mlflow", "builtins", "__mp_main__")
            or top in sys.stdlib_module_names
            or requirements.distribution_of(top) is not None
        ):
            continue
        module = sys.modules.get(name)
        file = getattr(module, "__file__", None)
        if not file or _under_prefix(file):
            continue
        what = f"The model file {model_file.name} imports" if model_file else "The model refers to"
        raise SaveError(
            f"{what} the module {name!r} ({file}), which is neither installed nor in "
            f"code_paths, so the model would not load elsewhere. Pass code_paths="
            f"[{_suggest_code_path(module, top)!r}] or define the code in the notebook."
        )


def _under_prefix(file: str) -> bool:
    resolved = os.path.realpath(file)
    return any(
        resolved.startswith(os.path.realpath(prefix) + os.sep)
        for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix}
    )


def _move_into_place(stage: Path, target: Path) -> None:
    if target.is_dir() and any(target.iterdir()):
        old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:12]}"
        os.replace(target, old)
        try:
            os.replace(stage, target)
        except BaseException:
            os.replace(old, target)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        if target.is_dir():
            target.rmdir()
        os.replace(stage, target)
