"""A model's ``model_config``: read at save, merged with overrides at load, read by model code.

* :func:`read_model_config`: a dict, or a YAML (or JSON) file, as ``save_model``/``load_model`` take it;
  stored under ``flavors.python_function.config`` and given to the model as ``context.model_config``.
* :func:`merge_overrides`: MLflow's rule for ``load_model(..., model_config=)`` (and the scoring server's
  ``SERVING_MODEL_CONFIG``, and ``MLFLOW_PYFUNC_INFERENCE_CONFIG``): an override replaces a key the
  saved config has; keys it does not have are ignored with a warning, and a model saved without a
  config ignores every override.
* :class:`ModelConfig`: MLflow's ``mlflow.models.ModelConfig`` for models-from-code files: inside a
  load it reads the model's config; run directly (in a notebook), the ``development_config``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import LoadError, ServebookError

__all__ = ["INFERENCE_CONFIG_ENV", "ModelConfig", "config_scope", "merge_overrides", "read_model_config"]

_logger = logging.getLogger("servebook.load")

#: MLflow's environment variable of extra load-time config overrides (a JSON object)
INFERENCE_CONFIG_ENV = "MLFLOW_PYFUNC_INFERENCE_CONFIG"
_MAX_CONFIG_BYTES = 16 * 1024 * 1024


def read_model_config(
    value: Mapping[str, Any] | str | os.PathLike[str], error: type[ServebookError]
) -> dict[str, Any]:
    """``value`` as a dict: a mapping as it is, a path read as YAML (``.json`` as JSON).

    Raises:
        ``error``: the file is missing, unreadable, too large or holds no mapping; or the
        mapping's keys are not strings.
    """
    if isinstance(value, Mapping):
        data: Any = dict(value)
        where = "model_config"
    else:
        path = Path(os.fspath(value)).expanduser()
        where = f"model_config file {path}"
        try:
            if path.stat().st_size > _MAX_CONFIG_BYTES:
                raise error(f"{where} is larger than {_MAX_CONFIG_BYTES} bytes; keep model_config small.")
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise error(
                f"{where} cannot be read ({exc.strerror or exc}): pass a dict or the path of a YAML file."
            ) from exc
        try:
            data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        except (ValueError, yaml.YAMLError) as exc:
            kind = "JSON" if path.suffix == ".json" else "YAML"
            raise error(f"{where} is not valid {kind}: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise error(f"{where} must hold a mapping of names to values, got {type(data).__name__}.")
    bad = [key for key in data if not isinstance(key, str)]
    if bad:
        raise error(f"{where} keys must be strings, got {bad[:3]!r}.")
    return data


def merge_overrides(saved: Mapping[str, Any] | None, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """The config a model loads with: ``saved`` updated by ``overrides`` under MLflow's rule."""
    requested: dict[str, Any] = {}
    env = os.environ.get(INFERENCE_CONFIG_ENV)
    if env:
        try:
            from_env = json.loads(env)
        except ValueError as exc:
            raise LoadError(f"{INFERENCE_CONFIG_ENV} is not a JSON object: {exc}") from exc
        if not isinstance(from_env, dict):
            raise LoadError(f"{INFERENCE_CONFIG_ENV} must be a JSON object, got {type(from_env).__name__}.")
        requested.update(from_env)
    if overrides:
        requested.update(overrides)
    config = dict(saved or {})
    if not requested:
        return config
    if not config:
        _logger.warning(
            "model_config override(s) %s ignored: this model was saved without a model_config. Save it "
            "with model_config= to make its configuration overridable.",
            ", ".join(sorted(map(str, requested))),
        )
        return config
    ignored = sorted(str(key) for key in requested if key not in config)
    if ignored:
        _logger.warning(
            "model_config override(s) %s ignored: only keys saved with the model can be overridden (%s).",
            ", ".join(ignored),
            ", ".join(sorted(config)),
        )
    config.update({key: value for key, value in requested.items() if key in config})
    return config


# The config of the models-from-code file being run right now (per thread): what ModelConfig() reads.
# None outside a load; "" inside a load of a model saved without a config (MLflow's rule: then the
# development_config is not used either).
_current = threading.local()


@contextlib.contextmanager
def config_scope(config: Mapping[str, Any] | None) -> Iterator[None]:
    """Make ``config`` what :class:`ModelConfig` reads in this thread for the block."""
    previous = getattr(_current, "value", None)
    _current.value = dict(config) if config else ""
    try:
        yield
    finally:
        _current.value = previous


class ModelConfig:
    """MLflow's ``mlflow.models.ModelConfig``: the configuration a models-from-code file runs with.

    Args:
        development_config: a dict or YAML file used when the file runs outside a model load (while
            developing it in a notebook); while a saved model loads, its ``model_config`` is used.

    Raises:
        FileNotFoundError: no configuration (as MLflow raises).
    """

    def __init__(self, *, development_config: str | os.PathLike[str] | dict[str, Any] | None = None) -> None:
        current = getattr(_current, "value", None)
        config: Any = current if current is not None else development_config
        if not config:
            raise FileNotFoundError(
                "ModelConfig has no configuration: save the model with model_config=..., or pass "
                "development_config= when running the file yourself."
            )
        if not isinstance(config, dict) and not os.path.isfile(os.fspath(config)):
            raise FileNotFoundError(f"ModelConfig: config file {os.fspath(config)!r} not found.")
        self.config = config

    def to_dict(self) -> dict[str, Any]:
        """The configuration as a dict."""
        if isinstance(self.config, dict):
            return self.config
        return read_model_config(self.config, LoadError)

    def get(self, key: str) -> Any:
        """The value of a top-level key; KeyError when it is missing."""
        data = self.to_dict()
        if key in data:
            return data[key]
        raise KeyError(f"Key {key!r} not found in the model configuration (keys: {sorted(data)}).")
