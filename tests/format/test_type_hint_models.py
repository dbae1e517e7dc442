"""Type-hinted PythonModels in servebook alone: wrapping at class creation, saving, pickling, loading."""

from __future__ import annotations

import logging
import pickletools
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

import servebook as sb
from servebook.errors import ServebookError, SignatureError
from servebook.models import ColSpec, ModelSignature, Schema, TypeFromExample
from tests.conftest import run_python


class Upper(sb.PythonModel):
    def predict(self, model_input: list[str], params: dict[str, Any] | None = None) -> list[str]:
        return [text.upper() + (params or {}).get("suffix", "") for text in model_input]


class Plain(sb.PythonModel):
    def predict(self, context, model_input):  # type: ignore[no-untyped-def]  # no hints: no validation
        return model_input


class Echo(sb.PythonModel):
    def predict(self, model_input: TypeFromExample) -> Any:  # type: ignore[valid-type]
        return model_input


def _mlmodel(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((path / "MLmodel").read_text())
    return data


def test_hinted_predict_validates_every_call_and_plain_predict_is_untouched() -> None:
    assert Upper().predict(["a"]) == ["A"]
    with pytest.raises(SignatureError, match=r"0: 'Expected type str, but got int'"):
        Upper().predict([1])
    assert getattr(Upper.predict, "_is_pyfunc", False) is True
    assert not hasattr(Plain.predict, "_is_pyfunc")
    assert Upper().predict_type_hints.input == list[str]


def test_malformed_hint_is_refused_when_the_class_is_created() -> None:
    with pytest.raises(SignatureError, match="no element type"):

        class Bare(sb.PythonModel):
            def predict(self, model_input: list) -> list:  # type: ignore[type-arg]
                return model_input


def test_unsupported_hint_warns_and_turns_validation_off() -> None:
    with pytest.warns(UserWarning, match="not supported for schema validation"):

        class Loose(sb.PythonModel):
            def predict(self, model_input: dict[str, int]) -> Any:
                return model_input

    assert Loose().predict({"a": "not an int"}) == {"a": "not an int"}


def test_function_models_are_wrapped_too(tmp_path: Path) -> None:
    def shout(model_input: list[str]) -> list[str]:
        return [text + "!" for text in model_input]

    sb.save_model(tmp_path / "m", by_value=True, python_model=shout, input_example=["a"])
    model = sb.load_model(tmp_path / "m")
    assert model.predict(["x"]) == ["x!"]
    with pytest.raises(SignatureError):
        model.predict([3])
    assert _mlmodel(tmp_path / "m")["is_signature_from_type_hint"] is True


def test_signature_from_hints_with_params_from_the_example(tmp_path: Path) -> None:
    sb.save_model(tmp_path / "m", by_value=True, python_model=Upper(), input_example=(["a"], {"suffix": "?"}))
    mlmodel = _mlmodel(tmp_path / "m")
    assert (mlmodel["is_signature_from_type_hint"], mlmodel["type_hint_from_example"]) == (True, False)
    assert mlmodel["signature"]["inputs"] == '[{"type": "string", "required": true}]'
    assert mlmodel["signature"]["outputs"] == '[{"type": "string", "required": true}]'
    model = sb.load_model(tmp_path / "m")
    assert model.predict(["b"]) == ["B?"]  # the params default
    assert model.predict(pd.DataFrame({"n": [1], "s": ["c"]}), params={"suffix": "!"}) == ["C!"]
    with pytest.raises(SignatureError):
        model.predict(["b"], params={"suffix": 1})


def test_hint_wins_over_a_given_signature_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    given = ModelSignature(Schema([ColSpec("double", "x")]))
    with caplog.at_level(logging.WARNING, logger="servebook.save"):
        sb.save_model(
            tmp_path / "m", by_value=True, python_model=Upper(), signature=given, input_example=["a"]
        )
    assert "type hints win" in caplog.text
    assert _mlmodel(tmp_path / "m")["signature"]["inputs"] == '[{"type": "string", "required": true}]'


def test_output_hint_that_the_model_breaks_becomes_any(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    class Liar(sb.PythonModel):
        def predict(self, model_input: list[str]) -> list[int]:
            return list(model_input)

    with caplog.at_level(logging.WARNING, logger="servebook.save"):
        sb.save_model(tmp_path / "m", by_value=True, python_model=Liar(), input_example=["a"])
    assert "return type hint" in caplog.text
    assert _mlmodel(tmp_path / "m")["signature"]["outputs"] == '[{"type": "any", "required": true}]'


def test_type_from_example(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    sb.save_model(tmp_path / "frame", by_value=True, python_model=Echo(), input_example=frame)
    mlmodel = _mlmodel(tmp_path / "frame")
    assert (mlmodel["is_signature_from_type_hint"], mlmodel["type_hint_from_example"]) == (False, True)
    with caplog.at_level(logging.WARNING, logger="servebook.save"):
        sb.save_model(tmp_path / "none", by_value=True, python_model=Echo())
        sb.save_model(tmp_path / "dict", by_value=True, python_model=Echo(), input_example={"a": 1})
    assert "input example must be given" in caplog.text and "got dict" in caplog.text
    assert "signature" not in _mlmodel(tmp_path / "none")
    assert _mlmodel(tmp_path / "dict")["type_hint_from_example"] is False
    # loading last: cloudpickle gives a class loaded in the process that defined it the loaded methods
    sb.save_model(tmp_path / "list", by_value=True, python_model=Echo(), input_example=["p", "q"])
    assert sb.load_model(tmp_path / "list").predict(["r"]) == ["r"]  # back to a list, as the example


def test_servebook_pickle_names_mlflow_not_servebook(tmp_path: Path) -> None:
    sb.save_model(tmp_path / "m", by_value=True, python_model=Upper())
    strings = [
        arg
        for op, arg, _ in pickletools.genops((tmp_path / "m" / "python_model.pkl").read_bytes())
        if isinstance(arg, str)
    ]
    assert not [text for text in strings if "servebook" in text]
    assert "mlflow.pyfunc.utils.data_validation" in strings and "_wrap_predict_with_pyfunc" in strings


def test_loading_a_hinted_model_needs_no_pydantic(tmp_path: Path) -> None:
    sb.save_model(tmp_path / "m", by_value=True, python_model=Upper(), input_example=["a"])
    out = run_python(
        "import sys, servebook\n"
        f"model = servebook.load_model({str(tmp_path / 'm')!r})\n"
        "print(model.predict(['x']), 'pydantic' in sys.modules)\n",
        cwd=tmp_path,
    )
    assert out.strip() == "['X'] False"


def test_refusals_are_servebook_errors_with_400_codes(tmp_path: Path) -> None:
    sb.save_model(tmp_path / "m", by_value=True, python_model=Upper())
    with pytest.raises(ServebookError) as info:
        sb.load_model(tmp_path / "m").predict("not a list")
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"
