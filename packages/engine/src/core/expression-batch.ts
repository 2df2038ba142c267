import { expressionBody, type JsonValue } from "@sagaflow/shared";
import { type Evaluator, type ExpressionBindings, ExpressionError, toJson } from "./expressions";

/*
 * A state's expressions (a task's params, a choice's rules, a succeed's output, a map's items) are
 * evaluated in one batch: the engine's evaluator sends the ones that need the isolate there in one
 * crossing, with the bindings copied once, instead of one crossing per `{% %}`. The batch keeps the
 * one-by-one semantics: expressions run in order, and the batch stops where one by one would have
 * stopped (the first error; for choice rules, also the first true rule), so what later expressions
 * would have done (an error, a time limit) never matters.
 */

export type ExpressionOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * A value now, or later. The engine's evaluator answers a batch of in-thread expressions (bounded, compiled:
 * most steps) at once, so the layers above it take the value without an `await`: each await on a loop
 * step's path kept a frame and a promise alive (issue 14: allocation between commits slows the commit).
 */
export type MaybePromise<T> = T | Promise<T>;

/** `then` without a microtask (and without a promise) when the value is already here. */
export function whenReady<T, R>(value: MaybePromise<T>, next: (ready: T) => R): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** "error": stop after the first error (params). "truthy": also stop after the first true value (rules). */
export type BatchStop = "error" | "truthy";

/**
 * Evaluates expression bodies with the same bindings, in order; the outcomes come back in that order and
 * end at the stop (so there may be fewer outcomes than expressions).
 */
export type BatchEvaluator = (
  expressions: readonly string[],
  bindings: ExpressionBindings,
  stop: BatchStop,
) => MaybePromise<ExpressionOutcome[]>;

/** A batch as a loop over a one-expression evaluator (tests, the simulator, a custom evaluator). */
export function batchOf(evaluate: Evaluator): BatchEvaluator {
  return async (expressions, bindings, stop) => {
    const outcomes: ExpressionOutcome[] = [];
    for (const expression of expressions) {
      let outcome: ExpressionOutcome;
      try {
        outcome = { ok: true, value: await evaluate(expression, bindings) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      outcomes.push(outcome);
      if (stops(outcome, stop)) break;
    }
    return outcomes;
  };
}

/** Whether the batch ends at this outcome. */
export function stops(outcome: ExpressionOutcome, stop: BatchStop): boolean {
  return !outcome.ok || (stop === "truthy" && isTruthy(toJson(outcome.value)));
}

/** A rule's truth: a non-empty array, or any JSON value JavaScript calls true. */
export function isTruthy(value: JsonValue): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

/**
 * Replaces every `{% … %}` string inside `value` (deeply) by its value, all in one batch; synchronous when
 * the batch is.
 */
export function evaluateValue(
  value: JsonValue,
  bindings: ExpressionBindings,
  batch: BatchEvaluator,
): MaybePromise<JsonValue> {
  const found: { text: string; body: string }[] = [];
  collect(value, found);
  if (found.length === 0) return copy(value);
  const bodies = found.map((expression) => expression.body);
  return whenReady(batch(bodies, bindings, "error"), (outcomes) =>
    substituteOutcomes(value, found, outcomes),
  );
}

function substituteOutcomes(
  value: JsonValue,
  found: readonly { text: string; body: string }[],
  outcomes: readonly ExpressionOutcome[],
): JsonValue {
  const values: JsonValue[] = [];
  for (const [index, expression] of found.entries()) {
    const outcome = outcomes[index];
    if (!outcome) throw new ExpressionError(`${expression.text}: the expression was not evaluated`);
    if (!outcome.ok) throw new ExpressionError(`${expression.text}: ${messageOf(outcome.error)}`);
    values.push(toJson(outcome.value));
  }
  let next = 0;
  return substitute(value, () => values[next++] as JsonValue);
}

/**
 * The index of the first true rule (`{% … %}` or a bare JSONata expression), or undefined when none is;
 * an error before the first true rule throws, as one by one would have.
 */
export function firstTrueRule(
  whens: readonly string[],
  bindings: ExpressionBindings,
  batch: BatchEvaluator,
): MaybePromise<number | undefined> {
  if (whens.length === 0) return undefined;
  const bodies = whens.map((when) => expressionBody(when) ?? when);
  return whenReady(batch(bodies, bindings, "truthy"), (outcomes) => ruleOf(whens, bodies, outcomes));
}

function ruleOf(
  whens: readonly string[],
  bodies: readonly string[],
  outcomes: readonly ExpressionOutcome[],
): number | undefined {
  for (const [index, outcome] of outcomes.entries()) {
    if (!outcome.ok) throw new ExpressionError(`{% ${bodies[index]} %}: ${messageOf(outcome.error)}`);
    if (isTruthy(toJson(outcome.value))) return index;
  }
  if (outcomes.length < whens.length) {
    throw new ExpressionError(`{% ${bodies[outcomes.length]} %}: the expression was not evaluated`);
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The expression strings of `value`, depth first: the order substitute puts their values back in. */
function collect(value: JsonValue, out: { text: string; body: string }[]): void {
  if (typeof value === "string") {
    const body = expressionBody(value);
    if (body !== undefined) out.push({ text: value, body });
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collect(item, out);
    return;
  }
  if (value !== null && typeof value === "object") {
    for (const key in value) collect(value[key] as JsonValue, out);
  }
}

function substitute(value: JsonValue, next: () => JsonValue): JsonValue {
  if (typeof value === "string") return expressionBody(value) === undefined ? value : next();
  if (Array.isArray(value)) return value.map((item) => substitute(item, next));
  if (value !== null && typeof value === "object") {
    const out: Record<string, JsonValue> = {};
    for (const key in value) out[key] = substitute(value[key] as JsonValue, next);
    return out;
  }
  return value;
}

/** A fresh copy of a value without expressions (params end up in events, apart from the definition). */
function copy(value: JsonValue): JsonValue {
  return substitute(value, () => null);
}
