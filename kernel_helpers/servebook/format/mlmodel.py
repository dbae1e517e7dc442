"""The ``MLmodel`` file: what a model directory says about itself.

This module is the on-disk specification. It reads and writes YAML only: it never imports or
unpickles model code, so the server extension and the inspector use it safely.

Directory layout of a custom Python model (``loader_module: mlflow.pyfunc.model``)::

    <model>/
      MLmodel                       this file (YAML), written last when saving
      python_model.pkl              cloudpickle of the PythonModel instance (protocol 5)
      artifacts/<name>              files or directories named by ``artifacts=`` at save time
      code/<basename>               ``code_paths`` files and package directories
      requirements.txt              pip requirements, one per line, no trailing newline
      conda.yaml                    conda environment (python, pip, and the pip requirements)
      python_env.yaml               python version, build dependencies, ``-r requirements.txt``
      input_example.json            optional input example (pandas "split" without index, ...)
      serving_input_example.json    the same example as a request body for ``/invocations``

``MLmodel`` keys, with MLflow's spellings (``yaml.safe_dump``, keys sorted)::

    artifact_path: <str>                     log_model only: where the model was logged
    flavors:
      python_function:
        artifacts: {<name>: {path: artifacts/<file>, uri: <original location>}}
        cloudpickle_version: <x.y.z>         cloudpickle that wrote python_model.pkl
        code: code | null                    directory of code_paths, relative to the model
        config: {...}                        model_config, when given
        env: {conda: conda.yaml, virtualenv: python_env.yaml}
        loader_module: mlflow.pyfunc.model   (mlflow.sklearn for scikit-learn models, ...)
        model_code_path: model.py            models from code (loader mlflow.pyfunc.loaders.code_model),
                                             instead of python_model; MLflow writes the source path
        python_model: python_model.pkl
        python_version: <x.y.z>
        streamable: <bool>                   true when the model overrides predict_stream
      <other flavor>: {...}                  e.g. sklearn: {pickled_model, serialization_format, ...}
    is_signature_from_type_hint: <bool>
    metadata: {...}                          free user metadata
    mlflow_version: 3.17.2                   the MLflow format version the model is written for
    model_id: <str> | null
    model_size_bytes: <int>                  size of the pickle, artifacts and example files
    model_uuid: <32 hex>
    prompts: null
    run_id: <str>                            log_model only
    saved_input_example_info: {artifact_path, type, pandas_orient?, serving_input_path, params?}
    servebook_version: <x.y.z>               the servebook release that wrote the model
    signature: {inputs: <json str>, outputs: <json str> | null, params: <json str> | null}
    type_hint_from_example: <bool>
    utc_time_created: 'YYYY-MM-DD HH:MM:SS.ffffff'   naive UTC, as str(datetime)

Keys this module does not know are kept in :attr:`Model.extra` and written back unchanged, so a
model written by a newer tool survives a load/save round trip.
"""

from __future__ import annotations

import datetime as _dt
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import ModelFormatError

if TYPE_CHECKING:
    from ..signature import ModelSignature, ParamSchema, Schema

__all__ = [
    "CODE_DIRNAME",
    "CONDA_ENV_FILENAME",
    "MLFLOW_FORMAT_VERSION",
    "MLMODEL_FILENAME",
    "Model",
    "PYFUNC_FLAVOR",
    "PYFUNC_LOADER_MODULE",
    "PYTHON_ENV_FILENAME",
    "PYTHON_MODEL_FILENAME",
    "REQUIREMENTS_FILENAME",
]

MLMODEL_FILENAME = "MLmodel"
PYFUNC_FLAVOR = "python_function"
PYFUNC_LOADER_MODULE = "mlflow.pyfunc.model"
CODE_MODEL_LOADER_MODULE = "mlflow.pyfunc.loaders.code_model"  # models from code
PYTHON_MODEL_FILENAME = "python_model.pkl"
ARTIFACTS_DIRNAME = "artifacts"
CODE_DIRNAME = "code"
REQUIREMENTS_FILENAME = "requirements.txt"
CONDA_ENV_FILENAME = "conda.yaml"
PYTHON_ENV_FILENAME = "python_env.yaml"
#: The MLflow release whose model format we write (and whose loader reads our models).
MLFLOW_FORMAT_VERSION = "3.17.2"

