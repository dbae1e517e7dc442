"""Import budget and layering: checked in fresh interpreters (after click's test_imports)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

FORBIDDEN_FOR_SERVEBOOK = frozenset(
    {
        "mlflow",
        "jupyter_server",
        "tornado",
        "traitlets",
        "servebook_lab",
        "pandas",
        "numpy",
        "ipywidgets",
        "pydantic",
    }
)


def _modules_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    return set(json.loads(out.stdout))


def _top_levels(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.mark.parametrize(
    "statement",
    [
        "import servebook",
        "import servebook.errors",
        "import servebook.models",
        "import servebook.pyfunc",
        "import servebook.sklearn",
        "from servebook import PythonModel, ScoringClient",
    ],
)
def test_servebook_import_is_light(statement: str) -> None:
    loaded = _top_levels(_modules_after(statement))
    forbidden = sorted(loaded & FORBIDDEN_FOR_SERVEBOOK)
    assert forbidden == [], f"{statement!r} imported {forbidden}"


def test_public_names_resolve() -> None:
    import servebook

    missing = [name for name in servebook.__all__ if not hasattr(servebook, name)]
    assert missing == []
