"""Model signatures: what a model takes (columns or tensors), what it returns, and its params.

The classes mirror MLflow's ``mlflow.models`` / ``mlflow.types`` names and serialise to exactly the
JSON text MLflow writes into the ``signature:`` mapping of an ``MLmodel`` file, so a signature written
by either tool reads back unchanged in the other.

Column schemas (:class:`ColSpec`) describe tabular input; tensor schemas (:class:`TensorSpec`) describe
numpy arrays. A :class:`Schema` holds one kind only. :class:`ParamSchema` lists the inference-time
parameters with their defaults.

Importing this module is cheap: numpy and pandas are imported inside the functions that need them.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from enum import Enum
from typing import Any

from .errors import SignatureError, bounded_repr

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

_logger = logging.getLogger("servebook.signature")


class DataType(Enum):
    """The scalar column types of an MLflow signature (the JSON ``type`` strings)."""

    boolean = "boolean"
    integer = "integer"
    long = "long"
    float = "float"
    double = "double"
    string = "string"
    binary = "binary"
    datetime = "datetime"

    def __repr__(self) -> str:
        return self.name

    def to_numpy(self) -> Any:
        """The numpy dtype that holds this type in an array (``str``/``bytes`` for text/binary)."""
        import numpy as np

        return np.dtype(_NUMPY_NAMES[self.name])

    def to_pandas(self) -> Any:
        """The dtype a pandas column of this type has (``object`` for string and binary)."""
        import numpy as np

        return np.dtype(_PANDAS_NAMES[self.name])

    def to_python(self) -> type:
        """The Python type of a single value (``datetime.date`` for datetime, as MLflow)."""
        return _PYTHON_TYPES[self.name]


_NUMPY_NAMES = {
    "boolean": "bool",
    "integer": "int32",
    "long": "int64",
    "float": "float32",
    "double": "float64",
    "string": "str",
    "binary": "bytes",
    "datetime": "datetime64[ns]",
}
_PANDAS_NAMES = {**_NUMPY_NAMES, "string": "object", "binary": "object"}
_PYTHON_TYPES: dict[str, type] = {
    "boolean": bool,
    "integer": int,
    "long": int,
    "float": float,
    "double": float,
    "string": str,
    "binary": bytes,
    "datetime": _dt.date,
}


def _type_to_dict(dtype: ColSpecType) -> dict[str, Any]:
    return {"type": dtype.name} if isinstance(dtype, DataType) else dtype.to_dict()


def _type_from_json(value: Any, where: str) -> ColSpecType:
    """Read a type given as ``"double"`` or as a ``{"type": ...}`` mapping."""
    if isinstance(value, (DataType, Array, Object, Map, AnyType)):
        return value
    if isinstance(value, str):
        if value == "any":
            return AnyType()
        try:
            return DataType[value]
        except KeyError:
            raise SignatureError(
                f"Unsupported type {value!r} in {where}; expected one of "
                f"{[t.name for t in DataType]}, 'array', 'object', 'map' or 'any'."
            ) from None
    if isinstance(value, dict) and "type" in value:
        kind = value["type"]
        if kind == "array":
            return Array.from_json_dict(**value)
        if kind == "object":
            return Object.from_json_dict(**value)
        if kind == "map":
            return Map.from_json_dict(**value)
        return _type_from_json(kind, where)
    raise SignatureError(f"Cannot read the type {bounded_repr(value)} in {where}.")


class AnyType:
    """Any value; MLflow does not check it (``{"type": "any"}``)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"type": "any"}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AnyType)

    def __hash__(self) -> int:
        return hash("any")

    def __repr__(self) -> str:
        return "Any"

    @property
    def name(self) -> str:
        """The JSON type name."""
        return "any"


