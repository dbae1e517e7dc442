"""Benchmark servebook's model format against MLflow 3.17.2 on the same custom model.

The model: a PythonModel defined in ``__main__`` with one JSON artifact, one ``code_paths`` module and
four double columns (signature inferred from an input example). Each tool runs in its own interpreter
(MLflow from its test virtualenv) and measures:

* ``save_model`` with requirement inference (first call in the process, then the median of repeats);
* ``load_model`` in a fresh interpreter, imports included (median of fresh processes);
* ``PyFuncModel.predict`` overhead (wrapper + schema enforcement) on 1 row and 10,000 rows: the
  median time of ``predict`` minus the median time of the model's own ``predict`` on the same input.

Usage: ``python benchmarks/bench_model.py [--mlflow-python PATH] [--repeats N]``. The MLflow interpreter
comes from ``--mlflow-python``, else ``SERVEBOOK_MLFLOW_PYTHON``, else ``.venv-mlflow/bin/python``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

HELPERS = """\
def combine(frame, weights):
    return (frame * weights).sum(axis=1)
"""

# {tool}: "servebook" or "mlflow". argv: work dir, repeats. Prints one JSON line of timings.
SAVE_AND_PREDICT = """\
import json, statistics, sys, time
from pathlib import Path

start = time.perf_counter()
import numpy as np
import pandas as pd
if "{tool}" == "servebook":
    import servebook as pyfunc
    from servebook import PythonModel
else:
    import warnings, logging
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    import mlflow.pyfunc as pyfunc
    from mlflow.pyfunc import PythonModel
imported = time.perf_counter() - start

work, repeats = Path(sys.argv[1]), int(sys.argv[2])
sys.path.insert(0, str(work / "src"))
import bench_helpers


class BenchModel(PythonModel):
    def load_context(self, context):
        self.weights = json.loads(Path(context.artifacts["weights"]).read_text())["w"]

    def predict(self, context, model_input, params=None):
        return bench_helpers.combine(model_input, self.weights)


rng = np.random.default_rng(0)
columns = ["f0", "f1", "f2", "f3"]
frame = pd.DataFrame(rng.normal(size=(10_000, 4)), columns=columns)
one = frame.head(1).reset_index(drop=True)

def save(target):
    t = time.perf_counter()
    pyfunc.save_model(
        str(target), python_model=BenchModel(), artifacts={{"weights": str(work / "weights.json")}},
        code_paths=[str(work / "src" / "bench_helpers.py")], input_example=frame.head(2),
    )
    return time.perf_counter() - t

first_save = save(work / "{tool}_model")
saves = [save(work / f"{tool}_model_{{i}}") for i in range(repeats)]

model = pyfunc.load_model(str(work / "{tool}_model"))
raw = model.unwrap_python_model()
context = None
if "{tool}" == "servebook":
    context = model._impl.context
else:
    context = model._model_impl.context

def median_time(fn, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)

for data in (one, frame):
    model.predict(data); raw.predict(context, data)
result = {{
    "import": imported,
    "first_save": first_save,
    "save": statistics.median(saves),
    "predict_1": median_time(lambda: model.predict(one), 2000),
    "raw_1": median_time(lambda: raw.predict(context, one), 2000),
    "predict_10k": median_time(lambda: model.predict(frame), 200),
    "raw_10k": median_time(lambda: raw.predict(context, frame), 200),
}}
print(json.dumps(result))
"""

LOAD = """\
import sys, time
start = time.perf_counter()
if "{tool}" == "servebook":
    import servebook as pyfunc
else:
    import logging
    logging.disable(logging.WARNING)
    import mlflow.pyfunc as pyfunc
