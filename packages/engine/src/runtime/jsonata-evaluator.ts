import jsonata from "jsonata";
import type { Evaluator, ExpressionBindings } from "../core/expressions";

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
      found = jsonata(expression, { timeout });
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
    return compile(expression).evaluate(bindings.input, variables);
  };
}
