"""MLflow's rules for run ids, experiment names, metric/param/tag keys and values.

Every check raises :class:`~servebook.errors.InvalidTrackingInputError` with a message naming the
offending key and the rule it broke. The limits are MLflow's (so a run servebook accepts is one
an MLflow server accepts too). Pure functions; stdlib only.
"""

from __future__ import annotations

import logging
import math
import numbers
import posixpath
import re
from typing import Any

from ..errors import InvalidTrackingInputError, bounded_repr

__all__ = [
    "MAX_ENTITY_KEY_LENGTH",
    "MAX_EXPERIMENT_NAME_LENGTH",
    "MAX_PARAM_VAL_LENGTH",
    "MAX_TAG_VAL_LENGTH",
    "validate_artifact_path",
    "validate_experiment_name",
    "validate_metric",
    "validate_param",
    "validate_run_id",
    "validate_tag",
]

_log = logging.getLogger("servebook.tracking")

MAX_ENTITY_KEY_LENGTH = 250
MAX_PARAM_VAL_LENGTH = 6000
MAX_TAG_VAL_LENGTH = 8000
MAX_EXPERIMENT_NAME_LENGTH = 500

# MLflow (POSIX): slashes, alphanumerics, underscores, periods, dashes, colons and spaces.
_KEY_RE = re.compile(r"^[/\w.\- :]*$")
_RUN_ID_RE = re.compile(r"^[a-zA-Z0-9][\w\-]{0,255}$")
_KEY_RULE = (
    "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), "
    "colons (:) and slashes (/)"
)


def _check_key(kind: str, key: Any) -> str:
    if key is None or key == "":
        raise InvalidTrackingInputError(f"{kind} name is missing: a key name must be provided.")
    if not isinstance(key, str):
        raise InvalidTrackingInputError(
            f"{kind} name {bounded_repr(key)} must be a string, got {type(key).__name__}."
        )
    if not _KEY_RE.match(key):
        raise InvalidTrackingInputError(f"Invalid {kind.lower()} name {key!r}: {_KEY_RULE}.")
    normalized = posixpath.normpath(key)
    if normalized != key or normalized == "." or normalized.startswith(("..", "/")):
        raise InvalidTrackingInputError(
            f"Invalid {kind.lower()} name {key!r}: names are stored as file names and must not resolve "
            f"to another name (this one resolves to {normalized!r}); remove leading/trailing or "
            "doubled slashes and '.'/'..' segments."
        )
    if len(key) > MAX_ENTITY_KEY_LENGTH:
        raise InvalidTrackingInputError(
            f"{kind} name {bounded_repr(key)} is {len(key)} characters long; the limit is "
            f"{MAX_ENTITY_KEY_LENGTH}."
        )
    return key


def _limit_value(kind: str, key: str, value: str, limit: int) -> str:
    # MLflow truncates over-long param/tag values with a warning (MLFLOW_TRUNCATE_LONG_VALUES=true).
    if len(value) <= limit:
        return value
    _log.warning(
        "%s %r: value of %d characters truncated to %d (MLflow's limit).", kind, key, len(value), limit
    )
    return value[:limit]


def _is_number(value: Any) -> bool:
    """A number (``numbers.Number``, as MLflow checks) that is not a bool."""
    return not isinstance(value, bool) and isinstance(value, numbers.Number)


def validate_metric(key: Any, value: Any, timestamp: Any, step: Any) -> tuple[str, float, int, int]:
    """Check one metric and return it normalised as ``(key, float value, int timestamp, int step)``.

    NaN and infinities are valid values (stored as ``nan``/``inf``/``-inf``, like MLflow).
    """
    key = _check_key("Metric", key)
    if value is None:
        raise InvalidTrackingInputError(f"Metric {key!r}: a value must be provided.")
    if not _is_number(value):
        raise InvalidTrackingInputError(
            f"Metric {key!r}: value {bounded_repr(value)} is not a number; metric values must be "
            "a valid double (64-bit floating point)."
        )
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidTrackingInputError(
            f"Metric {key!r}: value {bounded_repr(value)} cannot be converted to a double."
        ) from exc
    if not _is_number(timestamp) or timestamp < 0:
        raise InvalidTrackingInputError(
            f"Metric {key!r}: timestamp {bounded_repr(timestamp)} must be a nonnegative integer "
            "(milliseconds since the epoch)."
        )
    if not _is_number(step) or not math.isfinite(float(step)):
        raise InvalidTrackingInputError(
            f"Metric {key!r}: step {bounded_repr(step)} must be an integer (64-bit)."
        )
    return key, number, int(timestamp), int(step)


def validate_param(key: Any, value: Any) -> tuple[str, str]:
    """Check one param and return ``(key, value as str)`` (values are stringified like MLflow)."""
    key = _check_key("Param", key)
    text = str(value)
    return key, _limit_value("Param", key, text, MAX_PARAM_VAL_LENGTH)


def validate_tag(key: Any, value: Any) -> tuple[str, str]:
    """Check one tag and return ``(key, value as str)``."""
    key = _check_key("Tag", key)
    text = str(value)
    return key, _limit_value("Tag", key, text, MAX_TAG_VAL_LENGTH)


def validate_run_id(run_id: Any) -> str:
    """Check that ``run_id`` looks like a run id (alphanumerics, underscores, dashes)."""
    if not isinstance(run_id, str) or not _RUN_ID_RE.match(run_id):
        raise InvalidTrackingInputError(
            f"Invalid run id {bounded_repr(run_id)}: run ids are 1-256 alphanumerics, underscores or "
            "dashes, starting with an alphanumeric."
        )
    return run_id


def validate_experiment_name(name: Any) -> str:
    """Check an experiment name: a non-empty string of at most 500 characters."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidTrackingInputError(
            f"Invalid experiment name {bounded_repr(name)}: it must be a non-empty string."
        )
    if len(name) > MAX_EXPERIMENT_NAME_LENGTH:
        raise InvalidTrackingInputError(
            f"Experiment name {bounded_repr(name)} is {len(name)} characters long; the limit is "
            f"{MAX_EXPERIMENT_NAME_LENGTH}."
        )
    return name


def validate_artifact_path(artifact_path: str | None) -> str:
    """Normalise a run-relative artifact path; refuse absolute paths and ``..`` escapes."""
    if artifact_path is None or artifact_path in ("", "."):
        return ""
    if not isinstance(artifact_path, str):
        raise InvalidTrackingInputError(
            f"artifact_path {bounded_repr(artifact_path)} must be a string, got "
            f"{type(artifact_path).__name__}."
        )
    normalized = posixpath.normpath(artifact_path.replace("\\", "/")).strip("/")
    if artifact_path.startswith("/") or normalized == ".." or normalized.startswith("../"):
        raise InvalidTrackingInputError(
            f"artifact_path {artifact_path!r} must be relative to the run's artifact root and stay "
            "inside it (no leading '/', no '..')."
        )
    return "" if normalized == "." else normalized
