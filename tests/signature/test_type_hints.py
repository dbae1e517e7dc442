"""Type hints of predict: the schema each stands for, and validating data against them."""

from __future__ import annotations

import datetime
import typing
from typing import Any

import pandas as pd
import pydantic
import pytest

from servebook.errors import SignatureError
from servebook.signature import AnyType, Array, ColSpec, DataType, Map, Object, Property, Schema
from servebook.signature.enforce.type_hints import (
    adapt_dataframe,
    convert_to_hint,
    example_format,
    json_input,
    validate,
)
from servebook.signature.hints import (
    InvalidTypeHintError,
    TypeFromExample,
    describes_nothing,
    extract_type_hints,
    schema_of_list_hint,
)


class Point(pydantic.BaseModel):
    x: int
    label: str | None = None
    tags: list[str] = []


def _column(dtype: Any) -> list[dict[str, Any]]:
    return Schema([ColSpec(dtype)]).to_dict()


@pytest.mark.parametrize(
    ("hint", "dtype"),
    [
        (list[str], DataType.string),
        (list[int], DataType.long),
        (list[float], DataType.double),
        (list[bool], DataType.boolean),
        (list[bytes], DataType.binary),
        (list[datetime.datetime], DataType.datetime),
        (list[list[int]], Array(DataType.long)),
        (list[dict[str, float]], Map(DataType.double)),
        (list[dict[str, list[str]]], Map(Array(DataType.string))),
        (typing.List[str], DataType.string),  # noqa: UP006 - MLflow accepts typing's spelling
    ],
)
def test_list_hints_give_one_column(hint: Any, dtype: Any) -> None:
    assert schema_of_list_hint(hint).to_dict() == _column(dtype)


def test_pydantic_hint_gives_an_object_with_required_and_optional_fields() -> None:
    expected = Object(
        [
            Property("x", DataType.long),
            Property("label", DataType.string, required=False),
            Property("tags", Array(DataType.string)),
        ]
    )
    assert schema_of_list_hint(list[Point]).to_dict() == _column(expected)


def test_any_and_union_hints_are_any() -> None:
    with pytest.warns(UserWarning, match="AnyType"):
        assert schema_of_list_hint(list[Any]).to_dict() == _column(AnyType())
    assert schema_of_list_hint(list[int | str]).to_dict() == _column(AnyType())


@pytest.mark.parametrize(
    ("hint", "kind", "match"),
    [
        (list, InvalidTypeHintError, "no element type"),
        (list[dict[int, str]], InvalidTypeHintError, "keys must be str"),
        (list[str | None], InvalidTypeHintError, "Optional"),
        (str, SignatureError, "wrapped in list"),
        (list[complex], SignatureError, "Unsupported type hint `complex`"),
    ],
)
def test_bad_hints_say_why(hint: Any, kind: type[Exception], match: str) -> None:
    with pytest.raises(kind, match=match):
        schema_of_list_hint(hint)


def test_optional_pydantic_field_needs_a_default() -> None:
    class Bad(pydantic.BaseModel):
        x: int | None

    with pytest.raises(InvalidTypeHintError, match="default"):
        schema_of_list_hint(list[Bad])


def test_frames_and_arrays_describe_nothing() -> None:
    import numpy as np

    assert describes_nothing(pd.DataFrame) and describes_nothing(np.ndarray) and describes_nothing(pd.Series)
    assert not describes_nothing(list[str]) and not describes_nothing(TypeFromExample)


def test_hints_are_read_from_the_input_argument() -> None:
    def with_context(self: Any, context: Any, model_input: list[str], params: Any = None) -> list[int]:
        return []

    hints = extract_type_hints(with_context, input_arg_index=1)
    assert (hints.input, hints.output) == (list[str], list[int])
    assert extract_type_hints(lambda x: x, input_arg_index=0).input is None


def test_unevaluable_string_annotations_fall_back_to_the_two_known_spellings() -> None:
    def predict(model_input: list[str]) -> Missing:  # type: ignore[name-defined]  # noqa: F821
        return model_input

    predict.__annotations__ = {"model_input": "List[str]", "return": "Missing"}
    assert extract_type_hints(predict, input_arg_index=0).input == list[str]


