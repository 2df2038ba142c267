import { describe, expect, it } from "vitest";
import { failedTests, sumVitestTotals } from "./test-summary.mjs";

describe("sumVitestTotals", () => {
  it("adds every package's Vitest summary, turbo prefixes and colours included", () => {
    const output = [
      "@sagaflow/shared:test:       Tests  \x1b[1m\x1b[32m120 passed\x1b[39m\x1b[22m (120)",
      "@sagaflow/engine:test:       Tests  2 failed | 300 passed (302)",
      "@sagaflow/engine:test:  Test Files  1 failed | 40 passed (41)",
      "@sagaflow/web:test:       Tests  5 passed (5)",
      "      Tests  1 failed | 2 passed | 1 skipped (4)",
      "Tests are fun",
    ].join("\n");
    expect(sumVitestTotals(output)).toEqual({ passed: 427, failed: 3 });
  });
});

describe("failedTests", () => {
  it("names each failed test once, with the first line of its error", () => {
    const output = [
      "@sagaflow/server:test:  \x1b[31mFAIL\x1b[39m  test/a.test.ts > runs > starts one",
      "@sagaflow/server:test: AssertionError: expected 1 to be 2",
      "@sagaflow/server:test:  FAIL  test/a.test.ts > runs > starts one",
      "@sagaflow/server:test: AssertionError: expected 1 to be 2",
      "@sagaflow/web:test:  FAIL  e2e/b.test.ts > opens",
      "@sagaflow/web:test: Error: Test timed out in 5000ms.",
      " FAIL  scripts/c.test.mjs [ scripts/c.test.mjs ]",
    ].join("\n");
    expect(failedTests(output)).toEqual([
      "test/a.test.ts > runs > starts one — AssertionError: expected 1 to be 2",
      "e2e/b.test.ts > opens — Error: Test timed out in 5000ms.",
      "scripts/c.test.mjs [ scripts/c.test.mjs ]",
    ]);
  });
});
