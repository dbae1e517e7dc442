"""Input and output schemas: a :class:`Schema` is an ordered list of :class:`ColSpec` or :class:`TensorSpec`.

Column specs describe tabular data (a type from :mod:`servebook.signature.types`, an optional name and
whether the column is required); tensor specs describe numpy arrays (dtype and shape, -1 for any size).
``Schema.to_json``/``Schema.from_json`` give the JSON text MLflow writes. numpy is imported only
where a numpy dtype is asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import SignatureError, bounded_repr
from .types import ColSpecType, DataType, type_from_json, type_to_dict

__all__ = ["ColSpec", "Schema", "TensorSpec"]


class ColSpec:
    """One column of a column-based schema: a type, an optional name, and whether it is required."""

    def __init__(self, type: ColSpecType | str, name: str | int | None = None, required: bool = True) -> None:
        self.type: ColSpecType = type_from_json(type, f"column {name!r}" if name is not None else "ColSpec")
        self.name = name
        self.required = bool(required)

    def to_dict(self) -> dict[str, Any]:
        """JSON form, keys in MLflow's order: type (and its details), name, required."""
        body = type_to_dict(self.type)
        if self.name is not None:
            body["name"] = self.name
        body["required"] = self.required
        return body

    @classmethod
    def from_json_dict(cls, **kwargs: Any) -> ColSpec:
        """Read one entry of a schema's JSON list."""
        if "type" not in kwargs:
            raise SignatureError(f"A column spec needs a 'type' entry; got keys {sorted(kwargs)}.")
        name = kwargs.get("name")
        if kwargs["type"] in ("array", "object", "map"):
            dtype = type_from_json(
                {k: v for k, v in kwargs.items() if k not in ("name", "required")}, "column"
            )
        else:
            dtype = type_from_json(kwargs["type"], f"column {name!r}")
        required = kwargs.get("required", not kwargs.get("optional", False))
        return cls(dtype, name, required)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ColSpec)
            and self.name == other.name
            and self.type == other.type
            and self.required == other.required
        )

    def __hash__(self) -> int:
        return hash((self.name, repr(self.type), self.required))

    def __repr__(self) -> str:
        flag = "required" if self.required else "optional"
        if self.name is None:
            return f"{self.type!r} ({flag})"
        return f"{self.name!r}: {self.type!r} ({flag})"


def _clean_dtype_name(dtype: Any) -> str:
    """Canonical dtype name for a tensor spec: sizes of str/bytes dtypes are dropped (as MLflow)."""
    if isinstance(dtype, str) or not hasattr(dtype, "kind"):
        import numpy as np

        dtype = np.dtype(dtype)
    if dtype.kind == "U":
        return "str"
    if dtype.kind == "S":
        return "bytes"
    return str(dtype.name)


class TensorSpec:
    """One tensor of a tensor-based schema: numpy dtype, shape (-1 = any size) and optional name."""

    required = True

    def __init__(
        self,
        dtype: Any = None,
        shape: Sequence[int] | None = None,
        name: str | None = None,
        *,
        type: Any = None,
    ) -> None:
        # MLflow spells the first argument ``type=``; both spellings work
        if (dtype is None) == (type is None):
            raise SignatureError("TensorSpec needs a dtype (as `dtype=` or MLflow's `type=`), given once.")
        if shape is None:
            raise SignatureError("TensorSpec needs a shape, e.g. (-1, 4); -1 marks a variable dimension.")
        self._dtype_name = _clean_dtype_name(dtype if dtype is not None else type)
        if not isinstance(shape, (list, tuple)) or not all(
            isinstance(d, int) and not isinstance(d, bool) for d in shape
        ):
            raise SignatureError(f"A tensor shape must be a tuple of ints, got {bounded_repr(shape)}.")
        self.shape: tuple[int, ...] = tuple(shape)
        self.name = name

    @property
    def dtype_name(self) -> str:
        """The dtype as MLflow writes it (``float32``, ``int64``, ``str``...)."""
        return self._dtype_name

    @property
    def type(self) -> Any:
        """The numpy dtype (imports numpy)."""
        import numpy as np

        return np.dtype(self._dtype_name)

    def to_dict(self) -> dict[str, Any]:
        """JSON form, keys in MLflow's order: name (if any), type, tensor-spec."""
        spec = {"dtype": self._dtype_name, "shape": list(self.shape)}
        if self.name is None:
            return {"type": "tensor", "tensor-spec": spec}
        return {"name": self.name, "type": "tensor", "tensor-spec": spec}

    @classmethod
    def from_json_dict(cls, **kwargs: Any) -> TensorSpec:
        """Read ``{"type": "tensor", "tensor-spec": {"dtype": ..., "shape": [...]}, "name"?: ...}``."""
        spec = kwargs.get("tensor-spec")
        if not isinstance(spec, dict) or "dtype" not in spec or "shape" not in spec:
            raise SignatureError("A tensor spec needs 'tensor-spec': {'dtype': ..., 'shape': [...]}.")
        return cls(spec["dtype"], spec["shape"], kwargs.get("name"))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TensorSpec)
            and self.name == other.name
            and self._dtype_name == other._dtype_name
            and self.shape == other.shape
        )

    def __hash__(self) -> int:
        return hash((self.name, self._dtype_name, self.shape))

    def __repr__(self) -> str:
        info = f"Tensor('{self._dtype_name}', {self.shape})"
        return info if self.name is None else f"{self.name!r}: {info}"


