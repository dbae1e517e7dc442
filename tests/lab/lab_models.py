"""Model directories for the inspector and server-extension tests, written file by file.

``write_trapped_model`` builds a booby-trapped model: each way a load could run code (the pickle's
``__reduce__``, a ``code/`` module, a custom ``loader_module``, a ``!!python`` YAML tag) would leave a
marker file. Tests assert that inspecting it leaves none.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

MLMODEL_TEMPLATE = """\
flavors:
  python_function:
    artifacts:
      weights:
        path: artifacts/weights.json
        uri: weights.json
    cloudpickle_version: {cloudpickle}
    code: code
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: {loader}
    python_model: python_model.pkl
    python_version: {python}
    streamable: false
mlflow_version: 3.17.2
model_size_bytes: 1234
model_uuid: 39f414066abe43618325138f5cdbd335
saved_input_example_info:
  artifact_path: input_example.json
  pandas_orient: split
  serving_input_path: serving_input_example.json
  type: dataframe
signature:
  inputs: '[{{"type": "double", "name": "x", "required": true}}, {{"type": "array", "items":
    {{"type": "string"}}, "name": "tags", "required": false}}]'
  outputs: '[{{"type": "long", "name": "label", "required": true}}]'
  params: '[{{"name": "threshold", "default": 0.5, "shape": null, "type": "double"}}]'
utc_time_created: '2026-11-22 22:21:14.666149'
"""

EXAMPLE = {"columns": ["x"], "data": [[1.0], [2.0]]}


class _Trap:
    """Unpickling this calls exec() on code that writes a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').write('unpickled')",))


def write_plain_model(
    path: Path, *, loader: str = "mlflow.pyfunc.model", requirements: str | None = None
) -> Path:
    """A model directory shaped like MLflow's custom-PythonModel output (pickle content is inert)."""
    import platform

    import cloudpickle

    path.mkdir(parents=True)
    (path / "artifacts").mkdir()
    (path / "code").mkdir()
    (path / "MLmodel").write_text(
        MLMODEL_TEMPLATE.format(
            cloudpickle=cloudpickle.__version__, loader=loader, python=platform.python_version()
        )
    )
    (path / "python_model.pkl").write_bytes(pickle.dumps({"inert": True}, protocol=5))
    (path / "artifacts" / "weights.json").write_text('{"w": 1}')
    (path / "code" / "helpers.py").write_text("VALUE = 1\n")
    (path / "input_example.json").write_text(json.dumps(EXAMPLE))
    (path / "serving_input_example.json").write_text(json.dumps({"dataframe_split": EXAMPLE}, indent=2))
    (path / "requirements.txt").write_text(
        requirements
        if requirements is not None
        else f"mlflow==3.17.2\ncloudpickle=={cloudpickle.__version__}"
    )
    (path / "conda.yaml").write_text("channels: [conda-forge]\ndependencies: [python=3.11, {pip: [numpy]}]\n")
    (path / "python_env.yaml").write_text(
        f"python: {platform.python_version()}\ndependencies: [-r requirements.txt]\n"
    )
    return path


def write_trapped_model(path: Path, markers: Path) -> Path:
    """A model whose every code path writes a file into ``markers`` if it runs."""
    markers.mkdir(parents=True, exist_ok=True)
    write_plain_model(path, loader="trap_loader")
    (path / "python_model.pkl").write_bytes(pickle.dumps(_Trap(markers / "pickle"), protocol=5))
    (path / "artifacts" / "state.pkl").write_bytes(
        pickle.dumps(_Trap(markers / "artifact_pickle"), protocol=2)
    )
    # a pickle with an innocent name, found by its magic bytes
    (path / "artifacts" / "weights.bin").write_bytes(pickle.dumps(_Trap(markers / "sniffed"), protocol=4))
    for module in ("trap_loader", "helpers", "sitecustomize", "yaml", "json", "packaging"):
        (path / "code" / f"{module}.py").write_text(
            f"open({str(markers / module)!r}, 'w').write('imported')\n"
        )
    # runs if anything imported the model directory as a package
    (path / "__init__.py").write_text(f"open({str(markers / 'package')!r}, 'w').write('imported')\n")
    return path


def write_yaml_tag_model(path: Path, markers: Path) -> Path:
    """An MLmodel that would run os.system if read with an unsafe YAML loader."""
    path.mkdir(parents=True)
    (path / "MLmodel").write_text(
        "flavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n"
        f"trap: !!python/object/apply:os.system ['touch {markers / 'yaml_tag'}']\n"
    )
    return path
