"""Lazy imports of a model's code_paths modules inside load_context, predict and predict_stream.

MLflow's custom-model examples import code_paths modules inside ``predict``. servebook keeps a
model's ``code/`` importable only during the model's own calls, so between calls neither sys.path
nor sys.modules holds it and two models shipping same-named modules stay apart.
"""

from __future__ import annotations

import os
import sys
import textwrap
import threading
import time
import types
from pathlib import Path

import pytest

import servebook as sb

SHARED = """\
VALUE = {value!r}


def describe(item):
    return f"{{VALUE}}:{{item}}"
"""


class LazyPredict(sb.PythonModel):
    def predict(self, context, model_input, params=None):
        from lazy_shared import describe

        if model_input == "missing":
            import lazy_missing  # noqa: F401
        return describe(model_input)


class LazyLoadContext(sb.PythonModel):
    def load_context(self, context):
        import lazy_shared

        self.loaded_value = lazy_shared.VALUE

    def predict(self, context, model_input, params=None):
        from lazy_shared import describe

        return f"{self.loaded_value}|{describe(model_input)}"


class LazyPackage(sb.PythonModel):
    def predict(self, context, model_input, params=None):
        from lazy_pkg.sub import where

        return where()


class SlowLazy(sb.PythonModel):
    """Imports before and after a sleep: another model's scope must not become active in between."""

    def predict(self, context, model_input, params=None):
        from lazy_shared import VALUE as before

        time.sleep(0.002)
        from lazy_shared import VALUE as after

        return f"{before}/{after}:{model_input}"


class WaitsForOthers(sb.PythonModel):
    """Every call waits at the barrier it gets: passes only if all callers are inside predict at once."""

    def predict(self, context, model_input, params=None):
        barrier, item = model_input
        from lazy_shared import describe

        barrier.wait(timeout=20)
        from lazy_shared import VALUE

        return describe(item), VALUE


class Outer(sb.PythonModel):
    """Loads a second model in load_context and calls it from predict (scopes nest in one thread)."""

    def load_context(self, context):
        self.inner = sb.load_model(context.model_config["inner"])
        from lazy_shared import VALUE

        self.loaded_value = VALUE

    def predict(self, context, model_input, params=None):
        inner = self.inner.predict(model_input)
        from lazy_shared import describe

        return describe(inner), self.loaded_value


class LazyStream(sb.PythonModel):
    def predict(self, context, model_input, params=None):
        return list(self.predict_stream(context, model_input))

    def predict_stream(self, context, model_input, params=None):
        items = model_input["items"] if isinstance(model_input, dict) else model_input
        for item in items:
            from lazy_shared import describe

            yield describe(item)


def _save(tmp_path: Path, tag: str, model, value: str, **kwargs) -> Path:
    """Save ``model`` with the code_paths module ``lazy_shared`` (its VALUE is ``value``)."""
    source = tmp_path / tag / "src" / "lazy_shared.py"
    source.parent.mkdir(parents=True)
    source.write_text(SHARED.format(value=value))
    target = tmp_path / tag / "model"
    sb.save_model(target, python_model=model, code_paths=[source], by_value=True, **kwargs)
    return target


def _assert_no_trace(model_dir: Path) -> None:
    code = str(model_dir / "code")
    assert not [entry for entry in sys.path if str(entry).startswith(code)]
    leaked = [
        name
        for name, module in list(sys.modules.items())
        if str(getattr(module, "__file__", None) or "").startswith(code + os.sep)
    ]
    assert not leaked
    assert "lazy_shared" not in sys.modules


@pytest.fixture
def clean_state():
    path, modules = list(sys.path), set(sys.modules)
    yield
    assert sys.path == path
    assert not {name for name in set(sys.modules) - modules if name.startswith("lazy_")}


def test_lazy_imports_in_predict_and_load_context(tmp_path, clean_state):
    first = _save(tmp_path, "a", LazyPredict(), "first")
    second = _save(tmp_path, "b", LazyLoadContext(), "second")
    path_before = list(sys.path)
    a = sb.load_model(first)
    _assert_no_trace(first)
    assert a._impl.code.modules == {}  # nothing imported yet: predict imports lazily
    assert a.predict(1) == "first:1"
    _assert_no_trace(first)
    assert set(a._impl.code.modules) == {"lazy_shared"}
    assert a.predict(2) == "first:2"  # the second call finds the module in the scope
    b = sb.load_model(second)
    assert b.predict(3) == "second|second:3"
    _assert_no_trace(second)
    assert sys.path == path_before


def test_failed_lazy_import_leaves_nothing_behind(tmp_path, clean_state):
    model_dir = _save(tmp_path, "a", LazyPredict(), "first")
    model = sb.load_model(model_dir)
    with pytest.raises(ModuleNotFoundError, match="lazy_missing"):
        model.predict("missing")
    _assert_no_trace(model_dir)
    assert model.predict("ok") == "first:ok"


def test_two_models_with_the_same_lazy_module_alternate(tmp_path, clean_state):
    a = sb.load_model(_save(tmp_path, "a", LazyPredict(), "first"))
    b = sb.load_model(_save(tmp_path, "b", LazyLoadContext(), "second"))
    for item in range(5):
        assert a.predict(item) == f"first:{item}"
        assert b.predict(item) == f"second|second:{item}"
    assert a._impl.code.modules["lazy_shared"] is not b._impl.code.modules["lazy_shared"]
    assert "lazy_shared" not in sys.modules