class Array:
    """A list whose items all have ``dtype`` (``{"type": "array", "items": ...}``)."""

    def __init__(self, dtype: ColSpecType | str) -> None:
        self.dtype = _type_from_json(dtype, "Array")

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"type": "array", "items": _type_to_dict(self.dtype)}

    @classmethod
    def from_json_dict(cls, **kwargs: Any) -> Array:
        """Read ``{"type": "array", "items": {...}}``."""
        if "items" not in kwargs:
            raise SignatureError(
                "An array type needs an 'items' entry, e.g. {'type': 'array', 'items': ...}."
            )
        return cls(_type_from_json(kwargs["items"], "array items"))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Array) and self.dtype == other.dtype

    def __hash__(self) -> int:
        return hash(("array", repr(self.dtype)))

    def __repr__(self) -> str:
        return f"Array({self.dtype!r})"

    @property
    def name(self) -> str:
        """The JSON type name."""
        return "array"


class Map:
    """A mapping from strings to values of ``value_type`` (``{"type": "map", "values": ...}``)."""

    def __init__(self, value_type: ColSpecType | str) -> None:
        self.value_type = _type_from_json(value_type, "Map")

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"type": "map", "values": _type_to_dict(self.value_type)}

    @classmethod
    def from_json_dict(cls, **kwargs: Any) -> Map:
        """Read ``{"type": "map", "values": {...}}``."""
        if "values" not in kwargs:
            raise SignatureError("A map type needs a 'values' entry, e.g. {'type': 'map', 'values': ...}.")
        return cls(_type_from_json(kwargs["values"], "map values"))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Map) and self.value_type == other.value_type

    def __hash__(self) -> int:
        return hash(("map", repr(self.value_type)))

    def __repr__(self) -> str:
        return f"Map(str -> {self.value_type!r})"

    @property
    def name(self) -> str:
        """The JSON type name."""
        return "map"


