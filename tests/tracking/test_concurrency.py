"""Two real processes logging to one local store at the same time lose nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

WRITER = r"""
import os, sys, time
import servebook as mlflow
tag, barrier, shared_run = sys.argv[1], sys.argv[2], sys.argv[3]
while not os.path.exists(barrier):
    time.sleep(0.005)
exp = mlflow.set_experiment("shared")        # both create-or-get the same name at once
with mlflow.start_run(run_name=f"writer-{tag}") as run:
    for i in range(150):
        mlflow.log_metric("loss", 1.0 / (i + 1), step=i)
        mlflow.log_param(f"p{i}", i)
        mlflow.log_metrics({"both": float(i)}, step=i, run_id=shared_run)   # same run, same key
        mlflow.set_tag("progress", str(i))
print(exp.experiment_id, run.info.run_id)
"""


@pytest.mark.integration
def test_two_processes_share_a_store(tracking_dir: Path, tmp_path: Path) -> None:
    import servebook as mlflow

    with mlflow.start_run() as shared:
        pass
    barrier = tmp_path / "go"
    env = {**os.environ, "MLFLOW_TRACKING_URI": tracking_dir.as_uri()}
    env.pop("PYTHONPATH", None)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, tag, str(barrier), shared.info.run_id],
            env=env,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    time.sleep(1.0)  # both interpreters are up and spinning on the barrier
    barrier.write_text("go")
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    exp_ids = {out.split()[0] for out, _ in outputs}
    assert len(exp_ids) == 1, "both processes must see one experiment named 'shared'"
    exp_id = exp_ids.pop()
    assert [e.name for e in mlflow.tracking.fluent.get_store().list_experiments()].count("shared") == 1

    for out, _ in outputs:
        run = mlflow.get_run(out.split()[1])
        assert run.info.experiment_id == exp_id and run.info.status == "FINISHED"
        assert len(run.data.params) == 150 and run.data.tags["progress"] == "149"
        lines = (tracking_dir / exp_id / run.info.run_id / "metrics" / "loss").read_text().splitlines()
        assert [int(line.split()[2]) for line in lines] == list(range(150))

    shared_lines = (tracking_dir / "0" / shared.info.run_id / "metrics" / "both").read_text().splitlines()
    assert len(shared_lines) == 300
    assert all(len(line.split()) == 3 for line in shared_lines)  # no torn or interleaved lines
    assert sorted(int(line.split()[2]) for line in shared_lines) == sorted(list(range(150)) * 2)
    assert [p for p in tracking_dir.rglob("*") if ".tmp-" in p.name] == []