model = pyfunc.load_model(sys.argv[1])
# ready to predict on a DataFrame: servebook imports pandas lazily, MLflow on import; count it for both
import pandas
print(time.perf_counter() - start)
"""


def _run(python: str, source: str, *args: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    script = cwd / f"script_{abs(hash(source))}.py"
    script.write_text(source)
    proc = subprocess.run(
        [python, str(script), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed ({python}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout.strip().splitlines()[-1]


def _measure(tool: str, python: str, work: Path, repeats: int, loads: int) -> dict[str, float]:
    timings: dict[str, float] = json.loads(
        _run(python, SAVE_AND_PREDICT.format(tool=tool), str(work), str(repeats), cwd=work)
    )
    load_source = LOAD.format(tool=tool)
    load_times = [
        float(_run(python, load_source, str(work / f"{tool}_model"), cwd=work)) for _ in range(loads)
    ]
    timings["load"] = statistics.median(load_times)
    timings["overhead_1"] = timings["predict_1"] - timings["raw_1"]
    timings["overhead_10k"] = timings["predict_10k"] - timings["raw_10k"]
    return timings


def _fmt(seconds: float) -> str:
    if abs(seconds) >= 1:
        return f"{seconds:8.2f} s "
    if abs(seconds) >= 1e-3:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds * 1e6:8.1f} µs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_mlflow = os.environ.get("SERVEBOOK_MLFLOW_PYTHON") or str(
        REPO / ".venv-mlflow" / "bin" / "python"
    )
    parser.add_argument("--mlflow-python", default=default_mlflow, help="interpreter with mlflow==3.17.2")
    parser.add_argument("--python", default=sys.executable, help="interpreter with servebook")
    parser.add_argument("--repeats", type=int, default=3, help="save_model repeats per tool (median)")
    parser.add_argument("--loads", type=int, default=5, help="fresh-interpreter loads per tool (median)")
    args = parser.parse_args(argv)
    if not Path(args.mlflow_python).exists():
        parser.error(
            f"no MLflow interpreter at {args.mlflow_python}; run `make mlflow-venv` or pass --mlflow-python"
        )

    with tempfile.TemporaryDirectory(prefix="bench-model-") as tmp:
        results = {}
        for tool, python in (("servebook", args.python), ("mlflow", args.mlflow_python)):
            work = Path(tmp) / tool
            (work / "src").mkdir(parents=True)
            (work / "src" / "bench_helpers.py").write_text(HELPERS)
            (work / "weights.json").write_text(json.dumps({"w": [0.5, -1.0, 2.0, 0.25]}))
            results[tool] = _measure(tool, python, work, args.repeats, args.loads)

    sb, ml = results["servebook"], results["mlflow"]
    rows = [
        ("save_model (median of repeats)", "save", "<= 1/20"),
        ("save_model (first call in process)", "first_save", ""),
        ("load_model, fresh interpreter + imports", "load", "<= 1/3"),
        ("predict overhead, 1 row", "overhead_1", "<= 1/2"),
        ("predict overhead, 10,000 rows", "overhead_10k", "<= 1"),
        ("predict total, 1 row", "predict_1", ""),
        ("predict total, 10,000 rows", "predict_10k", ""),
    ]
    print(
        textwrap.dedent(
            f"""
        servebook vs MLflow 3.17.2: custom PythonModel, 1 JSON artifact, 1 code_paths module, 4 doubles
        {"metric":<42} {"servebook":>12} {"MLflow":>12} {"ratio":>8}  target"""
        ).strip("\n")
    )
    for label, key, target in rows:
        ratio = sb[key] / ml[key] if ml[key] > 0 else float("nan")
        met = "" if not target else "  met" if _meets(ratio, target) else "  NOT MET"
        print(f"{label:<42} {_fmt(sb[key]):>12} {_fmt(ml[key]):>12} {ratio:8.3f}  {target:8}{met}")
    print("load_model counts the import of pandas for both tools (servebook imports it lazily).")
    return 0


def _meets(ratio: float, target: str) -> bool:
    """Whether ``ratio`` meets a target written as ``<= 1/20`` or ``<= 1``."""
    op, _, bound = target.partition(" ")
    numerator, _, denominator = bound.partition("/")
    limit = float(numerator) / float(denominator or 1)
    if op != "<=":
        raise ValueError(f"unknown target {target!r}")
    return ratio <= limit


if __name__ == "__main__":
    raise SystemExit(main())
