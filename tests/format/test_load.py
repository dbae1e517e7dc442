"""load_model: predict wiring, scoped code import, version warnings, URIs and loader errors."""

from __future__ import annotations

import importlib
import sys

import pandas as pd
import pytest
import yaml
from sample_models import Doubler, Echo, NoContext

import servebook as sb
from servebook.errors import LoadError, ModelFormatError, SignatureError
from servebook.format.flavors.python_function import ModelEnvironmentWarning
from servebook.signature import ColSpec, ModelSignature, ParamSchema, ParamSpec, Schema

FRAME = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})


def _edit_mlmodel(model_dir, edit):
    path = model_dir / "MLmodel"
    data = yaml.safe_load(path.read_text())
    edit(data)
    path.write_text(yaml.safe_dump(data))


def test_predict_enforces_signature_and_params(tmp_path, weights):
    signature = ModelSignature(
        Schema([ColSpec("double", "a"), ColSpec("double", "b")]),
        params=ParamSchema([ParamSpec("scale", "double", 1.0)]),
    )
    sb.save_model(
        tmp_path / "m",
        python_model=Doubler(),
        artifacts={"weights": weights},
        signature=signature,
        by_value=True,
    )
    model = sb.pyfunc.load_model(tmp_path / "m")
    assert model.predict(FRAME).tolist() == [10.0, 15.0]
    assert model.predict(FRAME.assign(extra=1), params={"scale": 2}).tolist() == [20.0, 30.0]
    assert model.predict({"a": [1.0], "b": [3.0]}).tolist() == [10.0]  # a dict of columns works too
    with pytest.raises(SignatureError, match="b"):
        model.predict(FRAME[["a"]])
    with pytest.raises(SignatureError, match="scale"):
        model.predict(FRAME, params={"scale": "big"})
    assert isinstance(model.unwrap_python_model(), Doubler)
    assert model.loader_module == "mlflow.pyfunc.model"
    assert model.metadata.signature == signature


def test_context_less_predict_config_and_params_passing(tmp_path):
    sb.save_model(tmp_path / "n", python_model=NoContext(), by_value=True)
    assert sb.load_model(tmp_path / "n").predict(2) == 6
    sb.save_model(tmp_path / "e", python_model=Echo(), model_config={"a": 1, "b": 2}, by_value=True)
    loaded = sb.load_model(f"file://{tmp_path / 'e'}", model_config={"b": 3})
    assert loaded.model_config == {"a": 1, "b": 3}
    assert loaded.predict("x") == {"input": "x", "params": None, "config": {"a": 1, "b": 3}}


def test_input_example_round_trip(tmp_path, weights):
    sb.save_model(
        tmp_path / "m",
        python_model=Doubler(),
        artifacts={"weights": weights},
        input_example=FRAME,
        by_value=True,
    )
    model = sb.load_model(tmp_path / "m")
    pd.testing.assert_frame_equal(model.input_example, FRAME)


def _class_model_in(tmp_path, write_module, monkeypatch, tag, value):
    """Save a model whose class lives in code_paths module `twin_mod`, returning `value`."""
    source = write_module(
        f"{tag}/twin_mod.py",
        f"""
        VALUE = {value!r}

        class TwinModel:
            def predict(self, context, model_input):
                return VALUE
    """,
    )
    monkeypatch.syspath_prepend(str(source.parent))
    sys.modules.pop("twin_mod", None)
    module = importlib.import_module("twin_mod")
    sb.save_model(tmp_path / f"model_{tag}", python_model=module.TwinModel(), code_paths=[source])
    sys.modules.pop("twin_mod")
    sys.path.remove(str(source.parent))
    return tmp_path / f"model_{tag}"


def test_two_models_with_same_named_modules_load_side_by_side(tmp_path, write_module, monkeypatch):
    first = _class_model_in(tmp_path, write_module, monkeypatch, "one", "first")
    second = _class_model_in(tmp_path, write_module, monkeypatch, "two", "second")
    path_before, modules_before = list(sys.path), set(sys.modules)
    a = sb.load_model(first)
    b = sb.load_model(second)
    assert (a.predict(None), b.predict(None)) == ("first", "second")
    assert sys.path == path_before
    assert "twin_mod" not in sys.modules
    assert set(a._impl.code.modules) == {"twin_mod"}
    assert a._impl.code.modules["twin_mod"] is not b._impl.code.modules["twin_mod"]
    assert not {name for name in set(sys.modules) - modules_before if "twin" in name}


