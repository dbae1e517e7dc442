"""Run every tutorial notebook top to bottom with papermill, in a scratch working directory.

Each notebook asserts its own results, so a notebook that runs to the end has checked what it teaches. A
failure reports the failing cell's exception name and value (papermill's ``PapermillExecutionError``
fields).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

TUTORIALS_DIR = Path(__file__).resolve().parents[2] / "tutorials"
KERNEL_NAME = "python3"

# Parameters injected into each notebook (their own defaults are already small; these keep the suite fast).
PARAMETERS: dict[str, dict[str, object]] = {
    "03-tracking-experiments.ipynb": {"alphas": [0.01, 0.1], "l1_ratios": [0.2, 0.8]},
}

# notebook -> how many outputs display as widgets (the model card, the server card) in a real kernel
WIDGET_OUTPUTS: dict[str, int] = {
    "01-custom-pythonmodel.ipynb": 1,
    "02-serving-and-test-requests.ipynb": 1,
    "06-jupyterlab-panel.ipynb": 2,
}
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

NOTEBOOKS = sorted(TUTORIALS_DIR.glob("[0-9][0-9]-*.ipynb"))


def test_tutorials_exist() -> None:
    names = [nb.name for nb in NOTEBOOKS]
    assert len(names) >= 6, names
    assert [name[:2] for name in names] == [f"{i:02d}" for i in range(1, len(names) + 1)], names


def test_python3_kernel_is_this_virtualenv() -> None:
    """papermill must start the kernel of the interpreter running the tests (installed with --sys-prefix)."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    assert Path(spec.resource_dir).resolve().is_relative_to(Path(sys.prefix).resolve()), spec.resource_dir
    out = subprocess.run(
        [spec.argv[0], "-c", "import sys; print(sys.prefix)"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert Path(out.stdout.strip()).resolve() == Path(sys.prefix).resolve()


@pytest.mark.tutorial
@pytest.mark.integration
@pytest.mark.timeout(150)
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_tutorial_runs(notebook: Path, tmp_path: Path) -> None:
    output = tmp_path / notebook.name
    env_before = dict(os.environ)
    tutorials_before = sorted(TUTORIALS_DIR.rglob("*"))
    started = time.monotonic()
    try:
        papermill.execute_notebook(
            str(notebook),
            str(output),
            kernel_name=KERNEL_NAME,
            cwd=str(tmp_path),
            parameters=PARAMETERS.get(notebook.name, {}),
            progress_bar=False,
            request_save_on_cell_execute=False,
            execution_timeout=120,
        )
    except PapermillExecutionError as exc:
        pytest.fail(
            f"{notebook.name}: cell {exc.cell_index} (execution count {exc.exec_count}) raised "
            f"{exc.ename}: {exc.evalue}\n--- cell source ---\n{exc.source}",
            pytrace=False,
        )
    elapsed = time.monotonic() - started
    assert dict(os.environ) == env_before
    executed = json.loads(output.read_text(encoding="utf-8"))
    code_cells = [cell for cell in executed["cells"] if cell["cell_type"] == "code"]
    assert code_cells and all(cell["execution_count"] is not None for cell in code_cells)
    widget_outputs = [
        output["data"]
        for cell in code_cells
        for output in cell["outputs"]
        if output["output_type"] in ("execute_result", "display_data") and WIDGET_MIME in output["data"]
    ]
    assert len(widget_outputs) == WIDGET_OUTPUTS.get(notebook.name, 0)
    # the plain-text fallback travels with every widget (for terminals, nbconvert, GitHub's viewer)
    assert all(data["text/plain"] and "Box(" not in data["text/plain"] for data in widget_outputs)
    # everything was written under the notebook's cwd, nothing next to the committed notebooks
    assert sorted(TUTORIALS_DIR.rglob("*")) == tutorials_before
    print(f"{notebook.name}: {elapsed:.1f} s")
