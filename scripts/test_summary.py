"""Print one closing line for the whole test command: pytest's and the browser tests' counts added up.

Usage: python scripts/test_summary.py RESULTS_DIR

RESULTS_DIR holds what the test command's steps left: ``pytest.xml`` (JUnit XML), ``ui.json`` (the
browser tests' counts) and ``failed-steps`` (one failed step name per line). A step that failed without
leaving failed tests behind (set-up, lint, a crashed run) counts as one failure, so the closing line
``total: N passed, N failed, N skipped`` is printed, and is honest, whatever went wrong. Exits non-zero
when anything failed. Standard library only: it must run when the project's virtualenv could not be made.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ZERO = {"passed": 0, "failed": 0, "skipped": 0}


def pytest_counts(junit_xml: Path) -> dict[str, int] | None:
    if not junit_xml.is_file():
        return None
    root = ET.parse(junit_xml).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return {"passed": total - failed - skipped, "failed": failed, "skipped": skipped}


def browser_counts(ui_json: Path) -> dict[str, int] | None:
    if not ui_json.is_file():
        return None
    counts = json.loads(ui_json.read_text(encoding="utf-8"))
    return {key: int(counts.get(key, 0)) for key in ZERO}


def describe(name: str, counts: dict[str, int] | None) -> str:
    if counts is None:
        return f"{name} did not run"
    return f"{name} {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    results = Path(argv[1])
    steps_file = results / "failed-steps"
    failed_steps = steps_file.read_text(encoding="utf-8").split() if steps_file.is_file() else []
    python = pytest_counts(results / "pytest.xml")
    browser = browser_counts(results / "ui.json")
    totals = {key: sum((counts or ZERO)[key] for counts in (python, browser)) for key in ZERO}
    shown_by = {"pytest": python, "ui-test": browser}
    for step, counts in shown_by.items():
        if counts is None and step not in failed_steps:
            failed_steps.append(step)  # ran "successfully" but left no results: a silent gap
    # a failed step whose failures the counts already show is not counted twice
    for step in failed_steps:
        counts = shown_by.get(step)
        if counts is None or counts["failed"] == 0:
            totals["failed"] += 1
    if failed_steps:
        print(f"failed steps: {', '.join(failed_steps)}")
    print(f"{describe('pytest', python)}; {describe('browser', browser)}")
    print(f"total: {totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
    return 1 if totals["failed"] else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