# top-level keys with a field of their own on Model; everything else goes to Model.extra
_KNOWN_KEYS = (
    "artifact_path",
    "flavors",
    "is_signature_from_type_hint",
    "metadata",
    "mlflow_version",
    "model_id",
    "model_size_bytes",
    "model_uuid",
    "prompts",
    "run_id",
    "saved_input_example_info",
    "servebook_version",
    "signature",
    "type_hint_from_example",
    "utc_time_created",
)
# keys MLflow drops from MLmodel when they are None: all known keys but these three, which it
# writes as `null` (the byte-for-byte round-trip test in tests/format holds us to that)
_OMIT_WHEN_NONE = frozenset(_KNOWN_KEYS) - {"flavors", "model_id", "prompts"}


def _utc_now() -> str:
    return str(_dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None))


def _servebook_version() -> str:
    from .._version import __version__

    return __version__


# libyaml's emitter writes the same text as PyYAML's pure-Python one, several times faster; fall back when
# PyYAML was built without libyaml
_SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump_yaml(data: Any, *, sort_keys: bool = True) -> str:
    """``yaml.safe_dump(data, default_flow_style=False)``'s text, through libyaml when available.

    Every YAML file of the format (MLmodel, conda.yaml, python_env.yaml) is written with this.
    """
    return yaml.dump(data, Dumper=_SAFE_DUMPER, sort_keys=sort_keys, default_flow_style=False)


