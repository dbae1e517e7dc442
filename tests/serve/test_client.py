"""ScoringClient against real servers: return types, error classes, timeouts."""

from __future__ import annotations

import socket

import numpy as np
import pandas as pd
import pytest
from fixture_models import COLUMNS, ROWS, expected_scores

import servebook
from servebook.errors import (
    InvalidInputError,
    PredictionError,
    ServerTimeoutError,
    ServerUnavailableError,
    SignatureError,
)
from servebook.serve.client import ScoringClient, answer_status, encode_request
from servebook.serve.process import LocalServer

FRAME = pd.DataFrame(ROWS, columns=COLUMNS)


def test_encode_request_shapes() -> None:
    body, mime = encode_request(FRAME.iloc[:1], {"scale": 2})
    assert mime == "application/json"
    assert body.startswith(b'{"dataframe_split":{"columns":') and body.endswith(b'"params":{"scale":2}}')
    body, mime = encode_request(np.array([[1, 2]]))
    assert body == b'{"inputs":[[1,2]]}'
    body, _ = encode_request([1, 2], format="instances")
    assert body == b'{"instances":[1,2]}'
    body, mime = encode_request(FRAME.iloc[:1], content_type="csv")
    assert mime == "text/csv" and body.startswith(b"sepal_length,")
    with pytest.raises(ValueError, match="params cannot be sent with CSV"):
        encode_request(FRAME, {"a": 1}, content_type="csv")


@pytest.mark.integration
@pytest.mark.parametrize(
    "options",
    [{}, {"format": "dataframe_records"}, {"content_type": "csv"}, {"format": "inputs"}],
    ids=["split", "records", "csv", "inputs"],
)
def test_predict_returns_a_dataframe(scorer_server: LocalServer, options: dict[str, str]) -> None:
    result = scorer_server.client.predict(FRAME, **options)
    assert isinstance(result, pd.DataFrame)
    want = pd.DataFrame(expected_scores(ROWS))
    pd.testing.assert_frame_equal(result, want)


@pytest.mark.integration
def test_predict_with_params_and_series(scorer_server: LocalServer) -> None:
    result = scorer_server.predict(FRAME, params={"scale": 3.0})
    assert result["score"].tolist() == pytest.approx([r["score"] for r in expected_scores(ROWS, 3.0)])


@pytest.mark.integration
def test_arrays_come_back_as_arrays(echo_server: LocalServer) -> None:
    result = echo_server.client.predict(np.array([[1.5, 2.5], [3.5, 4.5]]))
    assert isinstance(result, np.ndarray)
    np.testing.assert_array_equal(result, [[1.5, 2.5], [3.5, 4.5]])
    assert echo_server.client.predict({"a": [1, 2]}) == {"a": [1, 2]}


@pytest.mark.integration
def test_errors_map_to_exception_classes(scorer_server: LocalServer) -> None:
    client = scorer_server.client
    with pytest.raises(SignatureError, match="missing inputs") as sig:
        client.predict(FRAME[["sepal_length"]])
    assert answer_status(sig.value) == 400
    with pytest.raises(InvalidInputError, match="exactly one of"):
        client.predict({"dataframe_split": 1, "inputs": 2})
    with pytest.raises(PredictionError) as failed:
        client.predict(FRAME, params={"fail": True})
    assert failed.value.status == 500
    assert failed.value.error_code == "MODEL_ERROR"
    assert "failure requested by the test" in failed.value.server_message
    assert client.version() == servebook.__version__


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_server() -> None:
    client = ScoringClient(f"http://127.0.0.1:{_closed_port()}", timeout=2)
    with pytest.raises(ServerUnavailableError, match="Could not reach"):
        client.predict(FRAME)
    with pytest.raises(ServerTimeoutError, match="not ready after"):
        client.wait_ready(timeout=0.3)


@pytest.mark.integration
def test_client_timeout_is_server_unavailable(scorer_server: LocalServer) -> None:
    client = ScoringClient(scorer_server.url, timeout=0.5)
    with pytest.raises(ServerUnavailableError, match="did not answer"):
        client.predict(FRAME.iloc[:1], params={"sleep": 2.0})
