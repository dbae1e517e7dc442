"""The server extension's error boundary: servebook's error codes as HTTP statuses, in one table.

Handlers let :class:`servebook.errors.ServebookError` propagate; :func:`translate_errors` (on every
verb) raises it again as a :class:`ServebookHTTPError`, tornado's ``HTTPError`` carrying the error
code, and ``ServebookHandler.write_error`` renders it as ``{"message", "reason"}`` (``reason`` is the
error code, which is also the status line's reason phrase). docs/rest-api.md lists the statuses.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec

from tornado import web

from servebook.errors import ServebookError

__all__ = ["STATUS_BY_CODE", "ServebookHTTPError", "http_status", "translate_errors"]

#: error_code -> HTTP status of a REST response; a code not listed is a 500
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
    """The HTTP status of ``error_code`` at this boundary (500 for a code the table does not list)."""
    return STATUS_BY_CODE.get(error_code, 500)


class ServebookHTTPError(web.HTTPError):
    """A :class:`ServebookError` as tornado's ``HTTPError``: its status, message and error code."""

    def __init__(self, error: ServebookError) -> None:
        super().__init__(http_status(error.error_code), log_message=str(error), reason=error.error_code)
        self.error_code = error.error_code


P = ParamSpec("P")


def translate_errors(verb: Callable[P, Awaitable[None]]) -> Callable[P, Awaitable[None]]:
    """Decorate a handler verb: a ``ServebookError`` it raises leaves as a :class:`ServebookHTTPError`."""

    @functools.wraps(verb)
    async def translating(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            await verb(*args, **kwargs)
        except ServebookError as error:
            raise ServebookHTTPError(error) from error

    return translating
