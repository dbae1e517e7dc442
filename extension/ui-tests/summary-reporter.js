/**
 * Prints a plain closing line `N passed, N failed` (pytest style) so CI can read the result.
 * Playwright's own summary ("2 passed (15.2s)") is not in that format. When SERVEBOOK_UI_SUMMARY names
 * a file, the counts are also written there as JSON for the test command's combined summary.
 */
const fs = require('fs');

class SummaryReporter {
  constructor() {
    this.passed = 0;
    this.failed = 0;
    this.skipped = 0;
  }

  onTestEnd(test, result) {
    // Count each test once, by its final attempt.
    if (
      result.retry < test.retries &&
      result.status !== 'passed' &&
      result.status !== 'skipped'
    ) {
      return;
    }
    if (result.status === 'passed') {
      this.passed += 1;
    } else if (result.status === 'skipped') {
      this.skipped += 1;
    } else {
      this.failed += 1;
    }
  }

  onEnd(result) {
    if (result.status !== 'passed' && this.failed === 0) {
      // Setup failed or the run was interrupted: no test may count as passed silently.
      this.failed = Math.max(1, this.failed);
    }
    const skipped = this.skipped ? `, ${this.skipped} skipped` : '';
    process.stdout.write(
      `\n${this.passed} passed, ${this.failed} failed${skipped}\n`
    );
    const summaryFile = process.env.SERVEBOOK_UI_SUMMARY;
    if (summaryFile) {
      const counts = {
        passed: this.passed,
        failed: this.failed,
        skipped: this.skipped
      };
      fs.writeFileSync(summaryFile, JSON.stringify(counts));
    }
  }

  printsToStdio() {
    return false;
  }
}

module.exports = SummaryReporter;
