"""``validate_serving_input``: what the scoring server would answer to a body, without a server.

MLflow's ``mlflow.models.validate_serving_input(model_uri, serving_input)``: load the model, parse the
serving input exactly as ``POST /invocations`` does (:mod:`.protocol`), predict, return the predictions.
Use it on a model's ``serving_input_example.json`` before deploying.
"""

from __future__ import annotations

import json
import os
from typing import Any

from ..errors import InvalidInputError
from . import protocol

__all__ = ["validate_serving_input"]


def validate_serving_input(
    model_uri: str | os.PathLike[str], serving_input: str | bytes | dict[str, Any]
) -> Any:
    """Load ``model_uri`` and predict on ``serving_input`` (a JSON text or dict) as the server would.

    Raises:
        InvalidInputError: the serving input is not a body the server accepts (the message says why).
        SignatureError: it does not match the model's signature.
        LoadError, ModelFormatError: the model cannot be loaded.
        Exception: whatever the model's own ``predict`` raises.
    """
    from ..tracking.loading import load_model

    if isinstance(serving_input, dict):
        body = json.dumps(serving_input).encode()
    elif isinstance(serving_input, str):
        body = serving_input.encode()
    elif isinstance(serving_input, bytes):
        body = serving_input
    else:
        raise InvalidInputError(
            f"serving_input must be a JSON string or a dict, got {type(serving_input).__name__}; pass for "
            "example the content of the model's serving_input_example.json."
        )
    model = load_model(model_uri)
    metadata = model.metadata
    raw = bool(getattr(metadata, "is_signature_from_type_hint", False))
    plan = protocol.plan_from_schema(metadata.get_input_schema(), raw_inputs=raw)
    parsed = protocol.parse_request(body, "json", plan)
    return model.predict(parsed.data, params=parsed.params)
