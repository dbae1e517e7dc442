"""The server card widget, driven in Python against a real scoring server (a real child process)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import ipywidgets
import pytest

import servebook

pytestmark = pytest.mark.integration

COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def table_rows(html: str) -> list[list[str]]:
    """The body rows of the first HTML table in ``html``, as cell texts."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in body.split("</tr>") if "<td" in row]


class Threshold(servebook.PythonModel):
    """Class 2 when petal_length exceeds a threshold (the ``cutoff`` param), else 0."""

    def predict(self, context, model_input, params=None):
        import pandas as pd

        cutoff = (params or {}).get("cutoff", 4.0)
        return pd.Series((model_input["petal_length"] > cutoff).astype("int64") * 2, name="class_id")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import pandas as pd

    from servebook.models import infer_signature

    example = pd.DataFrame([[5.1, 3.5, 1.4, 0.2], [6.3, 3.3, 6.0, 2.5]], columns=COLUMNS)
    target = tmp_path_factory.mktemp("card") / "threshold_model"
    signature = infer_signature(example, pd.Series([0, 2], name="class_id"), params={"cutoff": 4.0})
    servebook.pyfunc.save_model(
        target, python_model=Threshold(), signature=signature, input_example=example, by_value=True
    )
    return target


@pytest.fixture
def server(model_dir: Path):
    with servebook.serve(model_dir) as running:
        yield running


def test_card_prefills_the_serving_example_and_sends_it(server, model_dir: Path) -> None:
    from servebook.widgets import server_card
    from servebook.widgets.server_widget import example_body

    card = server_card(server)
    assert isinstance(card, ipywidgets.VBox)
    assert "sb-server-card" in card._dom_classes
    assert "ready" in card.status.value
    assert server.url in card.status.value
    assert str(server.pid) in card.status.value
    assert not card.send_button.disabled and not card.stop_button.disabled

    expected_body = json.loads((model_dir / "serving_input_example.json").read_text())
    assert example_body(str(model_dir)) == expected_body
    assert server.model_uri == str(model_dir)
    assert json.loads(card.request.value) == expected_body

    card.send_button.click()
    assert "HTTP 200" in card.response.value
    assert "class_id" in card.response.value
    assert table_rows(card.response.value) == [["0", "0"], ["1", "2"]]
    # the log tail is the server's own log
    assert "serving on" in card.log_view.value
    assert server.logs().strip().splitlines()[-1] in card.log_view.value.replace("&#x27;", "'")


def test_request_body_is_formatted_compactly() -> None:
    from servebook.widgets.server_widget import format_body

    body = {"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2.5], [3, 4.5]]}, "params": {"k": 1}}
    text = format_body(body)
    assert json.loads(text) == body
    assert '    "data": [[1, 2.5], [3, 4.5]]' in text.splitlines()
    assert format_body({}) == "{}"


def test_params_travel_with_the_body(server) -> None:
    from servebook.widgets import server_card

    card = server_card(
        server, example={"dataframe_records": [dict(zip(COLUMNS, [6.3, 3.3, 6.0, 2.5], strict=True))]}
    )
    card.send_button.click()
    assert table_rows(card.response.value) == [["0", "2"]]
    body = json.loads(card.request.value)
    body["params"] = {"cutoff": 7.0}
    card.request.value = json.dumps(body)
    card.send_button.click()
    assert "HTTP 200" in card.response.value
    assert table_rows(card.response.value) == [["0", "0"]]


def test_bad_requests_show_the_servers_message(server) -> None:
    from servebook.widgets import server_card

    card = server_card(server, example={})
    card.request.value = json.dumps({"dataframe_records": [{"sepal_length": 1.0}]})
    card.send_button.click()
    assert "HTTP 400" in card.response.value
    assert "petal_length" in card.response.value  # the server names the missing column
    assert "sb-badge-error" in card.response.value

    card.request.value = "{not json"
    card.send_button.click()
    assert "not valid JSON" in card.response.value

    card.request.value = "[1, 2]"
    card.send_button.click()
    assert "must be a JSON object" in card.response.value

    card.request.value = json.dumps({"dataframe_records": [{"<b>bold</b>": 1}]})
    card.send_button.click()
    assert "<b>bold</b>" not in card.response.value


def test_stop_button_stops_the_server(model_dir: Path) -> None:
    import psutil

    from servebook.widgets import server_card

    server = servebook.serve(model_dir)
    try:
        card = server_card(server, example={})
        pid = server.pid
        assert psutil.pid_exists(pid)
        card.stop_button.click()
        assert server.state == "stopped"
        assert "stopped" in card.status.value
        assert card.send_button.disabled and card.stop_button.disabled
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        assert card.log_view.value  # the last log lines stay visible
        card.refresh_button.click()  # refreshing a stopped server's card is harmless
        assert "stopped" in card.status.value
    finally:
        server.stop()


def test_outside_a_kernel_the_hook_falls_back_to_text(server) -> None:
    from servebook.widgets import server_card_bundle

    assert server_card_bundle(server) is None
    assert server._repr_mimebundle_() is None
    assert server.url in repr(server)