class Property:
    """One named field of an :class:`Object`."""

    def __init__(self, name: str, dtype: ColSpecType | str, required: bool = True) -> None:
        if not isinstance(name, str):
            raise SignatureError(f"A property name must be a string, got {type(name).__name__}.")
        self.name = name
        self.dtype = _type_from_json(dtype, f"property {name!r}")
        self.required = bool(required)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ``{name: {"type": ..., "required": ...}}``."""
        body = _type_to_dict(self.dtype)
        body["required"] = self.required
        return {self.name: body}

    @classmethod
    def from_json_dict(cls, **kwargs: Any) -> Property:
        """Read ``{name: {"type": ..., "required": ...}}``."""
        if len(kwargs) != 1:
            raise SignatureError(f"A property must be a single-key mapping, got {bounded_repr(kwargs)}.")
        ((name, body),) = kwargs.items()
        if not isinstance(body, dict):
            raise SignatureError(f"Property {name!r} must map to a dict with a 'type' entry.")
        return cls(name, _type_from_json(body, f"property {name!r}"), body.get("required", True))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Property)
            and self.name == other.name
            and self.dtype == other.dtype
            and self.required == other.required
        )

    def __hash__(self) -> int:
        return hash((self.name, repr(self.dtype), self.required))

    def __repr__(self) -> str:
        return f"{self.name}: {self.dtype!r} ({'required' if self.required else 'optional'})"


class Object:
    """A dict with named, typed properties (``{"type": "object", "properties": {...}}``).

    Properties are kept sorted by name, as MLflow writes them.
    """

    def __init__(self, properties: list[Property]) -> None:
        if not isinstance(properties, list) or not properties:
            raise SignatureError("An Object needs a non-empty list of Property.")
        names = [p.name for p in properties]
        if len(set(names)) != len(names):
            raise SignatureError(f"Duplicate property names in Object: {names}.")
        self.properties = sorted(properties, key=lambda p: p.name)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        props: dict[str, Any] = {}
        for prop in self.properties:
            props.update(prop.to_dict())
        return {"type": "object", "properties": props}

    @classmethod
    def from_json_dict(cls, **kwargs: Any) -> Object:
        """Read ``{"type": "object", "properties": {name: {...}}}``."""
        props = kwargs.get("properties")
        if not isinstance(props, dict):
            raise SignatureError("An object type needs a 'properties' mapping.")
        return cls([Property.from_json_dict(**{k: v}) for k, v in props.items()])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Object) and self.properties == other.properties

    def __hash__(self) -> int:
        return hash(tuple(self.properties))

    def __repr__(self) -> str:
        return "{" + ", ".join(map(repr, self.properties)) + "}"

    @property
    def name(self) -> str:
        """The JSON type name."""
        return "object"


ColSpecType = DataType | Array | Object | Map | AnyType


class ColSpec:
    """One column of a column-based schema: a type, an optional name, and whether it is required."""

    def __init__(self, type: ColSpecType | str, name: str | int | None = None, required: bool = True) -> None:
        self.type: ColSpecType = _type_from_json(type, f"column {name!r}" if name is not None else "ColSpec")
        self.name = name
        self.required = bool(required)

    def to_dict(self) -> dict[str, Any]:
        """JSON form, keys in MLflow's order: type (and its details), name, required."""
        body = _type_to_dict(self.type)
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
            dtype = _type_from_json(
                {k: v for k, v in kwargs.items() if k not in ("name", "required")}, "column"
            )
        else:
            dtype = _type_from_json(kwargs["type"], f"column {name!r}")
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

    def input_types_dict(self) -> dict[str, Any]:
        """Name → type, for named schemas."""
        if not self.has_input_names():
            raise SignatureError("This schema has no input names; use input_types() instead.")
        return {x.name: x.type for x in self._inputs}

    def input_dict(self) -> dict[str, Any]:
        """Name → spec, for named schemas."""
        if not self.has_input_names():
            raise SignatureError("This schema has no input names; use inputs instead.")
        return {x.name: x for x in self._inputs}

    def numpy_types(self) -> list[Any]:
        """The numpy dtype of each input."""
        if self.is_tensor_spec():
            return [x.type for x in self._inputs]
        if not all(isinstance(x.type, DataType) for x in self._inputs):
            raise SignatureError("Some columns have array/object/map/any types, which have no numpy dtype.")
        return [x.type.to_numpy() for x in self._inputs]

    def pandas_types(self) -> list[Any]:
        """The pandas dtype of each column (column schemas only)."""
        if self.is_tensor_spec():
            raise SignatureError("A tensor schema has no pandas types; use numpy_types().")
        if not all(isinstance(x.type, DataType) for x in self._inputs):
            raise SignatureError("Some columns have array/object/map/any types, which have no pandas dtype.")
        return [x.type.to_pandas() for x in self._inputs]

    def to_dict(self) -> list[dict[str, Any]]:
        """JSON-ready list of the specs."""
        return [x.to_dict() for x in self._inputs]

    def to_json(self) -> str:
        """The JSON text MLflow writes (``json.dumps`` default separators, ASCII only)."""
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, json_str: str) -> Schema:
        """Read the JSON list written by :meth:`to_json` (or by MLflow)."""
        try:
            entries = json.loads(json_str)
        except (TypeError, ValueError) as exc:
            raise SignatureError(
                f"A schema must be a JSON list; cannot parse {bounded_repr(json_str)}."
            ) from exc
        if not isinstance(entries, list) or not all(isinstance(x, dict) for x in entries):
            raise SignatureError(f"A schema must be a JSON list of objects, got {bounded_repr(entries)}.")
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


