import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { checkPayload, DEFAULT_PAYLOAD_LIMITS, PayloadLimitError, parseBoundedJson } from "@sagaflow/shared";
import ivm from "isolated-vm";
import type { Evaluator, ExpressionBindings } from "../../core/expressions";
import { createJsonataEvaluator, DEFAULT_EXPRESSION_TIMEOUT_MS } from "../jsonata-evaluator";
import { isBoundedExpression } from "./bounded-expression";

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
};`;

export class ExpressionLimitError extends Error {
  override name = "ResourceExhausted";
}

export interface IsolateEvaluator {
  evaluate: Evaluator;
  close(): void;
}

export function createIsolateEvaluator(options: IsolateEvaluatorOptions = {}): IsolateEvaluator {
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXPRESSION_TIMEOUT_MS;
  const memoryMb = options.memoryMb ?? DEFAULT_EXPRESSION_MEMORY_MB;
  const source = readFileSync(createRequire(import.meta.url).resolve("jsonata/jsonata.min.js"), "utf8");
  let sandbox: Promise<{ isolate: ivm.Isolate; run: ivm.Reference<unknown> }> | undefined;
  let closed = false;

  const open = async () => {
    const isolate = new ivm.Isolate({ memoryLimit: memoryMb });
    const context = await isolate.createContext();
    await context.eval(source);
    await context.eval(ISOLATE_PRELUDE);
    const run = (await context.global.get("__evaluate", { reference: true })) as ivm.Reference<unknown>;
    return { isolate, run };
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
      const value = (await local(expression, bindings)) ?? null;
      const check = checkPayload(value, limits, "the expression's value");
      if (!check.ok) throw new PayloadLimitError(check.reason);
      return value;
    }
    sandbox ??= open();
    const current = await sandbox;
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

  return {
    evaluate,
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