def test_users_own_modules_of_the_same_names_come_back(tmp_path, clean_state, monkeypatch):
    mine = tmp_path / "mine"
    (mine / "lazy_pkg").mkdir(parents=True)
    (mine / "lazy_shared.py").write_text(SHARED.format(value="mine"))
    (mine / "lazy_pkg" / "__init__.py").write_text("")
    (mine / "lazy_pkg" / "sub.py").write_text("def where():\n    return 'mine'\n")
    package = tmp_path / "model_src" / "lazy_pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub.py").write_text("def where():\n    return 'model'\n")
    sb.save_model(tmp_path / "pkg_model", python_model=LazyPackage(), code_paths=[package], by_value=True)
    shared = sb.load_model(_save(tmp_path, "a", LazyPredict(), "model"))
    packaged = sb.load_model(tmp_path / "pkg_model")

    monkeypatch.syspath_prepend(str(mine))
    import lazy_pkg.sub
    import lazy_shared

    try:
        users = (lazy_shared, lazy_pkg, lazy_pkg.sub)
        for _ in range(2):
            assert shared.predict(1) == "model:1"
            assert packaged.predict(None) == "model"
            assert (sys.modules["lazy_shared"], sys.modules["lazy_pkg"], sys.modules["lazy_pkg.sub"]) == users
        assert lazy_pkg.sub.where() == "mine" and lazy_shared.VALUE == "mine"
        assert packaged._impl.code.modules["lazy_pkg.sub"] is not lazy_pkg.sub
    finally:
        for name in ("lazy_shared", "lazy_pkg", "lazy_pkg.sub"):
            sys.modules.pop(name, None)


def test_threads_share_one_models_scope(tmp_path, clean_state):
    model_dir = _save(tmp_path, "a", WaitsForOthers(), "first")
    model = sb.load_model(model_dir)
    barrier = threading.Barrier(4)
    results: dict[int, object] = {}

    def call(item: int) -> None:
        results[item] = model.predict((barrier, item))

    threads = [threading.Thread(target=call, args=(item,)) for item in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # all four waited at the barrier inside predict together: one model never blocks its own calls
    assert results == {item: (f"first:{item}", "first") for item in range(4)}
    _assert_no_trace(model_dir)


def test_threads_alternating_two_models(tmp_path, clean_state):
    a = sb.load_model(_save(tmp_path, "a", SlowLazy(), "first"))
    b = sb.load_model(_save(tmp_path, "b", LazyLoadContext(), "second"))
    c = sb.load_model(_save(tmp_path, "c", SlowLazy(), "third"))
    expected = {a: "first/first:{}", b: "second|second:{}", c: "third/third:{}"}
    errors: list[str] = []

    def work(offset: int) -> None:
        for item in range(15):
            model = (a, b, c)[(item + offset) % 3]
            got = model.predict(item)
            if got != expected[model].format(item):
                errors.append(f"{got!r} for item {item}")

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert "lazy_shared" not in sys.modules


def test_a_model_that_loads_and_calls_another_model(tmp_path, clean_state):
    inner = _save(tmp_path, "inner", LazyPredict(), "inner")
    outer = _save(tmp_path, "outer", Outer(), "outer", model_config={"inner": str(inner)})
    model = sb.load_model(outer)
    assert model.predict(7) == ("outer:inner:7", "outer")
    assert model.predict(8) == ("outer:inner:8", "outer")
    _assert_no_trace(inner)
    _assert_no_trace(outer)


def test_lazy_import_inside_predict_stream(tmp_path, clean_state):
    model_dir = _save(tmp_path, "a", LazyStream(), "first")
    model = sb.load_model(model_dir)
    stream = model.predict_stream({"items": [1, 2, 3]})  # one request: a dict stays a dict
    assert isinstance(stream, types.GeneratorType)
    assert next(stream) == "first:1"
    _assert_no_trace(model_dir)  # between items the model's code is gone again
    assert list(stream) == ["first:2", "first:3"]
    partial = model.predict_stream({"items": [4, 5]})
    assert next(partial) == "first:4"
    partial.close()
    _assert_no_trace(model_dir)
    assert model.predict([6]) == ["first:6"]


@pytest.mark.integration
def test_mlflow_example_pattern_in_fresh_interpreters(tmp_path, fresh_python):
    """Saved from a notebook-like __main__, loaded and predicted in a fresh interpreter."""
    fresh_python(
        """
        import pathlib
        import servebook as sb

        src = pathlib.Path("src")
        src.mkdir()
        (src / "custom_code.py").write_text("iris_classes = ['setosa', 'versicolor', 'virginica']\\n")


        class IrisClasses(sb.PythonModel):
            def load_context(self, context):
                from custom_code import iris_classes

                self.count = len(iris_classes)

            def predict(self, context, model_input, params=None):
                from custom_code import iris_classes

                return [iris_classes[int(i) % self.count] for i in model_input]


        sb.save_model("model", python_model=IrisClasses(), code_paths=["src/custom_code.py"])
        """,
        cwd=tmp_path,
    )
    out = fresh_python(
        textwrap.dedent(
            """
            import sys
            import servebook as sb

            path = list(sys.path)
            model = sb.load_model("model")
            assert "custom_code" not in sys.modules and sys.path == path
            print(model.predict([0, 1, 2, 4]))
            assert "custom_code" not in sys.modules and sys.path == path
            print(model.predict([2]))
            """
        ),
        cwd=tmp_path,
    )
    assert out.splitlines() == ["['setosa', 'versicolor', 'virginica', 'versicolor']", "['virginica']"]
