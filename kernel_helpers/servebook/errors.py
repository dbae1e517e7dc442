"""The one exception hierarchy of servebook.

Everything servebook raises on purpose derives from :class:`ServebookError`. Callers branch on the
class, never on message text. Each class carries a stable ``error_code`` (sent over HTTP in the
MLflow-compatible ``{"error_code", "message"}`` body). What status a code gets is decided by each
boundary, in one table: :mod:`servebook.serve.status` for the scoring server and
``servebook_lab.errors`` for the Jupyter server extension.

::

    ServebookError
    ├── ModelFormatError (ValueError)      MLmodel missing, malformed or of an unsupported flavor
    ├── SaveError                          a model cannot be saved (target exists, artifact missing, ...)
    ├── LoadError                          a model cannot be loaded (code_paths, unpickling, loader)
    ├── InvalidInputError (ValueError)     request/input cannot be parsed (bad JSON, unknown format key)
    │   └── SignatureError                 input or params do not match the model signature
    ├── UnsupportedMediaTypeError          a request's Content-Type is not one the server accepts
    ├── PayloadTooLargeError               a request body exceeds the configured limit
    ├── ModelError                         the model's own predict() raised
    ├── RequestTimeoutError (TimeoutError) a request exceeded the server's timeout
    ├── ServerError                        scoring-server lifecycle
    │   ├── ServerStartError               the child exited or never became ready (with its log tail)
    │   ├── ServerTimeoutError (TimeoutError)
    │   ├── ServerLimitError               too many scoring servers running (max_servers)
    │   └── ServerNotReadyError            a request for a scoring server that is not ready
    ├── NotFoundError (LookupError)        a model, path or server does not exist (or is outside the root)
    ├── ClientError                        talking to a scoring server
    │   ├── ServerUnavailableError (ConnectionError)
    │   └── PredictionError                non-2xx from /invocations (.status, .error_code, .server_message)
    └── TrackingError                      the tracking store refused or failed a call
        ├── InvalidTrackingInputError (ValueError)   a key/value broke MLflow's rules
        └── TrackingServerError (ConnectionError)    an MLflow tracking server failed or was unreachable

Messages say what failed (with a bounded repr of the offending value), why if known, and what to do.
"""

from __future__ import annotations

import reprlib
from typing import Any

__all__ = [
    "ClientError",
    "InvalidInputError",
    "InvalidTrackingInputError",
    "LoadError",
    "ModelError",
    "ModelFormatError",
    "PayloadTooLargeError",
    "PredictionError",
    "RequestTimeoutError",
    "SaveError",
    "ServebookError",
    "NotFoundError",
    "ServerError",
    "ServerLimitError",
    "ServerNotReadyError",
    "ServerStartError",
    "ServerTimeoutError",
    "ServerUnavailableError",
    "SignatureError",
    "TrackingError",
    "TrackingServerError",
    "UnsupportedMediaTypeError",
    "bounded_repr",
]

_REPR = reprlib.Repr()
_REPR.maxstring = 80
_REPR.maxother = 80
_REPR.maxlist = 6
_REPR.maxdict = 6


def bounded_repr(value: Any) -> str:
    """Return a short repr of ``value`` for error messages (never a whole DataFrame)."""
    return _REPR.repr(value)


class ServebookError(Exception):
    """Root of every error servebook raises on purpose."""

    #: the stable code of the error (a class constant; a PredictionError holds the server's)
    error_code: str = "INTERNAL_ERROR"


class ModelFormatError(ServebookError, ValueError):
    """The MLmodel file (or another file of the format) is missing, malformed or unsupported."""

    error_code = "INVALID_MODEL"


class SaveError(ServebookError):
    """A model cannot be saved: target exists, missing artifact, unportable class, escaping path."""

    error_code = "SAVE_ERROR"


class LoadError(ServebookError):
    """A model cannot be loaded: code_paths conflicts, unpickling failures, unknown loader modules."""

    error_code = "LOAD_ERROR"


class InvalidInputError(ServebookError, ValueError):
    """Input data or a request body cannot be understood (MLflow's ``BAD_REQUEST``)."""

    error_code = "BAD_REQUEST"


class SignatureError(InvalidInputError):
    """Input or params do not match the model signature (MLflow's ``INVALID_PARAMETER_VALUE``)."""

    error_code = "INVALID_PARAMETER_VALUE"


