import type { RJSFSchema } from "@rjsf/utils";
import validator from "@rjsf/validator-ajv8";
import {
  checkOutcomes,
  createJsonataEvaluator,
  type EachFailureOptions,
  type FailureReport,
  type SimulatedOutcomes,
  type SimulationResult,
  simulate,
  simulatedBuiltins,
  simulateEachFailure,
  type TimeoutBudget,
  timeoutBudget,
} from "@sagaflow/engine/core";
import {
  type ActionCatalog,
  type Definition,
  type Diagnostic,
  type JsonValue,
  validateDefinition,
} from "@sagaflow/shared";
import type { RunHistoryEvent } from "../../../run/model/run-model";

/**
 * The designer's simulations, run in the browser with the engine's own pure core: `simulate` (decide and
 * fold on a simulated clock), the pure built-ins for real, every effect stubbed, and the in-thread JSONata
 * evaluator. Nothing here talks to the server. The same checks as `sagaflow test` come first: a definition
 * that does not validate, or an outcome that cannot apply, is reported instead of run.
 */

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** One evaluator for the page: it caches compiled expressions. */
const evaluate = createJsonataEvaluator();

/** A guard against a workflow that never ends (decisions, not states): the page must stay responsive. */
const MAX_DECISIONS = 20_000;

const describe = (d: Diagnostic) => `${d.stateId ? `${d.stateId}: ` : ""}${d.message}`;

/** The definition as drawn, validated as the server would before running it. */
export function checkDefinition(draft: Definition, catalog: ActionCatalog | undefined): Checked<Definition> {
  const { layout: _layout, ...rest } = draft;
  const validation = validateDefinition(rest, catalog ? { actions: catalog } : {});
  const errors = validation.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || !validation.definition) {
    return { ok: false, problems: ["Fix the errors listed under Problems first:", ...errors.map(describe)] };
  }
  return { ok: true, value: validation.definition };
}

/** The input checked against the definition's `inputSchema`, as a run's start (and `sagaflow test`) would. */
export function checkInput(schema: Record<string, unknown> | undefined, input: JsonValue): string[] {
  if (!schema) return [];
  const { $schema: _dialect, ...rest } = schema;
  const { errors } = validator.validateFormData(input, rest as RJSFSchema);
  return errors.map((error) => `input${error.property ?? ""} ${error.message ?? "is not valid"}`.trim());
}

/** Outcomes of states that no longer exist (renamed, deleted) are left out rather than refused. */
export function outcomesFor(definition: Definition, outcomes: SimulatedOutcomes): SimulatedOutcomes {
  const ids = new Set(
    Object.keys(outcomes).filter((key) => checkOutcomes(definition, { [key]: {} }).length === 0),
  );
  return Object.fromEntries(Object.entries(outcomes).filter(([key]) => ids.has(key)));
}

export async function runSimulation(options: {
  definition: Definition;
  input: JsonValue;
  outcomes: SimulatedOutcomes;
}): Promise<Checked<SimulationResult>> {
  const problems = checkOutcomes(options.definition, options.outcomes);
  if (problems.length > 0) return { ok: false, problems };
  try {
    const value = await simulate({
      definition: options.definition,
      input: options.input,
      outcomes: options.outcomes,
      actions: simulatedBuiltins(),
      evaluate,
      maxDecisions: MAX_DECISIONS,
    });
    return { ok: true, value };
  } catch (error) {
    return { ok: false, problems: [error instanceof Error ? error.message : String(error)] };
  }
}

/** "What if each step fails?" for the definition as drawn, with this input (as `--each-failure --input`). */
export async function runEachFailure(options: {
  definition: Definition;
  input: JsonValue;
  catalog: ActionCatalog;
  onReport?: EachFailureOptions["onReport"];
}): Promise<Checked<FailureReport[]>> {
  try {
    const value = await simulateEachFailure({
      definition: options.definition,
      catalog: options.catalog,
      input: options.input,
      actions: simulatedBuiltins(),
      evaluate,
      maxDecisions: MAX_DECISIONS,
      ...(options.onReport ? { onReport: options.onReport } : {}),
    });
    return { ok: true, value };
  } catch (error) {
    return { ok: false, problems: [error instanceof Error ? error.message : String(error)] };
  }
}

export function budgetOf(definition: Definition): TimeoutBudget {
  return timeoutBudget(definition);
}

/** The simulated history as the run view's events (seq from 1), so the run view's fold draws it. */
export function asRunEvents(result: SimulationResult): RunHistoryEvent[] {
  const runId = result.snapshot.runId;
  return result.history.map((entry, i) => ({ runId, seq: i + 1, at: entry.at, event: entry.event }));
}