def load_json_entries(json_str: str, what: str) -> list[dict[str, Any]]:
    """Parse the JSON text of a schema or params schema: a list of objects, one per spec.

    ``what`` names the kind in the SignatureError raised for anything else.
    """
    try:
        entries = json.loads(json_str)
    except (TypeError, ValueError) as exc:
        raise SignatureError(f"A {what} must be a JSON list; cannot parse {bounded_repr(json_str)}.") from exc
    if not isinstance(entries, list) or not all(isinstance(x, dict) for x in entries):
        raise SignatureError(f"A {what} must be a JSON list of objects, got {bounded_repr(entries)}.")
    return entries


class Schema:
    """An ordered list of :class:`ColSpec` or of :class:`TensorSpec` (never a mix).

    Either every input is named or none is; unnamed schemas are matched by position.
    """

    def __init__(self, inputs: list[ColSpec] | list[TensorSpec] | list[ColSpec | TensorSpec]) -> None:
        if not isinstance(inputs, list):
            raise SignatureError(f"Schema inputs must be a list, got {type(inputs).__name__}.")
        if not inputs:
            raise SignatureError("A Schema needs at least one ColSpec or TensorSpec.")
        bad = [x for x in inputs if not isinstance(x, (ColSpec, TensorSpec))]
        if bad:
            raise SignatureError(f"Schema inputs must be ColSpec or TensorSpec, got {bounded_repr(bad)}.")
        named = [x.name is not None for x in inputs]
        if any(named) and not all(named):
            raise SignatureError(
                "A Schema cannot mix named and unnamed inputs; got names "
                f"{bounded_repr([x.name for x in inputs])}. Name every input or none."
            )
        tensors = [isinstance(x, TensorSpec) for x in inputs]
        if any(tensors) and not all(tensors):
            raise SignatureError("A Schema cannot mix ColSpec and TensorSpec; use one kind only.")
        if all(tensors) and len(inputs) > 1 and not all(named):
            raise SignatureError("A Schema with several TensorSpecs needs a name for each of them.")
        if not any(named) and any(not x.required for x in inputs):
            raise SignatureError("Unnamed inputs cannot be optional; name them or make them required.")
        self._inputs = inputs

    @property
    def inputs(self) -> list[Any]:
        """The column or tensor specs, in order."""
        return self._inputs

    def __len__(self) -> int:
        return len(self._inputs)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._inputs)

    def is_tensor_spec(self) -> bool:
        """True when the schema is made of TensorSpecs."""
        return isinstance(self._inputs[0], TensorSpec)

    def has_input_names(self) -> bool:
        """True when every input is named."""
        return self._inputs[0].name is not None

    def input_names(self) -> list[str | int]:
        """Names of the inputs, or their positions when the schema is unnamed."""
        return [x.name if x.name is not None else i for i, x in enumerate(self._inputs)]

    def required_input_names(self) -> list[str | int]:
        """Names (or positions) of the required inputs."""
        return [x.name if x.name is not None else i for i, x in enumerate(self._inputs) if x.required]

    def optional_input_names(self) -> list[str | int]:
        """Names of the optional inputs."""
        return [x.name if x.name is not None else i for i, x in enumerate(self._inputs) if not x.required]

    def input_types(self) -> list[Any]:
        """The type of each input (DataType/Array/... for columns, numpy dtype for tensors)."""
        return [x.type for x in self._inputs]

    def input_types_dict(self) -> dict[Any, Any]:
        """Name → type, for named schemas."""
        if not self.has_input_names():
            raise SignatureError("This schema has no input names; use input_types() instead.")
        return {x.name: x.type for x in self._inputs}

    def input_dict(self) -> dict[Any, Any]:
        """Name → spec, for named schemas."""
        if not self.has_input_names():
            raise SignatureError("This schema has no input names; use inputs instead.")
        return {x.name: x for x in self._inputs}

    def numpy_types(self) -> list[Any]:
        """The numpy dtype of each input."""
        if self.is_tensor_spec():
            return [x.type for x in self._inputs]
        scalars = [x.type for x in self._inputs if isinstance(x.type, DataType)]
        if len(scalars) != len(self._inputs):
            raise SignatureError("Some columns have array/object/map/any types, which have no numpy dtype.")
        return [dtype.to_numpy() for dtype in scalars]

    def pandas_types(self) -> list[Any]:
        """The pandas dtype of each column (column schemas only)."""
        if self.is_tensor_spec():
            raise SignatureError("A tensor schema has no pandas types; use numpy_types().")
        scalars = [x.type for x in self._inputs if isinstance(x.type, DataType)]
        if len(scalars) != len(self._inputs):
            raise SignatureError("Some columns have array/object/map/any types, which have no pandas dtype.")
        return [dtype.to_pandas() for dtype in scalars]

    def to_dict(self) -> list[dict[str, Any]]:
        """JSON-ready list of the specs."""
        return [x.to_dict() for x in self._inputs]

    def to_json(self) -> str:
        """The JSON text MLflow writes (``json.dumps`` default separators, ASCII only)."""
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, json_str: str) -> Schema:
        """Read the JSON list written by :meth:`to_json` (or by MLflow)."""
        entries = load_json_entries(json_str, "schema")
        return cls(
            [
                TensorSpec.from_json_dict(**x) if x.get("type") == "tensor" else ColSpec.from_json_dict(**x)
                for x in entries
            ]
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Schema) and self._inputs == other._inputs

    def __hash__(self) -> int:
        return hash(tuple(self._inputs))

    def __repr__(self) -> str:
        return repr(self._inputs)
