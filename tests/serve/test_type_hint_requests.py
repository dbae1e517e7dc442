"""Request parsing for models whose signature comes from type hints (MLflow: only ``inputs``)."""

from __future__ import annotations

import json

import pytest

from servebook.errors import InvalidInputError, SignatureError
from servebook.serve import protocol
from servebook.signature import ColSpec, DataType, Map, Schema


def _plan(dtype: object) -> protocol.InputPlan:
    return protocol.plan_from_schema(Schema([ColSpec(dtype)]), raw_inputs=True)  # type: ignore[arg-type]


def test_inputs_reach_the_model_untouched_with_params() -> None:
    body = json.dumps({"inputs": [{"a": 1}, "x"], "params": {"k": 1}}).encode()
    parsed = protocol.parse_request(body, "json", _plan(DataType.string))
    assert (parsed.data, parsed.params, parsed.fmt) == ([{"a": 1}, "x"], {"k": 1}, "inputs")


@pytest.mark.parametrize("body", [{"dataframe_split": {"data": [["a"]]}}, {"instances": ["a"]}, {"foo": 1}])
def test_other_format_keys_are_refused_naming_inputs(body: object) -> None:
    with pytest.raises(SignatureError, match='"inputs" key'):
        protocol.parse_request(json.dumps(body).encode(), "json", _plan(DataType.string))


def test_csv_is_read_with_the_hint_dtype_by_position() -> None:
    parsed = protocol.parse_request(b"n\n1\n2\n", "csv", _plan(DataType.string))
    assert parsed.data["n"].tolist() == ["1", "2"]


def test_csv_cannot_carry_nested_values() -> None:
    with pytest.raises(InvalidInputError, match="send JSON"):
        protocol.parse_request(b"a\nx\n", "csv", _plan(Map(DataType.string)))
