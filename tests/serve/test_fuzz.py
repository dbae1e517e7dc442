"""Property-based fuzzing of /invocations: odd bodies and headers never give a 5xx, the server stays up."""

from __future__ import annotations

import json

import pytest
import requests
from fixture_models import COLUMNS, ROWS, strict_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servebook.serve.process import LocalServer

pytestmark = pytest.mark.integration

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=8),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)
COLUMN_NAMES = st.sampled_from([*COLUMNS, "x", "", "0"])
ROW = st.lists(st.one_of(SCALARS, st.floats(min_value=-1e6, max_value=1e6)), min_size=0, max_size=5)
PARAMS = st.one_of(
    st.none(),
    JSON_VALUES,
    st.fixed_dictionaries(
        {"scale": st.one_of(SCALARS, JSON_VALUES)}
    ),  # never fail/sleep/spin: those are on purpose
)


@st.composite
def documents(draw: st.DrawFn) -> object:
    key = draw(
        st.sampled_from(["dataframe_split", "dataframe_records", "instances", "inputs", "columns", "other"])
    )
    if key == "dataframe_split":
        payload = draw(
            st.one_of(
                st.fixed_dictionaries(
                    {"columns": st.lists(COLUMN_NAMES, max_size=5), "data": st.lists(ROW, max_size=4)},
                    optional={"index": st.lists(SCALARS, max_size=4), "bad": SCALARS},
                ),
                JSON_VALUES,
            )
        )
    elif key == "dataframe_records":
        payload = draw(
            st.one_of(st.lists(st.dictionaries(COLUMN_NAMES, SCALARS, max_size=5), max_size=4), JSON_VALUES)
        )
    else:
        payload = draw(
            st.one_of(st.dictionaries(COLUMN_NAMES, st.lists(SCALARS, max_size=3), max_size=5), JSON_VALUES)
        )
    document: dict[str, object] = {key: payload}
    params = draw(PARAMS)
    if params is not None:
        document["params"] = params
    if draw(st.booleans()):
        document[draw(st.sampled_from(["inputs", "instances", "data", "zzz"]))] = draw(JSON_VALUES)
    return document


BODIES = st.one_of(
    documents().map(lambda d: json.dumps(d).encode()),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=120),
    st.lists(st.lists(st.sampled_from(["1", "2.5", "", "a", "nan", '"x,y"']), max_size=5), max_size=4).map(
        lambda rows: "\n".join([",".join(COLUMNS), *(",".join(r) for r in rows)]).encode()
    ),
)
CONTENT_TYPES = st.one_of(
    st.sampled_from(
        [
            None,
            "application/json",
            "text/csv",
            "application/json; charset=utf-8",
            "application/json; charset=latin-1",
            "application/json;;",
            "text/plain",
            "multipart/form-data; boundary=x",
            "application/vnd.apache.parquet",
        ]
    ),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30).map(str.strip),
)
AUTH = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=20).map(str.strip),
)


@settings(
    max_examples=2000,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(body=BODIES, content_type=CONTENT_TYPES, authorization=AUTH)
def test_fuzz_invocations_never_5xx(
    scorer_server: LocalServer, body: bytes, content_type: str | None, authorization: str | None
) -> None:
    headers = {}
    if content_type is not None:
        headers["Content-Type"] = content_type
    if authorization is not None:
        headers["Authorization"] = authorization
    response = _session(scorer_server).post(
        f"{scorer_server.url}/invocations", data=body, headers=headers, timeout=30
    )
    assert response.status_code in (200, 400, 413, 415), (response.status_code, response.text, body, headers)
    payload = strict_json(response.content)  # always valid JSON, NaN included
    if response.status_code != 200:
        assert set(payload) == {"error_code", "message"}  # type: ignore[arg-type]
        assert "Traceback" not in payload["message"]  # type: ignore[index]


_SESSIONS: dict[str, requests.Session] = {}


def _session(server: LocalServer) -> requests.Session:
    return _SESSIONS.setdefault(server.url, requests.Session())


def test_server_still_answers_after_the_fuzzing(scorer_server: LocalServer) -> None:
    assert requests.get(scorer_server.url + "/ping", timeout=5).status_code == 200
    body = {"dataframe_split": {"columns": COLUMNS, "data": ROWS}}
    response = requests.post(f"{scorer_server.url}/invocations", json=body, timeout=10)
    assert response.status_code == 200
    assert "state=running" in repr(scorer_server)
