"""MLflow's run-search grammar for the local store: ``filter_string`` and ``order_by``.

Supported (MLflow's subset for runs): clauses joined by ``AND`` (case-insensitive), each
``<entity>.<key> <op> <value>`` where entity is ``metrics``/``metric``, ``params``/``param``,
``tags``/``tag`` or ``attributes``/``attribute``/``attr``/``run`` (``status``, ``run_name``,
``run_id``, ``start_time``, ``end_time``, ``user_id``, ``artifact_uri``); keys may be quoted with
backticks or double quotes; ops ``= != > >= < <=`` and, for strings, ``LIKE``, ``ILIKE``, ``IN``,
``NOT IN``. Order-by terms are ``<entity>.<key> [ASC|DESC]``; missing values sort last.
Pure functions over :class:`~servebook.tracking.entities.Run`; the tracking server evaluates the
same strings itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidTrackingInputError
from .entities import Run

__all__ = ["filter_runs", "parse_filter", "sort_runs"]

_ENTITY_ALIASES = {
    "metric": "metrics",
    "metrics": "metrics",
    "param": "params",
    "params": "params",
    "parameter": "params",
    "parameters": "params",
    "tag": "tags",
    "tags": "tags",
    "attribute": "attributes",
    "attributes": "attributes",
    "attr": "attributes",
    "run": "attributes",
}
_ATTRIBUTES = {"status", "run_name", "run_id", "start_time", "end_time", "user_id", "artifact_uri", "created"}
_NUMERIC_ATTRIBUTES = {"start_time", "end_time", "created"}

_TOKEN_RE = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<ident>[A-Za-z_][\w]*(?:\.(?:`[^`]*`|"[^"]*"|[\w.\-/: ]*?(?=\s|$|[=!<>(]))))
      | (?P<op>!=|>=|<=|=|>|<)
      | (?P<number>[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?))
      | (?P<paren>[(),])
      | (?P<word>[A-Za-z]+)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Clause:
    """One comparison of a filter string."""

    entity: str
    key: str
    op: str
    value: Any


def _split_identifier(text: str, source: str) -> tuple[str, str]:
    entity, _, key = text.partition(".")
    canonical = _ENTITY_ALIASES.get(entity.lower())
    if canonical is None or not key:
        raise InvalidTrackingInputError(
            f"Invalid search expression {source!r}: {text!r} must be <entity>.<key> with entity one of "
            "metrics, params, tags, attributes."
        )
    key = key.strip()
    if len(key) >= 2 and key[0] == key[-1] and key[0] in '`"':
        key = key[1:-1]
    if canonical == "attributes" and key not in _ATTRIBUTES:
        raise InvalidTrackingInputError(
            f"Invalid attribute {key!r} in {source!r}: searchable attributes are "
            f"{', '.join(sorted(_ATTRIBUTES))}."
        )
    return canonical, key


def _tokens(text: str) -> list[tuple[str, str]]:
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if not match or match.end() == pos:
            raise InvalidTrackingInputError(
                f"Invalid filter string {text!r}: cannot parse at {text[pos:]!r}."
            )
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


def _unquote(token: str) -> str:
    return re.sub(r"\\(.)", r"\1", token[1:-1])


def parse_filter(filter_string: str | None) -> list[Clause]:
    """Parse an MLflow run filter string into clauses (all must hold)."""
    if not filter_string or not filter_string.strip():
        return []
    tokens = _tokens(filter_string)
    clauses: list[Clause] = []
    i = 0

    def fail(reason: str) -> InvalidTrackingInputError:
        return InvalidTrackingInputError(f"Invalid filter string {filter_string!r}: {reason}.")

    while i < len(tokens):
        kind, text = tokens[i]
        if kind != "ident":
            raise fail(f"expected <entity>.<key>, got {text!r}")
        entity, key = _split_identifier(text, filter_string)
        i += 1
        if i >= len(tokens):
            raise fail(f"missing comparison after {text!r}")
        kind, op = tokens[i]
        if kind == "word":
            op = op.upper()
            if op == "NOT" and i + 1 < len(tokens) and tokens[i + 1][1].upper() == "IN":
                op, i = "NOT IN", i + 1
            elif op not in ("LIKE", "ILIKE", "IN"):
                raise fail(f"unknown comparator {tokens[i][1]!r}")
        elif kind != "op":
            raise fail(f"expected a comparator after {text!r}")
        i += 1
        if op in ("IN", "NOT IN"):
            if i >= len(tokens) or tokens[i][1] != "(":
                raise fail(f"{op} needs a parenthesised list of quoted strings")
            values, i = [], i + 1
            while i < len(tokens) and tokens[i][1] != ")":
                if tokens[i][0] == "string":
                    values.append(_unquote(tokens[i][1]))
                elif tokens[i][1] != ",":
                    raise fail(f"{op} lists hold quoted strings, got {tokens[i][1]!r}")
                i += 1
            if i >= len(tokens):
                raise fail("unclosed '('")
            i += 1
            value: Any = values
        else:
            if i >= len(tokens):
                raise fail(f"missing value after {op!r}")
            vkind, vtext = tokens[i]
            i += 1
            if vkind == "number":
                value = float(vtext)
            elif vkind == "string":
                value = _unquote(vtext)
            else:
                raise fail(f"value {vtext!r} must be a number or a quoted string")
            numeric = entity == "metrics" or (entity == "attributes" and key in _NUMERIC_ATTRIBUTES)
            if numeric and not isinstance(value, float):
                raise fail(f"{entity}.{key} compares with a number, got {vtext}")
            if not numeric and isinstance(value, float):
                raise fail(f"{entity}.{key} compares with a quoted string, got {vtext} (quote it)")
            if not numeric and op in (">", ">=", "<", "<="):
                raise fail(f"{op} is not supported for string comparisons of {entity}.{key}")
        clauses.append(Clause(entity, key, op, value))
        if i < len(tokens):
            if tokens[i][1].upper() != "AND":
                raise fail(f"clauses must be joined with AND, got {tokens[i][1]!r}")
            i += 1
            if i >= len(tokens):
                raise fail("trailing AND")
    return clauses


def _run_value(run: Run, entity: str, key: str) -> Any:
    if entity == "metrics":
        return run.data.metrics.get(key)
    if entity == "params":
        return run.data.params.get(key)
    if entity == "tags":
        return run.data.tags.get(key)
    if key == "created":
        key = "start_time"
    return getattr(run.info, key)


def _like(pattern: str, text: str, flags: int = 0) -> bool:
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, flags | re.DOTALL) is not None


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "LIKE": lambda a, b: _like(b, a),
    "ILIKE": lambda a, b: _like(b, a, re.IGNORECASE),
    "IN": lambda a, b: a in b,
    "NOT IN": lambda a, b: a not in b,
}


def _matches(run: Run, clause: Clause) -> bool:
    actual = _run_value(run, clause.entity, clause.key)
    if actual is None:
        return False
    if isinstance(clause.value, float):
        actual = float(actual)
        if math.isnan(actual):
            return False
    return _COMPARE[clause.op](actual, clause.value)


def filter_runs(runs: Iterable[Run], filter_string: str | None) -> list[Run]:
    """Keep the runs matching every clause of ``filter_string``."""
    clauses = parse_filter(filter_string)
    return [run for run in runs if all(_matches(run, c) for c in clauses)]


def _parse_order(term: str) -> tuple[str, str, bool]:
    parts = term.strip().rsplit(None, 1)
    ascending = True
    if len(parts) == 2 and parts[1].upper() in ("ASC", "DESC"):
        ascending = parts[1].upper() == "ASC"
        term = parts[0]
    if "." not in term:
        term = f"attributes.{term}"
    entity, key = _split_identifier(term.strip(), term)
    return entity, key, ascending


def sort_runs(runs: list[Run], order_by: list[str] | None) -> list[Run]:
    """Sort like MLflow: by each ``order_by`` term, then start_time DESC, then run_id."""
    result = sorted(runs, key=lambda r: r.info.run_id)
    result.sort(key=lambda r: -(r.info.start_time or 0))
    for term in reversed(order_by or []):
        entity, key, ascending = _parse_order(term)

        def sort_key(run: Run, entity: str = entity, key: str = key) -> tuple[int, Any]:
            value = _run_value(run, entity, key)
            if value is None or (isinstance(value, float) and math.isnan(value)):
                return (1, 0)
            return (0, value)

        present = [r for r in result if sort_key(r)[0] == 0]
        missing = [r for r in result if sort_key(r)[0] == 1]
        present.sort(key=lambda r: sort_key(r)[1], reverse=not ascending)
        result = present + missing
    return result
