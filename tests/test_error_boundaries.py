"""Each HTTP boundary maps servebook's error codes to statuses in one table, covering every code.

The boundaries are the scoring server (servebook.serve.status) and the Jupyter server extension
(servebook_lab.errors); the statuses themselves are pinned by the request tests in tests/serve and
tests/lab. Here: no error class is left to a default by accident, and every handler verb translates.
"""

from __future__ import annotations

import pytest

from servebook import errors
from servebook.serve import status as serve_status
from servebook_lab import errors as lab_errors
from servebook_lab.handlers import HANDLERS


def _error_classes() -> list[type[errors.ServebookError]]:
    found, todo = [], [errors.ServebookError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return [cls for cls in found if cls.__module__ == errors.__name__]


CODES = sorted({cls.error_code for cls in _error_classes()})


def test_the_hierarchy_is_seen() -> None:
    assert {"BAD_REQUEST", "NOT_FOUND", "MODEL_ERROR", "TRACKING_SERVER_ERROR"} <= set(CODES)
    assert all(not hasattr(cls, "http_status") for cls in _error_classes())


@pytest.mark.parametrize(
    "table", [serve_status.STATUS_BY_CODE, lab_errors.STATUS_BY_CODE], ids=["serve", "lab"]
)
def test_every_error_code_has_a_status(table: dict[str, int]) -> None:
    assert [code for code in CODES if code not in table] == []
    assert all(400 <= value <= 599 for value in table.values())


def test_an_unknown_code_is_a_500_at_both_boundaries() -> None:
    assert serve_status.http_status("SOMETHING_NEW") == 500
    assert lab_errors.http_status("SOMETHING_NEW") == 500


def test_the_http_error_carries_status_message_and_code() -> None:
    error = lab_errors.ServebookHTTPError(errors.ServerLimitError("Too many servers; stop one."))
    assert (error.status_code, error.reason) == (429, "TOO_MANY_SERVERS")
    assert error.error_code == "TOO_MANY_SERVERS"
    assert error.log_message == "Too many servers; stop one."


async def _verb() -> None:
    return None


_TRANSLATING = lab_errors.translate_errors(_verb).__code__  # what every translated verb runs


def _translates(function: object) -> bool:
    """Whether ``function`` or a function it wraps (decorators keep ``__wrapped__``) translates."""
    while function is not None:
        if getattr(function, "__code__", None) is _TRANSLATING:
            return True
        function = getattr(function, "__wrapped__", None)
    return False


def test_every_handler_verb_translates_servebook_errors() -> None:
    verbs = {
        f"{handler.__name__}.{name}": function
        for _route, handler in HANDLERS
        for name, function in vars(handler).items()
        if name in ("get", "post", "put", "patch", "delete")
    }
    assert len(verbs) >= 9
    assert [name for name, function in verbs.items() if not _translates(function)] == []
