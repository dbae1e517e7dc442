"""The MLflow scoring protocol, as pure functions: request bytes -> model input, predictions -> bytes.

The wire format of ``POST /invocations`` (compatible with ``mlflow models serve``), free of I/O and of
the ASGI app, so it is tested directly:

* :mod:`.media_types`: the ``Content-Type`` header;
* :mod:`.parsing`: request bodies into model input (:func:`parse_request`, :class:`InputPlan`);
* :mod:`.encoding`: predictions and errors into response bodies;
* :mod:`.fast_paths`: the numeric shortcuts both sides take when they can.

Importing it stays light: pandas, numpy and orjson are imported inside the functions.
"""

from __future__ import annotations

from .encoding import encode_error, encode_predictions, jsonable
from .media_types import media_type
from .parsing import FORMAT_KEYS, NO_PLAN, InputPlan, ParsedRequest, parse_request, plan_from_schema

__all__ = [
    "FORMAT_KEYS",
    "NO_PLAN",
    "InputPlan",
    "ParsedRequest",
    "encode_error",
    "encode_predictions",
    "jsonable",
    "media_type",
    "parse_request",
    "plan_from_schema",
]
