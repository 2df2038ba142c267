import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { checkPayload, DEFAULT_PAYLOAD_LIMITS, PayloadLimitError, parseBoundedJson } from "@sagaflow/shared";
import ivm from "isolated-vm";
import {
  type BatchEvaluator,
  type BatchStop,
  type ExpressionOutcome,
  stops,
} from "../../core/expression-batch";
import type { Evaluator, ExpressionBindings } from "../../core/expressions";
import { createJsonataEvaluator, DEFAULT_EXPRESSION_TIMEOUT_MS } from "../jsonata-evaluator";
import { isBoundedExpression } from "./bounded-expression";
import { compiledExpression, FALLBACK } from "./compiled-expression";

/**
 * JSONata in a V8 isolate of its own (isolated-vm): a definition's expressions are user code, and one
 * catastrophic regex, one `$pad('x', 3e8)` or one tight loop must hurt only its own step. The isolate has
 * its own heap with a hard limit and runs on its own thread with a hard time limit, so the orchestrator's
 * thread stays free while it works, and a bomb disposes the isolate instead of aborting the process
 * (a worker thread cannot promise that: one huge allocation there aborts the whole process).
 *
 * Values cross as JSON text, checked against the payload limits before they are parsed here.
 */

export const DEFAULT_EXPRESSION_MEMORY_MB = 128;

export interface IsolateEvaluatorOptions {
  timeoutMs?: number;
  memoryMb?: number;
  /** The largest result, as JSON text (the payload limit). */
  maxResultBytes?: number;
  maxDepth?: number;
}

/** Runs inside the isolate: JSONata with the run's variables bound, the result as JSON text. */
const ISOLATE_PRELUDE = `
const compiled = new Map();
globalThis.__evaluate = async (expression, bindingsJson, timeout) => {
  let found = compiled.get(expression);
  if (!found) {
    found = jsonata(expression, { timeout });
    if (compiled.size >= 500) compiled.delete(compiled.keys().next().value);
    compiled.set(expression, found);
  }
  const bindings = JSON.parse(bindingsJson);
  const variables = { input: bindings.input, steps: bindings.steps, run: bindings.run, error: bindings.error ?? null };
  if (bindings.index !== undefined) { variables.index = bindings.index; variables.item = bindings.item ?? null; }
  const value = await found.evaluate(bindings.input, variables);
  const text = JSON.stringify(value === undefined ? null : value);
  return text === undefined ? "null" : text;
};
// A state's expressions in one crossing: in order, stopping after the first error (and, for choice
// rules, after the first true value, judged on the JSON text as the engine judges it). __at names the
// expression under way, so a time limit cut by the isolate's own clock is pinned on the right one.
const FALSY = new Set(["null", "false", "0", '""', "[]"]);
globalThis.__evaluateBatch = async (expressions, bindingsJson, timeout, stopAtTrue) => {
  const bindings = JSON.parse(bindingsJson);
  const variables = { input: bindings.input, steps: bindings.steps, run: bindings.run, error: bindings.error ?? null };
  if (bindings.index !== undefined) { variables.index = bindings.index; variables.item = bindings.item ?? null; }
  const outcomes = [];
  for (let i = 0; i < expressions.length; i++) {
    globalThis.__at = i;
    try {
      let found = compiled.get(expressions[i]);
      if (!found) {
        found = jsonata(expressions[i], { timeout });
        if (compiled.size >= 500) compiled.delete(compiled.keys().next().value);
        compiled.set(expressions[i], found);
      }
      const value = await found.evaluate(bindings.input, variables);
      const text = JSON.stringify(value === undefined ? null : value);
      const json = text === undefined ? "null" : text;
      outcomes.push({ ok: true, text: json });
      if (stopAtTrue && !FALSY.has(json)) break;
    } catch (error) {
      const failure = error !== null && typeof error === "object" ? error : { message: String(error) };
      outcomes.push({ ok: false, name: String(failure.name ?? ""), code: failure.code === undefined ? undefined : String(failure.code), message: String(failure.message) });
      break;
    }
  }
  return outcomes;
};`;

export class ExpressionLimitError extends Error {
  override name = "ResourceExhausted";
}

export interface IsolateEvaluator {
  evaluate: Evaluator;
  /** A state's expressions: those bounded by their inputs here, all the others in one crossing. */
  evaluateBatch: BatchEvaluator;
  /** How many calls crossed into the isolate so far (a batch is one). */
  readonly crossings: number;
  close(): void;
}

type IsolateOutcome =
  | { ok: true; text: string }
  | { ok: false; name: string; code?: string; message: string };