@dataclass
class Model:
    """The contents of an ``MLmodel`` file.

    Known keys are fields; unknown keys live in :attr:`extra` and round-trip unchanged. The signature
    is kept in MLmodel form (JSON strings) and parsed on first use of :attr:`signature`, so reading an
    MLmodel never needs the signature module.
    """

    flavors: dict[str, dict[str, Any]] = field(default_factory=dict)
    model_uuid: str | None = field(default_factory=lambda: uuid.uuid4().hex)
    utc_time_created: str | None = field(default_factory=_utc_now)
    mlflow_version: str | None = MLFLOW_FORMAT_VERSION
    servebook_version: str | None = field(default_factory=_servebook_version)
    artifact_path: str | None = None
    run_id: str | None = None
    model_id: str | None = None
    model_size_bytes: int | None = None
    prompts: Any = None
    saved_input_example_info: dict[str, Any] | None = None
    signature_dict: dict[str, Any] | None = None
    is_signature_from_type_hint: bool | None = None
    type_hint_from_example: bool | None = None
    metadata: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    # ---- signature -------------------------------------------------------------------------------
    @property
    def signature(self) -> ModelSignature | None:
        """The model signature (parsed from the MLmodel JSON strings on first access), or None."""
        if self.signature_dict is None:
            return None
        cached: tuple[dict[str, Any], ModelSignature] | None = self.__dict__.get("_signature_cache")
        if cached is not None and cached[0] is self.signature_dict:
            return cached[1]
        from ..signature import ModelSignature

        try:
            parsed = ModelSignature.from_dict(self.signature_dict)
        except Exception as exc:  # the signature module raises several kinds for bad JSON
            raise ModelFormatError(f"The MLmodel 'signature' cannot be read: {exc}") from exc
        self.__dict__["_signature_cache"] = (self.signature_dict, parsed)
        return parsed

    @signature.setter
    def signature(self, value: ModelSignature | None) -> None:
        self.signature_dict = None if value is None else value.to_dict()
        if value is not None:
            self.__dict__["_signature_cache"] = (self.signature_dict, value)
        if value is not None and self.is_signature_from_type_hint is None:
            self.is_signature_from_type_hint = False
            self.type_hint_from_example = False

    def get_input_schema(self) -> Schema | None:
        """The input schema of the signature, or None."""
        signature = self.signature
        return None if signature is None else signature.inputs

    def get_output_schema(self) -> Schema | None:
        """The output schema of the signature, or None."""
        signature = self.signature
        return None if signature is None else signature.outputs

    def get_params_schema(self) -> ParamSchema | None:
        """The params schema of the signature, or None."""
        signature = self.signature
        return None if signature is None else getattr(signature, "params", None)

    # ---- flavors ---------------------------------------------------------------------------------
    def add_flavor(self, name: str, **params: Any) -> Model:
        """Add (or replace) the flavor ``name`` with ``params``; returns ``self`` for chaining."""
        self.flavors[name] = dict(params)
        return self

    @property
    def pyfunc_conf(self) -> dict[str, Any]:
        """The ``python_function`` flavor; raises ModelFormatError when the model has none."""
        conf = self.flavors.get(PYFUNC_FLAVOR)
        if not isinstance(conf, dict):
            have = ", ".join(sorted(self.flavors)) or "none"
            raise ModelFormatError(
                f"This model has no '{PYFUNC_FLAVOR}' flavor (flavors: {have}); "
                "it cannot be loaded as a Python function model."
            )
        return conf

    def load_input_example(self, model_dir: str | os.PathLike[str]) -> Any:
        """The saved input example (or None when the model has none)."""
        if not self.saved_input_example_info:
            return None
        from .input_example import load_input_example

        return load_input_example(Path(model_dir), self.saved_input_example_info, self.get_input_schema())

    # ---- (de)serialisation -----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The MLmodel mapping (keys as MLflow writes them; None-valued optional keys omitted)."""
        values: dict[str, Any] = {
            "artifact_path": self.artifact_path,
            "flavors": self.flavors,
            "is_signature_from_type_hint": self.is_signature_from_type_hint,
            "metadata": self.metadata,
            "mlflow_version": self.mlflow_version,
            "model_id": self.model_id,
            "model_size_bytes": self.model_size_bytes,
            "model_uuid": self.model_uuid,
            "prompts": self.prompts,
            "run_id": self.run_id,
            "saved_input_example_info": self.saved_input_example_info,
            "servebook_version": self.servebook_version,
            "signature": self.signature_dict,
            "type_hint_from_example": self.type_hint_from_example,
            "utc_time_created": self.utc_time_created,
        }
        out = {k: v for k, v in values.items() if not (v is None and k in _OMIT_WHEN_NONE)}
        out.update(self.extra)
        return out

    def to_yaml(self) -> str:
        """The MLmodel text (``yaml.safe_dump``'s text: block style, sorted keys, like MLflow)."""
        return dump_yaml(self.to_dict())

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the MLmodel text to ``path`` (a file path)."""
        Path(path).write_text(self.to_yaml(), encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "MLmodel") -> Model:
        """Build a Model from a parsed MLmodel mapping; raises ModelFormatError when it is malformed."""
        if not isinstance(data, dict):
            raise ModelFormatError(
                f"{source} must be a YAML mapping of keys to values, got {type(data).__name__}."
            )
        flavors = data.get("flavors")
        if not isinstance(flavors, dict) or not flavors:
            raise ModelFormatError(
                f"{source} has no 'flavors' mapping; every MLflow model names at least one flavor "
                "(for example python_function). Is this really an MLflow model directory?"
            )
        for name, conf in flavors.items():
            if not isinstance(conf, dict):
                raise ModelFormatError(
                    f"{source}: flavor '{name}' must be a mapping, got {type(conf).__name__}."
                )
        _expect(data, "signature", dict, source)
        _expect(data, "saved_input_example_info", dict, source)
        _expect(data, "metadata", dict, source)
        _expect(data, "model_size_bytes", int, source)
        model = cls(
            flavors={str(k): dict(v) for k, v in flavors.items()},
            model_uuid=_as_str(data.get("model_uuid")),
            utc_time_created=_as_str(data.get("utc_time_created")),
            mlflow_version=_as_str(data.get("mlflow_version")),
            servebook_version=_as_str(data.get("servebook_version")),
            artifact_path=_as_str(data.get("artifact_path")),
            run_id=_as_str(data.get("run_id")),
            model_id=_as_str(data.get("model_id")),
            model_size_bytes=data.get("model_size_bytes"),
            prompts=data.get("prompts"),
            saved_input_example_info=data.get("saved_input_example_info"),
            signature_dict=data.get("signature"),
            is_signature_from_type_hint=data.get("is_signature_from_type_hint"),
            type_hint_from_example=data.get("type_hint_from_example"),
            metadata=data.get("metadata"),
            extra={k: v for k, v in data.items() if k not in _KNOWN_KEYS},
        )
        return model

    @classmethod
    def from_yaml(cls, text: str, *, source: str = "MLmodel") -> Model:
        """Parse MLmodel text."""
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ModelFormatError(f"{source} is not valid YAML: {exc}") from exc
        return cls.from_dict(data, source=source)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Model:
        """Read ``path``: an MLmodel file or a model directory containing one."""
        target = Path(path)
        if target.is_dir():
            target = target / MLMODEL_FILENAME
        try:
            text = target.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ModelFormatError(
                f"No {MLMODEL_FILENAME} file at {target}. Pass the directory that save_model() "
                "wrote (it contains MLmodel)."
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ModelFormatError(f"Cannot read {target}: {exc}") from exc
        return cls.from_yaml(text, source=str(target))


def _as_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _expect(data: dict[str, Any], key: str, kind: type, source: str) -> None:
    value = data.get(key)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool) and kind is int):
        raise ModelFormatError(f"{source}: '{key}' must be a {kind.__name__}, got {type(value).__name__}.")
