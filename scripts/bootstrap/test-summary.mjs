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
