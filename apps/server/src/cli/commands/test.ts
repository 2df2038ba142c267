import path from "node:path";
import { createJsonataEvaluator, type SimulationResult, simulate, simulatedBuiltins } from "@sagaflow/engine";
import { parseCommandArgs, UsageError } from "../args";
import { EXIT } from "../exit-codes";
import type { CliIo } from "../io";
import { eachFailure } from "./test-each-failure";
import { actualOf, compare, type Mismatch, type ScenarioActual } from "./test-expect";
import { formatMs } from "./test-format";
import { junitXml } from "./test-junit";
import { loadScenarios, type Scenario } from "./test-scenarios";

const OPTIONS = {
  json: { type: "boolean" },
  reporter: { type: "string" },
  "each-failure": { type: "boolean" },
  input: { type: "string" },
  "input-file": { type: "string" },
  actions: { type: "string" },
} as const;

/**
 * `sagaflow test <scenarios.json> [--json] [--reporter junit]`: each scenario is a simulated run (the
 * engine's pure core, a simulated clock, effects stubbed); 0 all pass, 1 any fails, 64 a bad file.
 * `sagaflow test --each-failure <definition>`: see test-each-failure.ts.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, ["file"]);
  const file = positionals[0] as string;
  if (values.reporter !== undefined && values.reporter !== "junit") {
    throw new UsageError(`unknown reporter "${values.reporter}" (known: junit)`);
  }
  if (values.reporter !== undefined && values.json)
    throw new UsageError("give --json or --reporter, not both");
  if (values["each-failure"]) {
    if (values.reporter !== undefined) throw new UsageError("--each-failure prints a table or --json");
    const input = { inline: values.input, file: values["input-file"] };
    return eachFailure(file, { json: values.json === true, input, actions: values.actions }, io);
  }
  if (values.input !== undefined || values["input-file"] !== undefined) {
    throw new UsageError("--input is for --each-failure; scenarios give their own");
  }

  const loaded = await loadScenarios(file, io, values.actions);
  const actions = simulatedBuiltins();
  const evaluate = createJsonataEvaluator();
  const results: ScenarioOutcome[] = [];
  for (const scenario of loaded.scenarios) {
    const started = performance.now();
    const run = await simulate({
      definition: loaded.definition,
      input: scenario.input ?? {},
      outcomes: scenario.outcomes ?? {},
      actions,
      evaluate,
    });
    const seconds = (performance.now() - started) / 1000;
    const actual = actualOf(run);
    results.push({ scenario, actual, run, seconds, mismatches: compare(scenario.expect, actual) });
  }

  const failed = results.filter((r) => r.mismatches.length > 0).length;
  const definitionShown = path.relative(io.cwd, loaded.definitionFile) || loaded.definitionFile;
  if (values.reporter === "junit") {
    const suite = { name: loaded.definition.name, file, cases: results.map(junitCase) };
    io.out(junitXml(suite));
  } else if (values.json) {
    io.out(JSON.stringify(jsonReport(file, definitionShown, results)));
  } else {
    io.out(`${file}: ${loaded.definition.name} (${definitionShown}), ${plural(results.length, "scenario")}`);
    for (const result of results) io.out(textReport(result).join("\n"));
    io.out(`${results.length - failed} passed, ${failed} failed`);
  }
  return failed === 0 ? EXIT.ok : EXIT.failed;
}

interface ScenarioOutcome {
  scenario: Scenario;
  actual: ScenarioActual;
  run: SimulationResult;
  seconds: number;
  mismatches: Mismatch[];
}

function textReport({ scenario, actual, mismatches, run }: ScenarioOutcome): string[] {
  const took = run.elapsedMs > 0 ? `, ${formatMs(run.elapsedMs)} simulated` : "";
  if (mismatches.length === 0) return [`  ✓ ${scenario.name} (${actual.status}${took})`];
  const lines = [`  ✗ ${scenario.name} (${actual.status}${took})`];
  for (const mismatch of mismatches) {
    if (mismatch.diff.length === 1 && mismatch.field !== "output") {
      lines.push(`      ${mismatch.field}: ${mismatch.diff[0]}`);
    } else {
      lines.push(`      ${mismatch.field}:`, ...mismatch.diff.map((line) => `        ${line}`));
    }
  }
  return lines;
}

function junitCase({ scenario, mismatches, seconds }: ScenarioOutcome) {
  const diff = mismatches.flatMap((m) => [`${m.field}:`, ...m.diff.map((line) => `  ${line}`)]).join("\n");
  return { name: scenario.name, seconds, mismatches: mismatches.length, diff };
}

function jsonReport(file: string, definition: string, results: ScenarioOutcome[]) {
  const failed = results.filter((r) => r.mismatches.length > 0).length;
  return {
    file,
    definition,
    passed: results.length - failed,
    failed,
    scenarios: results.map(({ scenario, actual, mismatches, run }) => ({
      name: scenario.name,
      passed: mismatches.length === 0,
      mismatches: mismatches.map(({ field, expected, actual: got, diff }) => ({
        field,
        expected,
        actual: got,
        diff,
      })),
      actual,
      simulatedMs: run.elapsedMs,
    })),
  };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
