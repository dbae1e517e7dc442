"""Type-hint models (MLflow 3's recommended style) against real MLflow 3.17.2, both directions.

Each style of ``type_hint_scripts.STYLES`` is saved by servebook (a fresh interpreter, ``import
servebook as mlflow``) and by MLflow (its own virtualenv). MLflow then loads both tools' models,
predicts every case in-process and answers every request through its scoring server's core; here
servebook does the same in-process and through real ``servebook serve`` children, and every outcome
must match: same predictions, same refusals (status 400 for input that does not match the hint),
and the same MLmodel signature keys and example files. Real ``mlflow models serve`` processes check
that MLflow's scoring core answers as its HTTP server does.
"""

from __future__ import annotations

import json
import pickle
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import requests
import yaml
from format_helpers import assert_same
from type_hint_scripts import CASES, MLFLOW_SIDE, SERVEBOOK_SAVE

import servebook as sb
from servebook.errors import ServebookError
from servebook.serve.process import LocalServer, serve
from servebook.serve.status import http_status
from tests.conftest import run_script
from tests.mlflow_server import mlflow_models_serve

pytestmark = [pytest.mark.compat, pytest.mark.integration]

_CASES: dict[str, Any] = {}
exec(CASES, _CASES)  # the same inputs the MLflow process used
PREDICT: dict[str, list[tuple[Any, Any]]] = _CASES["PREDICT"]
REQUESTS: dict[str, list[tuple[Any, str]]] = _CASES["REQUESTS"]
DIFFERENT: dict[tuple[str, int], tuple[int, int]] = _CASES["DIFFERENT"]
NAMES = sorted(PREDICT)
ORIGINS = ("mlflow", "sb")
MLMODEL_KEYS = (
    "signature",
    "is_signature_from_type_hint",
    "type_hint_from_example",
    "saved_input_example_info",
)


@pytest.fixture(scope="module")
def exchange(tmp_path_factory: pytest.TempPathFactory, mlflow_python: Path) -> tuple[Path, dict[str, Any]]:
    work = tmp_path_factory.mktemp("type-hints")
    (work / "save_servebook.py").write_text(SERVEBOOK_SAVE)
    (work / "mlflow_side.py").write_text(MLFLOW_SIDE)
    run_script(work / "save_servebook.py", str(work / "sb"), python=sys.executable, cwd=work, timeout=120)
    run_script(work / "mlflow_side.py", str(work), python=mlflow_python, cwd=work, timeout=300)
    return work, pickle.loads((work / "results.pkl").read_bytes())


def _outcome(call: Any) -> tuple[str, Any]:
    try:
        return ("ok", call())
    except ServebookError as err:
        return ("refused", http_status(err.error_code))
    except Exception as err:  # the model's own exception, as MLflow reports it
        return ("raised", type(err).__name__)


def _same_outcome(ours: tuple[str, Any], theirs: tuple[str, Any]) -> None:
    assert ours[0] == theirs[0], (ours, theirs)
    if ours[0] == "ok":
        assert_same(ours[1], theirs[1])
    else:
        assert ours == theirs


@pytest.mark.parametrize("name", NAMES)
def test_servebook_saves_what_mlflow_saves(exchange: tuple[Path, dict[str, Any]], name: str) -> None:
    work, results = exchange
    theirs = results["mlmodel"][name]
    ours = yaml.safe_load((work / "sb" / name / "MLmodel").read_text())
    assert {key: ours.get(key) for key in MLMODEL_KEYS} == {
        key: theirs["MLmodel"].get(key) for key in MLMODEL_KEYS
    }
    assert {p.name: p.read_text() for p in (work / "sb" / name).glob("*.json")} == theirs["files"]


def test_signatures_come_from_the_hints(exchange: tuple[Path, dict[str, Any]]) -> None:
    work, _ = exchange
    repeat = sb.load_model(work / "mlflow" / "repeat").metadata
    assert repeat.is_signature_from_type_hint is True
    assert json.loads(repeat.signature_dict["inputs"])[0]["type"] == "object"  # type: ignore[index]
    echo = sb.load_model(work / "mlflow" / "echo_frame").metadata
    assert (echo.is_signature_from_type_hint, echo.type_hint_from_example) == (False, True)
    given = sb.load_model(work / "sb" / "upper_given_signature").metadata
    assert given.get_input_schema().to_dict() == [{"type": "string", "required": True}]  # type: ignore[union-attr]


@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize("name", NAMES)
def test_in_process_predictions_match_mlflow(
    exchange: tuple[Path, dict[str, Any]], origin: str, name: str
) -> None:
    work, results = exchange
    model = sb.load_model(work / origin / name)
    theirs = results["predict"][(origin, name)]
    ours = [_outcome(lambda d=data, p=params: model.predict(d, params=p)) for data, params in PREDICT[name]]
    assert len(ours) == len(theirs)
    for case, (mine, expected) in enumerate(zip(ours, theirs, strict=True)):
        try:
            _same_outcome(mine, expected)
        except AssertionError as err:
            raise AssertionError(f"case {case} ({PREDICT[name][case]!r:.80}): {err}") from None
    assert any(outcome[0] == "ok" for outcome in ours)


