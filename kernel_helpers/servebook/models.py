"""MLflow's ``mlflow.models`` names: the MLmodel file and signatures.

``Model``, ``ModelSignature``, ``infer_signature``, ``Schema``, ``ColSpec``, ``TensorSpec``,
``ParamSchema``, ``ParamSpec``, ``ModelInfo``, ``get_model_info``; models from code: ``set_model``,
``ModelConfig``; serving inputs: ``convert_input_example_to_serving_input``, ``validate_serving_input``;
``TypeFromExample`` (MLflow's ``mlflow.types.type_hints.TypeFromExample``, the predict input hint that
means "the type of the input example"). Names resolve on first use: importing this module pulls in
neither pandas nor numpy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._lazy_exports import lazy_exports

__all__ = [
    "ColSpec",
    "Model",
    "ModelConfig",
    "ModelInfo",
    "ModelSignature",
    "ParamSchema",
    "ParamSpec",
    "Schema",
    "TensorSpec",
    "TypeFromExample",
    "convert_input_example_to_serving_input",
    "get_model_info",
    "infer_signature",
    "set_model",
    "validate_serving_input",
]

__getattr__, __dir__ = lazy_exports(
    globals(),
    {
        "Model": ".format.mlmodel",
        "ModelSignature": ".signature",
        "infer_signature": ".signature",
        "Schema": ".signature",
        "ColSpec": ".signature",
        "TensorSpec": ".signature",
        "ParamSchema": ".signature",
        "ParamSpec": ".signature",
        "ModelInfo": ".tracking.entities",
        "get_model_info": ".tracking.loading",
        "set_model": ".format.models_from_code",
        "ModelConfig": ".format.model_config",
        "validate_serving_input": ".serve.serving_input",
        "TypeFromExample": ".signature.hints",
    },
)


def convert_input_example_to_serving_input(input_example: Any) -> str | None:
    """The ``/invocations`` JSON body for ``input_example`` (what ``serving_input_example.json`` holds).

    ``input_example`` is anything ``save_model(input_example=...)`` takes, including an
    ``(example, params)`` tuple; None gives None.
    """
    from .format.input_example import serving_input_json

    return serving_input_json(input_example)


if TYPE_CHECKING:  # pragma: no cover
    from .format.mlmodel import Model as Model
    from .format.model_config import ModelConfig as ModelConfig
    from .format.models_from_code import set_model as set_model
    from .serve.serving_input import validate_serving_input as validate_serving_input
    from .signature import ColSpec as ColSpec
    from .signature import ModelSignature as ModelSignature
    from .signature import ParamSchema as ParamSchema
    from .signature import ParamSpec as ParamSpec
    from .signature import Schema as Schema
    from .signature import TensorSpec as TensorSpec
    from .signature import infer_signature as infer_signature
    from .signature.hints import TypeFromExample as TypeFromExample
    from .tracking.entities import ModelInfo as ModelInfo
    from .tracking.loading import get_model_info as get_model_info
