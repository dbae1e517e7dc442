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
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

sys.path.insert(0, str(REPO / "tests"))
from model_builders import column, param, write_pyfunc_model  # noqa: E402 - tests/ is on sys.path above


def build_model(path: Path) -> Path:
    """Write a typical model: 4 columns, artifacts, a code module, example files, 4 requirements."""
    cols = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    return write_pyfunc_model(
        path,
        inputs=[column(c, "double") for c in cols],
        params=[param("threshold", "double", 0.5)],
        example={"columns": cols, "data": [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3]]},
        artifacts={"weights.json": json.dumps({"w": [0.1] * 50})},
        code={"iris_helpers.py": "def f(x):\n    return x\n"},
        pickled={"weights": list(range(200))},
        requirements="mlflow==3.17.2\ncloudpickle==3.1.2\nnumpy>=1.24\npandas>=2",
        cloudpickle_version="3.1.2",
        python_env="python: 3.11.7\ndependencies: [-r requirements.txt]\n",
    )


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
