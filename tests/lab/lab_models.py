"""Model directories for the inspector and server-extension tests, written file by file.

``write_trapped_model`` builds a booby-trapped model: each way a load could run code (the pickle's
``__reduce__``, a ``code/`` module, a custom ``loader_module``, a ``!!python`` YAML tag) would leave a
marker file. Tests assert that inspecting it leaves none.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from model_builders import column, param, write_pyfunc_model

EXAMPLE = {"columns": ["x"], "data": [[1.0], [2.0]]}


class _Trap:
    """Unpickling this calls exec() on code that writes a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').write('unpickled')",))


def write_plain_model(
    path: Path, *, loader: str = "mlflow.pyfunc.model", requirements: str | None = None
) -> Path:
    """A model directory shaped like MLflow's custom-PythonModel output (pickle content is inert)."""
    return write_pyfunc_model(
        path,
        inputs=[
            column("x", "double"),
            column("tags", "array", items={"type": "string"}, required=False),
        ],
        params=[param("threshold", "double", 0.5)],
        example=EXAMPLE,
        artifacts={"weights.json": '{"w": 1}'},
        code={"helpers.py": "VALUE = 1\n"},
        requirements=requirements,
        loader=loader,
        mlmodel={"model_size_bytes": 1234},
    )


def write_trapped_model(path: Path, markers: Path) -> Path:
    """A model whose every code path writes a file into ``markers`` if it runs."""
    markers.mkdir(parents=True, exist_ok=True)
    write_plain_model(path, loader="trap_loader")
    (path / "python_model.pkl").write_bytes(pickle.dumps(_Trap(markers / "pickle"), protocol=5))
    (path / "artifacts" / "state.pkl").write_bytes(
        pickle.dumps(_Trap(markers / "artifact_pickle"), protocol=2)
    )
    # a pickle with an innocent name, found by its magic bytes
    (path / "artifacts" / "weights.bin").write_bytes(pickle.dumps(_Trap(markers / "sniffed"), protocol=4))
    for module in ("trap_loader", "helpers", "sitecustomize", "yaml", "json", "packaging"):
        (path / "code" / f"{module}.py").write_text(
            f"open({str(markers / module)!r}, 'w').write('imported')\n"
        )
    # runs if anything imported the model directory as a package
    (path / "__init__.py").write_text(f"open({str(markers / 'package')!r}, 'w').write('imported')\n")
    return path


def write_yaml_tag_model(path: Path, markers: Path) -> Path:
    """An MLmodel that would run os.system if read with an unsafe YAML loader."""
    path.mkdir(parents=True)
    (path / "MLmodel").write_text(
        "flavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n"
        f"trap: !!python/object/apply:os.system ['touch {markers / 'yaml_tag'}']\n"
    )
    return path