export function createIsolateEvaluator(options: IsolateEvaluatorOptions = {}): IsolateEvaluator {
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXPRESSION_TIMEOUT_MS;
  const memoryMb = options.memoryMb ?? DEFAULT_EXPRESSION_MEMORY_MB;
  const source = readFileSync(createRequire(import.meta.url).resolve("jsonata/jsonata.min.js"), "utf8");
  let sandbox:
    | Promise<{
        isolate: ivm.Isolate;
        context: ivm.Context;
        run: ivm.Reference<unknown>;
        runBatch: ivm.Reference<unknown>;
      }>
    | undefined;
  let closed = false;
  let crossings = 0;

  const open = async () => {
    const isolate = new ivm.Isolate({ memoryLimit: memoryMb });
    const context = await isolate.createContext();
    await context.eval(source);
    await context.eval(ISOLATE_PRELUDE);
    const run = (await context.global.get("__evaluate", { reference: true })) as ivm.Reference<unknown>;
    const runBatch = (await context.global.get("__evaluateBatch", {
      reference: true,
    })) as ivm.Reference<unknown>;
    return { isolate, context, run, runBatch };
  };

  const limits = {
    maxBytes: options.maxResultBytes ?? DEFAULT_PAYLOAD_LIMITS.maxBytes,
    maxDepth: options.maxDepth ?? DEFAULT_PAYLOAD_LIMITS.maxDepth,
  };
  const local = createJsonataEvaluator({ timeoutMs });
  const evaluate: Evaluator = async (expression: string, bindings: ExpressionBindings) => {
    if (closed) throw new Error("the expression sandbox is closed");
    // Bounded by their inputs: on this thread, where they cost a tenth (bounded-expression.ts).
    if (isBoundedExpression(expression)) {
      // The commonest shapes as plain functions (compiled-expression.ts); JSONata for the rest.
      const compiled = compiledExpression(expression);
      const fast = compiled ? compiled(bindings) : FALLBACK;
      const value = (fast === FALLBACK ? await local(expression, bindings) : fast) ?? null;
      const check = checkPayload(value, limits, "the expression's value");
      if (!check.ok) throw new PayloadLimitError(check.reason);
      return value;
    }
    sandbox ??= open();
    const current = await sandbox;
    crossings += 1;
    try {
      const text = (await current.run.apply(undefined, [expression, bindingsJson(bindings), timeoutMs], {
        arguments: { copy: true },
        result: { promise: true, copy: true },
        // The isolate's own clock: cuts a regex or a loop that never reaches JSONata's step check.
        timeout: timeoutMs + 100,
      })) as string;
      return parseBoundedJson(text, {
        ...(options.maxResultBytes === undefined ? {} : { maxBytes: options.maxResultBytes }),
        ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
        what: "the expression's value",
      });
    } catch (error) {
      if (current.isolate.isDisposed) {
        // Out of memory: this isolate is gone; the next evaluation gets a new one.
        if (sandbox) sandbox = undefined;
        throw new ExpressionLimitError(`the expression used more than ${memoryMb} MB and was stopped`);
      }
      throw asExpressionError(error, timeoutMs);
    }
  };

  const parse = (text: string) =>
    parseBoundedJson(text, {
      ...(options.maxResultBytes === undefined ? {} : { maxBytes: options.maxResultBytes }),
      ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
      what: "the expression's value",
    });

  /** The isolated expressions of one batch, in one crossing; outcomes end at the stop. */
  const crossWithBatch = async (
    expressions: readonly string[],
    bindings: ExpressionBindings,
    stopAtTrue: boolean,
  ): Promise<ExpressionOutcome[]> => {
    sandbox ??= open();
    const current = await sandbox;
    crossings += 1;
    let raw: IsolateOutcome[];
    try {
      raw = (await current.runBatch.apply(
        undefined,
        [[...expressions], bindingsJson(bindings), timeoutMs, stopAtTrue],
        {
          arguments: { copy: true },
          result: { promise: true, copy: true },
          // Each expression has its own time limit; the isolate's clock is the backstop for them all.
          timeout: timeoutMs * expressions.length + 100,
        },
      )) as IsolateOutcome[];
    } catch (error) {
      if (current.isolate.isDisposed) {
        if (sandbox) sandbox = undefined;
        // Out of memory: which one is not known here, so each runs alone again in a fresh isolate.
        if (expressions.length > 1) return alone(expressions, bindings, stopAtTrue);
        return [
          {
            ok: false,
            error: new ExpressionLimitError(`the expression used more than ${memoryMb} MB and was stopped`),
          },
        ];
      }
      // The isolate's clock cut one (a regex JSONata's own limit cannot reach): the one under way.
      const at = Number(await current.context.global.get("__at").catch(() => 0)) || 0;
      const before: ExpressionOutcome[] = expressions.slice(0, at).map(() => ({ ok: true, value: null }));
      return [...before, { ok: false, error: asExpressionError(error, timeoutMs) }];
    }
    return raw.map((outcome): ExpressionOutcome => {
      if (!outcome.ok) return { ok: false, error: asExpressionError(isolateError(outcome), timeoutMs) };
      try {
        return { ok: true, value: parse(outcome.text) };
      } catch (error) {
        return { ok: false, error };
      }
    });
  };

  const alone = async (
    expressions: readonly string[],
    bindings: ExpressionBindings,
    stopAtTrue: boolean,
  ): Promise<ExpressionOutcome[]> => {
    const outcomes: ExpressionOutcome[] = [];
    for (const expression of expressions) {
      let outcome: ExpressionOutcome;
      try {
        outcome = { ok: true, value: await evaluate(expression, bindings) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      outcomes.push(outcome);
      if (stops(outcome, stopAtTrue ? "truthy" : "error")) break;
    }
    return outcomes;
  };

  /**
   * A batch whose expressions are all bounded and compiled (compiled-expression.ts), answered on the spot:
   * no promise, no await (most steps' params and rules). Undefined when one of them needs JSONata or the
   * isolate: the batch then goes the async way from the start (the compiled functions are pure, so
   * evaluating one again there changes nothing).
   */
  const inThread = (
    expressions: readonly string[],
    bindings: ExpressionBindings,
    stop: BatchStop,
  ): ExpressionOutcome[] | undefined => {
    if (closed) return undefined;
    const outcomes: ExpressionOutcome[] = [];
    for (const expression of expressions) {
      if (!isBoundedExpression(expression)) return undefined;
      const compiled = compiledExpression(expression);
      if (!compiled) return undefined;
      let outcome: ExpressionOutcome;
      try {
        const fast = compiled(bindings);
        if (fast === FALLBACK) return undefined;
        const value = fast ?? null;
        const check = checkPayload(value, limits, "the expression's value");
        outcome = check.ok ? { ok: true, value } : { ok: false, error: new PayloadLimitError(check.reason) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      outcomes.push(outcome);
      if (stops(outcome, stop)) break;
    }
    return outcomes;
  };

  const evaluateBatch: BatchEvaluator = (expressions, bindings, stop) =>
    inThread(expressions, bindings, stop) ?? acrossBatch(expressions, bindings, stop);

  const acrossBatch = async (
    expressions: readonly string[],
    bindings: ExpressionBindings,
    stop: BatchStop,
  ): Promise<ExpressionOutcome[]> => {
    if (closed) throw new Error("the expression sandbox is closed");
    // Bounded ones first, here (cheap, and no crossing); the batch is cut at the first of them that
    // stops it, so only the isolated expressions before that cut cross, together.
    const outcomes: (ExpressionOutcome | undefined)[] = [];
    const isolated: number[] = [];
    let cut = expressions.length;
    for (const [index, expression] of expressions.entries()) {
      if (!isBoundedExpression(expression)) {
        isolated.push(index);
        continue;
      }
      let outcome: ExpressionOutcome;
      try {
        outcome = { ok: true, value: await evaluate(expression, bindings) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      outcomes[index] = outcome;
      if (stops(outcome, stop)) {
        cut = index;
        break;
      }
    }
    const sent = isolated.filter((index) => index < cut);
    if (sent.length > 0) {
      const crossed = await crossWithBatch(
        sent.map((index) => expressions[index] as string),
        bindings,
        stop === "truthy",
      );
      for (const [at, outcome] of crossed.entries()) outcomes[sent[at] as number] = outcome;
    }
    const ordered: ExpressionOutcome[] = [];
    for (const outcome of outcomes) {
      if (!outcome) break;
      ordered.push(outcome);
      if (stops(outcome, stop)) break;
    }
    return ordered;
  };

  return {
    evaluate,
    evaluateBatch,
    get crossings() {
      return crossings;
    },
    close() {
      closed = true;
      sandbox?.then(({ isolate }) => {
        if (!isolate.isDisposed) isolate.dispose();
      });
    },
  };
}

function bindingsJson(bindings: ExpressionBindings): string {
  return JSON.stringify(bindings);
}

/** An error reported from inside the isolate, as the single path would have seen it. */
function isolateError(outcome: { name: string; code?: string; message: string }): unknown {
  if (outcome.name !== "" && outcome.name !== "Error" && outcome.code === undefined) {
    return Object.assign(new Error(outcome.message), { name: outcome.name });
  }
  return outcome.code === undefined
    ? new Error(outcome.message)
    : { code: outcome.code, message: outcome.message };
}

/** isolated-vm's and JSONata's errors as one readable message that names a timeout when it was one. */
function asExpressionError(error: unknown, timeoutMs: number): Error {
  if (error instanceof Error && /timed out|evaluation timeout/i.test(error.message)) {
    return Object.assign(new Error(`the expression ran longer than its ${timeoutMs} ms time limit`), {
      name: "Timeout",
    });
  }
  if (error instanceof Error) return error;
  // JSONata throws plain objects ({code, message, position}).
  if (typeof error === "object" && error !== null && "message" in error) {
    const { message, code } = error as { message: unknown; code?: unknown };
    if (code === "D1012" || code === "U1001") {
      return Object.assign(new Error(`the expression ran longer than its ${timeoutMs} ms time limit`), {
        name: "Timeout",
      });
    }
    return new Error(String(message));
  }
  return new Error(String(error));
}