class ParamSpec:
    """One inference parameter: name, type, default value and shape (None = scalar, (-1,) = 1-D list).

    The default is validated (and converted where MLflow converts it) at construction.
    """

    def __init__(
        self, name: str, dtype: DataType | Object | str, default: Any, shape: Sequence[int] | None = None
    ) -> None:
        from .enforcement import convert_param_value

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
        body.update(_type_to_dict(self.dtype))
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
        try:
            entries = json.loads(json_str)
        except (TypeError, ValueError) as exc:
            raise SignatureError(
                f"A params schema must be a JSON list; cannot parse {bounded_repr(json_str)}."
            ) from exc
        if not isinstance(entries, list) or not all(isinstance(x, dict) for x in entries):
            raise SignatureError(
                f"A params schema must be a JSON list of objects, got {bounded_repr(entries)}."
            )
        return cls([ParamSpec.from_json_dict(**x) for x in entries])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ParamSchema) and self._params == other._params

    def __hash__(self) -> int:
        return hash(tuple(self._params))

    def __repr__(self) -> str:
        return repr(self._params)


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


# ---------------------------------------------------------------------------------------------------
# inference


class _InferenceError(SignatureError):
    """Data that cannot be described by a schema (caught by infer_signature, which falls back to Any)."""


def _loaded(module: str) -> Any:
    """The module if it is already imported (an object of its types can only exist then), else None."""
    return sys.modules.get(module)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return value != value  # NaN
    pd = _loaded("pandas")
    return pd is not None and (value is pd.NA or value is pd.NaT)


def _scalar_type(value: Any) -> DataType:
    kind = type(value)
    found = _PY_SCALARS.get(kind)
    if found is not None:
        return found
    np = _loaded("numpy")
    if np is not None and isinstance(value, np.generic):
        dtype = np.dtype(kind)
        found = _NUMPY_SCALARS.get(dtype.name)
        if found is not None:
            return found
        if dtype.kind in "US":
            return DataType.string if dtype.kind == "U" else DataType.binary
        if isinstance(value, np.datetime64):
            return DataType.datetime
    if isinstance(value, _dt.date):
        return DataType.datetime
    raise _InferenceError(f"Value {bounded_repr(value)} of type {kind.__name__} has no signature type.")


_PY_SCALARS: dict[type, DataType] = {
    bool: DataType.boolean,
    int: DataType.long,
    float: DataType.double,
    str: DataType.string,
    bytes: DataType.binary,
    bytearray: DataType.binary,
    _dt.date: DataType.datetime,
    _dt.datetime: DataType.datetime,
}
# numpy scalar types MLflow maps (other widths are not accepted as scalars)
_NUMPY_SCALARS = {
    "bool": DataType.boolean,
    "int64": DataType.long,
    "int32": DataType.integer,
    "float64": DataType.double,
    "float32": DataType.float,
}


def _numpy_dtype_type(dtype: Any) -> DataType:
    """Map a numpy (or pandas extension) dtype to a DataType, as MLflow does."""
    kind, size = dtype.kind, dtype.itemsize
    if kind == "b":
        return DataType.boolean
    if kind in "iu":
        if size < 4 or (kind == "i" and size == 4):
            return DataType.integer
        if size < 8 or (kind == "i" and size == 8):
            return DataType.long
    elif kind == "f":
        if size <= 4:
            return DataType.float
        if size <= 8:
            return DataType.double
    elif kind == "U":
        return DataType.string
    elif kind == "S":
        return DataType.binary
    elif kind == "M":
        return DataType.datetime
    raise _InferenceError(f"The dtype {dtype} (kind {kind!r}) has no signature type.")


