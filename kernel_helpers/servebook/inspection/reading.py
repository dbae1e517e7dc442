"""Reading a model directory *without running it*: ``servebook.inspect(model_uri) -> ModelReport``.

Reads ``MLmodel`` (YAML, safe loader, size-capped, copied into plain JSON types with a node budget),
the signature JSON strings, the input example files, the env files, tracking-store ``meta.yaml`` files
(through :mod:`servebook.tracking.mlruns`) and file metadata. It never unpickles, never imports
``loader_module`` and never executes or imports anything from the model directory; a malformed model
yields a report whose ``error`` says what is wrong instead of an exception.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from ..errors import InvalidInputError
from ..format.uri import parse_location
from ..tracking.mlruns import locate_model
from .environment import check_environment
from .report import (
    MLMODEL,
    ColumnInfo,
    FlavorInfo,
    InputExampleInfo,
    ModelReport,
    ModelSummary,
    ParamInfo,
    SchemaTable,
    SignatureTables,
)
from .trust import assess_trust, list_files

__all__ = ["inspect", "model_summary", "run_inspect_command"]

_MAX_MLMODEL_BYTES = 2 * 1024 * 1024
_MAX_EXAMPLE_BYTES = 256 * 1024
_MAX_JSON_NODES = 20_000


def _jsonable(value: Any, budget: list[int]) -> Any:
    """Copy YAML data into plain JSON types; stop after ``budget`` nodes (alias bombs stay small)."""
    budget[0] -= 1
    if budget[0] < 0:
        return "…"
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v, budget) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v, budget) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return repr(value)


def _load_yaml(path: Path) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


def _read_mlmodel(directory: Path) -> tuple[dict[str, Any] | None, str | None]:
    """Return ``(parsed MLmodel, None)`` or ``(None, error sentence)``."""
    path = directory / MLMODEL
    if not path.exists() and not path.is_symlink():
        return None, f"No {MLMODEL} file in {directory}: this is not an MLflow-format model directory."
    if path.is_symlink() and not os.path.realpath(path).startswith(os.path.realpath(directory) + os.sep):
        return (
            None,
            f"{MLMODEL} is a symlink leaving the model directory; it was not read. Do not load this model.",
        )
    try:
        size = path.stat().st_size
        if size > _MAX_MLMODEL_BYTES:
            return None, f"{MLMODEL} is {size} bytes, larger than any real MLmodel file; it was not read."
        data = _load_yaml(path)
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"Cannot read {path}: {exc}."
    except Exception as exc:  # yaml.YAMLError and friends: the file is not valid YAML
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return None, f"{MLMODEL} is not valid YAML ({first}). Re-save the model or fix the file by hand."
    if not isinstance(data, dict):
        return None, f"{MLMODEL} must be a YAML mapping, got {type(data).__name__}. Re-save the model."
    data = _jsonable(data, [_MAX_JSON_NODES])
    if not isinstance(data.get("flavors"), dict) or not data["flavors"]:
        return (
            data,
            f"{MLMODEL} has no 'flavors' mapping, so no loader knows how to load it. Re-save the model.",
        )
    return data, None


def _type_text(spec: Any) -> str:
    if isinstance(spec, str):
        return spec
    if not isinstance(spec, dict):
        return str(spec)
    kind = spec.get("type")
    if kind == "array":
        return f"array<{_type_text(spec.get('items'))}>"
    if kind == "map":
        return f"map<{_type_text(spec.get('values'))}>"
    if kind == "object":
        props = _mapping(spec, "properties")
        return "object{" + ", ".join(f"{k}: {_type_text(v)}" for k, v in props.items()) + "}"
    return str(kind)


def _mapping(parent: dict[str, Any], key: str) -> dict[str, Any]:
    """``parent[key]`` when it is a mapping, else ``{}`` (YAML from any file may hold anything)."""
    value = parent.get(key)
    return value if isinstance(value, dict) else {}


def _shape(value: Any) -> tuple[int, ...] | None:
    if isinstance(value, (list, tuple)) and all(isinstance(v, int) for v in value):
        return tuple(value)
    return None


def _schema_table(raw: Any) -> SchemaTable | None:
    specs = json.loads(raw) if isinstance(raw, str) else raw
    if specs is None:
        return None
    if not isinstance(specs, list):
        raise ValueError("a schema must be a JSON list")
    rows = []
    kind = "columns"
    for spec in specs:
        if not isinstance(spec, dict):
            raise ValueError(f"schema entry {spec!r} is not an object")
        if spec.get("type") == "tensor":
            kind = "tensors"
            ts = _mapping(spec, "tensor-spec")
            rows.append(ColumnInfo(spec.get("name"), str(ts.get("dtype")), True, _shape(ts.get("shape"))))
        else:
            rows.append(ColumnInfo(spec.get("name"), _type_text(spec), bool(spec.get("required", True))))
    return SchemaTable(kind, tuple(rows))


def _signature(raw: Any) -> tuple[SignatureTables | None, str | None]:
    if raw is None:
        return None, None
    if not isinstance(raw, dict):
        return None, "MLmodel 'signature' is not a mapping; the signature was ignored."
    try:
        params_raw = raw.get("params")
        params_list = json.loads(params_raw) if isinstance(params_raw, str) else (params_raw or [])
        params = tuple(
            ParamInfo(str(p.get("name")), str(p.get("type")), p.get("default"), _shape(p.get("shape")))
            for p in params_list
            if isinstance(p, dict)
        )
        return SignatureTables(
            _schema_table(raw.get("inputs")), _schema_table(raw.get("outputs")), params
        ), None
    except (ValueError, TypeError, AttributeError) as exc:
        return (
            None,
            f"MLmodel 'signature' cannot be parsed ({exc}); re-save the model with a valid signature.",
        )


def _inside(directory: Path, rel: str) -> Path | None:
    if os.path.isabs(rel):
        return None
    real_root = os.path.realpath(directory)
    candidate = os.path.realpath(directory / rel)
    return Path(candidate) if candidate.startswith(real_root + os.sep) else None


def _read_json_file(directory: Path, rel: str) -> tuple[Any, str | None]:
    path = _inside(directory, rel)
    if path is None:
        return None, f"{rel} is outside the model directory; not read."
    try:
        size = path.stat().st_size
        if size > _MAX_EXAMPLE_BYTES:
            return None, f"{rel} is {size} bytes; only files up to {_MAX_EXAMPLE_BYTES} bytes are shown."
        return json.loads(path.read_text(encoding="utf-8")), None
    except FileNotFoundError:
        return None, f"{rel} is named in MLmodel but missing."
    except (OSError, ValueError) as exc:
        return None, f"{rel} cannot be read as JSON ({exc})."


def _serving_from_example(info: dict[str, Any], data: Any) -> Any:
    if data is None:
        return None
    if info.get("type") == "dataframe":
        key = "dataframe_records" if info.get("pandas_orient") == "records" else "dataframe_split"
        return {key: data}
    if isinstance(data, dict) and ("inputs" in data or "instances" in data):
        return data
    return {"inputs": data}


def _examples(directory: Path, mlmodel: dict[str, Any]) -> tuple[InputExampleInfo | None, Any]:
    info = mlmodel.get("saved_input_example_info")
    if not isinstance(info, dict):
        return None, None
    rel = info.get("artifact_path") if isinstance(info.get("artifact_path"), str) else None
    data, error = (
        _read_json_file(directory, rel) if rel else (None, "no artifact_path in saved_input_example_info")
    )
    example = InputExampleInfo(rel, info.get("type"), info.get("pandas_orient"), data, error)
    serving = None
    if isinstance(info.get("serving_input_path"), str):
        serving, _ = _read_json_file(directory, info["serving_input_path"])
    if serving is None:
        serving = _serving_from_example(info, data)
    return example, serving


def _resolve_uri(model_uri: str | os.PathLike[str]) -> tuple[Path | None, str | None]:
    try:
        location = parse_location(model_uri, error=InvalidInputError)
    except InvalidInputError as exc:
        return None, str(exc)
    text = location.text
    if location.path is not None:
        path = location.path
    elif location.scheme in ("runs", "models", "mlflow-artifacts"):
        try:
            from ..tracking.artifacts import download_model_uri
        except ImportError:
            return None, f"Cannot resolve {text!r}: tracking support is not available. Pass a local path."
        try:
            path = Path(download_model_uri(text))
        except Exception as exc:  # any tracking failure is reported, inspection never crashes
            return None, f"Cannot resolve {text!r}: {exc}"
    else:
        return (
            None,
            f"Cannot inspect {text!r}: only local paths, file://, runs:/ and models:/ URIs are supported.",
        )
    if path.name == MLMODEL and path.is_file():
        path = path.parent
    if not path.is_dir():
        return path, f"No model directory at {path}. Check the path (it should contain an {MLMODEL} file)."
    return path, None


def _python_version(directory: Path, mlmodel: dict[str, Any], pyfunc: dict[str, Any]) -> str | None:
    declared = pyfunc.get("python_version")
    if isinstance(declared, str):
        return declared
    env = pyfunc.get("env")
    venv_file = env.get("virtualenv") if isinstance(env, dict) else None
    if isinstance(venv_file, str) and (target := _inside(directory, venv_file)) and target.is_file():
        data = _read_yaml_mapping(target)
        if data.get("python") is not None:
            return str(data["python"])
    return None


def inspect(
    model_uri: str | os.PathLike[str], python: str | None = None, *, env_timeout: float = 20.0
) -> ModelReport:
    """Inspect a model without loading it.

    Reads ``MLmodel``, the env files, the input example files and file metadata only. Nothing from the
    model directory is unpickled, imported or executed.

    Args:
        model_uri: a local directory (or its ``MLmodel`` file), a ``file://``, ``runs:/`` or
            ``models:/`` URI.
        python: the interpreter whose packages the requirements are checked against; default: this one.
            Another interpreter is asked in a subprocess running only stdlib code.
        env_timeout: seconds to wait for that interpreter.

    Returns:
        A :class:`ModelReport`. Problems with the model (missing or malformed ``MLmodel``) are reported in
        ``report.error``; this function does not raise for them.

    Example:
        >>> report = servebook.inspect("model")  # doctest: +SKIP
        >>> report.trust.verdict, report.environment.missing  # doctest: +SKIP
    """
    uri = os.fspath(model_uri)
    directory, error = _resolve_uri(model_uri)
    name = directory.name if directory else uri
    if directory is None or error is not None:
        return ModelReport(uri=uri, directory=directory, name=name, error=error)

    mlmodel, error = _read_mlmodel(directory)
    files, truncated, total = list_files(directory)
    trust = assess_trust(directory, mlmodel, files)
    run = locate_model(directory, mlmodel)
    common: dict[str, Any] = {
        "uri": uri if "://" in uri or ":/" in uri else str(directory.absolute()),
        "directory": directory,
        "name": name,
        "files": files,
        "files_truncated": truncated,
        "total_size": total,
        "run": run,
        "trust": trust,
    }
    mlmodel = mlmodel or {}
    raw_flavors = _mapping(mlmodel, "flavors")
    flavors = tuple(
        FlavorInfo(
            name=str(fname),
            loader_module=conf.get("loader_module") if isinstance(conf.get("loader_module"), str) else None,
            python_version=str(conf["python_version"]) if conf.get("python_version") is not None else None,
            config=conf,
        )
        for fname, conf in raw_flavors.items()
        if isinstance(conf, dict)
    )
    pyfunc = _mapping(raw_flavors, "python_function")
    signature, sig_error = _signature(mlmodel.get("signature"))
    example, serving = _examples(directory, mlmodel)
    cloudpickle_version = pyfunc.get("cloudpickle_version") or mlmodel.get("cloudpickle_version")
    env = pyfunc.get("env")
    conda_file = env if isinstance(env, str) else (env.get("conda") if isinstance(env, dict) else None)
    environment = check_environment(
        directory,
        model_python_version=_python_version(directory, mlmodel, pyfunc),
        cloudpickle_version=str(cloudpickle_version) if cloudpickle_version else None,
        conda_file=conda_file if isinstance(conda_file, str) and _inside(directory, conda_file) else None,
        python=python,
        timeout=env_timeout,
    )
    size = mlmodel.get("model_size_bytes")
    return ModelReport(
        **common,
        error=error or sig_error,
        mlflow_version=_str_or_none(mlmodel.get("mlflow_version")),
        model_uuid=_str_or_none(mlmodel.get("model_uuid")),
        utc_time_created=_str_or_none(mlmodel.get("utc_time_created")),
        model_size_bytes=size if isinstance(size, int) and not isinstance(size, bool) else None,
        metadata=mlmodel.get("metadata") if isinstance(mlmodel.get("metadata"), dict) else None,
        flavors=flavors,
        loader_module=pyfunc.get("loader_module") if isinstance(pyfunc.get("loader_module"), str) else None,
        signature=signature,
        input_example=example,
        serving_input_example=serving,
        environment=environment,
    )


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def model_summary(directory: str | os.PathLike[str]) -> ModelSummary:
    """Return the cheap listing form of the model in ``directory`` (MLmodel and meta.yaml reads only)."""
    directory = Path(directory)
    mlmodel, error = _read_mlmodel(directory)
    mlmodel = mlmodel or {}
    flavors = _mapping(mlmodel, "flavors")
    pyfunc = _mapping(flavors, "python_function")
    loader = pyfunc.get("loader_module")
    return ModelSummary(
        directory=directory,
        name=directory.name,
        flavors=tuple(str(f) for f in flavors),
        loader_module=loader if isinstance(loader, str) else None,
        has_signature=isinstance(mlmodel.get("signature"), dict),
        has_input_example=isinstance(mlmodel.get("saved_input_example_info"), dict),
        utc_time_created=_str_or_none(mlmodel.get("utc_time_created")),
        model_uuid=_str_or_none(mlmodel.get("model_uuid")),
        run=locate_model(directory, mlmodel),
        error=error,
    )


def _read_yaml_mapping(path: Path) -> dict[str, Any]:
    try:
        data = _load_yaml(path)
    except Exception:  # a broken env file only means less information, never a failed inspection
        return {}
    return data if isinstance(data, dict) else {}


def run_inspect_command(uri: str, as_json: bool) -> int:
    """Entry point of ``servebook inspect URI [--json]``: print the report.

    Returns:
        The exit code: 0, or 1 when the report has an error.
    """
    report = inspect(uri)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2, sort_keys=False) + "\n")
    else:
        sys.stdout.write(str(report) + "\n")
    sys.stdout.flush()
    return 1 if report.error else 0
