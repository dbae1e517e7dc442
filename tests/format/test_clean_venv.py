"""The saved requirements.txt alone is enough: a fresh virtualenv built from it loads the model.

One virtualenv, built with ``python -m venv`` and ``pip install -r requirements.txt`` (pip uses its
configured indexes and caches). servebook is put on the path from the source tree (it is not on the
package index and its own dependencies must come from requirements.txt); stock MLflow, installed
because requirements.txt names it, loads the same model without servebook.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from format_helpers import KERNEL_HELPERS

from tests.conftest import run_script

pytestmark = pytest.mark.integration

SAVE = textwrap.dedent(
    """
    import json, pathlib, sys
    import orjson          # not a dependency of mlflow: requirement inference must find it
    import pandas as pd
    import servebook as sb

    class JsonScorer(sb.PythonModel):
        def predict(self, context, model_input, params=None):
            rows = orjson.loads(orjson.dumps(model_input.to_dict(orient="records")))
            return pd.Series([r["a"] * 2 + r["b"] for r in rows], name="y")

    work = pathlib.Path(sys.argv[1])
    frame = pd.DataFrame({"a": [1.0, 2.5], "b": [0.5, -1.0]})
    sb.save_model(work / "model", python_model=JsonScorer(), input_example=frame)
    print(json.dumps(sb.load_model(work / "model").predict(frame).tolist()))
    """
)

LOAD = textwrap.dedent(
    """
    import json, sys
    if sys.argv[2] == "servebook":
        import servebook as loader
    else:
        import mlflow.pyfunc as loader
    model = loader.load_model(sys.argv[1])
    print(json.dumps(model.predict(model.input_example).tolist()))
    """
)


@pytest.mark.timeout(400)
def test_virtualenv_from_requirements_txt_loads_the_model(tmp_path):
    (tmp_path / "save.py").write_text(SAVE)
    (tmp_path / "load.py").write_text(LOAD)
    expected = json.loads(run_script(tmp_path / "save.py", str(tmp_path), cwd=tmp_path, timeout=60))
    requirements = (tmp_path / "model" / "requirements.txt").read_text().split("\n")
    assert requirements[0] == "mlflow==3.17.2"
    assert any(line.startswith("orjson==") for line in requirements)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    pip = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-compile",
            "--only-binary=:all:",
            "-r",
            str(tmp_path / "model" / "requirements.txt"),
        ],
        capture_output=True,
        text=True,
        timeout=360,
        check=False,
    )
    assert pip.returncode == 0, pip.stderr[-3000:]

    with_servebook = run_script(
        tmp_path / "load.py",
        str(tmp_path / "model"),
        "servebook",
        python=python,
        cwd=tmp_path,
        env={"PYTHONPATH": str(KERNEL_HELPERS)},
    )
    with_mlflow = run_script(
        tmp_path / "load.py", str(tmp_path / "model"), "mlflow", python=python, cwd=tmp_path
    )
    assert json.loads(with_servebook) == json.loads(with_mlflow) == expected == [2.5, 4.0]
