"""The TypeScript wire types (extension/src/rest.ts) match what the server extension really sends.

A real Jupyter server with servebook_lab answers every route the frontend reads, on models that fill
the report's optional parts (a run, an input example, requirements, tensors, symlinks, unsafe
findings) and a real scoring server. The answers are written to JSON files; each is validated
against a JSON Schema generated from rest.ts at test time by ts-json-schema-generator (a
devDependency of the extension). Interfaces become ``additionalProperties: false`` with their
non-optional fields required, so a field renamed, added or dropped on either side fails here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import REPO, fetch_json
from lab_models import write_plain_model
from model_builders import write_pyfunc_model

pytestmark = pytest.mark.integration

EXTENSION = REPO / "extension"

# The types the frontend reads at the top level of an answer (or sends, for IStartServerBody).
# Every other type in rest.ts must be reachable from these, so a new wire type needs a document here.
TOP_LEVEL_TYPES = {
    "IInfo",
    "IModelList",
    "IModelReport",
    "IServerList",
    "IServer",
    "IServerLog",
    "IStartServerBody",
    "IErrorBody",
    "IScoringErrorBody",
}

TENSOR_INPUTS = [{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]
TENSOR_OUTPUTS = [{"name": "scores", "type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]


@pytest.fixture(scope="module")
def rest_schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The JSON Schema of every exported type of rest.ts, generated now by ts-json-schema-generator."""
    jlpm = shutil.which("jlpm", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    generator = EXTENSION / "node_modules" / "ts-json-schema-generator"
    if jlpm is None or shutil.which("node") is None or not generator.is_dir():
        pytest.fail(
            "Generating the JSON Schema of extension/src/rest.ts needs node, jlpm (from the "
            "jupyter-builder package in .venv) and the extension's node_modules: run `make venv` and "
            "`cd extension && jlpm install` (make pytest and make test do that)."
        )
    out = tmp_path_factory.mktemp("schema") / "rest.schema.json"
    proc = subprocess.run(
        [jlpm, "schema:rest", "--out", str(out)],
        cwd=EXTENSION,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, f"ts-json-schema-generator failed:\n{proc.stdout}\n{proc.stderr}"
    return json.loads(out.read_text())


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[-1]} if isinstance(node.get("$ref"), str) else set()
        for value in node.values():
            found |= _refs(value)
        return found
    if isinstance(node, list):
        return set().union(*(_refs(item) for item in node)) if node else set()
    return set()


def _reachable(schema: dict[str, Any], roots: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_refs(schema["definitions"][name]) - seen)
    return seen


def _errors(schema: dict[str, Any], type_name: str, document: Any) -> list[str]:
    """Every way ``document`` breaks ``type_name`` (as 'where: what' lines), empty when it conforms."""
    validator = jsonschema.Draft7Validator({**schema, "$ref": f"#/definitions/{type_name}"})
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}"
        for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    ]


def _write_models(root: Path, outside: Path) -> None:
    """Models that fill the report's optional parts (see the module docstring)."""
    experiment = root / "mlruns" / "7"
    (experiment / "r1").mkdir(parents=True)
    (experiment / "meta.yaml").write_text("experiment_id: '7'\nname: contract\n")
    (experiment / "r1" / "meta.yaml").write_text(
        "run_id: r1\nrun_name: brave-owl\nstatus: 3\nexperiment_id: '7'\n"
    )
    write_plain_model(
        experiment / "r1" / "artifacts" / "model", requirements="numpy>=1.0\nno-such-package==1.0\n"
    )
    tensor = write_pyfunc_model(root / "tensor", inputs=TENSOR_INPUTS, outputs=TENSOR_OUTPUTS)
    outside.write_text("outside the model\n")
    (tensor / "inside_link.txt").symlink_to("conda.yaml")
    (tensor / "escape_link.txt").symlink_to(outside)
    broken = root / "broken"
    broken.mkdir()
    (broken / "MLmodel").write_text("flavors: [unclosed")


