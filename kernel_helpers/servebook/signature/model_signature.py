"""``ModelSignature`` (inputs, outputs and params of a model) and ``infer_signature``.

A signature serialises to exactly the JSON text MLflow writes into the ``signature:`` mapping of an
``MLmodel`` file, so a signature written by either tool reads back unchanged in the other. Importing
this module is cheap: numpy and pandas are imported inside the functions that need them.
"""

from __future__ import annotations

import logging
from typing import Any

from ..errors import SignatureError, bounded_repr
from .inference import infer_param_schema, infer_schema
from .params import ParamSchema
from .schema import ColSpec, Schema
from .types import AnyType

__all__ = ["ModelSignature", "infer_signature"]

_logger = logging.getLogger("servebook.signature")


class ModelSignature:
    """Inputs, outputs and params of a model, stored in ``MLmodel`` under ``signature:``."""

    def __init__(
        self,
        inputs: Schema | None = None,
        outputs: Schema | None = None,
        params: ParamSchema | None = None,
    ) -> None:
        for label, value, kind in (
            ("inputs", inputs, Schema),
            ("outputs", outputs, Schema),
            ("params", params, ParamSchema),
        ):
            if value is not None and not isinstance(value, kind):
                raise SignatureError(
                    f"ModelSignature {label} must be a {kind.__name__} or None, got {type(value).__name__}."
                )
        self.inputs = inputs
        self.outputs = outputs
        self.params = params

    def to_dict(self) -> dict[str, str | None]:
        """MLmodel form: ``{"inputs": <json>, "outputs": <json>, "params": <json>}`` (None when absent)."""
        return {
            "inputs": self.inputs.to_json() if self.inputs else None,
            "outputs": self.outputs.to_json() if self.outputs else None,
            "params": self.params.to_json() if self.params else None,
        }

    @classmethod
    def from_dict(cls, signature_dict: dict[str, Any]) -> ModelSignature:
        """Read the MLmodel ``signature:`` mapping (missing or null entries become None)."""
        if not isinstance(signature_dict, dict):
            raise SignatureError(
                "A signature must be a mapping with 'inputs'/'outputs'/'params', "
                f"got {bounded_repr(signature_dict)}."
            )
        inputs = signature_dict.get("inputs")
        outputs = signature_dict.get("outputs")
        params = signature_dict.get("params")
        return cls(
            Schema.from_json(inputs) if inputs else None,
            Schema.from_json(outputs) if outputs else None,
            ParamSchema.from_json(params) if params else None,
        )

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ModelSignature)
            and self.inputs == other.inputs
            and self.outputs == other.outputs
            and self.params == other.params
        )

    def __hash__(self) -> int:
        return hash((self.inputs, self.outputs, self.params))

    def __repr__(self) -> str:
        return f"inputs: \n  {self.inputs!r}\noutputs: \n  {self.outputs!r}\nparams: \n  {self.params!r}\n"


def infer_signature(
    model_input: Any = None, model_output: Any = None, params: dict[str, Any] | None = None
) -> ModelSignature:
    """Infer a :class:`ModelSignature` from example input, output and params, as MLflow does.

    Accepted data: pandas DataFrame/Series, numpy arrays (tensor specs, first dimension -1), dicts of
    numpy arrays (named tensors), dicts of scalars/lists/dicts, lists of dicts, lists of scalars and
    scalars. If the input or output cannot be described, its schema falls back to ``[Any]`` with a
    logged warning (MLflow's behaviour). Params become :class:`ParamSpec` whose defaults are the given
    values; a param that cannot be described raises :class:`~servebook.errors.SignatureError`.
    """
    schemas: dict[str, Schema | None] = {"inputs": None, "outputs": None}
    for key, data in (("inputs", model_input), ("outputs", model_output)):
        if data is None:
            continue
        try:
            schemas[key] = infer_schema(data)
        except (SignatureError, TypeError, ValueError) as exc:
            _logger.warning(
                "Could not infer the %s schema (%s); using Schema([ColSpec(AnyType())]) instead.", key, exc
            )
            schemas[key] = Schema([ColSpec(AnyType())])
    param_schema = infer_param_schema(params) if params else None
    return ModelSignature(schemas["inputs"], schemas["outputs"], param_schema)