# ---- validation -------------------------------------------------------------------------------------
def test_valid_data_passes_and_dicts_become_pydantic_instances() -> None:
    assert validate(["a", "b"], list[str]) == ["a", "b"]
    [point] = validate([{"x": 1}], list[Point])
    assert isinstance(point, Point) and point.x == 1
    assert validate([{"a": [1.5]}], list[dict[str, list[float]]]) == [{"a": [1.5]}]
    assert validate([None, 1], list[int | None]) == [None, 1]


def test_invalid_elements_are_named_by_position_with_the_reason() -> None:
    with pytest.raises(SignatureError) as info:
        validate(["a", 1, "b", None], list[str])
    message = str(info.value)
    assert message.startswith("Failed to validate data against type hint `list[str]`")
    assert (
        "1: 'Expected type str, but got int'" in message
        and "3: 'Expected type str, but got NoneType'" in message
    )
    assert "'a'" not in message  # valid elements are not echoed


def test_long_lists_of_problems_are_cut() -> None:
    with pytest.raises(SignatureError, match=r"\(15 more\)"):
        validate(list(range(20)), list[str])


def test_pydantic_is_strict_and_its_problems_are_listed_without_the_input() -> None:
    with pytest.raises(SignatureError) as info:
        validate([{"x": "12", "tags": "secret-value"}], list[Point])
    message = str(info.value)
    assert "x: Input should be a valid integer" in message and "tags: Input should be a valid list" in message
    assert "secret-value" not in message


def test_dict_keys_must_be_strings() -> None:
    with pytest.raises(SignatureError, match="Key must be a string"):
        validate([{1: "a"}], list[dict[str, str]])


def test_json_strings_stand_for_bytes_and_datetimes_while_serving_only() -> None:
    with pytest.raises(SignatureError, match="Expected type bytes, but got str"):
        validate(["YWI=\n"], list[bytes])
    with json_input():
        assert validate(["YWI=\n"], list[bytes]) == [b"ab"]
        assert validate(["2024-01-02T03:04:05"], list[datetime.datetime]) == [
            datetime.datetime(2024, 1, 2, 3, 4, 5)
        ]
        with pytest.raises(SignatureError, match="Expected type datetime, but got str"):
            validate(["not a date"], list[datetime.datetime])
    with pytest.raises(SignatureError):
        validate(["2024-01-02"], list[datetime.datetime])


# ---- DataFrames ---------------------------------------------------------------------------------------
def test_a_frame_becomes_the_hinted_list() -> None:
    assert convert_to_hint(pd.DataFrame({"a": ["x", "y"]}), list[str]) == ["x", "y"]
    assert convert_to_hint(pd.DataFrame({"a": [1.0, None]}), list[Any]) == [1.0, None]
    records = convert_to_hint(pd.DataFrame({"x": [1], "label": ["p"]}), list[Point])
    assert records == [{"x": 1, "label": "p"}]
    with pytest.raises(SignatureError, match="Only a `list"):
        convert_to_hint(pd.DataFrame({"a": [1]}), dict[str, int])


def test_loaded_model_gives_list_str_models_the_first_string_column() -> None:
    frame = pd.DataFrame({"n": [1, 2], "s": ["u", "v"], "t": ["w", "z"]})
    assert adapt_dataframe(frame, list[str], None) == ["u", "v"]
    with pytest.raises(SignatureError, match="string column"):
        adapt_dataframe(pd.DataFrame({"n": [1]}), list[str], None)
    unnamed = Schema([ColSpec(Map(DataType.string))])
    assert adapt_dataframe(frame, list[dict[str, str]], unnamed) == [{"s": "u"}, {"s": "v"}]
    assert adapt_dataframe(["kept"], list[str], None) == ["kept"]


def test_type_from_example_converts_back_to_the_example_type() -> None:
    frame = pd.DataFrame({"a": [1, 2]})
    assert example_format(frame, ["x"]) == [1, 2]
    assert example_format(frame, pd.Series([0], name="s")).name == "s"
    assert example_format(frame.head(1), {"a": 0}) == {"a": 1}
    assert example_format(frame, frame) is frame