def test_loading_does_not_evict_the_users_module(tmp_path, write_module, monkeypatch):
    model_dir = _class_model_in(tmp_path, write_module, monkeypatch, "model", "from-model")
    mine = write_module("mine/twin_mod.py", "VALUE = 'mine'\n")
    monkeypatch.syspath_prepend(str(mine.parent))
    user_module = importlib.import_module("twin_mod")
    try:
        assert sb.load_model(model_dir).predict(None) == "from-model"
        assert sys.modules["twin_mod"] is user_module
    finally:
        sys.modules.pop("twin_mod", None)


def test_version_mismatch_gives_one_warning(tmp_path):
    sb.save_model(tmp_path / "m", python_model=NoContext(), by_value=True)

    def age(data):
        data["flavors"]["python_function"].update(python_version="3.8.10", cloudpickle_version="2.0.0")

    _edit_mlmodel(tmp_path / "m", age)
    with pytest.warns(ModelEnvironmentWarning) as record:
        model = sb.load_model(tmp_path / "m")
    assert len(record) == 1
    message = str(record[0].message)
    assert "Python 3.8.10" in message and "cloudpickle 2.0.0" in message
    assert model.predict(1) == 3
    sb.load_model(tmp_path / "m", suppress_warnings=True)  # silent (warnings are errors in pytest)


def test_unknown_loader_module_names_the_package(tmp_path):
    sb.save_model(tmp_path / "m", python_model=NoContext(), by_value=True)
    _edit_mlmodel(
        tmp_path / "m", lambda d: d["flavors"]["python_function"].update(loader_module="mlflow.xgboost")
    )
    with pytest.raises(LoadError, match="pip install mlflow xgboost"):
        sb.load_model(tmp_path / "m")
    _edit_mlmodel(
        tmp_path / "m", lambda d: d["flavors"]["python_function"].update(loader_module="acme_loader")
    )
    with pytest.raises(LoadError, match="pip install acme_loader"):
        sb.load_model(tmp_path / "m")


def test_paths_escaping_the_model_dir_are_refused(tmp_path, weights):
    sb.save_model(tmp_path / "m", python_model=Doubler(), artifacts={"weights": weights}, by_value=True)
    _edit_mlmodel(
        tmp_path / "m",
        lambda d: d["flavors"]["python_function"]["artifacts"]["weights"].update(path="../../etc/passwd"),
    )
    with pytest.raises(LoadError, match="outside the model directory"):
        sb.load_model(tmp_path / "m")


def test_bad_uris_and_missing_models(tmp_path):
    with pytest.raises(LoadError, match="No model directory"):
        sb.load_model(tmp_path / "absent")
    with pytest.raises(LoadError, match="s3://"):
        sb.load_model("s3://bucket/model")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelFormatError, match="No MLmodel"):
        sb.load_model(tmp_path / "empty")


def test_missing_module_at_load_time_says_what_to_do(tmp_path, write_module, monkeypatch):
    model_dir = _class_model_in(tmp_path, write_module, monkeypatch, "gone", "x")
    import shutil

    shutil.rmtree(model_dir / "code")
    _edit_mlmodel(model_dir, lambda d: d["flavors"]["python_function"].update(code=None))
    with pytest.raises(LoadError, match="requirements.txt.*code_paths"):
        sb.load_model(model_dir)


def test_pickles_naming_the_flat_layout_of_servebook_0_1_load() -> None:
    """A model holding servebook objects pickles them by module path; 0.1.0's flat paths still resolve."""
    import pickle

    from servebook.format import pickling
    from servebook.format.python_model import PythonModelContext
    from servebook.signature import DataType

    schema = Schema([ColSpec(DataType.double, "x")])
    data = pickle.dumps((schema, PythonModelContext({"w": "/w"}, {"k": 1})), protocol=2)
    for new, old in (
        (b"servebook.signature.schema", b"servebook.schema"),
        (b"servebook.signature.types", b"servebook.data_types"),
        (b"servebook.format.python_model", b"servebook.python_model"),
    ):
        assert new + b"\n" in data
        data = data.replace(new + b"\n", old + b"\n")
    assert b"servebook.signature" not in data and b"servebook.format" not in data
    loaded_schema, context = pickling.loads(data)
    assert loaded_schema == schema
    assert (context.artifacts, context.model_config) == ({"w": "/w"}, {"k": 1})


def test_moved_module_table_names_only_modules_that_moved() -> None:
    from servebook.format import pickling

    def exists(name: str) -> bool:
        try:
            return importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:  # its parent package is gone too
            return False

    for old, new in pickling.MOVED_MODULES.items():
        assert not exists(old), f"{old} still exists: it is not a moved module"
        assert importlib.import_module(new).__name__ == new
