"""Committed tutorial notebooks are clean: no outputs, no execution counts, a `parameters` cell, valid
nbformat.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

TUTORIALS_DIR = Path(__file__).resolve().parents[2] / "tutorials"
NOTEBOOKS = sorted(TUTORIALS_DIR.glob("[0-9][0-9]-*.ipynb"))


def test_there_are_tutorials() -> None:
    assert len(NOTEBOOKS) >= 6, [nb.name for nb in NOTEBOOKS]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_committed_notebook_is_clean(notebook: Path) -> None:
    nb = nbformat.read(notebook, as_version=4)
    nbformat.validate(nb)
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code_cells, "a tutorial without code cells"
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {index} has outputs: clear them before committing"
            assert cell.execution_count is None, f"cell {index} has an execution count"
    tagged = [cell for cell in code_cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one code cell must be tagged `parameters` (papermill injects after it)"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# "), "start with a title"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_needs_no_network_or_fixed_paths(notebook: Path) -> None:
    nb = nbformat.read(notebook, as_version=4)
    source = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    remote = re.findall(r"https?://(?!127\.0\.0\.1|localhost)[^\s\"']+", source)
    assert remote == [], f"{notebook.name} reaches the network: {remote}"
    for forbidden in ("fetch_openml", "load_dataset("):
        assert forbidden not in source, f"{notebook.name} downloads data with {forbidden}"
    # no absolute paths of the machine the notebook was written on: everything lives under the cwd
    absolute = re.findall(r"""["'](/[A-Za-z]+/[^"']*)["']""", source)
    assert absolute == [], f"{notebook.name} uses absolute paths {absolute}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_images_the_notebook_shows_exist(notebook: Path) -> None:
    nb = nbformat.read(notebook, as_version=4)
    text = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)", text):
        assert not re.match(r"[a-z]+:", target), f"{notebook.name} loads an image from {target}"
        assert (notebook.parent / target).is_file(), f"{notebook.name} shows {target}, which does not exist"
