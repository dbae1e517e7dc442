"""Time ``servebook.inspect`` on a typical custom-PythonModel directory (target: < 50 ms).

Prints a table: cold (first call in a fresh interpreter, imports included) and warm (median and p95
over repeated calls) timings, next to MLflow's ``Model.load`` of the same MLmodel when the MLflow
test virtualenv exists (``SERVEBOOK_MLFLOW_PYTHON`` or ``.venv-mlflow/bin/python``).

Run: ``.venv/bin/python benchmarks/bench_inspect.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

MLMODEL = """\
flavors:
  python_function:
    artifacts:
      weights: {{path: artifacts/weights.json, uri: weights.json}}
    cloudpickle_version: 3.1.2
    code: code
    env: {{conda: conda.yaml, virtualenv: python_env.yaml}}
    loader_module: mlflow.pyfunc.model
    python_model: python_model.pkl
    python_version: {python}
    streamable: false
mlflow_version: 3.17.2
model_uuid: 39f414066abe43618325138f5cdbd335
saved_input_example_info:
  artifact_path: input_example.json
  pandas_orient: split
  serving_input_path: serving_input_example.json
  type: dataframe
signature:
  inputs: '{inputs}'
  outputs: '[{{"type": "long", "name": "label", "required": true}}]'
  params: '[{{"name": "threshold", "default": 0.5, "shape": null, "type": "double"}}]'
utc_time_created: '2026-11-22 22:21:14.666149'
"""


def build_model(path: Path) -> Path:
    """Write a typical model: 4 columns, artifacts, a code module, example files, 4 requirements."""
    cols = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    inputs = json.dumps([{"type": "double", "name": c, "required": True} for c in cols])
    (path / "artifacts").mkdir(parents=True)
    (path / "code").mkdir()
    (path / "MLmodel").write_text(MLMODEL.format(python=platform.python_version(), inputs=inputs))
    (path / "python_model.pkl").write_bytes(pickle.dumps({"weights": list(range(200))}, protocol=5))
    (path / "artifacts" / "weights.json").write_text(json.dumps({"w": [0.1] * 50}))
    (path / "code" / "iris_helpers.py").write_text("def f(x):\n    return x\n")
    example = {"columns": cols, "data": [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3]]}
    (path / "input_example.json").write_text(json.dumps(example))
    (path / "serving_input_example.json").write_text(json.dumps({"dataframe_split": example}, indent=2))
    (path / "requirements.txt").write_text("mlflow==3.17.2\ncloudpickle==3.1.2\nnumpy>=1.24\npandas>=2")
    (path / "conda.yaml").write_text("channels: [conda-forge]\ndependencies: [python=3.11, {pip: [numpy]}]\n")
    (path / "python_env.yaml").write_text("python: 3.11.7\ndependencies: [-r requirements.txt]\n")
    return path


def _cold(python: str, code: str, model: Path) -> float:
    out = subprocess.run(
        [python, "-c", code, str(model)], capture_output=True, text=True, timeout=120, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


COLD_SERVEBOOK = (
    "import sys, time; t = time.perf_counter(); import servebook; servebook.inspect(sys.argv[1]); "
    "print((time.perf_counter() - t) * 1000)"
)
COLD_MLFLOW = (
    "import sys, time; t = time.perf_counter(); from mlflow.models import Model; Model.load(sys.argv[1]); "
    "print((time.perf_counter() - t) * 1000)"
)
WARM_MLFLOW = (
    "import sys, time, statistics; from mlflow.models import Model; Model.load(sys.argv[1]); ts = []\n"
    "for _ in range(int(sys.argv[2])):\n"
    "    t = time.perf_counter(); Model.load(sys.argv[1]); ts.append((time.perf_counter() - t) * 1000)\n"
    "print(statistics.median(ts))"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    import servebook

    with tempfile.TemporaryDirectory() as tmp:
        model = build_model(Path(tmp) / "iris_model")
        cold = _cold(sys.executable, COLD_SERVEBOOK, model)
        servebook.inspect(model)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            servebook.inspect(model)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        rows = [
            (
                "servebook.inspect (full report)",
                cold,
                statistics.median(times),
                times[int(len(times) * 0.95) - 1],
            )
        ]
        mlflow_python = os.environ.get("SERVEBOOK_MLFLOW_PYTHON") or str(
            REPO / ".venv-mlflow" / "bin" / "python"
        )
        if Path(mlflow_python).exists():
            warm = subprocess.run(
                [mlflow_python, "-c", WARM_MLFLOW, str(model), str(args.repeat)],
                capture_output=True,
                text=True,
                timeout=300,
                check=True,
            )
            rows.append(
                (
                    "mlflow Model.load (MLmodel only)",
                    _cold(mlflow_python, COLD_MLFLOW, model),
                    float(warm.stdout.strip().splitlines()[-1]),
                    float("nan"),
                )
            )
    print(f"{'what':<36} {'cold ms':>9} {'warm median ms':>15} {'warm p95 ms':>12}")
    for name, c, med, p95 in rows:
        print(f"{name:<36} {c:>9.1f} {med:>15.2f} {p95:>12.2f}")
    verdict = "OK" if rows[0][2] < 50 else "SLOW"
    print(f"target: warm inspect < 50 ms -> {verdict}")
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    raise SystemExit(main())
