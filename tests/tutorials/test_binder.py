"""Replay Binder's build in a fresh virtualenv: environment.yml's pip packages, then binder/postBuild.

repo2docker creates the conda environment from ``binder/environment.yml`` and then runs
``binder/postBuild`` from the repository root. Here a fresh virtualenv stands in for the conda
environment (Python and nodejs come from this machine) and postBuild runs unchanged, except that
``SERVEBOOK_SOURCE`` points it at a wheel built once from this checkout (building from source is the same
hatch build, just slower). Then the checks a Binder user relies on: the server extension and the
labextension are enabled, the server opens the tutorials, and a tutorial runs there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
BINDER_DIR = REPO_ROOT / "binder"

# The module's fixture builds a wheel and a fresh environment (about 80 s on an idle machine, over 180 s
# on a loaded one); each step has its own bound below, and the test's bound covers their sum.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _run(args: list[str], *, env: dict[str, str], cwd: Path, timeout: float) -> str:
    proc = subprocess.run(
        args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        pytest.fail(
            f"{' '.join(args)} exited with {proc.returncode}\n--- stdout ---\n{proc.stdout[-4000:]}\n"
            f"--- stderr ---\n{proc.stderr[-4000:]}",
            pytrace=False,
        )
    return _ANSI.sub("", proc.stdout + proc.stderr)


def _environment_pip_packages() -> list[str]:
    spec = yaml.safe_load((BINDER_DIR / "environment.yml").read_text(encoding="utf-8"))
    pip_sections = [dep["pip"] for dep in spec["dependencies"] if isinstance(dep, dict) and "pip" in dep]
    assert len(pip_sections) == 1, "environment.yml needs exactly one pip section"
    return list(pip_sections[0])


def test_environment_file_pins_what_binder_needs() -> None:
    spec = yaml.safe_load((BINDER_DIR / "environment.yml").read_text(encoding="utf-8"))
    plain = [dep for dep in spec["dependencies"] if isinstance(dep, str)]
    assert "python=3.11" in plain
    assert "pip" in plain
    assert any(dep.startswith("nodejs") for dep in plain), "the labextension build needs nodejs"
    names = {re.split(r"[<>=!]", line)[0] for line in _environment_pip_packages()}
    assert {"scikit-learn", "joblib", "matplotlib"} <= names
    postbuild = BINDER_DIR / "postBuild"
    assert os.access(postbuild, os.X_OK), "postBuild must be executable"


def _clean_source_copy(destination: Path) -> Path:
    """Copy the checkout's tracked and new (not ignored) files, as Binder's clone would see them.

    Building from the working tree itself would package whatever development build of the labextension
    `make venv` left there (hatch-jupyter-builder skips the build when its output exists).
    """
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    for relative in filter(None, listing.split("\0")):
        source = REPO_ROOT / relative
        if source.is_file():
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


@pytest.fixture(scope="module")
def servebook_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wheel_dir = tmp_path_factory.mktemp("wheel")
    source = _clean_source_copy(tmp_path_factory.mktemp("source"))
    env = {**os.environ}
    env.pop("PYTHONPATH", None)
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheel_dir), str(source)],
        env=env,
        cwd=source,
        timeout=400,
    )
    wheels = sorted(wheel_dir.glob("servebook-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory: pytest.TempPathFactory, servebook_wheel: Path) -> dict[str, object]:
    """A fresh virtualenv built the way Binder builds its environment; returns its paths and env vars."""
    root = tmp_path_factory.mktemp("binder")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    bin_dir = venv / "bin"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "JUPYTER", "VIRTUAL_ENV"))
    }
    env.update(
        {
            "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
            "VIRTUAL_ENV": str(venv),
            # keep this user's Jupyter config and data out of the replay
            "JUPYTER_CONFIG_DIR": str(root / "user-config"),
            "JUPYTER_DATA_DIR": str(root / "user-data"),
            "JUPYTER_RUNTIME_DIR": str(root / "user-runtime"),
            "SERVEBOOK_SOURCE": str(servebook_wheel),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        }
    )
    python = str(bin_dir / "python")
    # 1. the conda environment's pip section (repo2docker runs pip for it)
    _run(
        [python, "-m", "pip", "install", "--quiet", *_environment_pip_packages()],
        env=env,
        cwd=REPO_ROOT,
        timeout=400,
    )
    # 2. postBuild, unchanged, from the repository root
    build_log = _run([str(BINDER_DIR / "postBuild")], env=env, cwd=REPO_ROOT, timeout=600)
    return {"venv": venv, "env": env, "python": python, "build_log": build_log, "root": root}


def test_server_extension_enabled(binder_env: dict[str, object]) -> None:
    env = binder_env["env"]
    out = _run(
        [str(Path(binder_env["venv"]) / "bin" / "jupyter"), "server", "extension", "list"],
        env=env,
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert re.search(r"^\s*servebook_lab enabled$", out, re.MULTILINE), out
    assert re.search(r"Validating servebook_lab\.\.\.\n\s*servebook_lab\b[^\n]*\bOK$", out, re.MULTILINE), out


def test_labextension_enabled(binder_env: dict[str, object]) -> None:
    env = binder_env["env"]
    out = _run(
        [str(Path(binder_env["venv"]) / "bin" / "jupyter"), "labextension", "list"],
        env=env,
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert re.search(r"^\s*servebook v\S+ enabled", out, re.MULTILINE), out


def test_binder_opens_the_tutorials(binder_env: dict[str, object]) -> None:
    venv = Path(binder_env["venv"])
    # what the Jupyter server of the Binder environment really loads
    out = _run(
        [str(venv / "bin" / "jupyter"), "server", "--show-config"],
        env=binder_env["env"],
        cwd=Path(binder_env["root"]),
        timeout=120,
    )
    urls = re.findall(r"\.default_url = '([^']+)'", out)
    assert urls, out
    prefix = "/lab/tree/"
    for url in urls:
        assert url.startswith(prefix), url
        assert (REPO_ROOT / url[len(prefix) :]).is_file(), f"{url} does not name a tutorial"


def _papermill(python: str, notebook: Path, output: Path, env: dict[str, str], cwd: Path) -> dict[str, object]:
    """Execute ``notebook`` with the ``python3`` kernel as the Binder environment resolves it."""
    _run(
        [
            python,
            "-m",
            "papermill",
            str(notebook),
            str(output),
            "-k",
            "python3",
            "--cwd",
            str(cwd),
            "--no-progress-bar",
            "--execution-timeout",
            "120",
        ],
        env=env,
        cwd=cwd,
        timeout=240,
    )
    executed: dict[str, object] = json.loads(output.read_text(encoding="utf-8"))
    return executed


@pytest.mark.tutorial
def test_tutorial_runs_in_binder_env(binder_env: dict[str, object], tmp_path: Path) -> None:
    import nbformat

    env = binder_env["env"]
    python = binder_env["python"]
    _run([python, "-m", "pip", "install", "--quiet", "papermill"], env=env, cwd=REPO_ROOT, timeout=300)
    # the "python3" kernel the tutorials name is the Binder environment's interpreter, not this test
    # runner's: a one-cell notebook run the same way as the tutorial prints the kernel's sys.prefix
    probe = tmp_path / "probe.ipynb"
    cell = nbformat.v4.new_code_cell("import sys; print(sys.prefix)")
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), probe)
    executed = _papermill(python, probe, tmp_path / "probe-out.ipynb", env, tmp_path)
    [output] = executed["cells"][0]["outputs"]
    assert Path("".join(output["text"]).strip()).resolve() == Path(binder_env["venv"]).resolve(), output

    notebook = REPO_ROOT / "tutorials" / "01-custom-pythonmodel.ipynb"
    executed = _papermill(python, notebook, tmp_path / notebook.name, env, tmp_path)
    cells = executed["cells"]
    assert all(cell.get("execution_count") for cell in cells if cell["cell_type"] == "code")
    # the tutorial logged its run into the working directory it was given
    assert (tmp_path / "mlruns").is_dir()
