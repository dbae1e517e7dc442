"""MLflow's ``mlflow.models`` names: the MLmodel file and signatures.

``Model``, ``ModelSignature``, ``infer_signature``, ``Schema``, ``ColSpec``, ``TensorSpec``,
``ParamSchema``, ``ParamSpec``, ``ModelInfo``. Names resolve on first use: importing this module pulls
in neither pandas nor numpy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "ColSpec",
    "Model",
    "ModelInfo",
    "ModelSignature",
    "ParamSchema",
    "ParamSpec",
    "Schema",
    "TensorSpec",
    "infer_signature",
]

_EXPORTS = {
    "Model": "servebook.model_format",
    "ModelSignature": "servebook.signature",
    "infer_signature": "servebook.signature",
    "Schema": "servebook.signature",
    "ColSpec": "servebook.signature",
    "TensorSpec": "servebook.signature",
    "ParamSchema": "servebook.signature",
    "ParamSpec": "servebook.signature",
    "ModelInfo": "servebook.tracking.entities",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'servebook.models' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover
    from .model_format import Model as Model
    from .signature import ColSpec as ColSpec
    from .signature import ModelSignature as ModelSignature
    from .signature import ParamSchema as ParamSchema
    from .signature import ParamSpec as ParamSpec
    from .signature import Schema as Schema
    from .signature import TensorSpec as TensorSpec
    from .signature import infer_signature as infer_signature
    from .tracking.entities import ModelInfo as ModelInfo
