"""Checking and converting inference params against a :class:`~servebook.signature.params.ParamSchema`.

:func:`enforce_params` fills defaults, drops unknown params with a logged warning and converts the
values it may (int to float and so on, as MLflow does); :func:`convert_param_value` checks one value
against one spec (``ParamSpec`` uses it for its default). Failures are SignatureErrors naming the param.
"""

from __future__ import annotations

import datetime as _dt
import logging
from typing import TYPE_CHECKING, Any

from ...errors import SignatureError, bounded_repr
from ..types import DataType, Object
from .values import check_value

if TYPE_CHECKING:  # pragma: no cover
    from ..params import ParamSchema, ParamSpec

__all__ = ["convert_param_value", "enforce_params"]

_logger = logging.getLogger("servebook.enforcement")


def _is_scalar(value: Any) -> bool:
    import numpy as np

    return bool(np.isscalar(value))


def _param_matches(value: Any, dtype_name: str) -> bool:
    """Whether ``value`` is *exactly* of the given param type (python or numpy scalar)."""
    kind = type(value)
    if dtype_name == "boolean":
        return kind is bool or kind.__name__ == "bool" and kind.__module__ == "numpy"
    if dtype_name == "integer":
        return kind is int or kind.__name__ == "int32"
    if dtype_name == "long":
        return kind is int or kind.__name__ == "int64"
    if dtype_name == "float":
        return kind is float or kind.__name__ == "float32"
    if dtype_name == "double":
        return kind is float or kind.__name__ == "float64"
    if dtype_name == "string":
        return kind is str or kind.__name__ == "str_"
    return False


# param type -> value types it may be widened from (MLflow's rules for params)
_PARAM_WIDENING = {
    "long": ("integer",),
    "float": ("integer", "long"),
    "double": ("integer", "long", "float"),
}


def _convert_param_scalar(value: Any, dtype_name: str) -> Any:
    if value is None:
        return None
    if dtype_name == "datetime":
        import numpy as np

        try:
            converted = np.datetime64(value).item()
        except (ValueError, TypeError) as exc:
            raise SignatureError(
                f"cannot convert {bounded_repr(value)} ({type(value).__name__}) to datetime; "
                "give an ISO 8601 string or a datetime"
            ) from exc
        if not isinstance(converted, _dt.date):
            raise SignatureError(
                f"cannot convert {bounded_repr(value)} to datetime; give an ISO 8601 string or a datetime"
            )
        return converted
    if not _is_scalar(value):
        raise SignatureError(
            f"expected a scalar {dtype_name}, got {type(value).__name__} {bounded_repr(value)}"
        )
    if _param_matches(value, dtype_name) or any(
        _param_matches(value, w) for w in _PARAM_WIDENING.get(dtype_name, ())
    ):
        return DataType[dtype_name].to_python()(value)
    raise SignatureError(
        f"cannot safely convert {type(value).__name__} {bounded_repr(value)} to {dtype_name}"
    )


def convert_param_value(value: Any, spec: ParamSpec, context: str | None = None) -> Any:
    """Check ``value`` against one :class:`ParamSpec` and return it as a plain Python value.

    Allowed widenings: int → long/float/double, long → float/double, float → double; datetime
    accepts ISO strings, ``datetime``/``date`` and ``numpy.datetime64``. ``None`` passes through.
    A spec with shape ``(-1,)`` needs a 1-D list (or array); each item is converted.
    Raises SignatureError naming the param otherwise.
    """
    where = context or f"param {spec.name!r}"
    try:
        if spec.shape is not None:
            if spec.shape != (-1,):
                raise SignatureError(f"the shape must be None (scalar) or (-1,) (1-D list), got {spec.shape}")
            if value is None:
                return None
            items = (
                value.tolist() if hasattr(value, "tolist") and not isinstance(value, (list, tuple)) else value
            )
            if not isinstance(items, (list, tuple)) or any(isinstance(x, (list, tuple, dict)) for x in items):
                raise SignatureError(f"expected a 1-D list, got {type(value).__name__} {bounded_repr(value)}")
            if isinstance(spec.dtype, Object):
                return [_check_object_param(x, spec.dtype) for x in items]
            return [_convert_param_scalar(x, spec.dtype.name) for x in items]
        if isinstance(spec.dtype, Object):
            return _check_object_param(value, spec.dtype)
        if isinstance(spec.dtype, DataType):
            return _convert_param_scalar(value, spec.dtype.name)
        raise SignatureError(f"unsupported param type {spec.dtype!r}")
    except SignatureError as exc:
        raise SignatureError(f"Invalid value for {where} ({spec.dtype!r}): {exc}") from None


def _check_object_param(value: Any, obj: Any) -> Any:
    if value is None:
        return None
    try:
        check_value(value, obj, required=True)
    except SignatureError as exc:
        raise SignatureError(str(exc)) from None
    return value


def enforce_params(params: dict[str, Any] | None, params_schema: ParamSchema | None) -> dict[str, Any] | None:
    """Return the params a model receives: checked, converted, with defaults filled in.

    * No params schema: params are ignored (a logged warning if some were given) and ``{}`` (or the
      given ``None``/``{}``) is returned, as MLflow does.
    * ``None`` → all defaults. Unknown keys are dropped with a logged warning.
    * A value of the wrong type → SignatureError ``Invalid parameters found: {...}`` listing each
      offending param with what it expects.
    """
    if params_schema is None:
        if params is None or params == {}:
            return params
        shown = list(params) if isinstance(params, dict) else "(not a dict)"
        _logger.warning(
            "This model's signature has no params schema, so the params %s are ignored. "
            "Add a ParamSchema to the signature to accept them.",
            bounded_repr(shown),
        )
        return {}
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise SignatureError(
            f"Parameters must be a dictionary. Got type '{type(params).__name__}'. "
            "Pass params as a dict of name -> value."
        )
    known = {spec.name for spec in params_schema.params}
    if any(not isinstance(k, str) for k in params):
        params = {str(k): v for k, v in params.items()}
    unknown = [k for k in params if k not in known]
    if unknown:
        _logger.warning(
            "Unrecognized params %s are ignored; this model accepts %s. Add them to the signature's "
            "ParamSchema to use them.",
            bounded_repr(unknown),
            bounded_repr(sorted(known)),
        )
    result: dict[str, Any] = {}
    invalid: dict[str, str] = {}
    for spec in params_schema.params:
        if spec.name in params:
            try:
                result[spec.name] = convert_param_value(params[spec.name], spec)
            except SignatureError as exc:
                invalid[spec.name] = str(exc)
        else:
            result[spec.name] = spec.default
    if invalid:
        raise SignatureError(
            f"Invalid parameters found: {invalid!r}. Pass values of the types declared in the model's "
            "params schema, or leave a param out to use its default."
        )
    return result
