"""The scoring server over real HTTP: endpoints, input formats, params, and every error status."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import requests
from fixture_models import COLUMNS, ROWS, TOKEN, close, expected_scores, strict_json

import servebook
from servebook.serve.process import LocalServer

pytestmark = pytest.mark.integration

JSON = {"Content-Type": "application/json"}


def post(
    server: LocalServer, body: bytes | str, headers: dict[str, str] | None = None, **kw: object
) -> requests.Response:
    data = body.encode() if isinstance(body, str) else body
    headers = JSON if headers is None else headers
    return requests.post(f"{server.url}/invocations", data=data, headers=headers, timeout=30, **kw)


def assert_scores(response: requests.Response, rows: list[list[float]], scale: float = 1.0) -> None:
    assert response.status_code == 200, response.text
    got = strict_json(response.content)["predictions"]  # type: ignore[index]
    want = expected_scores(rows, scale)
    assert [r["label"] for r in got] == [r["label"] for r in want]
    assert all(close(g["score"], w["score"]) for g, w in zip(got, want, strict=True))


def test_ping_health_version(scorer_server: LocalServer) -> None:
    for path in ("/ping", "/health"):
        response = requests.get(scorer_server.url + path, timeout=10)
        assert response.status_code == 200
    response = requests.get(scorer_server.url + "/version", timeout=10)
    assert response.status_code == 200
    assert response.text == servebook.__version__


def test_unknown_route_and_wrong_method(scorer_server: LocalServer) -> None:
    response = requests.get(scorer_server.url + "/nope", timeout=10)
    assert response.status_code == 404
    assert "/invocations" in response.json()["message"]
    response = requests.get(scorer_server.url + "/invocations", timeout=10)
    assert response.status_code == 405
    response = requests.post(scorer_server.url + "/ping", timeout=10)
    assert response.status_code == 405


def _records() -> list[dict[str, float]]:
    return [dict(zip(COLUMNS, row, strict=True)) for row in ROWS]


@pytest.mark.parametrize(
    "body",
    [
        {"dataframe_split": {"columns": COLUMNS, "data": ROWS}},
        {"dataframe_split": {"columns": COLUMNS, "data": ROWS, "index": [7, 8, 9]}},
        {"dataframe_records": _records()},
        {"instances": _records()},
        {"inputs": {c: [row[i] for row in ROWS] for i, c in enumerate(COLUMNS)}},
    ],
    ids=["split", "split-index", "records", "instances", "inputs"],
)
def test_json_formats(scorer_server: LocalServer, body: dict[str, object]) -> None:
    assert_scores(post(scorer_server, json.dumps(body)), ROWS)


def test_csv(scorer_server: LocalServer) -> None:
    csv = ",".join(COLUMNS) + "\n" + "\n".join(",".join(str(v) for v in row) for row in ROWS) + "\n"
    assert_scores(post(scorer_server, csv, {"Content-Type": "text/csv"}), ROWS)
    assert_scores(post(scorer_server, csv, {"Content-Type": "text/csv; charset=utf-8"}), ROWS)


def test_lenient_values_like_mlflow(scorer_server: LocalServer) -> None:
    """Integers, numeric strings and extra columns are accepted, as by MLflow's parser."""
    body = {"dataframe_split": {"columns": [*COLUMNS, "extra"], "data": [[5, "3.5", 1, "0.2", "x"]]}}
    assert_scores(post(scorer_server, json.dumps(body)), [[5.0, 3.5, 1.0, 0.2]])


def test_params(scorer_server: LocalServer) -> None:
    body = {"dataframe_split": {"columns": COLUMNS, "data": ROWS}, "params": {"scale": 2.5}}
    assert_scores(post(scorer_server, json.dumps(body)), ROWS, scale=2.5)
    body["params"] = {"scale": 2, "unknown": 1}  # int -> double is allowed, unknown keys ignored
    assert_scores(post(scorer_server, json.dumps(body)), ROWS, scale=2.0)


