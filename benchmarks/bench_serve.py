"""Scoring-server benchmark: ``mlflow models serve --env-manager local`` vs ``servebook serve``.

Both servers score the same model directory (saved by servebook; MLflow loads it unchanged), one
after the other on loopback, loaded by ``wrk`` for a bounded time per cell. Prints a table with the
ratios and the issue's targets. Run from the repository root::

    .venv/bin/python benchmarks/bench_serve.py [--duration 8] [--quick]

MLflow runs from its own virtualenv (``SERVEBOOK_MLFLOW_PYTHON``, default ``.venv-mlflow/bin/python``);
servebook never imports it. Every server is stopped (process group) before the script exits.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
MLFLOW_PYTHON = Path(os.environ.get("SERVEBOOK_MLFLOW_PYTHON", ROOT / ".venv-mlflow" / "bin" / "python"))
COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]

SAVE = textwrap.dedent(
    """
    import sys
    import numpy as np
    import pandas as pd
    import servebook
    from servebook.signature import ColSpec, ModelSignature, Schema

    class Linear(servebook.PythonModel):
        # an iris-like linear scorer: numpy on the whole frame, one output row per input row
        def predict(self, context, model_input, params=None):
            x = model_input.to_numpy(dtype="float64")
            score = x @ np.array([0.4, -0.2, 0.9, 1.3]) + 0.1
            return pd.DataFrame({"label": (score > 5).astype("int64"), "score": score})

    class Busy(servebook.PythonModel):
        # CPU-bound: a fixed amount of pure-Python work per call (holds the GIL)
        def predict(self, context, model_input, params=None):
            total = 0
            for i in range(60000):
                total += i * i % 7
            return pd.DataFrame({"score": [float(total)] * len(model_input)})

    cols = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    sig = ModelSignature(inputs=Schema([ColSpec("double", c) for c in cols]))
    servebook.save_model(sys.argv[1] + "/linear", python_model=Linear(), signature=sig)
    servebook.save_model(sys.argv[1] + "/busy", python_model=Busy(), signature=sig)
    """
)


def free_port() -> int:
    # Only for MLflow, which cannot bind port 0 and report it; servebook binds its own port.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One server process group, started in a new session and stopped with it."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log = log
        self.started = time.perf_counter()
        self.handle = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, stdout=self.handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            start_new_session=True,
        )  # fmt: skip
        self.url = ""

    def wait_ping(self, url: str, timeout: float = 120) -> float:
        """Seconds from spawn to the first 200 on /ping."""
        self.url = url
        deadline = time.perf_counter() + timeout
        session = requests.Session()
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log.read_text()[-3000:]}")
            try:
                if session.get(url + "/ping", timeout=1).status_code == 200:
                    return time.perf_counter() - self.started
            except requests.RequestException:
                pass
            time.sleep(0.01)
        raise RuntimeError(f"{self.name} not ready after {timeout} s:\n{self.log.read_text()[-3000:]}")

    def rss_mb(self) -> float:
        root = psutil.Process(self.process.pid)
        procs = [root, *root.children(recursive=True)]
        return sum(p.memory_info().rss for p in procs if p.is_running()) / 2**20

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.handle.close()


def start_mlflow(model: Path, workdir: Path, workers: int = 1) -> Server:
    port = free_port()
    bin_dir = MLFLOW_PYTHON.parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [str(bin_dir / "mlflow"), "models", "serve", "-m", str(model), "--env-manager", "local",
               "-h", "127.0.0.1", "-p", str(port), "-w", str(workers)]  # fmt: skip
    server = Server("mlflow", command, env, workdir / f"mlflow-{port}.log")
    server.cold = server.wait_ping(f"http://127.0.0.1:{port}")  # type: ignore[attr-defined]
    return server


def start_servebook(model: Path, workdir: Path, *extra: str) -> Server:
    ready = workdir / f"ready-{time.monotonic_ns()}.json"
    command = [PYTHON, "-m", "servebook", "serve", "-m", str(model), "-h", "127.0.0.1", "-p", "0",
               "--ready-file", str(ready), *extra]  # fmt: skip
    server = Server("servebook", command, dict(os.environ), workdir / f"servebook-{ready.stem}.log")
    deadline = time.perf_counter() + 120
    while not ready.exists():  # the child binds port 0 itself and reports the port in the ready file
        if server.process.poll() is not None or time.perf_counter() > deadline:
            raise RuntimeError(f"servebook did not start:\n{server.log.read_text()[-3000:]}")
        time.sleep(0.005)
    url = json.loads(ready.read_text())["url"]
    server.cold = server.wait_ping(url)  # type: ignore[attr-defined]
    return server


def lua_script(workdir: Path, body: bytes) -> Path:
    script = workdir / f"post-{len(body)}.lua"
    text = body.decode()
    assert "]==]" not in text
    script.write_text(
        f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [==[{text}]==]\n'
    )
    return script


def body_for(rows: int) -> bytes:
    import random

    rng = random.Random(rows)
    data = [[round(rng.uniform(0.1, 8), 2) for _ in COLUMNS] for _ in range(rows)]
    return json.dumps({"dataframe_split": {"columns": COLUMNS, "data": data}}).encode()


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def run_wrk(url: str, script: Path, connections: int, duration: float) -> dict[str, float]:
    threads = 1 if connections == 1 else 2
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--latency", "-s", str(script),
         f"{url}/invocations"],
        capture_output=True, text=True, timeout=duration + 60, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{errors.group(1)} error responses from {url}:\n{out}")
    return {"rps": rps, "p50_ms": float(p50.group(1)) * _UNITS[p50.group(2)]}  # type: ignore[union-attr]


def warm(url: str, body: bytes) -> None:
    session = requests.Session()
    for _ in range(20):
        response = session.post(url + "/invocations", data=body, headers={"Content-Type": "application/json"})
        response.raise_for_status()


def cold_start(start, model: Path, workdir: Path, repeats: int) -> tuple[float, float]:
    """Median spawn->first /ping 200 and the idle RSS of the whole process tree after it."""
    colds, rss = [], []
    for _ in range(repeats):
        server = start(model, workdir)
        try:
            colds.append(server.cold)
            warm(server.url, body_for(1))
            time.sleep(1.0)
            rss.append(server.rss_mb())
        finally:
            server.stop()
    return sorted(colds)[len(colds) // 2], max(rss)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=8.0, help="seconds of load per cell (default 8)")
    parser.add_argument("--repeats", type=int, default=3, help="cold starts per server (default 3)")
    groups = ("throughput", "cold", "workers", "batching")
    parser.add_argument("--only", nargs="+", choices=groups, default=groups, help="run only these groups")
    args = parser.parse_args()
    if not MLFLOW_PYTHON.exists():
        print(f"MLflow virtualenv missing ({MLFLOW_PYTHON}); run `make mlflow-venv`.", file=sys.stderr)
        return 2
    load_before = os.getloadavg()[0]
    workdir = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    subprocess.run([PYTHON, "-c", SAVE, str(workdir)], check=True, timeout=300)
    linear, busy = workdir / "linear", workdir / "busy"
    one, thousand = body_for(1), body_for(1000)
    script1, script1000 = lua_script(workdir, one), lua_script(workdir, thousand)
    d = args.duration
    # ok is None for a row without a target (printed as "-", never as met)
    rows: list[tuple[str, str, float, float, str, bool | None]] = []

    def add(label: str, unit: str, ours: float, theirs: float, target: str, ok: bool | None) -> None:
        rows.append((label, unit, ours, theirs, target, ok))
        print(f"  {label}: servebook {ours:.2f} {unit} vs {theirs:.2f}", flush=True)

    if "throughput" in args.only:
        results: dict[str, dict[str, dict[str, float]]] = {}
        for name, start in (("mlflow", start_mlflow), ("servebook", start_servebook)):
            print(f"{name}: serving {linear.name} ...", flush=True)
            server = start(linear, workdir)
            try:
                warm(server.url, one)
                results[name] = {
                    "1row_c1": run_wrk(server.url, script1, 1, d),
                    "1row_c16": run_wrk(server.url, script1, 16, d),
                    "1000row_c1": run_wrk(server.url, script1000, 1, d),
                    "1000row_c16": run_wrk(server.url, script1000, 16, d),
                }
            finally:
                server.stop()
        ml, sb = results["mlflow"], results["servebook"]
        lat = sb["1row_c1"]["p50_ms"], ml["1row_c1"]["p50_ms"]
        add("1-row, 1 conn, p50 latency", "ms", *lat, "<= 1/5", lat[0] <= lat[1] / 5)
        for key, label, factor in (
            ("1row_c1", "1-row, 1 conn", None),
            ("1row_c16", "1-row, 16 conn", 7),
            ("1000row_c1", "1000-row, 1 conn", 8),
            ("1000row_c16", "1000-row, 16 conn", 8),
        ):
            ours, theirs = sb[key]["rps"], ml[key]["rps"]
            add(
                label,
                "req/s",
                ours,
                theirs,
                f">= {factor}x" if factor else "-",
                None if factor is None else ours >= factor * theirs,
            )

    if "cold" in args.only:
        print("cold start and idle RSS ...", flush=True)
        sb_cold, sb_rss = cold_start(start_servebook, linear, workdir, args.repeats)
        ml_cold, ml_rss = cold_start(start_mlflow, linear, workdir, args.repeats)
        add("cold start, spawn -> /ping 200", "s", sb_cold, ml_cold, "<= 1/5", sb_cold <= ml_cold / 5)
        add("idle RSS, whole process tree", "MB", sb_rss, ml_rss, "<= 1/3", sb_rss <= ml_rss / 3)

    if "workers" in args.only:
        print("workers (CPU-bound model) ...", flush=True)
        busy_body = lua_script(workdir, one)
        per_workers = {}
        for workers in (1, 2):
            server = start_servebook(busy, workdir, "-w", str(workers))
            try:
                warm(server.url, one)
                per_workers[workers] = (
                    run_wrk(server.url, busy_body, 16, d),
                    run_wrk(server.url, busy_body, 1, d),
                )
            finally:
                server.stop()
        w1, w2 = per_workers[1], per_workers[2]
        add("-w 2 vs -w 1, CPU-bound, 16 conn", "req/s", w2[0]["rps"], w1[0]["rps"], ">= 1.6x",
                w2[0]["rps"] >= 1.6 * w1[0]["rps"])  # fmt: skip
        add("-w 2 vs -w 1, 1 conn p50 latency", "ms", w2[1]["p50_ms"], w1[1]["p50_ms"], "not worse (+10%)",
                w2[1]["p50_ms"] <= 1.1 * w1[1]["p50_ms"])  # fmt: skip

    if "batching" in args.only:
        print("adaptive batching ...", flush=True)
        batching = {}
        for label, extra in (("off", ()), ("on", ("--max-batch-size", "64"))):
            server = start_servebook(linear, workdir, *extra)
            try:
                warm(server.url, one)
                batching[label] = run_wrk(server.url, script1, 64, d)
            finally:
                server.stop()
        on, off = batching["on"]["rps"], batching["off"]["rps"]
        add("batching on vs off, 1-row, 64 conn", "req/s", on, off, ">= 3x", on >= 3 * off)

    print()
    print(f"{'measure':40} {'unit':6} {'servebook':>10} {'reference':>10} {'ratio':>8}  target      met")
    for label, unit, ours, theirs, target, ok in rows:
        ratio = ours / theirs if theirs else float("inf")
        met = "-" if ok is None else "yes" if ok else "NO"
        print(f"{label:40} {unit:6} {ours:10.2f} {theirs:10.2f} {ratio:8.2f}  {target:11} {met}")
    print("reference = MLflow 3.17.2 (`mlflow models serve --env-manager local`); the -w and batching rows")
    print(f"compare servebook with itself. {d:g} s of wrk per cell, {os.cpu_count()} CPUs, loopback;")
    print(
        f"1-min load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after (other work running)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
