"""HTML fragments for the notebook widgets: tables, badges and preformatted blocks.

Pure functions returning strings, so they are testable without ipywidgets. Every value that comes from a
model (column names, requirement lines, file names, server messages) is escaped here: a model is data,
and its metadata must never inject markup into the notebook. Colours use JupyterLab's theme variables
with fallbacks, so the cards read well in light and dark themes and outside JupyterLab.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["BADGE_KINDS", "badge", "bullet_list", "definition_list", "escape", "json_block", "pre", "table"]

# badge kind -> (background, foreground)
BADGE_KINDS: dict[str, tuple[str, str]] = {
    "ok": ("var(--jp-success-color1, #388e3c)", "white"),
    "warn": ("var(--jp-warn-color1, #f57c00)", "white"),
    "error": ("var(--jp-error-color1, #d32f2f)", "white"),
    "info": ("var(--jp-info-color1, #0288d1)", "white"),
    "muted": ("var(--jp-layout-color3, #9e9e9e)", "var(--jp-ui-font-color0, black)"),
}

_TABLE_STYLE = "border-collapse: collapse; font-size: var(--jp-ui-font-size1, 13px); margin: 4px 0;"
_CELL_STYLE = "border: 1px solid var(--jp-border-color2, #ddd); padding: 2px 8px; text-align: left;"
_MAX_PRE_CHARS = 20_000


def escape(value: Any) -> str:
    """Return ``value`` as text safe to put inside HTML (``None`` becomes an empty string)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = json.dumps(value, default=str) if isinstance(value, (dict, list, tuple, bool)) else str(value)
    return html.escape(value, quote=True)


def badge(text: str, kind: str) -> str:
    """A small coloured label; ``kind`` is one of :data:`BADGE_KINDS`."""
    background, foreground = BADGE_KINDS.get(kind, BADGE_KINDS["muted"])
    return (
        f'<span class="sb-badge sb-badge-{escape(kind)}" style="background: {background};'
        f' color: {foreground}; border-radius: 3px; padding: 0 6px; font-size: 90%;">{escape(text)}</span>'
    )


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, raw_columns: Iterable[int] = ()) -> str:
    """An HTML table; cells are escaped except in ``raw_columns`` (pre-rendered HTML such as badges)."""
    raw = set(raw_columns)
    head = "".join(f'<th style="{_CELL_STYLE}">{escape(h)}</th>' for h in headers)
    body = []
    for row in rows:
        cells = "".join(
            f'<td style="{_CELL_STYLE}">{value if index in raw else escape(value)}</td>'
            for index, value in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    if not body:
        body.append(f'<tr><td style="{_CELL_STYLE}" colspan="{len(headers)}"><i>none</i></td></tr>')
    return (
        f'<table class="sb-table" style="{_TABLE_STYLE}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def pre(text: str, *, max_chars: int = _MAX_PRE_CHARS) -> str:
    """A preformatted block (escaped, cut to ``max_chars`` from the end when longer)."""
    if len(text) > max_chars:
        text = "…" + text[-max_chars:]
    return (
        '<pre class="sb-pre" style="max-height: 16em; overflow: auto; margin: 4px 0; padding: 4px;'
        f' background: var(--jp-layout-color2, #f5f5f5);">{escape(text)}</pre>'
    )


def json_block(value: Any) -> str:
    """``value`` as JSON in a preformatted block (indented when it does not fit on a line)."""
    compact = json.dumps(value, default=str)
    return pre(compact if len(compact) <= 100 else json.dumps(value, indent=2, default=str))


def definition_list(items: Iterable[tuple[str, Any]]) -> str:
    """``label: value`` lines (values escaped; empty values skipped)."""
    lines = [
        f"<b>{escape(label)}</b>: {escape(value)}"
        for label, value in items
        if value not in (None, "", [], {})
    ]
    return "<br>".join(lines)


def bullet_list(items: Iterable[str]) -> str:
    """An unordered list of escaped lines (empty string when there are none)."""
    entries = "".join(f"<li>{escape(item)}</li>" for item in items)
    return f'<ul style="margin: 2px 0;">{entries}</ul>' if entries else ""