def test_refusals_name_the_invalid_elements(exchange: tuple[Path, dict[str, Any]]) -> None:
    work, _ = exchange
    model = sb.load_model(work / "mlflow" / "upper")
    with pytest.raises(sb.errors.SignatureError) as info:
        model.predict(["a", 1, "b", 2.5])
    message = str(info.value)
    assert "list[str]" in message and "1: 'Expected type str, but got int'" in message
    assert "3: 'Expected type str, but got float'" in message
    repeat = sb.load_model(work / "mlflow" / "repeat")
    with pytest.raises(sb.errors.SignatureError, match=r"0: .*n: Input should be a valid integer"):
        repeat.predict([{"text": "a", "n": "2"}])


def test_pydantic_inputs_arrive_as_instances(exchange: tuple[Path, dict[str, Any]]) -> None:
    work, _ = exchange
    for origin in ORIGINS:
        model = sb.load_model(work / origin / "repeat")
        assert model.predict([{"text": "ab", "n": 2, "tags": ["t"]}]) == ["Item:abab:1:None"]


# ---- serving ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def servers(exchange: tuple[Path, dict[str, Any]]) -> Iterator[dict[tuple[str, str], LocalServer]]:
    work, _ = exchange
    keys = [(origin, name) for origin in ORIGINS for name in NAMES]
    started: dict[tuple[str, str], LocalServer] = {}
    failures: list[BaseException] = []
    try:
        with ThreadPoolExecutor(max_workers=3) as pool:  # a few at a time: each child loads a model
            futures = {key: pool.submit(serve, work / key[0] / key[1], start_timeout=120) for key in keys}
            for key, future in futures.items():
                try:
                    started[key] = future.result()
                except Exception as err:  # collect every server that did start, so all are stopped
                    failures.append(err)
        if failures:
            raise failures[0]
        yield started
    finally:
        for server in started.values():
            server.stop()


def _post(url: str, body: Any, content_type: str) -> tuple[int, Any]:
    data = body if isinstance(body, str) else json.dumps(body)
    response = requests.post(
        f"{url}/invocations", data=data.encode(), headers={"Content-Type": content_type}, timeout=60
    )
    return response.status_code, response.json()


def _same_answer(ours: tuple[int, Any], theirs: tuple[int, Any], what: str, *, typed: bool) -> None:
    assert ours[0] == theirs[0], (what, ours, theirs)
    if ours[0] == 200:
        assert ours[1] == theirs[1], what
    else:
        assert set(ours[1]) == {"error_code", "message"}, what
        if typed:  # the type-hint paths; the others are the generic parser's (statuses compared)
            assert ours[1]["error_code"] == theirs[1]["error_code"], (what, ours, theirs)


@pytest.mark.parametrize("origin", ORIGINS)
@pytest.mark.parametrize("name", NAMES)
def test_served_responses_match_mlflow(
    exchange: tuple[Path, dict[str, Any]], servers: dict[tuple[str, str], LocalServer], origin: str, name: str
) -> None:
    work, results = exchange
    url = servers[(origin, name)].url
    typed = bool(
        yaml.safe_load((work / origin / name / "MLmodel").read_text())["is_signature_from_type_hint"]
    )
    theirs = results["serve"][(origin, name)]
    for index, ((body, content_type), expected) in enumerate(zip(REQUESTS[name], theirs, strict=True)):
        ours = _post(url, body, content_type)
        if (name, index) in DIFFERENT:  # a deliberate difference listed in the README
            assert (expected[0], ours[0]) == DIFFERENT[(name, index)], (body, ours, expected)
            assert ours[1]["error_code"] == "INVALID_PARAMETER_VALUE"
            continue
        _same_answer(ours, expected, f"{body!r:.80} as {content_type}", typed=typed)


def test_served_refusal_says_which_elements_and_why(servers: dict[tuple[str, str], LocalServer]) -> None:
    status, body = _post(
        servers[("sb", "repeat")].url, {"inputs": [{"text": "a", "n": 1}, {"text": 3}]}, "application/json"
    )
    assert status == 400 and body["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "list[Item]" in body["message"] and "1: " in body["message"] and "text" in body["message"]
    status, body = _post(
        servers[("mlflow", "upper")].url, {"dataframe_records": [{"x": "a"}]}, "application/json"
    )
    assert status == 400 and '"inputs"' in body["message"]


@pytest.mark.parametrize(("origin", "name"), [("mlflow", "repeat"), ("sb", "upper"), ("sb", "sizes")])
def test_mlflow_http_server_answers_as_its_core(
    exchange: tuple[Path, dict[str, Any]], mlflow_python: Path, tmp_path: Path, origin: str, name: str
) -> None:
    """The recorded answers come from MLflow's scoring core; its real HTTP server agrees."""
    work, results = exchange
    with mlflow_models_serve(mlflow_python, work / origin / name, tmp_path / "mlflow.log") as url:
        for (body, content_type), expected in zip(
            REQUESTS[name], results["serve"][(origin, name)], strict=True
        ):
            status, answer = _post(url, body, content_type)
            assert status == expected[0], (body, answer)
            assert (
                answer == expected[1] if status == 200 else answer["error_code"] == expected[1]["error_code"]
            )


def test_type_from_example_frame_round_trip(exchange: tuple[Path, dict[str, Any]]) -> None:
    work, _ = exchange
    model = sb.load_model(work / "sb" / "echo_frame")
    frame = pd.DataFrame({"a": [5], "b": ["q"]})
    assert_same(model.predict(frame), frame)
    assert model.predict({"a": [5], "b": ["q"]}).equals(frame)
