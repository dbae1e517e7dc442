"""The scoring server's error boundary: servebook's error codes as HTTP statuses, in one table.

:func:`servebook.serve.app.error_response` is the only caller. The statuses are MLflow's where MLflow
has one (400 for bad input and signature mismatches), and the deliberate differences listed in the
README otherwise (500 for a failing model, 413, 415, 504). A model's ``predict`` may raise any
servebook error, so every code of :mod:`servebook.errors` has a row (a test checks that).
"""

from __future__ import annotations

__all__ = ["STATUS_BY_CODE", "http_status"]

#: error_code -> HTTP status of a scoring-server response; a code not listed is a 500
STATUS_BY_CODE: dict[str, int] = {
    "BAD_REQUEST": 400,
    "INVALID_PARAMETER_VALUE": 400,
    "SAVE_ERROR": 400,
    "NOT_FOUND": 404,
    "SERVER_NOT_READY": 409,
    "PAYLOAD_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "INVALID_MODEL": 422,
    "TOO_MANY_SERVERS": 429,
    "INTERNAL_ERROR": 500,
    "LOAD_ERROR": 500,
    "MODEL_ERROR": 500,
    "SERVER_ERROR": 500,
    "SERVER_START_FAILED": 500,
    "SERVER_START_TIMEOUT": 500,
    "CLIENT_ERROR": 500,
    "TRACKING_ERROR": 500,
    "TRACKING_SERVER_ERROR": 502,
    "SERVER_UNAVAILABLE": 503,
    "REQUEST_TIMEOUT": 504,
}


def http_status(error_code: str) -> int:
    """The HTTP status of ``error_code`` (500 for a code the table does not list)."""
    return STATUS_BY_CODE.get(error_code, 500)
