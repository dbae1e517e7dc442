"""Print one closing line for the whole test command: pytest's and the browser tests' counts added up.

Usage: python scripts/test_summary.py PYTEST_JUNIT_XML UI_SUMMARY_JSON
Exits non-zero when a count file is missing or anything failed, so a silent gap cannot pass.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def pytest_counts(junit_xml: Path) -> dict[str, int]:
    root = ET.parse(junit_xml).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return {"passed": total - failed - skipped, "failed": failed, "skipped": skipped}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    junit_xml, ui_json = Path(argv[1]), Path(argv[2])
    missing = [str(path) for path in (junit_xml, ui_json) if not path.exists()]
    if missing:
        print(f"test summary: missing result files {missing}; did a test step not run?", file=sys.stderr)
        return 1
    python = pytest_counts(junit_xml)
    browser = json.loads(ui_json.read_text(encoding="utf-8"))
    totals = {key: python[key] + int(browser.get(key, 0)) for key in ("passed", "failed", "skipped")}
    print(
        f"pytest {python['passed']} passed, {python['failed']} failed, {python['skipped']} skipped; "
        f"browser {browser['passed']} passed, {browser['failed']} failed"
    )
    print(f"total: {totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
    return 1 if totals["failed"] else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
