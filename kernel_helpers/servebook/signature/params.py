"""Inference parameters: :class:`ParamSpec` (name, type, default, shape) and :class:`ParamSchema`.

A spec's default is checked and converted on construction with the same rules that
:func:`servebook.signature.enforce.enforce_params` applies to the params of a request.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import SignatureError, bounded_repr
from .enforce.params import convert_param_value
from .schema import load_json_entries
from .types import DataType, Object, type_to_dict

__all__ = ["ParamSchema", "ParamSpec"]


class ParamSpec:
    """One inference parameter: name, type, default value and shape (None = scalar, (-1,) = 1-D list).

    The default is validated (and converted where MLflow converts it) at construction.
    """

    def __init__(
        self, name: str, dtype: DataType | Object | str, default: Any, shape: Sequence[int] | None = None
    ) -> None:
        self.name = str(name)
        self.shape: tuple[int, ...] | None = tuple(shape) if shape is not None else None
        if isinstance(dtype, str):
            if dtype == "object":
                raise SignatureError(
                    "Give an object-typed param as an Object instance, not the string 'object'."
                )
            try:
                dtype = DataType[dtype]
            except KeyError:
                raise SignatureError(
                    f"Unsupported type {dtype!r} for param {self.name!r}; expected one of "
                    f"{[t.name for t in DataType if t is not DataType.binary]}."
                ) from None
        if not isinstance(dtype, (DataType, Object)):
            raise SignatureError(f"A param type must be a DataType or Object, got {bounded_repr(dtype)}.")
        if dtype is DataType.binary:
            raise SignatureError(f"Param {self.name!r}: binary is not supported for params.")
        self.dtype: DataType | Object = dtype
        self.default = default
        self.default = convert_param_value(default, self, context=f"the default of param {self.name!r}")

    @property
    def type(self) -> DataType | Object:
        """Alias of :attr:`dtype`."""
        return self.dtype

    def to_dict(self) -> dict[str, Any]:
        """JSON form, keys in MLflow's order: name, default, shape, type (+ properties)."""
        default = self.default
        if self.dtype is DataType.datetime and default is not None:
            default = [v.isoformat() for v in default] if self.shape is not None else default.isoformat()
        body: dict[str, Any] = {
            "name": self.name,
            "default": default,
            "shape": list(self.shape) if self.shape is not None else None,
        }
        body.update(type_to_dict(self.dtype))
        return body

    @classmethod
    def from_json_dict(cls, **kwargs: Any) -> ParamSpec:
        """Read one entry of a params JSON list (``type`` or the older ``dtype`` key)."""
        kind = kwargs.get("type", kwargs.get("dtype"))
        if "name" not in kwargs or kind is None or "default" not in kwargs:
            raise SignatureError(
                f"A param spec needs 'name', 'type' and 'default' entries; got keys {sorted(kwargs)}."
            )
        dtype = Object.from_json_dict(**kwargs) if kind == "object" else kind
        return cls(kwargs["name"], dtype, kwargs["default"], kwargs.get("shape"))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ParamSpec)
            and self.name == other.name
            and self.dtype == other.dtype
            and _values_equal(self.default, other.default)
            and self.shape == other.shape
        )

    def __hash__(self) -> int:
        return hash((self.name, repr(self.dtype), self.shape))

    def __repr__(self) -> str:
        shape = f" (shape: {self.shape})" if self.shape is not None else ""
        return f"{self.name!r}: {self.dtype!r} (default: {self.default}){shape}"


def _values_equal(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


class ParamSchema:
    """The list of a model's inference parameters (names must be unique)."""

    def __init__(self, params: list[ParamSpec]) -> None:
        if not isinstance(params, list) or not all(isinstance(p, ParamSpec) for p in params):
            raise SignatureError("ParamSchema needs a list of ParamSpec.")
        names = [p.name for p in params]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise SignatureError(f"Duplicate param names {dupes}; every param needs its own name.")
        self._params = params

    @property
    def params(self) -> list[ParamSpec]:
        """The param specs, in order."""
        return self._params

    def __len__(self) -> int:
        return len(self._params)

    def __iter__(self) -> Iterator[ParamSpec]:
        return iter(self._params)

    def to_dict(self) -> list[dict[str, Any]]:
        """JSON-ready list."""
        return [p.to_dict() for p in self._params]

    def to_json(self) -> str:
        """The JSON text MLflow writes."""
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, json_str: str) -> ParamSchema:
        """Read the JSON list written by :meth:`to_json` (or by MLflow)."""
        return cls([ParamSpec.from_json_dict(**x) for x in load_json_entries(json_str, "params schema")])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ParamSchema) and self._params == other._params

    def __hash__(self) -> int:
        return hash(tuple(self._params))

    def __repr__(self) -> str:
        return repr(self._params)
