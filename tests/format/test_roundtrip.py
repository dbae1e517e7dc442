"""Save in one interpreter, load in a fresh one and inside a real Jupyter kernel."""

from __future__ import annotations

import json
import sys
import textwrap

import pytest

from tests.conftest import run_script

pytestmark = pytest.mark.integration

SAVE = textwrap.dedent(
    """
    import json, pathlib, sys
    import pandas as pd
    import servebook as sb

    work = pathlib.Path(sys.argv[1])
    (work / "lib").mkdir()
    (work / "lib" / "unit_helpers.py").write_text("def offset():\\n    return 100.0\\n")
    (work / "table.json").write_text(json.dumps({"k": 4.0}))
    sys.path.insert(0, str(work / "lib"))
    import unit_helpers

    class Notebook(sb.PythonModel):
        def load_context(self, context):
            self.k = json.loads(pathlib.Path(context.artifacts["table"]).read_text())["k"]
        def predict(self, context, model_input, params=None):
            return (model_input["x"] * self.k + unit_helpers.offset()).tolist()

    frame = pd.DataFrame({"x": [1.0, 2.0, 3.5]})
    model = Notebook()
    sb.save_model(work / "model", python_model=model, artifacts={"table": str(work / "table.json")},
                  code_paths=[str(work / "lib" / "unit_helpers.py")], input_example=frame)
    print(json.dumps(sb.load_model(work / "model").predict(frame)))
    """
)

LOAD = textwrap.dedent(
    """
    import json, sys
    import servebook as sb
    model = sb.load_model(sys.argv[1])
    assert "unit_helpers" not in sys.modules
    print(json.dumps(model.predict(model.input_example)))
    """
)


def test_save_in_one_interpreter_load_in_a_fresh_one(tmp_path):
    (tmp_path / "save.py").write_text(SAVE)
    (tmp_path / "load.py").write_text(LOAD)
    saved = json.loads(run_script(tmp_path / "save.py", str(tmp_path), cwd=tmp_path, timeout=60))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    loaded = json.loads(run_script(tmp_path / "load.py", str(tmp_path / "model"), cwd=elsewhere, timeout=60))
    assert saved == loaded == [104.0, 108.0, 114.0]


def _run_in_kernel(code: str, timeout: float = 60) -> str:
    """Execute ``code`` in a real ipykernel; return its stdout; raise with the traceback on error."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", startup_timeout=60)
    try:
        msg_id = client.execute(code)
        out: list[str] = []
        while True:
            msg = client.get_iopub_msg(timeout=timeout)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out.append(content["text"])
            elif kind == "error":
                pytest.fail("kernel error:\n" + "\n".join(content["traceback"]))
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(out)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_class_defined_in_a_kernel_saves_and_reloads(tmp_path):
    (tmp_path / "save.py").write_text(SAVE)
    run_script(tmp_path / "save.py", str(tmp_path), cwd=tmp_path, timeout=60)
    code = textwrap.dedent(
        f"""
        import json, sys
        import servebook as sb

        class KernelModel(sb.PythonModel):
            def predict(self, context, model_input, params=None):
                return [v * 10 for v in model_input]

        sb.save_model({str(tmp_path / "kernel_model")!r}, python_model=KernelModel())
        other = sb.load_model({str(tmp_path / "model")!r})
        print(json.dumps(other.predict(other.input_example)))
        """
    )
    output = _run_in_kernel(code)
    assert json.loads(output) == [104.0, 108.0, 114.0]
    (tmp_path / "load_kernel_model.py").write_text(
        "import json, sys\nimport servebook as sb\n"
        "print(json.dumps(sb.load_model(sys.argv[1]).predict([1, 2])))\n"
    )
    out = run_script(
        tmp_path / "load_kernel_model.py", str(tmp_path / "kernel_model"), cwd=tmp_path, python=sys.executable
    )
    assert json.loads(out) == [10, 20]
