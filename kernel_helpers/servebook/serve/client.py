"""``ScoringClient``: talk to a scoring server (servebook's or ``mlflow models serve``) from Python.

Every call has a timeout. Failures become servebook's exceptions, carrying the server's message:

* the server could not be reached or did not answer in time -> :class:`ServerUnavailableError`;
* 400 ``INVALID_PARAMETER_VALUE`` -> :class:`SignatureError`,
  400 ``BAD_REQUEST`` -> :class:`InvalidInputError` (the server's message is the exception's text);
* any other non-2xx answer -> :class:`PredictionError` (``.status``, ``.error_code``, ``.server_message``).

``requests``, pandas and numpy are imported inside the methods, so importing this module is cheap.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ..errors import (
    InvalidInputError,
    PredictionError,
    ServebookError,
    ServerTimeoutError,
    ServerUnavailableError,
    SignatureError,
)

if TYPE_CHECKING:
    import requests

__all__ = ["ScoringClient", "answer_status"]

_FORMATS = ("dataframe_split", "dataframe_records", "instances", "inputs")


class ScoringClient:
    """A client for one scoring server.

    Args:
        url: base URL, e.g. ``http://127.0.0.1:5000``.
        token: bearer token, when the server was started with ``--token``.
        timeout: seconds allowed for each HTTP call.

    Example:
        >>> client = ScoringClient("http://127.0.0.1:5000")  # doctest: +SKIP
        >>> client.predict(df)  # doctest: +SKIP
    """

    def __init__(self, url: str, token: str | None = None, timeout: float = 60.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._session: requests.Session | None = None

    def __repr__(self) -> str:
        return f"ScoringClient({self.url!r})"

    def _http(self) -> requests.Session:
        if self._session is None:
            import requests

            session = requests.Session()
            session.trust_env = False  # loopback servers: never route through a configured proxy
            if self.token:
                session.headers["Authorization"] = f"Bearer {self.token}"
            self._session = session
        return self._session

    def close(self) -> None:
        """Close the pooled connections."""
        if self._session is not None:
            self._session.close()
            self._session = None

    def _request(
        self, method: str, path: str, *, timeout: float | None = None, **kwargs: Any
    ) -> requests.Response:
        import requests

        wait = self.timeout if timeout is None else timeout
        try:
            return self._http().request(method, self.url + path, timeout=wait, **kwargs)
        except requests.Timeout as err:
            raise ServerUnavailableError(
                f"The scoring server at {self.url} did not answer {method} {path} within {wait:g} s. "
                "It may be busy or stuck; check its log, or pass a larger timeout."
            ) from err
        except requests.RequestException as err:
            raise ServerUnavailableError(
                f"Could not reach the scoring server at {self.url} ({type(err).__name__}). Is it "
                "running? LocalServer.logs() shows its log."
            ) from err

    def ping(self) -> bool:
        """True when ``/ping`` answers 200, False for another status.

        Raises:
            ServerUnavailableError: nothing answers at the URL.
        """
        return self._request("GET", "/ping").status_code == 200

    def version(self) -> str:
        """The server's ``/version`` text."""
        response = self._request("GET", "/version")
        if response.status_code != 200:
            raise _error_from(response)
        return response.text.strip()

    def wait_ready(self, timeout: float = 30.0, interval: float = 0.05) -> None:
        """Poll ``/ping`` until it answers 200.

        Raises:
            ServerTimeoutError: not ready within ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while True:
            remaining = deadline - time.monotonic()
            try:
                if (
                    self._request("GET", "/ping", timeout=max(0.1, min(self.timeout, remaining))).status_code
                    == 200
                ):
                    return
            except ServerUnavailableError as err:
                last = err
            if time.monotonic() + interval > deadline:
                detail = f" Last error: {last}" if last else ""
                raise ServerTimeoutError(
                    f"The scoring server at {self.url} was not ready after {timeout:g} s.{detail}"
                )
            time.sleep(interval)

    def predict(
        self,
        data: Any,
        params: dict[str, Any] | None = None,
        *,
        content_type: str = "json",
        format: str = "dataframe_split",
    ) -> Any:
        """Send ``data`` to ``/invocations`` and return the predictions.

        Args:
            data: a DataFrame, Series, ndarray, dict (of columns, or an already formed request body
                with one of the format keys), list, or scalar.
            params: inference parameters (JSON only).
            content_type: ``"json"`` or ``"csv"`` (DataFrames only, no params).
            format: for DataFrames, ``"dataframe_split"`` or ``"dataframe_records"``; for arrays
                and lists, ``"inputs"`` (default for them) or ``"instances"``.

        Returns:
            A DataFrame when the server answers records, an ndarray for rectangular numbers,
            otherwise the decoded JSON value.

        Raises:
            SignatureError, InvalidInputError: the server refused the input (400).
            PredictionError: any other error status (500 model error, 504 timeout, ...).
            ServerUnavailableError: the server could not be reached or timed out.
        """
        body, mime = encode_request(data, params, content_type=content_type, format=format)
        response = self._request("POST", "/invocations", data=body, headers={"Content-Type": mime})
        if response.status_code != 200:
            raise _error_from(response)
        import orjson

        try:
            document = orjson.loads(response.content)
        except orjson.JSONDecodeError as err:
            raise PredictionError(response.status_code, "The server answered with invalid JSON.") from err
        if isinstance(document, dict) and "predictions" in document:
            return decode_predictions(document["predictions"])
        return document


def encode_request(
    data: Any,
    params: dict[str, Any] | None = None,
    *,
    content_type: str = "json",
    format: str = "dataframe_split",
) -> tuple[bytes, str]:
    """Build the ``/invocations`` body and Content-Type for ``data`` (see :meth:`ScoringClient.predict`)."""
    import orjson

    if format not in _FORMATS:
        raise ValueError(f"format must be one of {', '.join(_FORMATS)}; got {format!r}")
    frame = _as_frame(data)
    if content_type == "csv":
        if frame is None:
            raise ValueError("CSV requests need a pandas DataFrame or Series; send other data as JSON.")
        if params:
            raise ValueError("params cannot be sent with CSV; use content_type='json'.")
        return frame.to_csv(index=False).encode("utf-8"), "text/csv"
    if content_type != "json":
        raise ValueError(f"content_type must be 'json' or 'csv'; got {content_type!r}")
    tail = (
        b"}" if not params else b',"params":' + orjson.dumps(params, option=orjson.OPT_SERIALIZE_NUMPY) + b"}"
    )
    if frame is not None:
        if format == "dataframe_records":
            payload = frame.to_json(orient="records", date_format="iso")
        elif format == "dataframe_split":
            payload = frame.to_json(orient="split", index=False, date_format="iso")
        else:
            payload = orjson.dumps(frame.to_dict(orient="list"), option=orjson.OPT_SERIALIZE_NUMPY).decode()
        return b'{"' + format.encode() + b'":' + payload.encode("utf-8") + tail, "application/json"
    if isinstance(data, dict) and any(key in data for key in _FORMATS):
        document = dict(data)
        if params:
            document["params"] = params
        return orjson.dumps(document, option=orjson.OPT_SERIALIZE_NUMPY, default=_tolist), "application/json"
    key = format if format in ("inputs", "instances") else "inputs"
    encoded = orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS, default=_tolist)
    return b'{"' + key.encode() + b'":' + encoded + tail, "application/json"


def _tolist(obj: Any) -> Any:
    tolist = getattr(obj, "tolist", None)
    if tolist is not None:
        return tolist()
    raise TypeError(f"cannot send a value of type {type(obj).__name__} as JSON")


def _as_frame(data: Any) -> Any:
    module = type(data).__module__
    if not module.startswith("pandas"):
        return None
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, pd.Series):
        return data.to_frame()
    return None


def decode_predictions(predictions: Any) -> Any:
    """Turn the JSON ``predictions`` back into what ``PyFuncModel.predict`` returns."""
    if isinstance(predictions, list) and predictions:
        if all(isinstance(row, dict) for row in predictions):
            import pandas as pd

            return pd.DataFrame.from_records(predictions)
        import numpy as np

        try:
            array = np.asarray(predictions)
        except ValueError:  # ragged nested lists
            return predictions
        if array.dtype.kind in "biufU":
            return array
    return predictions


def _error_from(response: Any) -> ServebookError:
    """Map an error response to the matching exception class (the client's one translation point)."""
    import orjson

    status = response.status_code
    code: str | None = None
    message = response.text.strip() or response.reason or f"HTTP {status}"
    try:
        document = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        document = None
    if isinstance(document, dict):
        code = document.get("error_code") if isinstance(document.get("error_code"), str) else None
        if isinstance(document.get("message"), str):
            message = document["message"]
        elif isinstance(document.get("detail"), str):
            message = document["detail"]
    if status == 400 and code == "INVALID_PARAMETER_VALUE":
        return SignatureError(message)
    if status == 400 and code == "BAD_REQUEST":
        return InvalidInputError(message)
    return PredictionError(status, message, code)


def answer_status(error: ServebookError) -> int | None:
    """The HTTP status of the server's answer behind an error this client raised, or None.

    :class:`PredictionError` holds it; :class:`SignatureError` and :class:`InvalidInputError` are
    raised for 400 answers only (see :func:`_error_from`); anything else means there was no answer.
    """
    if isinstance(error, PredictionError):
        return error.status
    if isinstance(error, InvalidInputError):
        return 400
    return None
