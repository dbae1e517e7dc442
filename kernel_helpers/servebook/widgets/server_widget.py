"""The server card: a ``LocalServer`` displayed as a widget.

Shows the server's status and URL, a small test-request form (a JSON body for ``POST /invocations``,
prefilled from the model's serving example), the predictions or the server's error message, the tail of
the server's log, and Refresh / Stop buttons. Every action goes through the public ``LocalServer`` API
(``client.predict``, ``logs``, ``stop``), on the kernel's thread, when a button is clicked: the card
starts no threads and polls nothing.
"""

from __future__ import annotations

import json
import time
from typing import Any

import ipywidgets as w

from ..errors import PredictionError, ServebookError
from ..serve.client import answer_status
from . import markup

__all__ = ["ServerCard", "example_body", "format_body"]

LOG_TAIL_LINES = 20
_MAX_ROWS_SHOWN = 50
_PLACEHOLDERS = {
    "double": 0.0,
    "float": 0.0,
    "long": 0,
    "integer": 0,
    "boolean": False,
    "string": "",
    "datetime": "2026-01-01T00:00:00",
}


def example_body(model_uri: str | None) -> dict[str, Any]:
    """The request body to prefill: the model's serving example, else one built from its signature.

    Reads the model with the static inspector only (nothing from the model runs).
    """
    if not model_uri:
        return {"dataframe_split": {"columns": [], "data": []}}
    from ..inspection import inspect

    report = inspect(model_uri).to_dict()
    serving = report.get("serving_input_example")
    if isinstance(serving, dict) and serving:
        return serving
    inputs = (report.get("signature") or {}).get("inputs") or {}
    columns = inputs.get("columns") or []
    if inputs.get("kind") == "tensors":
        return {"inputs": []}
    names = [c.get("name") for c in columns if c.get("name") is not None]
    row = [_PLACEHOLDERS.get(c.get("type", "")) for c in columns if c.get("name") is not None]
    return {"dataframe_split": {"columns": names, "data": [row] if names else []}}


def format_body(value: Any, indent: int = 0) -> str:
    """JSON with one key per line for the outer two levels and compact values inside.

    Keeps a request readable in the form: ``"columns": [...]`` and each ``"data"`` list on one line.
    """
    if isinstance(value, dict) and value and indent < 4:
        pad = " " * (indent + 2)
        items = [f"{pad}{json.dumps(key)}: {format_body(item, indent + 2)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    return json.dumps(value)


def _state_badge(state: str) -> str:
    if state == "running":
        return markup.badge("ready", "ok")
    if state == "stopped":
        return markup.badge("stopped", "muted")
    return markup.badge(state, "error")


def _predictions_html(predictions: Any) -> str:
    import numpy as np
    import pandas as pd

    if isinstance(predictions, pd.Series):
        predictions = predictions.to_frame()
    if isinstance(predictions, pd.DataFrame):
        shown = predictions.head(_MAX_ROWS_SHOWN)
        rows = [
            [index, *values] for index, values in zip(shown.index, shown.itertuples(index=False), strict=True)
        ]
        more = len(predictions) - len(shown)
        note = f"<i>… {more} more rows</i>" if more > 0 else ""
        return markup.table(["", *map(str, shown.columns)], rows) + note
    if isinstance(predictions, np.ndarray):
        predictions = predictions.tolist()
    return markup.json_block(predictions)


class ServerCard(w.VBox):
    """A widget for a running :class:`servebook.serve.process.LocalServer`.

    Attributes:
        server: the server shown.
        status: ``HTML`` with the state badge, URL and pid.
        request: ``Textarea`` holding the JSON request body.
        send_button, refresh_button, stop_button: the ``Button`` widgets.
        response: ``HTML`` with the last answer (predictions, or the error and its message).
        log_view: ``HTML`` with the tail of the server's log.
    """

    def __init__(self, server: Any, example: dict[str, Any] | None = None, **kwargs: Any) -> None:
        self.server = server
        if example is None:
            example = example_body(getattr(server, "model_uri", None))
        self.status = w.HTML()
        self.request = w.Textarea(
            value=format_body(example),
            description="Body",
            layout=w.Layout(width="100%", height="9em"),
        )
        self.send_button = w.Button(description="Send", button_style="primary", icon="paper-plane")
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.stop_button = w.Button(description="Stop", button_style="danger", icon="stop")
        self.response = w.HTML()
        self.log_view = w.HTML()
        self.send_button.on_click(lambda _button: self.send())
        self.refresh_button.on_click(lambda _button: self.refresh())
        self.stop_button.on_click(lambda _button: self.stop())
        buttons = w.HBox([self.send_button, self.refresh_button, self.stop_button])
        super().__init__(
            children=[
                self.status,
                w.HTML("<b>Test request</b> (JSON body for <code>POST /invocations</code>)"),
                self.request,
                buttons,
                self.response,
                w.HTML("<b>Log</b>"),
                self.log_view,
            ],
            **kwargs,
        )
        self.add_class("sb-server-card")
        self.refresh()

    def refresh(self, log_text: str | None = None) -> None:
        """Update the status line, the buttons and the log tail (``log_text`` replaces the tail)."""
        state = self.server.state
        self.status.value = (
            f"<b>Scoring server</b> {_state_badge(state)} <code>{markup.escape(self.server.url)}</code>"
            f" pid {markup.escape(self.server.pid)}"
        )
        running = state == "running"
        self.send_button.disabled = not running
        self.stop_button.disabled = not running
        if log_text is None:
            log_text = self.server.logs(tail=LOG_TAIL_LINES)
        self.log_view.value = markup.pre(log_text or "(empty)")

    def send(self) -> None:
        """Send the request body to ``/invocations`` and show the predictions or the error."""
        try:
            body = json.loads(self.request.value)
        except json.JSONDecodeError as err:
            self.response.value = (
                f"{markup.badge('invalid JSON', 'error')} The request body is not valid JSON: "
                f"{markup.escape(err.msg)} (line {err.lineno}, column {err.colno}). Fix it and send again."
            )
            return
        if not isinstance(body, dict):
            self.response.value = (
                f"{markup.badge('invalid body', 'error')} The body must be a JSON object with one of the "
                "keys dataframe_split, dataframe_records, instances or inputs (and optionally params)."
            )
            return
        started = time.perf_counter()
        try:
            predictions = self.server.client.predict(body)
        except ServebookError as err:
            elapsed = (time.perf_counter() - started) * 1000
            status = answer_status(err)
            label = f"HTTP {status}" if status else type(err).__name__
            message = (err.server_message if isinstance(err, PredictionError) else "") or str(err)
            self.response.value = (
                f"{markup.badge(label, 'error')} {markup.escape(err.error_code)}"
                f" <small>{elapsed:.0f} ms</small>{markup.pre(message)}"
            )
        else:
            elapsed = (time.perf_counter() - started) * 1000
            self.response.value = (
                f"{markup.badge('HTTP 200', 'ok')} <small>{elapsed:.0f} ms</small>"
                + _predictions_html(predictions)
            )
        self.refresh()

    def stop(self) -> None:
        """Stop the server and update the card (the log tail is kept: a stopped server's log may be gone)."""
        last_log = self.server.logs(tail=LOG_TAIL_LINES)
        self.server.stop()
        self.refresh(log_text=last_log)
