import jsonata from "jsonata";
import type { Evaluator, ExpressionBindings } from "./expressions";
import { JSONATA_LIMITS, limitNatives } from "./jsonata-limits";

export const DEFAULT_EXPRESSION_TIMEOUT_MS = 1000;
const CACHE_SIZE = 500;

/**
 * JSONata with the run's variables bound (`$input`, `$steps`, `$item`, `$index`, `$error`, `$run`) and a
 * time limit, so a runaway expression fails its step instead of hanging the engine. The context `$` is the
 * run input. Compiled expressions are cached (each evaluation gets its own environment).
 */
export function createJsonataEvaluator(options: { timeoutMs?: number } = {}): Evaluator {
  const timeout = options.timeoutMs ?? DEFAULT_EXPRESSION_TIMEOUT_MS;
  const compiled = new Map<string, jsonata.Expression>();
  const compile = (expression: string) => {
    let found = compiled.get(expression);
    if (!found) {
      // Limits on single native steps, so the time limit (checked between steps) holds: jsonata-limits.ts.
      found = jsonata(expression, { timeout, ...JSONATA_LIMITS });
      limitNatives(found);
      if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value as string);
      compiled.set(expression, found);
    }
    return found;
  };
  return async (expression: string, bindings: ExpressionBindings) => {
    const variables: Record<string, unknown> = {
      input: bindings.input,
      steps: bindings.steps,
      run: bindings.run,
      error: bindings.error ?? null,
    };
    if (bindings.index !== undefined) {
      variables.index = bindings.index;
      variables.item = bindings.item ?? null;
    }
    try {
      return await compile(expression).evaluate(bindings.input, variables);
    } catch (error) {
      throw asError(error, timeout);
    }
  };
}

/** JSONata's time limit error (its code for "Evaluation timeout after … milliseconds"). */
const JSONATA_TIMEOUT = "D1012";

/**
 * JSONata throws plain objects ({code, message, position}), which read "[object Object]" once
 * stringified: each becomes an Error with JSONata's message, and a timeout names the limit.
 */
export function asError(error: unknown, timeoutMs: number): Error {
  if (error instanceof Error) return error;
  if (typeof error === "object" && error !== null && "message" in error) {
    const { message, code, position } = error as { message: unknown; code?: unknown; position?: unknown };
    if (code === JSONATA_TIMEOUT) {
      return new Error(
        `the expression ran longer than its ${timeoutMs} ms time limit and was stopped (an endless loop?)`,
      );
    }
    const where = typeof position === "number" ? ` (at ${position})` : "";
    return new Error(`${String(message)}${where}`);
  }
  return new Error(String(error));
}
