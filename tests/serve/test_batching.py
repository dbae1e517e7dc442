"""Adaptive batching: merged predict calls give exactly the predictions of one call per request."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import requests
from fixture_models import COLUMNS

from servebook.serve.batching import merge_frames, split_predictions
from servebook.serve.process import LocalServer, serve


def test_merge_and_split_keep_rows_and_dtypes() -> None:
    frames = [pd.DataFrame({"a": [1.5], "b": [2.0]}), pd.DataFrame({"a": [3.0, 4.0], "b": [5.0, 6.0]})]
    merged = merge_frames(frames)
    assert merged.to_dict("list") == {"a": [1.5, 3.0, 4.0], "b": [2.0, 5.0, 6.0]}
    mixed = [pd.DataFrame({"a": [1], "b": ["x"]}), pd.DataFrame({"a": [2], "b": ["y"]})]
    merged = merge_frames(mixed)
    assert merged["a"].dtype == np.int64 and merged["b"].tolist() == ["x", "y"]
    parts = split_predictions(np.arange(3), [1, 2])
    assert [p.tolist() for p in parts] == [[0], [1, 2]]  # type: ignore[union-attr]
    parts = split_predictions(pd.DataFrame({"p": [7, 8, 9]}), [2, 1])
    assert [p["p"].tolist() for p in parts] == [[7, 8], [9]]  # type: ignore[union-attr]
    assert split_predictions(np.arange(2), [1, 2]) is None  # rows do not line up
    assert split_predictions(3.0, [1]) is None


@pytest.fixture(scope="module")
def batched_server(model_root: Path) -> Iterator[LocalServer]:
    server = serve(model_root / "batchable", start_timeout=90)  # batchable: true in MLmodel metadata
    try:
        yield server
    finally:
        server.stop()


def _bodies(count: int) -> list[bytes]:
    rng = random.Random(7)
    bodies = []
    for index in range(count):
        row = [round(rng.uniform(0, 8), 3) for _ in COLUMNS]
        if index % 3 == 0:
            bodies.append(json.dumps({"dataframe_split": {"columns": COLUMNS, "data": [row]}}).encode())
        else:
            bodies.append(json.dumps({"dataframe_records": [dict(zip(COLUMNS, row, strict=True))]}).encode())
    return bodies


def _send_all(url: str, bodies: list[bytes]) -> list[bytes]:
    session_per_thread: dict[int, requests.Session] = {}

    def one(body: bytes) -> bytes:
        import threading

        session = session_per_thread.setdefault(threading.get_ident(), requests.Session())
        response = session.post(
            f"{url}/invocations", data=body, headers={"Content-Type": "application/json"}, timeout=30
        )
        assert response.status_code == 200, response.text
        return response.content

    with ThreadPoolExecutor(32) as pool:
        return list(pool.map(one, bodies))


@pytest.mark.integration
def test_batching_gives_identical_predictions(
    batched_server: LocalServer, scorer_server: LocalServer
) -> None:
    bodies = _bodies(400)
    batched = _send_all(batched_server.url, bodies)
    single = _send_all(scorer_server.url, bodies)
    assert batched == single  # byte for byte
    bad = json.dumps({"dataframe_split": {"columns": COLUMNS[:2], "data": [[1.0, 2.0]]}}).encode()
    mixed = _send_all_allowing_errors(batched_server.url, [bad, *bodies[:63]])
    assert mixed[0][0] == 400 and all(status == 200 for status, _ in mixed[1:])
    assert [content for _, content in mixed[1:]] == single[:63]
    batched_server.stop()
    merged = [line for line in batched_server.logs().splitlines() if "merged predict calls" in line]
    assert merged and int(merged[-1].split(": ")[-1].split()[0]) > 0, "no request was ever merged"


def _send_all_allowing_errors(url: str, bodies: list[bytes]) -> list[tuple[int, bytes]]:
    def one(body: bytes) -> tuple[int, bytes]:
        response = requests.post(
            f"{url}/invocations", data=body, headers={"Content-Type": "application/json"}, timeout=30
        )
        return response.status_code, response.content

    with ThreadPoolExecutor(32) as pool:
        return list(pool.map(one, bodies))