async def _collect(jp_fetch, root_name: str, model_path: str) -> dict[str, tuple[str, int, Any]]:
    """name -> (TypeScript type, HTTP status, parsed body) of every answer the frontend reads."""
    from servebook import __version__

    answers: dict[str, tuple[str, int, Any]] = {}

    async def get(name: str, type_name: str, *parts: str, **kwargs: Any) -> Any:
        code, _, body = await fetch_json(jp_fetch, *parts, **kwargs)
        answers[name] = (type_name, code, body)
        return body

    await get("info", "IInfo", "info", params={"version": __version__})
    await get("info_mismatch", "IInfo", "info", params={"version": "0.0.1"})
    await get("models", "IModelList", "models", params={"path": root_name})
    await get("models_root", "IModelList", "models", params={"path": ""})
    await get("report_run", "IModelReport", "models", root_name, "mlruns", "7", "r1", "artifacts", "model")
    await get("report_tensor", "IModelReport", "models", root_name, "tensor")
    await get("report_broken", "IModelReport", "models", root_name, "broken")
    await get("report_saved", "IModelReport", "models", *model_path.split("/"))
    await get("error_no_model", "IErrorBody", "models", "no", "such", "model")

    start = {"model_path": model_path, "wait": True}
    answers["start_body"] = ("IStartServerBody", 0, start)
    server = await get("server_started", "IServer", "servers", method="POST", body=start)
    await get("error_bad_start", "IErrorBody", "servers", method="POST", body={"model_path": 3})
    await get("servers", "IServerList", "servers")
    await get("server", "IServer", "servers", server["id"])
    await get("server_logs", "IServerLog", "servers", server["id"], "logs", params={"tail": "50"})
    await get(
        "scoring_error",
        "IScoringErrorBody",
        "servers",
        server["id"],
        "invocations",
        method="POST",
        body={"dataframe_split": {"columns": ["nope"], "data": [[1.0]]}},
        headers={"Content-Type": "application/json"},
    )
    code, _, _ = await fetch_json(jp_fetch, "servers", server["id"], method="DELETE")
    assert code == 204
    await get("server_stopped", "IServer", "servers", server["id"])
    await get("error_no_server", "IErrorBody", "servers", "0123456789ab")
    return answers


def test_server_answers_match_the_typescript_wire_types(
    jp_fetch, jp_root_dir: Path, model_in_root: str, rest_schema: dict[str, Any], tmp_path: Path, run
):
    _write_models(jp_root_dir / "proj", tmp_path / "outside.txt")
    answers = run(_collect(jp_fetch, "proj", model_in_root))

    # The answers are what they should be, so the documents below exercise the optional parts.
    expected_status = {"error_no_model": 404, "error_bad_start": 400, "error_no_server": 404,
                       "scoring_error": 400, "server_started": 201, "start_body": 0}  # fmt: skip
    for name, (_, code, _) in answers.items():
        assert code == expected_status.get(name, 200), (name, code, answers[name][2])
    report, tensor = answers["report_run"][2], answers["report_tensor"][2]
    assert report["run"]["run_name"] == "brave-owl"
    assert report["input_example"]["data"] is not None
    assert report["environment"]["cloudpickle"] is not None
    assert report["environment"]["requirements"]
    assert report["signature"]["params"]
    assert tensor["signature"]["inputs"]["kind"] == "tensors"
    assert {f["path"]: f["kind"] for f in tensor["files"]}["inside_link.txt"] == "symlink"
    assert tensor["trust"]["unsafe"]
    assert answers["report_broken"][2]["error"]
    assert answers["info_mismatch"][2]["message"]
    assert answers["servers"][2]["servers"]
    assert answers["server_stopped"][2]["state"] == "stopped"
    assert answers["server_logs"][2]["log"]
    assert answers["models"][2]["models"]

    # Written as JSON, read back and validated: what the browser parses is what is checked.
    documents = tmp_path / "responses"
    documents.mkdir()
    for name, (_, _, body) in answers.items():
        (documents / f"{name}.json").write_text(json.dumps(body, indent=2))
    problems = {
        name: _errors(rest_schema, type_name, json.loads((documents / f"{name}.json").read_text()))
        for name, (type_name, _, _) in answers.items()
    }
    problems = {name: errors for name, errors in problems.items() if errors}
    assert not problems, "answers that do not match extension/src/rest.ts:\n" + "\n".join(
        f"  {name} ({answers[name][0]}): {error}" for name, errors in problems.items() for error in errors
    )

    # Every wire type is checked through some document.
    unchecked = set(rest_schema["definitions"]) - _reachable(rest_schema, TOP_LEVEL_TYPES)
    assert not unchecked, f"types in rest.ts that no document here checks: {sorted(unchecked)}"
    assert {type_name for type_name, _, _ in answers.values()} == TOP_LEVEL_TYPES


def test_the_schema_rejects_a_renamed_added_or_missing_field(rest_schema: dict[str, Any]):
    """The generated schema is strict: the check above fails when either side changes a field."""
    summary = {
        "path": "m", "name": "m", "flavors": ["python_function"], "loader_module": None,
        "has_signature": True, "has_input_example": False, "utc_time_created": None, "model_uuid": None,
        "run_id": None, "experiment_id": None, "experiment_name": None, "artifact_path": None, "error": None,
    }  # fmt: skip
    listing = {"path": "", "models": [summary], "truncated": False, "truncated_reason": None}
    assert _errors(rest_schema, "IModelList", listing) == []

    renamed = {
        **listing,
        "models": [{**{k: v for k, v in summary.items() if k != "has_signature"}, "signed": True}],
    }
    errors = _errors(rest_schema, "IModelList", renamed)
    assert any("'signed' was unexpected" in e for e in errors), errors
    assert any("'has_signature' is a required property" in e for e in errors), errors
    assert _errors(rest_schema, "IModelList", {**listing, "truncated_reason": "later"})
    assert _errors(rest_schema, "IModelList", {**listing, "truncated": "no"})
