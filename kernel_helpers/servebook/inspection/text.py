"""Plain-text rendering of a :class:`~.report.ModelReport` (``str(report)``, ``servebook inspect``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .report import ModelReport, SchemaTable

__all__ = ["render_report"]

_MAX_FILES = 25
_MAX_EXAMPLE_CHARS = 300


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{n} B"  # pragma: no cover - the loop always returns


def _table(title: str, table: SchemaTable | None) -> list[str]:
    if table is None:
        return [f"  {title}: (none)"]
    lines = [f"  {title} ({table.kind}):"]
    for col in table.columns:
        shape = f" shape={list(col.shape)}" if col.shape is not None else ""
        optional = "" if col.required else "  (optional)"
        lines.append(f"    {col.name or '-':<24} {col.type}{shape}{optional}")
    return lines


def render_report(report: ModelReport) -> str:
    """Return a readable multi-line description of ``report``."""
    out = [f"Model {report.name}  ({report.uri})"]
    if report.error:
        out.append(f"ERROR: {report.error}")
    if report.flavors:
        for flavor in report.flavors:
            extra = [f"loader {flavor.loader_module}"] if flavor.loader_module else []
            if flavor.python_version:
                extra.append(f"Python {flavor.python_version}")
            out.append(f"Flavor {flavor.name}" + (f" ({', '.join(extra)})" if extra else ""))
    if report.utc_time_created or report.mlflow_version:
        out.append(
            f"Created {report.utc_time_created or '?'} (format version {report.mlflow_version or '?'})"
        )
    if report.run is not None:
        run = report.run
        exp = f" in experiment {run.experiment_name!r} ({run.experiment_id})" if run.experiment_id else ""
        out.append(
            f"Run {run.run_id or '-'}{exp}"
            + (f", artifact path {run.artifact_path}" if run.artifact_path else "")
        )
    if report.signature is not None:
        out.append("Signature")
        out += _table("inputs", report.signature.inputs)
        out += _table("outputs", report.signature.outputs)
        if report.signature.params:
            out.append("  params:")
            for p in report.signature.params:
                out.append(f"    {p.name:<24} {p.type}  default={json.dumps(p.default)}")
    elif not report.error:
        out.append("Signature: none (inputs are not checked before predict)")
    if report.serving_input_example is not None:
        text = json.dumps(report.serving_input_example)
        if len(text) > _MAX_EXAMPLE_CHARS:
            text = text[:_MAX_EXAMPLE_CHARS] + " …"
        out.append(f"Serving example (POST /invocations, application/json): {text}")
    env = report.environment
    if env is not None:
        out.append(f"Environment: {env.python_executable} (Python {env.python_version or '?'})")
        if env.error:
            out.append(f"  {env.error}")
        for req in env.requirements:
            installed = f" (installed {req.installed})" if req.installed else ""
            out.append(f"  {req.status.upper():<10} {req.requirement}{installed}")
        for problem in env.problems:
            out.append(f"  ! {problem}")
    if report.files:
        out.append(
            f"Files ({len(report.files)}{'+' if report.files_truncated else ''}, {_size(report.total_size)}):"
        )
        for entry in report.files[:_MAX_FILES]:
            if entry.kind == "symlink":
                out.append(f"  {entry.path} -> {entry.target}")
            elif entry.kind == "file":
                out.append(f"  {entry.path:<40} {_size(entry.size):>10}")
        if len(report.files) > _MAX_FILES:
            out.append(f"  … {len(report.files) - _MAX_FILES} more")
    if report.trust is not None:
        out.append(f"Trust: {report.trust.verdict}. {report.trust.summary}")
        for item in (*report.trust.unsafe, *report.trust.executes_on_load):
            out.append(f"  - {item.kind} {item.path or ''}: {item.detail}".replace("  :", ":"))
    return "\n".join(out)
