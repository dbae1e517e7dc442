"""MLflow's ``mlflow.models`` names: the MLmodel file and signatures.

``Model``, ``ModelSignature``, ``infer_signature``, ``Schema``, ``ColSpec``, ``TensorSpec``,
``ParamSchema``, ``ParamSpec``, ``ModelInfo``, and ``TypeFromExample`` (MLflow's
``mlflow.types.type_hints.TypeFromExample``, the predict input hint that means "the type of the input
example"). Names resolve on first use: importing this module pulls
in neither pandas nor numpy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy_exports import lazy_exports

__all__ = [
    "ColSpec",
    "Model",
    "ModelInfo",
    "ModelSignature",
    "ParamSchema",
    "ParamSpec",
    "Schema",
    "TensorSpec",
    "TypeFromExample",
    "infer_signature",
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
        "TypeFromExample": ".signature.hints",
    },
)


if TYPE_CHECKING:  # pragma: no cover
    from .format.mlmodel import Model as Model
    from .signature import ColSpec as ColSpec
    from .signature import ModelSignature as ModelSignature
    from .signature import ParamSchema as ParamSchema
    from .signature import ParamSpec as ParamSpec
    from .signature import Schema as Schema
    from .signature import TensorSpec as TensorSpec
    from .signature import infer_signature as infer_signature
    from .signature.hints import TypeFromExample as TypeFromExample
    from .tracking.entities import ModelInfo as ModelInfo
