"""The local store's filter_string / order_by evaluation (MLflow's grammar)."""

from __future__ import annotations

import math

import pytest

from servebook.errors import InvalidTrackingInputError
from servebook.tracking.entities import Run, RunData, RunInfo
from servebook.tracking.search import filter_runs, parse_filter, sort_runs


def _run(run_id: str, start: int, metrics: dict, params: dict, tags: dict, status: str = "FINISHED") -> Run:
    info = RunInfo(run_id, "0", run_id, "me", status, start, start + 1, f"file:///x/{run_id}")
    return Run(info, RunData(metrics, params, tags))


RUNS = [
    _run("a", 1, {"acc": 0.9, "rmse": 0.3}, {"model": "lr", "C": "1"}, {"team": "blue"}),
    _run("b", 2, {"acc": 0.6, "rmse": 0.1}, {"model": "rf"}, {"team": "red"}, status="FAILED"),
    _run("c", 3, {"acc": math.nan}, {"model": "lr"}, {}),
    _run("d", 4, {}, {}, {"mlflow.runName": "my run"}),
]


def ids(runs: list[Run]) -> list[str]:
    return [r.info.run_id for r in runs]


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        ("", ["a", "b", "c", "d"]),
        ("metrics.acc > 0.5", ["a", "b"]),
        ("metrics.acc > 0.5 and params.model = 'lr'", ["a"]),
        ("metrics.rmse <= 0.1", ["b"]),
        ("params.model != 'lr'", ["b"]),
        ('tags.team = "red"', ["b"]),
        ("attributes.status = 'FAILED'", ["b"]),
        ("attribute.status != 'FAILED' AND metric.acc >= 0.9", ["a"]),
        ("tags.`mlflow.runName` LIKE 'my%'", ["d"]),
        ("tags.mlflow.runName ILIKE 'MY RUN'", ["d"]),
        ("params.model IN ('rf', 'xgb')", ["b"]),
        ("params.model NOT IN ('rf')", ["a", "c"]),
        ("attributes.run_id = 'c'", ["c"]),
        ("attributes.start_time > 2", ["c", "d"]),
    ],
)
def test_filters(filter_string: str, expected: list[str]) -> None:
    assert ids(filter_runs(RUNS, filter_string)) == expected


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ("metrics.acc > 'x'", "compares with a number"),
        ("params.model = 3", "quoted string"),
        ("acc > 1", "<entity>.<key>"),
        ("metrics.acc > 1 or metrics.acc < 0", "joined with AND"),
        ("attributes.color = 'x'", "searchable attributes"),
        ("metrics.acc >", "missing value"),
        ("params.a > 'b'", "not supported"),
    ],
)
def test_bad_filters_are_explained(bad: str, fragment: str) -> None:
    with pytest.raises(InvalidTrackingInputError) as info:
        parse_filter(bad)
    assert fragment in str(info.value)


def test_order_by_puts_missing_values_last_and_defaults_to_newest_first() -> None:
    assert ids(sort_runs(RUNS, None)) == ["d", "c", "b", "a"]
    assert ids(sort_runs(RUNS, ["metrics.acc ASC"])) == ["b", "a", "d", "c"]
    assert ids(sort_runs(RUNS, ["metrics.acc DESC"])) == ["a", "b", "d", "c"]
    assert ids(sort_runs(RUNS, ["params.model", "metrics.rmse DESC"])) == ["a", "c", "b", "d"]
    assert ids(sort_runs(RUNS, ["start_time ASC"])) == ["a", "b", "c", "d"]
