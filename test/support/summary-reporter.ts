/**
 * Prints one plain closing line after vitest's own summary, e.g. `tests: 412 passed, 0 failed, 6 skipped`,
 * so CI logs state the count in a form any reader understands.
 */
import type { Reporter, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      const empty = [...mod.children.allTests()].length === 0;
      if (empty && mod.state() === "failed") failed++;
      // A suite skipped for a missing DATABASE_URL/CHROMIUM_PATH has no tests of its own: count it.
      if (empty && mod.state() === "skipped") skipped++;
    }
    failed += unhandledErrors.length;
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