def _merge(a: ColSpecType, b: ColSpecType) -> ColSpecType:
    """Combine the types of two items of one list (objects gain optional properties)."""
    if a == b:
        return a
    if isinstance(a, AnyType):
        return b
    if isinstance(b, AnyType):
        return a
    if isinstance(a, Array) and isinstance(b, Array):
        if isinstance(a.dtype, DataType) and not isinstance(b.dtype, AnyType) and a.dtype != b.dtype:
            raise _InferenceError(f"List items have different types: {a!r} and {b!r}.")
        return Array(_merge(a.dtype, b.dtype))
    if isinstance(a, Map) and isinstance(b, Map):
        return Map(_merge(a.value_type, b.value_type))
    if isinstance(a, Object) and isinstance(b, Object):
        left = {p.name: p for p in a.properties}
        right = {p.name: p for p in b.properties}
        merged = []
        for name in {**left, **right}:
            if name in left and name in right:
                merged.append(
                    Property(
                        name,
                        _merge(left[name].dtype, right[name].dtype),
                        left[name].required and right[name].required,
                    )
                )
            else:
                only = left.get(name) or right[name]
                merged.append(Property(name, only.dtype, required=False))
        return Object(merged)
    raise _InferenceError(f"List items have different types: {a!r} and {b!r}.")


def _infer_type(value: Any) -> ColSpecType | None:
    """The type of one (possibly nested) value; None for an empty numpy array (undetermined)."""
    if _is_missing(value) or (isinstance(value, (list, dict)) and not value):
        return AnyType()
    if isinstance(value, dict):
        props = []
        for key, item in value.items():
            item_type = _infer_type(item)
            if item_type is None:
                raise _InferenceError("A dict value must not be an empty numpy array.")
            props.append(Property(key, item_type, required=not isinstance(item_type, AnyType)))
        return Object(props)
    np = _loaded("numpy")
    if isinstance(value, list) or (np is not None and isinstance(value, np.ndarray)):
        return _infer_list_type(value)
    return _scalar_type(value)


def _infer_list_type(items: Any) -> Array | None:
    result: Array | None = None
    for item in items:
        item_type = _infer_type(item)
        if item_type is None:
            continue
        if result is None:
            result = Array(item_type)
        elif isinstance(result.dtype, DataType):
            if not isinstance(item_type, AnyType) and item_type != result.dtype:
                raise _InferenceError(
                    f"List items have different types ({result.dtype!r} and {item_type!r}); "
                    "use one type per list."
                )
        else:
            result = Array(_merge(result.dtype, item_type))
    return result


def _colspec_type(value: Any) -> ColSpecType:
    found = _infer_type(value)
    if found is None:
        raise _InferenceError(f"Cannot infer a type from the empty array {bounded_repr(value)}.")
    return found


def _no_missing(value: Any) -> bool:
    if isinstance(value, list) or type(value).__name__ == "Series":
        return not any(_is_missing(x) for x in value)
    return not _is_missing(value)


def _pandas_column_type(col: Any) -> ColSpecType:
    if col.values.ndim > 1:
        raise _InferenceError(f"Expected a 1-d column, got shape {col.shape}.")
    if col.dtype.kind == "O":
        col = col.infer_objects()
    if col.dtype.kind == "O":
        try:
            item_list = _colspec_type(col.to_list())
            return item_list.dtype if isinstance(item_list, Array) else item_list
        except SignatureError:
            import pandas as pd

            if pd.api.types.is_string_dtype(col):
                return DataType.string
            raise
    return _numpy_dtype_type(col.dtype)


def _tensor_spec(array: Any, name: str | None = None) -> TensorSpec:
    if array.ndim == 0:
        raise _InferenceError("A 0-dimensional array has no tensor shape; wrap it in a list.")
    return TensorSpec(array.dtype, (-1, *array.shape[1:]), name)


