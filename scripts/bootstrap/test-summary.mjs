// One closing line for `npm test`, summed over every package's Vitest summary ("Tests  12 passed (12)").

import { stripVTControlCharacters } from "node:util";

/** { passed, failed } summed over the Vitest "Tests …" lines of a whole (turbo-prefixed) output. */
export function sumVitestTotals(output) {
  let passed = 0;
  let failed = 0;
  for (const line of stripVTControlCharacters(output).split("\n")) {
    // turbo prefixes each line with "<package>:test: "
    const match = /^(?:\S+:\s+)?\s*Tests\s+(.*)$/.exec(line);
    if (!match?.[1]) continue;
    passed += Number(/(\d+) passed/.exec(match[1])?.[1] ?? 0);
    failed += Number(/(\d+) failed/.exec(match[1])?.[1] ?? 0);
  }
  return { passed, failed };
}

/**
 * The failed tests of a whole (turbo-prefixed) output, one line each with the first line of its error,
 * so the closing lines of a red run say which tests failed and why (CI shows only the end of a log).
 */
export function failedTests(output) {
  const lines = stripVTControlCharacters(output)
    .split("\n")
    .map((line) => line.replace(/^\S+:test:\s?/, "").trimEnd());
  const failures = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^\s*FAIL\s+(\S.*)$/.exec(lines[i]);
    if (!match?.[1]) continue;
    const error = lines
      .slice(i + 1, i + 6)
      .find((line) => /\w*(Error|Exception)\b|^\s*Test timed out/.test(line));
    const failure = error ? `${match[1].trim()} — ${error.trim().slice(0, 300)}` : match[1].trim();
    if (!failures.includes(failure)) failures.push(failure);
  }
  return failures;
}