def test_nan_is_written_as_null(scorer_server: LocalServer) -> None:
    body = {"dataframe_split": {"columns": COLUMNS, "data": [[None, 3.5, 1.4, 0.2]]}}
    response = post(scorer_server, json.dumps(body))
    assert response.status_code == 200
    assert strict_json(response.content) == {"predictions": [{"label": 0, "score": None}]}


@pytest.mark.parametrize(
    ("body", "code", "hint"),
    [
        (b"{not json", "BAD_REQUEST", "not valid JSON"),
        (b"", "BAD_REQUEST", "empty"),
        (b"\xff\xfe", "BAD_REQUEST", "JSON"),
        (b"[1, 2]", "BAD_REQUEST", '{"inputs": [...]}'),
        (b'{"columns": ["a"], "data": [[1]]}', "BAD_REQUEST", "Wrap it in dataframe_split"),
        (b'{"foo": 1}', "BAD_REQUEST", "exactly one of"),
        (b'{"inputs": [1], "instances": [1]}', "BAD_REQUEST", "more than one"),
        (b'{"dataframe_split": {"columns": ["a"]}}', "BAD_REQUEST", "'data'"),
        (b'{"dataframe_records": {"a": 1}}', "BAD_REQUEST", "list of records"),
        (b'{"dataframe_split": {"columns": ["sepal_length"], "data": [[1.0]]}}', "INVALID_PARAMETER_VALUE",
         "missing inputs"),
        (b'{"dataframe_split": {"columns": ["sepal_length", "sepal_width", "petal_length", "petal_width"], '
         b'"data": [["a", 1, 1, 1]]}}', "INVALID_PARAMETER_VALUE", "sepal_length"),
        (b'{"dataframe_records": [{"sepal_length": 1}], "params": [1]}', "INVALID_PARAMETER_VALUE", "params"),
        (b'{"dataframe_records": [{"sepal_length": 1, "sepal_width": 1, "petal_length": 1, '
         b'"petal_width": 1}], "params": {"scale": "big"}}', "INVALID_PARAMETER_VALUE", "scale"),
    ],
)  # fmt: skip
def test_bad_input_is_400(scorer_server: LocalServer, body: bytes, code: str, hint: str) -> None:
    response = post(scorer_server, body)
    assert response.status_code == 400, response.text
    payload = response.json()
    assert payload["error_code"] == code
    assert hint in payload["message"]
    assert "Traceback" not in response.text and "stack_trace" not in payload


def test_model_exception_is_500_without_traceback(scorer_server: LocalServer) -> None:
    body = {"dataframe_records": _records(), "params": {"fail": True}}
    response = post(scorer_server, json.dumps(body))
    assert response.status_code == 500
    payload = response.json()
    assert set(payload) == {"error_code", "message"}
    assert payload["error_code"] == "MODEL_ERROR"
    assert "failure requested by the test" in payload["message"]
    assert "Traceback" not in payload["message"]
    assert "sepal" not in payload["message"]  # the input is not echoed
    assert "ValueError: failure requested by the test" in scorer_server.logs()


def test_debug_server_sends_the_traceback(debug_server: LocalServer) -> None:
    body = {"dataframe_records": _records(), "params": {"fail": True}}
    payload = post(debug_server, json.dumps(body)).json()
    assert payload["error_code"] == "MODEL_ERROR"
    assert "Traceback" in payload["stack_trace"]


