"""Benchmark ``log_model`` to a local file store: servebook against MLflow 3.17.2 (target: <= 1/5).

The model is the iris custom-pyfunc tutorial's: a PythonModel defined in ``__main__`` with a joblib
LogisticRegression as an artifact, a ``code_paths`` module, an inferred signature, a 5-row input
example and explicit ``pip_requirements`` (so neither tool spends time inferring requirements).
Each tool runs in its own interpreter (MLflow from its test virtualenv, with
``MLFLOW_ALLOW_FILE_STORE=true`` and a ``file:`` tracking URI), logs one warm-up model, then times
``--repeats`` calls of ``log_model`` inside one run each and reports the median and the minimum.

Usage: ``.venv/bin/python benchmarks/bench_tracking.py [--mlflow-python PATH] [--repeats N]``.
The MLflow interpreter comes from ``--mlflow-python``, else ``SERVEBOOK_MLFLOW_PYTHON``, else
``.venv-mlflow/bin/python``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CUSTOM_CODE = '''
SPECIES = {0: "setosa", 1: "versicolor", 2: "virginica"}


def to_species(class_ids):
    return [SPECIES[int(i)] for i in class_ids]
'''

SCRIPT = '''
import json, os, statistics, sys, time
try:
    import servebook as mlflow
    tool = "servebook"
except ImportError:
    import mlflow
    tool = "mlflow"
import joblib
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

work, repeats = sys.argv[1], int(sys.argv[2])
sys.path.insert(0, work)


class IrisSpecies(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        from custom_code import to_species
        self.classifier = joblib.load(context.artifacts["classifier"])
        self.to_species = to_species

    def predict(self, context, model_input, params=None):
        return self.to_species(self.classifier.predict(model_input))


X, y = load_iris(return_X_y=True, as_frame=True)
classifier = LogisticRegression(max_iter=500).fit(X, y)
path = os.path.join(work, "classifier.joblib")
joblib.dump(classifier, path)
signature = mlflow.models.infer_signature(X, classifier.predict(X))
mlflow.set_tracking_uri("file:" + os.path.join(work, "mlruns-" + tool))
mlflow.set_experiment("bench")


def log_once():
    with mlflow.start_run():
        started = time.perf_counter()
        mlflow.pyfunc.log_model(
            artifact_path="artifacts",
            python_model=IrisSpecies(),
            artifacts={"classifier": path},
            code_paths=[os.path.join(work, "custom_code.py")],
            signature=signature,
            input_example=X.head(5),
            pip_requirements=["scikit-learn", "joblib", "pandas"],
        )
        return time.perf_counter() - started


first = log_once()
times = [log_once() for _ in range(repeats)]
print(json.dumps({"tool": tool, "first": first, "median": statistics.median(times), "min": min(times)}))
'''


def _run(python: str, work: Path, repeats: int) -> dict[str, float]:
    env = {**os.environ, "MLFLOW_ALLOW_FILE_STORE": "true", "PYTHONWARNINGS": "ignore"}
    env.pop("PYTHONPATH", None)
    for name in ("MLFLOW_TRACKING_URI", "SERVEBOOK_TRACKING_URI"):
        env.pop(name, None)
    proc = subprocess.run(
        [python, "-c", SCRIPT, str(work), str(repeats)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{python} failed:\n{proc.stdout}\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mlflow-python", default=None)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    mlflow_python = (
        args.mlflow_python
        or os.environ.get("SERVEBOOK_MLFLOW_PYTHON")
        or str(REPO / ".venv-mlflow" / "bin" / "python")
    )
    with tempfile.TemporaryDirectory(prefix="bench-tracking-") as tmp:
        work = Path(tmp)
        (work / "custom_code.py").write_text(CUSTOM_CODE)
        ours = _run(sys.executable, work, args.repeats)
        theirs = _run(mlflow_python, work, args.repeats) if Path(mlflow_python).exists() else None
    print(f"log_model to a local file store (iris custom pyfunc), {args.repeats} repeats after 1 warm-up")
    print(f"{'tool':<12}{'first (s)':>12}{'median (s)':>12}{'min (s)':>10}{'ratio':>10}")
    for row in (ours, theirs):
        if row is None:
            continue
        ratio = row["median"] / theirs["median"] if theirs else float("nan")
        print(f"{row['tool']:<12}{row['first']:>12.3f}{row['median']:>12.3f}{row['min']:>10.3f}{ratio:>10.3f}")
    if theirs is None:
        print(f"(MLflow interpreter {mlflow_python} not found: servebook only)")
    else:
        ratio = ours["median"] / theirs["median"]
        verdict = "meets" if ratio <= 0.2 else "misses"
        print(f"servebook/MLflow median ratio {ratio:.3f}: {verdict} the <= 0.2 target")


if __name__ == "__main__":
    main()