class UnsupportedMediaTypeError(ServebookError):
    """The request's Content-Type is not one the scoring server accepts."""

    error_code = "UNSUPPORTED_MEDIA_TYPE"


class PayloadTooLargeError(ServebookError):
    """The request body exceeds the server's ``--max-body-size``."""

    error_code = "PAYLOAD_TOO_LARGE"


class ModelError(ServebookError):
    """The model's own ``predict`` raised; the original exception is the ``__cause__``."""

    error_code = "MODEL_ERROR"


class RequestTimeoutError(ServebookError, TimeoutError):
    """A scoring request ran longer than the server's ``--timeout``."""

    error_code = "REQUEST_TIMEOUT"


class ServerError(ServebookError):
    """A scoring-server process could not be managed."""

    error_code = "SERVER_ERROR"


class ServerStartError(ServerError):
    """A scoring server exited before it was ready; carries the exit code and the tail of its log."""

    error_code = "SERVER_START_FAILED"

    def __init__(self, message: str, *, exit_code: int | None = None, log_tail: str = "") -> None:
        self.exit_code = exit_code
        self.log_tail = log_tail
        text = message
        if exit_code is not None:
            text += f" (exit code {exit_code})"
        if log_tail:
            text += "\n--- last lines of the server log ---\n" + log_tail
        super().__init__(text)
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_start_error, (self.message, self.exit_code, self.log_tail))


def _rebuild_start_error(message: str, exit_code: int | None, log_tail: str) -> ServerStartError:
    return ServerStartError(message, exit_code=exit_code, log_tail=log_tail)


class ServerTimeoutError(ServerError, TimeoutError):
    """A scoring server did not become ready within the start timeout."""

    error_code = "SERVER_START_TIMEOUT"


class ServerLimitError(ServerError):
    """Starting another scoring server would exceed the configured maximum (``max_servers``)."""

    error_code = "TOO_MANY_SERVERS"


class ServerNotReadyError(ServerError):
    """A request was made for a scoring server that is starting, failed or stopped."""

    error_code = "SERVER_NOT_READY"


class NotFoundError(ServebookError, LookupError):
    """A model, path or server id does not exist, or a path leaves the allowed root (one answer for both)."""

    error_code = "NOT_FOUND"


class ClientError(ServebookError):
    """Talking to a scoring server failed."""

    error_code = "CLIENT_ERROR"


class ServerUnavailableError(ClientError, ConnectionError):
    """The scoring server could not be reached (refused, reset, timed out)."""

    error_code = "SERVER_UNAVAILABLE"


class PredictionError(ClientError):
    """The scoring server answered ``/invocations`` with an error status.

    Attributes:
        status: the HTTP status code.
        error_code: the server's ``error_code`` (falls back to the class default).
        server_message: the server's ``message`` text.
    """

    def __init__(self, status: int, server_message: str, error_code: str | None = None) -> None:
        self.status = status
        self.server_message = server_message
        if error_code:
            self.error_code = error_code
        super().__init__(f"HTTP {status} {error_code or ''}: {server_message}".replace("  ", " "))

    def __reduce__(self) -> tuple[Any, ...]:
        return (PredictionError, (self.status, self.server_message, self.error_code))


class TrackingError(ServebookError):
    """The tracking store refused or failed a call."""

    error_code = "TRACKING_ERROR"


class InvalidTrackingInputError(TrackingError, ValueError):
    """A run id, key or value does not follow MLflow's rules."""

    error_code = "INVALID_PARAMETER_VALUE"


class TrackingServerError(TrackingError, ConnectionError):
    """An MLflow tracking server answered with an error or could not be reached.

    Attributes:
        status: the HTTP status of the server's answer (None when it could not be reached).
        server_error_code: the server's ``error_code`` (``RESOURCE_DOES_NOT_EXIST`` ...), or "".
        server_message: the server's ``message``, or "".
    """

    error_code = "TRACKING_SERVER_ERROR"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        server_error_code: str = "",
        server_message: str = "",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.server_error_code = server_error_code
        self.server_message = server_message

    def __reduce__(self) -> tuple[Any, ...]:
        state = (str(self), self.status, self.server_error_code, self.server_message)
        return (_rebuild_tracking_server_error, state)


def _rebuild_tracking_server_error(
    message: str, status: int | None, server_error_code: str, server_message: str
) -> TrackingServerError:
    return TrackingServerError(
        message, status=status, server_error_code=server_error_code, server_message=server_message
    )
