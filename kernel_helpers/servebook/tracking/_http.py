"""HTTP plumbing for talking to an MLflow tracking server: timeouts, bounded retries, auth, errors.

Every call has a timeout (``SERVEBOOK_HTTP_TIMEOUT``, else ``MLFLOW_HTTP_REQUEST_TIMEOUT``, default
10 s) and at most ``SERVEBOOK_HTTP_MAX_RETRIES`` (else ``MLFLOW_HTTP_REQUEST_MAX_RETRIES``, default
3) retries with exponential backoff (0.2 s, 0.4 s, 0.8 s ...) on connection failures and on 429,
502, 503, 504. So an unreachable server fails in seconds with :class:`TrackingServerError`, never
hangs. Auth: ``MLFLOW_TRACKING_TOKEN`` (bearer) or ``MLFLOW_TRACKING_USERNAME`` +
``MLFLOW_TRACKING_PASSWORD`` (basic). ``MLFLOW_TRACKING_INSECURE_TLS=true`` turns TLS verification
off; ``MLFLOW_TRACKING_SERVER_CERT_PATH`` points at a CA bundle.
"""

from __future__ import annotations

import os
import time
from typing import Any

from ..errors import TrackingServerError

__all__ = ["HttpClient"]

_RETRY_STATUSES = {429, 502, 503, 504}


def _env_number(names: tuple[str, ...], default: float) -> float:
    for name in names:
        raw = os.environ.get(name)
        if raw:
            try:
                return float(raw)
            except ValueError:
                raise TrackingServerError(f"{name}={raw!r} is not a number.") from None
    return default


class HttpClient:
    """A ``requests`` session bound to one tracking server base URL."""

    def __init__(self, base_url: str) -> None:
        import requests

        self.base_url = base_url.rstrip("/")
        self.timeout = _env_number(("SERVEBOOK_HTTP_TIMEOUT", "MLFLOW_HTTP_REQUEST_TIMEOUT"), 10.0)
        self.max_retries = int(
            _env_number(("SERVEBOOK_HTTP_MAX_RETRIES", "MLFLOW_HTTP_REQUEST_MAX_RETRIES"), 3)
        )
        self.backoff = _env_number(("SERVEBOOK_HTTP_BACKOFF",), 0.2)
        self.session = requests.Session()
        token = os.environ.get("MLFLOW_TRACKING_TOKEN")
        user = os.environ.get("MLFLOW_TRACKING_USERNAME")
        password = os.environ.get("MLFLOW_TRACKING_PASSWORD")
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        elif user is not None and password is not None:
            self.session.auth = (user, password)
        if os.environ.get("MLFLOW_TRACKING_INSECURE_TLS", "").lower() in ("1", "true"):
            self.session.verify = False
        elif os.environ.get("MLFLOW_TRACKING_SERVER_CERT_PATH"):
            self.session.verify = os.environ["MLFLOW_TRACKING_SERVER_CERT_PATH"]

    def close(self) -> None:
        self.session.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        data: Any = None,
        stream: bool = False,
        ok_statuses: tuple[int, ...] = (),
    ) -> Any:
        """Send a request, retrying transient failures; return the ``requests.Response``.

        Raises:
            TrackingServerError: the server answered an error status (its message included) or
                could not be reached after the retries.
        """
        import requests

        url = f"{self.base_url}/{path.lstrip('/')}"
        last_problem = ""
        for attempt in range(self.max_retries + 1):
            if attempt:
                time.sleep(self.backoff * (2 ** (attempt - 1)))
            if hasattr(data, "seek"):
                data.seek(0)
            try:
                response = self.session.request(
                    method, url, json=json, params=params, data=data, stream=stream, timeout=self.timeout
                )
            except requests.RequestException as exc:
                last_problem = f"{type(exc).__name__}: {exc}"
                continue
            if response.status_code in _RETRY_STATUSES and attempt < self.max_retries:
                last_problem = f"HTTP {response.status_code}"
                response.close()
                continue
            if response.ok or response.status_code in ok_statuses:
                return response
            raise self._error(method, url, response)
        raise TrackingServerError(
            f"Could not reach the MLflow tracking server at {self.base_url} ({method} {path}) after "
            f"{self.max_retries + 1} attempts: {last_problem}. Check that the server is running and "
            "the tracking URI is right (set_tracking_uri / MLFLOW_TRACKING_URI)."
        )

    @staticmethod
    def _error(method: str, url: str, response: Any) -> TrackingServerError:
        message = response.text[:2000]
        code = ""
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            message = str(body.get("message") or message)
            code = str(body.get("error_code") or "")
        if response.status_code in (401, 403):
            hint = " Set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD."
        else:
            hint = ""
        return TrackingServerError(
            f"MLflow tracking server error on {method} {url}: HTTP {response.status_code}"
            f"{' ' + code if code else ''}: {message}{hint}",
            status=response.status_code,
            server_error_code=code,
            server_message=message,
        )

    def call(self, method: str, endpoint: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """Call an ``/api/2.0/mlflow/...`` endpoint: JSON body for POST/PATCH, query for GET."""
        path = f"api/2.0/mlflow/{endpoint}"
        if method == "GET":
            response = self.request(method, path, params=body)
        else:
            response = self.request(method, path, json=body or {})
        try:
            result = response.json() if response.content else {}
        except ValueError as exc:
            raise TrackingServerError(
                f"MLflow tracking server at {self.base_url} answered {endpoint} with non-JSON: "
                f"{response.text[:200]!r}. Is the tracking URI an MLflow server?"
            ) from exc
        return result if isinstance(result, dict) else {}
