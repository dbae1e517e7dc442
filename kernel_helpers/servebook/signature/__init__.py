"""Model signatures: what a model takes (columns or tensors), what it returns, and its params.

The classes mirror MLflow's ``mlflow.models`` / ``mlflow.types`` names and serialise to exactly the
JSON text MLflow writes into the ``signature:`` mapping of an ``MLmodel`` file. This package is the one
place to import every signature class from; each lives in the module named for it:

* :mod:`.types`: :class:`DataType` and the nested :class:`Array`, :class:`Object` (with
  :class:`Property`), :class:`Map` and :class:`AnyType`;
* :mod:`.schema`: :class:`ColSpec` (tabular input), :class:`TensorSpec` (numpy arrays) and
  :class:`Schema`, which holds one kind only;
* :mod:`.params`: :class:`ParamSpec` and :class:`ParamSchema`, the inference-time parameters with
  their defaults;
* :mod:`.inference`: describing example data as a schema;
* :mod:`.model_signature`: :class:`ModelSignature` and :func:`infer_signature`;
* :mod:`.enforce`: checking and converting input and params against a signature.

Importing it is cheap: numpy and pandas are imported inside the functions that need them.
"""

from __future__ import annotations

from .model_signature import ModelSignature, infer_signature
from .params import ParamSchema, ParamSpec
from .schema import ColSpec, Schema, TensorSpec
from .types import AnyType, Array, DataType, Map, Object, Property

__all__ = [
    "AnyType",
    "Array",
    "ColSpec",
    "DataType",
    "Map",
    "ModelSignature",
    "Object",
    "ParamSchema",
    "ParamSpec",
    "Property",
    "Schema",
    "TensorSpec",
    "infer_signature",
]