@pytest.mark.parametrize(
    ("content_type", "hint"),
    [
        (None, "no Content-Type"),
        ("text/plain", "not supported"),
        ("application/json; format=pandas-split", "format"),
        ("application/json; charset=latin-1", "UTF-8"),
    ],
)
def test_unsupported_media_type_is_415(
    scorer_server: LocalServer, content_type: str | None, hint: str
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = requests.post(f"{scorer_server.url}/invocations", data=b"{}", headers=headers, timeout=10)
    assert response.status_code == 415
    payload = response.json()
    assert payload["error_code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert hint in payload["message"]


def test_token_required_except_on_ping_and_health(strict_server: LocalServer) -> None:
    body = json.dumps({"dataframe_split": {"columns": COLUMNS, "data": ROWS[:1]}})
    for path in ("/ping", "/health"):
        assert requests.get(strict_server.url + path, timeout=10).status_code == 200
    response = post(strict_server, body)
    assert response.status_code == 401
    assert response.json()["error_code"] == "UNAUTHENTICATED"
    assert response.headers["www-authenticate"] == "Bearer"
    assert requests.get(strict_server.url + "/version", timeout=10).status_code == 401
    assert post(strict_server, body, {**JSON, "Authorization": "Bearer wrong"}).status_code == 401
    assert post(strict_server, body, {**JSON, "Authorization": TOKEN}).status_code == 401
    assert_scores(post(strict_server, body, {**JSON, "Authorization": f"Bearer {TOKEN}"}), ROWS[:1])
    assert_scores(post(strict_server, body, {**JSON, "Authorization": f"token {TOKEN}"}), ROWS[:1])
    frame = pd.DataFrame(ROWS[:1], columns=COLUMNS)
    assert strict_server.predict(frame).shape == (1, 2)  # LocalServer's client sends the token


def test_no_token_server_accepts_anonymous(scorer_server: LocalServer) -> None:
    body = json.dumps({"dataframe_split": {"columns": COLUMNS, "data": ROWS[:1]}})
    assert_scores(post(scorer_server, body, {**JSON, "Authorization": "Bearer anything"}), ROWS[:1])


def test_body_limit_by_content_length_and_by_stream(strict_server: LocalServer) -> None:
    auth = {**JSON, "Authorization": f"Bearer {TOKEN}"}
    big = json.dumps({"dataframe_split": {"columns": COLUMNS, "data": ROWS * 200}}).encode()
    assert len(big) > 4096
    response = post(strict_server, big, auth)
    assert response.status_code == 413
    assert response.json()["error_code"] == "PAYLOAD_TOO_LARGE"
    assert "--max-body-size" in response.json()["message"]

    def chunks():  # no Content-Length: the limit is enforced while reading
        for start in range(0, len(big), 1000):
            yield big[start : start + 1000]

    response = post(strict_server, chunks(), auth)  # type: ignore[arg-type]
    assert response.status_code == 413
    small = json.dumps({"dataframe_split": {"columns": COLUMNS, "data": ROWS}}).encode()
    assert_scores(post(strict_server, iter([small[:50], small[50:]]), auth), ROWS)  # type: ignore[arg-type]


def test_timeout_is_504_and_server_stays_up(strict_server: LocalServer) -> None:
    auth = {**JSON, "Authorization": f"Bearer {TOKEN}"}
    body = {"dataframe_split": {"columns": COLUMNS, "data": ROWS[:1]}, "params": {"sleep": 2.5}}
    response = post(strict_server, json.dumps(body), auth)
    assert response.status_code == 504
    assert response.json()["error_code"] == "REQUEST_TIMEOUT"
    assert "--timeout" in response.json()["message"]
    assert requests.get(strict_server.url + "/ping", timeout=5).status_code == 200
    body["params"] = {}
    assert_scores(post(strict_server, json.dumps(body), auth), ROWS[:1])


def test_echo_model_shapes(echo_server: LocalServer) -> None:
    response = post(echo_server, json.dumps({"inputs": [[1, 2], [3, 4]]}))
    assert response.json() == {"predictions": [[1, 2], [3, 4]]}
    response = post(echo_server, json.dumps({"instances": [1.5, None]}))
    assert strict_json(response.content) == {"predictions": [1.5, None]}
    response = post(echo_server, json.dumps({"inputs": {"a": [1, 2], "b": ["x", "y"]}}))
    assert response.json() == {"predictions": {"a": [1, 2], "b": ["x", "y"]}}
    response = post(echo_server, json.dumps({"instances": [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]}))
    assert response.json() == {"predictions": {"a": [1, 2], "b": ["x", "y"]}}
    response = post(echo_server, json.dumps({"dataframe_split": {"columns": ["a"], "data": [[1.5], [None]]}}))
    assert strict_json(response.content) == {"predictions": [{"a": 1.5}, {"a": None}]}
    response = post(echo_server, json.dumps({"inputs": [[1, 2], [3]]}))
    assert response.status_code == 400
    assert "rectangular" in response.json()["message"]
