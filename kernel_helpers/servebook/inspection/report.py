"""Static model inspector: ``servebook.inspect(model_uri) -> ModelReport`` and ``servebook inspect URI``.

Owns reading a model directory *without running it*: ``MLmodel`` (YAML, ``yaml.safe_load``), the
signature JSON strings, the input example files, ``requirements.txt``/``conda.yaml``, tracking-store
``meta.yaml`` files and file metadata. It never unpickles, never imports ``loader_module`` and never
executes or imports anything from the model directory; a malformed model yields a report whose
``error`` says what is wrong instead of an exception. The environment comparison lives in
:mod:`.environment`, the file listing and trust verdict in :mod:`.trust`.

Must not import pandas, numpy, jupyter_server, tornado or mlflow (the Jupyter server extension uses it).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from .environment import EnvironmentReport, check_environment
from .trust import FileEntry, TrustReport, assess_trust, list_files

__all__ = [
    "ColumnInfo",
    "FlavorInfo",
    "InputExampleInfo",
    "ModelReport",
    "ModelSummary",
    "ParamInfo",
    "RunInfo",
    "SchemaTable",
    "SignatureTables",
    "inspect",
    "model_summary",
    "run_inspect_command",
]

MLMODEL = "MLmodel"
_MAX_MLMODEL_BYTES = 2 * 1024 * 1024
_MAX_EXAMPLE_BYTES = 256 * 1024
_MAX_JSON_NODES = 20_000
_RUN_STATUS = {1: "RUNNING", 2: "SCHEDULED", 3: "FINISHED", 4: "FAILED", 5: "KILLED"}


@dataclass(frozen=True)
class FlavorInfo:
    """One flavor of the model: its name, loader and raw configuration."""

    name: str
    loader_module: str | None
    python_version: str | None
    config: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        return {
            "name": self.name,
            "loader_module": self.loader_module,
            "python_version": self.python_version,
            "config": self.config,
        }


@dataclass(frozen=True)
class ColumnInfo:
    """One row of a signature table (a column or a tensor)."""

    name: str | None
    type: str
    required: bool
    shape: tuple[int, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        shape = list(self.shape) if self.shape is not None else None
        return {"name": self.name, "type": self.type, "required": self.required, "shape": shape}


@dataclass(frozen=True)
class SchemaTable:
    """An input or output schema as a table: ``kind`` is ``columns`` or ``tensors``."""

    kind: str
    columns: tuple[ColumnInfo, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        return {"kind": self.kind, "columns": [c.to_dict() for c in self.columns]}


@dataclass(frozen=True)
class ParamInfo:
    """One inference parameter with its default."""

    name: str
    type: str
    default: Any
    shape: tuple[int, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        shape = list(self.shape) if self.shape is not None else None
        return {"name": self.name, "type": self.type, "default": self.default, "shape": shape}


@dataclass(frozen=True)
class SignatureTables:
    """The model signature as tables."""

    inputs: SchemaTable | None
    outputs: SchemaTable | None
    params: tuple[ParamInfo, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        return {
            "inputs": self.inputs.to_dict() if self.inputs else None,
            "outputs": self.outputs.to_dict() if self.outputs else None,
            "params": [p.to_dict() for p in self.params],
        }


@dataclass(frozen=True)
class InputExampleInfo:
    """The saved input example (``data`` is the parsed JSON file, or ``None`` with ``error``)."""

    path: str | None
    type: str | None
    pandas_orient: str | None
    data: Any
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        return {
            "path": self.path,
            "type": self.type,
            "pandas_orient": self.pandas_orient,
            "data": self.data,
            "error": self.error,
        }


@dataclass(frozen=True)
class RunInfo:
    """Where the model sits in a tracking store (MLflow's file-store layout)."""

    run_id: str | None
    run_name: str | None = None
    status: str | None = None
    experiment_id: str | None = None
    experiment_name: str | None = None
    artifact_path: str | None = None
    model_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        return {
            "run_id": self.run_id,
            "run_name": self.run_name,
            "status": self.status,
            "experiment_id": self.experiment_id,
            "experiment_name": self.experiment_name,
            "artifact_path": self.artifact_path,
            "model_id": self.model_id,
        }


@dataclass(frozen=True)
class ModelSummary:
    """The cheap listing form of a model (MLmodel header and tracking-store info only)."""

    directory: Path
    name: str
    flavors: tuple[str, ...]
    loader_module: str | None
    has_signature: bool
    has_input_example: bool
    utc_time_created: str | None
    model_uuid: str | None
    run: RunInfo | None
    error: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form (without the directory; callers add their own ``path``)."""
        run = self.run or RunInfo(None)
        return {
            "name": self.name,
            "flavors": list(self.flavors),
            "loader_module": self.loader_module,
            "has_signature": self.has_signature,
            "has_input_example": self.has_input_example,
            "utc_time_created": self.utc_time_created,
            "model_uuid": self.model_uuid,
            "run_id": run.run_id,
            "experiment_id": run.experiment_id,
            "experiment_name": run.experiment_name,
            "artifact_path": run.artifact_path,
            "error": self.error,
        }


@dataclass(frozen=True)
class ModelReport:
    """Everything :func:`inspect` found out about a model without running it.

    ``error`` is ``None`` for a readable model, else a sentence saying what is wrong and what to do;
    the other fields then hold whatever could still be read.
    """

    uri: str
    directory: Path | None
    name: str
    error: str | None
    mlflow_version: str | None = None
    model_uuid: str | None = None
    utc_time_created: str | None = None
    model_size_bytes: int | None = None
    metadata: dict[str, Any] | None = None
    flavors: tuple[FlavorInfo, ...] = ()
    loader_module: str | None = None
    signature: SignatureTables | None = None
    input_example: InputExampleInfo | None = None
    serving_input_example: Any = None
    environment: EnvironmentReport | None = None
    files: tuple[FileEntry, ...] = ()
    files_truncated: bool = False
    total_size: int = 0
    run: RunInfo | None = None
    trust: TrustReport | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (the ``GET models/<path>`` shape in docs/rest-api.md, minus ``path``)."""
        return {
            "uri": self.uri,
            "name": self.name,
            "error": self.error,
            "mlflow_version": self.mlflow_version,
            "model_uuid": self.model_uuid,
            "utc_time_created": self.utc_time_created,
            "model_size_bytes": self.model_size_bytes,
            "metadata": self.metadata,
            "flavors": [f.to_dict() for f in self.flavors],
            "loader_module": self.loader_module,
            "signature": self.signature.to_dict() if self.signature else None,
            "input_example": self.input_example.to_dict() if self.input_example else None,
            "serving_input_example": self.serving_input_example,
            "environment": self.environment.to_dict() if self.environment else None,
            "files": [f.to_dict() for f in self.files],
            "files_truncated": self.files_truncated,
            "total_size": self.total_size,
            "run": self.run.to_dict() if self.run else None,
            "trust": self.trust.to_dict() if self.trust else None,
        }

    def __str__(self) -> str:
        from .text import render_report

        return render_report(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(f"ModelReport({self.uri!r})" if cycle else str(self))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any] | None:
        # In a Jupyter kernel: the model card widget; elsewhere None, so the text above is shown.
        from ..widgets import model_card_bundle

        return model_card_bundle(self, include=include, exclude=exclude)


# ---------------------------------------------------------------------------------------------- reading


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
        props = spec.get("properties") if isinstance(spec.get("properties"), dict) else {}
        return "object{" + ", ".join(f"{k}: {_type_text(v)}" for k, v in props.items()) + "}"
    return str(kind)


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
            ts = spec.get("tensor-spec") if isinstance(spec.get("tensor-spec"), dict) else {}
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


def _read_meta(path: Path) -> dict[str, Any]:
    try:
        data = _load_yaml(path)
    except Exception:  # a broken meta.yaml only means less run info, never a failed inspection
        return {}
    return data if isinstance(data, dict) else {}


def find_run_info(directory: Path, mlmodel: dict[str, Any] | None = None) -> RunInfo | None:
    """Locate ``directory`` in an MLflow file store.

    Knows ``<exp>/<run>/artifacts/...`` and the 3.x ``<exp>/models/<model_id>/artifacts``.

    Falls back to MLmodel's own ``run_id``/``artifact_path`` when the model is not inside a store.
    """
    current = directory.absolute()
    for _ in range(8):
        parent = current.parent
        if current.name == "artifacts" and (parent / "meta.yaml").is_file():
            owner = _read_meta(parent / "meta.yaml")
            rel = os.path.relpath(directory.absolute(), current).replace(os.sep, "/")
            artifact_path = None if rel == "." else rel
            if "model_id" in owner and parent.parent.name == "models":
                exp_dir = parent.parent.parent
                run_id, model_id, run_name, status = (
                    owner.get("source_run_id"),
                    owner.get("model_id"),
                    None,
                    None,
                )
            else:
                exp_dir = parent.parent
                run_id = owner.get("run_id") or owner.get("run_uuid") or parent.name
                model_id, run_name = None, owner.get("run_name")
                status = _RUN_STATUS.get(owner.get("status"), owner.get("status"))
            exp = _read_meta(exp_dir / "meta.yaml")
            return RunInfo(
                run_id=str(run_id) if run_id else None,
                run_name=str(run_name) if run_name else None,
                status=str(status) if status is not None else None,
                experiment_id=str(owner.get("experiment_id", exp.get("experiment_id", exp_dir.name))),
                experiment_name=str(exp["name"]) if "name" in exp else None,
                artifact_path=artifact_path,
                model_id=str(model_id) if model_id else None,
            )
        if parent == current:
            break
        current = parent
    if mlmodel and isinstance(mlmodel.get("run_id"), str):
        art = mlmodel.get("artifact_path")
        return RunInfo(mlmodel["run_id"], artifact_path=art if isinstance(art, str) else None)
    return None


def _resolve_uri(model_uri: str | os.PathLike[str]) -> tuple[Path | None, str | None]:
    text = os.fspath(model_uri)
    parsed = urlparse(text)
    if parsed.scheme == "file":
        path = Path(unquote(parsed.path))
    elif parsed.scheme in ("runs", "models", "mlflow-artifacts"):
        try:
            from ..tracking.artifacts import download_model_uri
        except ImportError:
            return None, f"Cannot resolve {text!r}: tracking support is not available. Pass a local path."
        try:
            path = Path(download_model_uri(text))
        except Exception as exc:  # any tracking failure is reported, inspection never crashes
            return None, f"Cannot resolve {text!r}: {exc}"
    elif parsed.scheme and len(parsed.scheme) > 1:
        return (
            None,
            f"Cannot inspect {text!r}: only local paths, file://, runs:/ and models:/ URIs are supported.",
        )
    else:
        path = Path(text).expanduser()
    if path.name == MLMODEL and path.is_file():
        path = path.parent
    if not path.is_dir():
        return path, f"No model directory at {path}. Check the path (it should contain an {MLMODEL} file)."
    return path, None


def _python_version(directory: Path, mlmodel: dict[str, Any], pyfunc: dict[str, Any]) -> str | None:
    if isinstance(pyfunc.get("python_version"), str):
        return pyfunc["python_version"]
    env = pyfunc.get("env")
    venv_file = env.get("virtualenv") if isinstance(env, dict) else None
    if isinstance(venv_file, str) and (target := _inside(directory, venv_file)) and target.is_file():
        data = _read_meta(target)
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
    run = find_run_info(directory, mlmodel)
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
    raw_flavors = mlmodel.get("flavors") if isinstance(mlmodel.get("flavors"), dict) else {}
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
    pyfunc = (
        raw_flavors.get("python_function") if isinstance(raw_flavors.get("python_function"), dict) else {}
    )
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
    flavors = mlmodel.get("flavors") if isinstance(mlmodel.get("flavors"), dict) else {}
    pyfunc = flavors.get("python_function") if isinstance(flavors.get("python_function"), dict) else {}
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
        run=find_run_info(directory, mlmodel),
        error=error,
    )


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
