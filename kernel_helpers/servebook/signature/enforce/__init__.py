"""Checking and converting model input and params against a signature, the way MLflow does.

Entry points (all importable from here):

* :func:`enforce_input` (:mod:`.columns`, tensors in :mod:`.tensors`): what ``PyFuncModel.predict``
  calls; only casts that cannot change values are applied;
* :func:`enforce_params` and :func:`convert_param_value` (:mod:`.params`): fill defaults and check the
  types of inference params;
* :func:`column_dtypes` and :func:`coerce_json_columns` (:mod:`.json_coercion`): what the scoring
  server uses to parse JSON and CSV straight into the schema's dtypes (the lenient, MLflow-server-side
  conversion);
* :func:`~.values.check_value` (:mod:`.values`): one value against an array, object, map or any type.

Every failure is a :class:`~servebook.errors.SignatureError` naming the column or param.
"""

from __future__ import annotations

from .columns import enforce_input
from .json_coercion import coerce_json_columns, column_dtypes
from .params import convert_param_value, enforce_params

__all__ = ["coerce_json_columns", "column_dtypes", "convert_param_value", "enforce_input", "enforce_params"]
