import jsonata from "jsonata";
import type { Evaluator, ExpressionBindings } from "../core/expressions";

export const DEFAULT_EXPRESSION_TIMEOUT_MS = 1000;

/**
 * JSONata with the run's variables bound (`$input`, `$steps`, `$item`, `$index`, `$error`, `$run`) and a
 * time limit, so a runaway expression fails its step instead of hanging the engine. The context `$` is the
 * run input.
 */
export function createJsonataEvaluator(options: { timeoutMs?: number } = {}): Evaluator {
  const timeout = options.timeoutMs ?? DEFAULT_EXPRESSION_TIMEOUT_MS;
  return async (expression: string, bindings: ExpressionBindings) => {
    const compiled = jsonata(expression, { timeout });
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
    return compiled.evaluate(bindings.input, variables);
  };
}
