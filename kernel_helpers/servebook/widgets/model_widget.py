"""The model card: ``servebook.inspect(uri)`` displayed as a widget.

Built from ``ModelReport.to_dict()`` (the JSON contract in docs/rest-api.md, the same one the JupyterLab
panel renders), so it shows exactly what the inspector found: a header, the trust verdict, then tabs for
the signature, the requirements checked against this environment, the serving example and the files.
The card is static: inspecting never runs the model, and neither does displaying the report.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from . import markup

__all__ = ["ModelCard", "render_sections"]

VERDICT_BADGES = {"data_only": "ok", "executes_code": "warn", "unsafe": "error"}
STATUS_BADGES = {
    "ok": "ok",
    "missing": "error",
    "mismatch": "warn",
    "not_needed": "muted",
    "unchecked": "muted",
}
_MAX_FILES_SHOWN = 200


def _schema_html(title: str, schema: dict[str, Any] | None) -> str:
    if schema is None:
        return f"<h4>{markup.escape(title)}</h4><i>not recorded</i>"
    rows = [
        (
            column.get("name") if column.get("name") is not None else "(unnamed)",
            column.get("type"),
            "yes" if column.get("required", True) else "optional",
            "" if column.get("shape") is None else str(tuple(column["shape"])),
        )
        for column in schema.get("columns", [])
    ]
    kind = schema.get("kind", "columns")
    return f"<h4>{markup.escape(title)} ({markup.escape(kind)})</h4>" + markup.table(
        ["name", "type", "required", "shape"], rows
    )


def _signature_html(signature: dict[str, Any] | None) -> str:
    if signature is None:
        return (
            "<i>This model has no signature: inputs are passed to <code>predict</code> unchecked. Save it "
            "with <code>signature=infer_signature(example_input, example_output)</code> to record one.</i>"
        )
    params = [
        (p.get("name"), p.get("type"), p.get("default"), "" if p.get("shape") is None else str(p["shape"]))
        for p in signature.get("params") or []
    ]
    return (
        _schema_html("Inputs", signature.get("inputs"))
        + _schema_html("Outputs", signature.get("outputs"))
        + "<h4>Params</h4>"
        + markup.table(["name", "type", "default", "shape"], params)
    )


def _requirements_html(environment: dict[str, Any] | None) -> str:
    if environment is None:
        return "<i>No environment information (the model could not be read).</i>"
    parts = []
    python_line = f"Python {environment.get('python_version') or '?'}"
    if environment.get("model_python_version"):
        python_line += f" here, model saved with {environment['model_python_version']}"
    minor_ok = environment.get("python_minor_ok")
    if minor_ok is None:
        minor_badge = markup.badge("unknown", "muted")
    elif minor_ok:
        minor_badge = markup.badge("same minor version", "ok")
    else:
        minor_badge = markup.badge("different minor version", "warn")
    parts.append(markup.escape(python_line) + " " + minor_badge)
    cloudpickle = environment.get("cloudpickle")
    if cloudpickle:
        here = cloudpickle.get("installed") or "not installed"
        text = f"cloudpickle {here} here, model saved with {cloudpickle.get('model')} "
        same = bool(cloudpickle.get("ok"))
        parts.append(
            markup.escape(text) + markup.badge("ok" if same else "differs", "ok" if same else "warn")
        )
    if environment.get("error"):
        parts.append(markup.badge("not checked", "warn") + " " + markup.escape(environment["error"]))
    rows = [
        (
            req.get("requirement"),
            req.get("installed") or "",
            markup.badge(req.get("status", "unchecked"), STATUS_BADGES.get(req.get("status", ""), "muted")),
        )
        for req in environment.get("requirements", [])
    ]
    source = environment.get("requirements_file") or "no requirements file"
    parts.append(
        f"<b>Requirements</b> ({markup.escape(source)}), checked against "
        f"<code>{markup.escape(environment.get('python_executable'))}</code>:"
        + markup.table(["requirement", "installed", "status"], rows, raw_columns=[2])
    )
    problems = environment.get("problems") or []
    if problems:
        parts.append("<b>Problems</b>" + markup.bullet_list(problems))
    return "<br>".join(parts)


def _finding(item: dict[str, Any]) -> str:
    return f"{item.get('kind')}: {item.get('path') or ''} ({item.get('detail')})"


def _trust_html(trust: dict[str, Any] | None) -> str:
    if trust is None:
        return markup.badge("trust unknown", "muted")
    verdict = trust.get("verdict", "unknown")
    lines = [
        f"<b>Trust</b>: {markup.badge(verdict.replace('_', ' '), VERDICT_BADGES.get(verdict, 'muted'))} "
        f"{markup.escape(trust.get('summary'))}"
    ]
    unsafe = [
        f"{item.get('kind')}: {item.get('path') or ''} ({item.get('detail')})"
        for item in trust.get("unsafe", [])
    ]
    runs = [
        f"{item.get('kind')}: {item.get('path') or ''} ({item.get('detail')})"
        for item in trust.get("executes_on_load", [])
    ]
    if unsafe:
        lines.append("<b>Unsafe</b>" + markup.bullet_list(unsafe))
    if runs:
        lines.append("<b>Runs on load</b>" + markup.bullet_list(runs))
    return "<br>".join(lines)


def _header_html(data: dict[str, Any]) -> str:
    flavors = ", ".join(f.get("name", "?") for f in data.get("flavors", []))
    run = data.get("run") or {}
    title = f'<h3 style="margin: 4px 0;">Model {markup.escape(data.get("name"))}</h3>'
    details = markup.definition_list(
        [
            ("location", data.get("uri")),
            ("flavors", flavors),
            ("loader", data.get("loader_module")),
            ("created (UTC)", data.get("utc_time_created")),
            ("MLflow format", data.get("mlflow_version")),
            ("size", f"{data.get('total_size', 0):,} bytes"),
            (
                "run",
                " / ".join(
                    str(v) for v in (run.get("experiment_name"), run.get("run_name"), run.get("run_id")) if v
                ),
            ),
        ]
    )
    error = ""
    if data.get("error"):
        error = f"<p>{markup.badge('error', 'error')} {markup.escape(data['error'])}</p>"
    return title + error + details


def _example_html(data: dict[str, Any]) -> str:
    serving = data.get("serving_input_example")
    example = data.get("input_example") or {}
    if serving is None and not example:
        return "<i>No input example saved. Pass <code>input_example=</code> when saving the model.</i>"
    parts = []
    if serving is not None:
        parts.append(
            "<b>Request body for POST /invocations</b> (application/json)" + markup.json_block(serving)
        )
    if example.get("error"):
        parts.append(markup.badge("example", "warn") + " " + markup.escape(example["error"]))
    return "".join(parts)


def _files_html(data: dict[str, Any]) -> str:
    files = data.get("files", [])
    rows = [
        (
            entry.get("path"),
            entry.get("kind"),
            "" if entry.get("kind") != "file" else f"{entry.get('size', 0):,}",
            entry.get("target") or "",
        )
        for entry in files[:_MAX_FILES_SHOWN]
    ]
    more = len(files) - _MAX_FILES_SHOWN
    note = f"<i>… {more} more</i>" if more > 0 else ""
    if data.get("files_truncated"):
        note += "<i> (listing truncated by the inspector)</i>"
    return markup.table(["path", "kind", "bytes", "symlink target"], rows) + note


def render_sections(data: dict[str, Any]) -> dict[str, str]:
    """The card's HTML sections from a report dict: header, trust, signature, requirements, example, files."""
    return {
        "header": _header_html(data),
        "trust": _trust_html(data.get("trust")),
        "signature": _signature_html(data.get("signature")),
        "requirements": _requirements_html(data.get("environment")),
        "example": _example_html(data),
        "files": _files_html(data),
    }


class ModelCard(w.VBox):
    """A widget showing a :class:`servebook.inspection.ModelReport`.

    Attributes:
        report: the report shown.
        header, trust, signature, requirements, example, files: the ``HTML`` widgets of each section.
        tabs: the ``Tab`` holding signature, requirements, example and files.
    """

    TAB_TITLES = ("Signature", "Requirements", "Example", "Files")

    def __init__(self, report: Any, **kwargs: Any) -> None:
        sections = render_sections(report.to_dict())
        self.report = report
        self.header = w.HTML(sections["header"])
        self.trust = w.HTML(sections["trust"])
        self.signature = w.HTML(sections["signature"])
        self.requirements = w.HTML(sections["requirements"])
        self.example = w.HTML(sections["example"])
        self.files = w.HTML(sections["files"])
        self.tabs = w.Tab(
            children=[self.signature, self.requirements, self.example, self.files], titles=self.TAB_TITLES
        )
        super().__init__(children=[self.header, self.trust, self.tabs], **kwargs)
        self.add_class("sb-model-card")
