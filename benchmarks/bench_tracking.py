"""Benchmark ``log_model`` to a local store: servebook against MLflow 3.17.2 (target: <= 1/5).

The model is the iris custom-pyfunc tutorial's: a PythonModel defined in ``__main__`` with a joblib
LogisticRegression as an artifact, a ``code_paths`` module, an inferred signature, a 5-row input
example and explicit ``pip_requirements`` (so neither tool spends time inferring requirements).
Each tool runs the same script in its own long-lived interpreter: servebook with its file store,
MLflow from its test virtualenv with the file store (``MLFLOW_ALLOW_FILE_STORE=true``, a ``file:``
URI) and, unless ``--no-sqlite``, with its default SQLite store (``sqlite:///.../mlflow.db``). The
interpreters import and prepare first; then the driver asks them in turn for one ``log_model`` (in
a run of its own) at a time, ``--repeats`` + 1 rounds, so load from other processes on a shared
machine hits all tools alike. "first" is each interpreter's first call (lazy imports, first
directories); "median" and "min" cover the rest. Ratios are servebook over each MLflow row; the
target compares with MLflow's file store, the store servebook's replaces.

Each tool first logs one model untimed in a throw-away interpreter (so both find their files in
the OS cache), and both run with their Python bytecode cached, as after any normal install:
MLflow's site-packages were byte-compiled by pip, but servebook is installed editable and this
environment may set ``PYTHONDONTWRITEBYTECODE``, so servebook's interpreters use a private
``PYTHONPYCACHEPREFIX`` that the untimed one fills (otherwise servebook's first call would include
compiling its own sources).

Usage: ``.venv/bin/python benchmarks/bench_tracking.py [--mlflow-python PATH] [--repeats N]
[--no-sqlite]``. The MLflow interpreter comes from ``--mlflow-python``, else
``SERVEBOOK_MLFLOW_PYTHON``, else ``.venv-mlflow/bin/python``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CUSTOM_CODE = """
SPECIES = {0: "setosa", 1: "versicolor", 2: "virginica"}


def to_species(class_ids):
    return [SPECIES[int(i)] for i in class_ids]
"""

SCRIPT = """
import os, sys, time
try:
    import servebook as mlflow
    tool = "servebook"
except ImportError:
    import mlflow
    tool = "mlflow"
import joblib
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

work, store = sys.argv[1], sys.argv[2]
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
mlflow.set_tracking_uri(store)
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


print("ready", flush=True)
for _command in sys.stdin:  # one timed log_model per line read, its seconds written back
    print(log_once(), flush=True)
"""


class _Tool:
    """One interpreter running SCRIPT: it imports and prepares, then logs a model per request."""

    def __init__(self, python: str, work: Path, store: str, pycache: Path | None = None) -> None:
        env = {**os.environ, "MLFLOW_ALLOW_FILE_STORE": "true", "PYTHONWARNINGS": "ignore"}
        env.pop("PYTHONPATH", None)
        if pycache is not None:  # write and read bytecode there (nowhere else)
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(pycache)
        for name in ("MLFLOW_TRACKING_URI", "SERVEBOOK_TRACKING_URI"):
            env.pop(name, None)
        self.proc = subprocess.Popen(
            [python, "-c", SCRIPT, str(work), store],
            cwd=work,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._expect("ready")

    def _expect(self, what: str) -> str:
        line = self.proc.stdout.readline().strip() if self.proc.stdout else ""
        if not line or (what and line != what):
            self.close()
            raise SystemExit(f"benchmark interpreter failed:\n{line}\n{self.proc.stderr.read()[-3000:]}")
        return line

    def log_model(self) -> float:
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        return float(self._expect(""))

    def close(self) -> None:
        if self.proc.stdin and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mlflow-python", default=None)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--no-sqlite", action="store_true", help="skip MLflow with its SQLite store")
    args = parser.parse_args()
    mlflow_python = (
        args.mlflow_python
        or os.environ.get("SERVEBOOK_MLFLOW_PYTHON")
        or str(REPO / ".venv-mlflow" / "bin" / "python")
    )
    have_mlflow = Path(mlflow_python).exists()
    with tempfile.TemporaryDirectory(prefix="bench-tracking-") as tmp:
        work = Path(tmp)
        (work / "custom_code.py").write_text(CUSTOM_CODE)
        pycache = work / "pycache"
        specs = [("servebook", sys.executable, (work / "mlruns-servebook").as_uri(), pycache)]
        if have_mlflow:
            specs.append(("mlflow file", mlflow_python, (work / "mlruns-mlflow").as_uri(), None))
            if not args.no_sqlite:
                specs.append(("mlflow sqlite", mlflow_python, f"sqlite:///{work / 'mlflow.db'}", None))
        # untimed: fills servebook's bytecode cache and warms the OS file cache for both tools
        for label, python, _store, cache in specs[:2]:
            warm = _Tool(python, work, (work / f"warm-{label.replace(' ', '-')}").as_uri(), cache)
            warm.log_model()
            warm.close()
        tools = [(label, _Tool(python, work, store, cache)) for label, python, store, cache in specs]
        try:
            # calls alternate between the tools, so load from other processes hits them alike
            times: dict[str, list[float]] = {label: [] for label, _ in tools}
            for _ in range(args.repeats + 1):
                for label, tool in tools:
                    times[label].append(tool.log_model())
        finally:
            for _, tool in tools:
                tool.close()
    rows = [
        (label, {"first": t[0], "median": statistics.median(t[1:]), "min": min(t[1:])})
        for label, t in times.items()
    ]
    ours = rows[0][1]
    print(f"log_model to a local store (iris custom pyfunc): first call, then {args.repeats} repeats")
    header = f"{'tool / store':<14}{'first (s)':>11}{'median (s)':>12}{'min (s)':>10}"
    print(f"{header}   servebook/row: first, median")
    for label, row in rows:
        ratios = ""
        if row is not ours:
            ratios = f"{ours['first'] / row['first']:>10.3f}{ours['median'] / row['median']:>9.3f}"
        print(f"{label:<14}{row['first']:>11.4f}{row['median']:>12.4f}{row['min']:>10.4f}{ratios}")
    base = dict(rows).get("mlflow file")
    if base is None:
        print(f"(MLflow interpreter {mlflow_python} not found: servebook only)")
        return
    for what in ("first", "median"):
        ratio = ours[what] / base[what]
        verdict = "meets" if ratio <= 0.2 else "misses"
        print(f"servebook/MLflow file store, {what}: {ratio:.3f} ({verdict} the <= 0.2 target)")
    print(f"(min/min: {ours['min'] / base['min']:.3f}; on a busy machine file creation slows both tools)")


if __name__ == "__main__":
    main()
