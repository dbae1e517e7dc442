"""The column types of a signature: MLflow's scalar :class:`DataType` and the nested types.

:class:`Array`, :class:`Object` (with its :class:`Property` fields), :class:`Map` and :class:`AnyType`
describe list, dict and untyped values. Each type writes and reads the JSON form MLflow puts in an
``MLmodel`` signature (``{"type": "array", "items": ...}`` and so on); :func:`type_to_dict` and
:func:`type_from_json` do that for any of them. numpy is imported only by ``DataType.to_numpy`` and
``DataType.to_pandas``.
"""

from __future__ import annotations

import datetime as _dt
from enum import Enum
from typing import Any

from ..errors import SignatureError, bounded_repr

__all__ = ["AnyType", "Array", "ColSpecType", "DataType", "Map", "Object", "Property"]


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


def type_to_dict(dtype: ColSpecType) -> dict[str, Any]:
    """The JSON form of any column type (``{"type": "double"}`` for a DataType)."""
    return {"type": dtype.name} if isinstance(dtype, DataType) else dtype.to_dict()


def type_from_json(value: Any, where: str) -> ColSpecType:
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
        return type_from_json(kind, where)
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
        self.dtype = type_from_json(dtype, "Array")

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"type": "array", "items": type_to_dict(self.dtype)}

    @classmethod
    def from_json_dict(cls, **kwargs: Any) -> Array:
        """Read ``{"type": "array", "items": {...}}``."""
        if "items" not in kwargs:
            raise SignatureError(
                "An array type needs an 'items' entry, e.g. {'type': 'array', 'items': ...}."
            )
        return cls(type_from_json(kwargs["items"], "array items"))

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
        self.value_type = type_from_json(value_type, "Map")

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"type": "map", "values": type_to_dict(self.value_type)}

    @classmethod
    def from_json_dict(cls, **kwargs: Any) -> Map:
        """Read ``{"type": "map", "values": {...}}``."""
        if "values" not in kwargs:
            raise SignatureError("A map type needs a 'values' entry, e.g. {'type': 'map', 'values': ...}.")
        return cls(type_from_json(kwargs["values"], "map values"))

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
        self.dtype = type_from_json(dtype, f"property {name!r}")
        self.required = bool(required)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ``{name: {"type": ..., "required": ...}}``."""
        body = type_to_dict(self.dtype)
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
        return cls(name, type_from_json(body, f"property {name!r}"), body.get("required", True))

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
