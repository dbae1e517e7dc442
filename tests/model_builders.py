"""Model directories written file by file, shaped like MLflow 3.17.2's custom-PythonModel output.

The inspector, server-extension and model-card tests (and ``benchmarks/bench_inspect.py``) need
model directories whose every file they control, without running ``save_model``: the inspector
only reads files, so the pickle's content never matters to it. :func:`write_pyfunc_model` writes
one; the MLmodel is laid out as MLflow writes it (keys sorted, signature fields as JSON strings).

Tests import it by bare name (``from model_builders import ...``): pytest puts ``tests/`` on
``sys.path`` when it imports ``tests/conftest.py``. The benchmark adds ``tests/`` itself.
"""

from __future__ import annotations

import json
import pickle
import platform
from pathlib import Path
from typing import Any

MLFLOW_VERSION = "3.17.2"
LABEL_OUTPUT = [{"type": "long", "name": "label", "required": True}]


def column(name: str, type_: str, *, required: bool = True, **extra: Any) -> dict[str, Any]:
    """One column of a signature, as MLflow spells it in MLmodel (``items`` etc. via ``extra``)."""
    return {"type": type_, **extra, "name": name, "required": required}


def param(name: str, type_: str, default: Any) -> dict[str, Any]:
    """One scalar param of a signature's params schema."""
    return {"name": name, "default": default, "shape": None, "type": type_}


def write_pyfunc_model(
    path: Path,
    *,
    inputs: list[dict[str, Any]],
    outputs: list[dict[str, Any]] = LABEL_OUTPUT,
    params: list[dict[str, Any]] | None = None,
    example: dict[str, Any] | None = None,
    artifacts: dict[str, str] | None = None,
    code: dict[str, str] | None = None,
    pickled: Any = None,
    requirements: str | None = None,
    conda: str = "channels: [conda-forge]\ndependencies: [python=3.11, {pip: [numpy]}]\n",
    python_env: str | None = None,
    loader: str = "mlflow.pyfunc.model",
    cloudpickle_version: str | None = None,
    python_version: str | None = None,
    mlmodel: dict[str, Any] | None = None,
) -> Path:
    """Write a model directory at ``path`` (created) and return it.

    Args:
        inputs, outputs, params: the signature (see :func:`column` and :func:`param`).
        example: the ``dataframe_split`` payload written as input_example.json and, wrapped,
            serving_input_example.json.
        artifacts: artifact file name -> content, under ``artifacts/`` (artifact name: the stem).
        code: file name -> source, under ``code/``.
        pickled: the object in python_model.pkl (inert by default; a ``__reduce__`` trap works too).
        requirements: requirements.txt (default: MLflow and the installed cloudpickle pinned).
        conda, python_env: conda.yaml and python_env.yaml (default python_env: this Python).
        loader: the python_function flavor's ``loader_module``.
        cloudpickle_version, python_version: recorded in the flavor (default: this environment's).
        mlmodel: more top-level MLmodel keys (``model_uuid``, ``artifact_path`` ...).
    """
    import cloudpickle
    import yaml

    python_version = python_version or platform.python_version()
    cloudpickle_version = cloudpickle_version or cloudpickle.__version__
    path.mkdir(parents=True)
    flavor: dict[str, Any] = {
        "cloudpickle_version": cloudpickle_version,
        "env": {"conda": "conda.yaml", "virtualenv": "python_env.yaml"},
        "loader_module": loader,
        "python_model": "python_model.pkl",
        "python_version": python_version,
        "streamable": False,
    }
    if artifacts:
        (path / "artifacts").mkdir()
        flavor["artifacts"] = {}
        for filename, content in artifacts.items():
            (path / "artifacts" / filename).write_text(content)
            flavor["artifacts"][Path(filename).stem] = {"path": f"artifacts/{filename}", "uri": filename}
    if code:
        (path / "code").mkdir()
        flavor["code"] = "code"
        for filename, source in code.items():
            (path / "code" / filename).write_text(source)
    document: dict[str, Any] = {
        "flavors": {"python_function": flavor},
        "mlflow_version": MLFLOW_VERSION,
        "model_uuid": "39f414066abe43618325138f5cdbd335",
        "signature": {
            "inputs": json.dumps(inputs),
            "outputs": json.dumps(outputs),
            "params": json.dumps(params) if params is not None else None,
        },
        "utc_time_created": "2026-11-22 22:21:14.666149",
        **(mlmodel or {}),
    }
    if example is not None:
        document["saved_input_example_info"] = {
            "artifact_path": "input_example.json",
            "pandas_orient": "split",
            "serving_input_path": "serving_input_example.json",
            "type": "dataframe",
        }
        (path / "input_example.json").write_text(json.dumps(example))
        (path / "serving_input_example.json").write_text(json.dumps({"dataframe_split": example}, indent=2))
    (path / "MLmodel").write_text(yaml.safe_dump(document, sort_keys=True))
    (path / "python_model.pkl").write_bytes(
        pickle.dumps({"inert": True} if pickled is None else pickled, protocol=5)
    )
    (path / "requirements.txt").write_text(
        requirements
        if requirements is not None
        else f"mlflow=={MLFLOW_VERSION}\ncloudpickle=={cloudpickle.__version__}"
    )
    (path / "conda.yaml").write_text(conda)
    (path / "python_env.yaml").write_text(
        python_env
        if python_env is not None
        else f"python: {python_version}\ndependencies: [-r requirements.txt]\n"
    )
    return path
