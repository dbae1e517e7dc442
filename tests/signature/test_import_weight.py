"""The signature and enforcement modules import without numpy or pandas (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys

SIGNATURE_MODULES = [
    "servebook.signature",
    "servebook.signature.types",
    "servebook.signature.schema",
    "servebook.signature.params",
    "servebook.signature.inference",
    "servebook.signature.enforce",
    "servebook.signature.enforce.values",
    "servebook.signature.enforce.params",
    "servebook.signature.enforce.tensors",
    "servebook.signature.enforce.json_coercion",
    "servebook.signature.model_signature",
    "servebook.signature.enforce.columns",
]


def test_signature_modules_do_not_import_numpy_or_pandas() -> None:
    code = (
        "import importlib, json, sys\n"
        f"for name in {SIGNATURE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    loaded = set(json.loads(out.stdout))
    assert set(SIGNATURE_MODULES) <= loaded
    assert {name.split(".")[0] for name in loaded} & {"numpy", "pandas"} == set()


def test_public_names_of_signature_and_enforcement_resolve() -> None:
    from servebook import signature
    from servebook.signature import enforce

    missing = [
        f"{module.__name__}.{name}"
        for module in (signature, enforce)
        for name in module.__all__
        if not hasattr(module, name)
    ]
    assert missing == []
