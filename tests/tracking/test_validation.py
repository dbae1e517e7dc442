"""MLflow's key and value rules, with messages that name the key and the rule."""

from __future__ import annotations

import math

import pytest

from servebook.errors import InvalidTrackingInputError
from servebook.tracking.validation import (
    validate_artifact_path,
    validate_experiment_name,
    validate_metric,
    validate_param,
    validate_run_id,
    validate_tag,
)


@pytest.mark.parametrize("key", ["acc", "a/b", "val loss", "x.y-z_1", "ns:metric", "A" * 250])
def test_valid_metric_names(key: str) -> None:
    assert validate_metric(key, 1, 0, 0)[0] == key


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("bad$", "may only contain"),
        ("", "must be provided"),
        (None, "must be provided"),
        ("/abs", "must not resolve"),
        ("a//b", "must not resolve"),
        ("../up", "must not resolve"),
        ("trailing/", "must not resolve"),
        ("A" * 251, "limit is 250"),
    ],
)
def test_invalid_metric_names_name_the_key_and_rule(key: object, fragment: str) -> None:
    with pytest.raises(InvalidTrackingInputError, match="[Mm]etric") as info:
        validate_metric(key, 1.0, 0, 0)
    assert fragment in str(info.value)
    if key:
        assert str(key)[:20] in str(info.value)


@pytest.mark.parametrize("value", ["0.5", None, True, [1], object()])
def test_metric_values_must_be_numbers(value: object) -> None:
    with pytest.raises(InvalidTrackingInputError, match="'acc'"):
        validate_metric("acc", value, 0, 0)


def test_non_finite_metrics_are_accepted() -> None:
    assert math.isnan(validate_metric("m", float("nan"), 1, 0)[1])
    assert validate_metric("m", float("inf"), 1, 0)[1] == math.inf
    assert validate_metric("m", -math.inf, 1, 0)[1] == -math.inf


def test_numpy_numbers_are_numbers() -> None:
    import numpy as np

    assert validate_metric("m", np.float32(0.5), 1, np.int64(3)) == ("m", 0.5, 1, 3)


@pytest.mark.parametrize(("timestamp", "step"), [(-1, 0), ("now", 0), (1, "two"), (1, math.nan)])
def test_bad_timestamp_or_step(timestamp: object, step: object) -> None:
    with pytest.raises(InvalidTrackingInputError, match="'m'"):
        validate_metric("m", 1.0, timestamp, step)


def test_params_and_tags_are_stringified_and_long_values_truncated() -> None:
    assert validate_param("lr", 0.1) == ("lr", "0.1")
    assert validate_tag("flag", True) == ("flag", "True")
    assert len(validate_param("big", "x" * 7000)[1]) == 6000
    assert len(validate_tag("big", "x" * 9000)[1]) == 8000
    with pytest.raises(InvalidTrackingInputError, match="param name 'a b\\*'"):
        validate_param("a b*", 1)


def test_run_ids_and_experiment_names() -> None:
    assert validate_run_id("abc123") == "abc123"
    for bad in ("", "../x", "a b", 12):
        with pytest.raises(InvalidTrackingInputError, match="run id"):
            validate_run_id(bad)
    with pytest.raises(InvalidTrackingInputError, match="non-empty"):
        validate_experiment_name("  ")
    with pytest.raises(InvalidTrackingInputError, match="limit is 500"):
        validate_experiment_name("e" * 501)


def test_artifact_paths_stay_inside_the_run() -> None:
    assert validate_artifact_path(None) == ""
    assert validate_artifact_path("a/b/") == "a/b"
    for bad in ("/etc", "../x", "a/../../x"):
        with pytest.raises(InvalidTrackingInputError, match="artifact_path"):
            validate_artifact_path(bad)
