/**
 * JUnit XML for `sagaflow test --reporter junit`: the format CI systems (GitLab, Jenkins, GitHub test
 * reporters) read. One suite per scenario file, one test case per scenario, a <failure> with the diff.
 */

export interface JunitCase {
  name: string;
  /** Real seconds the simulation took. */
  seconds: number;
  /** Expectations not met (0: passed), and the diff that shows them. */
  mismatches: number;
  diff: string;
}

export interface JunitSuite {
  name: string;
  file: string;
  cases: JunitCase[];
}

export function junitXml(suite: JunitSuite): string {
  const failures = suite.cases.filter((c) => c.mismatches > 0).length;
  const seconds = suite.cases.reduce((sum, c) => sum + c.seconds, 0);
  const counts = `tests="${suite.cases.length}" failures="${failures}" errors="0" skipped="0" time="${seconds.toFixed(3)}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sagaflow test" ${counts}>`,
    `  <testsuite name="${xmlEscape(suite.name)}" file="${xmlEscape(suite.file)}" ${counts}>`,
  ];
  for (const c of suite.cases) {
    const open = `    <testcase name="${xmlEscape(c.name)}" classname="${xmlEscape(suite.name)}" time="${c.seconds.toFixed(3)}"`;
    if (c.mismatches === 0) {
      lines.push(`${open}/>`);
      continue;
    }
    const message = `${c.mismatches} expectation${c.mismatches === 1 ? "" : "s"} not met`;
    lines.push(
      `${open}>`,
      `      <failure message="${xmlEscape(message)}" type="ExpectationFailed">${xmlEscape(c.diff, false)}</failure>`,
      "    </testcase>",
    );
  }
  lines.push("  </testsuite>", "</testsuites>");
  return lines.join("\n");
}

/**
 * The five XML entities, and no control characters XML 1.0 forbids; in attributes newlines too (a parser
 * would fold them into spaces).
 */
function xmlEscape(text: string, attribute = true): string {
  const escaped = text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
  const legal = Array.from(escaped, (char) =>
    char < " " && !"\t\n\r".includes(char) ? "\uFFFD" : char,
  ).join("");
  return attribute ? legal.replace(/\n/g, "&#10;") : legal;
}