def _infer_schema(data: Any) -> Schema:
    """Describe ``data`` as a Schema (column specs, or tensor specs for numpy arrays)."""
    pd = _loaded("pandas")
    np = _loaded("numpy")
    if isinstance(data, list) and not data:
        return Schema([ColSpec(DataType.string)])
    if isinstance(data, list) and all(isinstance(x, dict) for x in data):
        columns: dict[Any, list[Any]] = {}
        for record in data:
            for key, value in record.items():
                columns.setdefault(key, []).append(value)
        specs = []
        for key, values in columns.items():
            col_type = _colspec_type(values)
            required = all(record.get(key) is not None for record in data)
            specs.append(ColSpec(col_type.dtype if isinstance(col_type, Array) else col_type, key, required))
        return Schema(specs)
    if isinstance(data, dict):
        if np is not None and data and all(isinstance(v, np.ndarray) for v in data.values()):
            return Schema([_tensor_spec(v, k) for k, v in data.items()])
        if any(not isinstance(k, str) for k in data):
            raise _InferenceError("The dict keys must all be strings.")
        return Schema([ColSpec(_colspec_type(v), k, _no_missing(v)) for k, v in data.items()])
    if pd is not None and isinstance(data, pd.Series):
        return Schema([ColSpec(_pandas_column_type(data), data.name, _no_missing(data))])
    if pd is not None and isinstance(data, pd.DataFrame):
        return Schema([ColSpec(_pandas_column_type(data[c]), c, _no_missing(data[c])) for c in data.columns])
    if np is not None and isinstance(data, np.ndarray):
        return Schema([_tensor_spec(data)])
    if isinstance(data, list):
        found = _colspec_type(data)
        return Schema([ColSpec(found.dtype if isinstance(found, Array) else found)])
    return Schema([ColSpec(_colspec_type(data))])


def _param_type_and_shape(value: Any) -> tuple[DataType | Object, tuple[int, ...] | None]:
    np = _loaded("numpy")
    if isinstance(value, list) or (np is not None and isinstance(value, np.ndarray)):
        depth = _depth(value)
        if depth != 1:
            raise SignatureError(f"Expected parameters to be 1D array or scalar, got {depth}D array")
        if value is not None and len(value) and all(_is_datetime(v) for v in value):
            return DataType.datetime, (-1,)
        import numpy

        return _numpy_dtype_type(numpy.array(value).dtype), (-1,)
    if _is_datetime(value):
        return DataType.datetime, None
    if isinstance(value, dict):
        found = _infer_schema({"value": value}).inputs[0].type
        return found, None
    if isinstance(value, (bool, int, float, str, bytes)) or (
        np is not None and isinstance(value, np.generic)
    ):
        import numpy

        return _numpy_dtype_type(numpy.array(value).dtype), None
    raise SignatureError(f"Expected parameters to be 1D array or scalar, got {type(value).__name__}")


def _is_datetime(value: Any) -> bool:
    if isinstance(value, _dt.date):
        return True
    np = _loaded("numpy")
    return np is not None and isinstance(value, np.datetime64)


def _depth(value: Any) -> int:
    np = _loaded("numpy")
    if np is not None and isinstance(value, np.ndarray):
        return int(value.ndim)
    if isinstance(value, list):
        return 1 + max((_depth(x) for x in value), default=0)
    return 0


def _infer_param_schema(params: dict[str, Any]) -> ParamSchema:
    if not isinstance(params, dict):
        raise SignatureError(f"params must be a dict of name -> value, got {type(params).__name__}.")
    specs = []
    failures = []
    for name, value in params.items():
        try:
            dtype, shape = _param_type_and_shape(value)
            specs.append(ParamSpec(name, dtype, copy.deepcopy(value), shape))
        except SignatureError as exc:
            failures.append((name, bounded_repr(value), str(exc)))
    if failures:
        raise SignatureError(
            f"Failed to infer schema for parameters: {failures}. Params must be scalars (bool, int, float, "
            "str, datetime), 1-D lists of one of those, or dicts."
        )
    return ParamSchema(specs)


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
            schemas[key] = _infer_schema(data)
        except (SignatureError, TypeError, ValueError) as exc:
            _logger.warning(
                "Could not infer the %s schema (%s); using Schema([ColSpec(AnyType())]) instead.", key, exc
            )
            schemas[key] = Schema([ColSpec(AnyType())])
    param_schema = _infer_param_schema(params) if params else None
    return ModelSignature(schemas["inputs"], schemas["outputs"], param_schema)
