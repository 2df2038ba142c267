import type { SimulationResult } from "@sagaflow/engine";
import type { JsonValue, RunError, RunStatus } from "@sagaflow/shared";
import type { Expectation } from "./test-scenarios";

/** What a scenario's run did, in the terms `expect` uses (also what `--json` prints). */
export interface ScenarioActual {
  status: RunStatus;
  output: JsonValue;
  error: RunError | null;
  path: string[];
  compensated: string[];
  visits: Record<string, number>;
}

/** One expectation that did not hold, with the lines that show how. */
export interface Mismatch {
  field: keyof Expectation;
  expected: unknown;
  actual: unknown;
  diff: string[];
}

export function actualOf(result: SimulationResult): ScenarioActual {
  const { snapshot } = result;
  const visits = Object.fromEntries(Object.entries(snapshot.stateRuns).map(([id, run]) => [id, run.visits]));
  return {
    status: snapshot.status,
    output: snapshot.output,
    error: snapshot.error,
    path: result.path,
    compensated: result.compensated,
    visits,
  };
}

/** Every `expect` field that does not match; an empty list is a pass. */
export function compare(expected: Expectation, actual: ScenarioActual): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const check = (field: keyof Expectation, want: unknown, got: unknown, diff: string[]) => {
    if (diff.length > 0) mismatches.push({ field, expected: want, actual: got, diff });
  };
  if (expected.status !== undefined && expected.status !== actual.status) {
    check("status", expected.status, actual.status, [`expected ${expected.status}, got ${actual.status}`]);
  }
  if (expected.output !== undefined) {
    check("output", expected.output, actual.output, jsonDiff(expected.output, actual.output, "output"));
  }
  for (const field of ["path", "compensated"] as const) {
    const want = expected[field];
    if (want !== undefined && !sameList(want, actual[field])) {
      check(field, want, actual[field], [
        `- expected ${sequence(want)}`,
        `+ actual   ${sequence(actual[field])}`,
      ]);
    }
  }
  if (expected.error !== undefined) {
    check("error", expected.error, actual.error, errorDiff(expected.error, actual.error));
  }
  if (expected.visits !== undefined) {
    const diff = Object.entries(expected.visits).flatMap(([state, want]) => {
      const got = actual.visits[state] ?? 0;
      return got === want ? [] : [`${state}: expected ${want} visit${want === 1 ? "" : "s"}, got ${got}`];
    });
    check("visits", expected.visits, actual.visits, diff);
  }
  return mismatches;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function sequence(items: readonly string[]): string {
  return items.length === 0 ? "(none)" : items.join(" → ");
}

function errorDiff(expected: NonNullable<Expectation["error"]> | null, actual: RunError | null): string[] {
  const shown = actual === null ? "no error" : `${actual.error}: ${actual.message}`;
  if (expected === null) return actual === null ? [] : [`expected no error, got ${shown}`];
  const want = typeof expected === "string" ? { error: expected } : expected;
  const lines: string[] = [];
  if (want.error !== undefined && want.error !== actual?.error) {
    lines.push(`expected error ${want.error}, got ${shown}`);
  }
  if (want.message !== undefined && want.message !== actual?.message) {
    lines.push(
      `expected message ${JSON.stringify(want.message)}, got ${actual === null ? "no error" : JSON.stringify(actual.message)}`,
    );
  }
  return lines;
}

/** Deep equality, told as one line per difference with its JSON path. Key order does not matter. */
export function jsonDiff(expected: JsonValue, actual: JsonValue | undefined, at: string): string[] {
  if (actual === undefined) return [`${at}: expected ${show(expected)}, missing`];
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    return keys.flatMap((key) => {
      const where = `${at}${/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`;
      const want = expected[key];
      if (want === undefined) return [`${where}: not expected, got ${show(actual[key] ?? null)}`];
      return jsonDiff(want, actual[key], where);
    });
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const lines = expected.flatMap((item, i) => jsonDiff(item, actual[i], `${at}[${i}]`));
    if (actual.length > expected.length) {
      lines.push(
        `${at}: expected ${expected.length} items, got ${actual.length} (extra ${show(actual.slice(expected.length))})`,
      );
    }
    return lines;
  }
  return JSON.stringify(expected) === JSON.stringify(actual)
    ? []
    : [`${at}: expected ${show(expected)}, got ${show(actual)}`];
}

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function show(value: JsonValue): string {
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
