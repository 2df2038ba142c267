import { durationSchema, type JsonValue, parseDuration } from "@sagaflow/shared";
import { z } from "zod";
import { ActionError } from "./action-error";
import type { SimulatedAction } from "./simulate";

/**
 * The built-in actions that touch nothing outside the process (`transform`, `assert`, `log`, `flaky`,
 * `delay`): their params and their logic. The engine's actions (actions/builtin/) wrap these, and
 * simulations run them for real, in Node (`sagaflow test`) and in the browser (the designer's Simulate
 * mode), so a simulated step computes what a real one does. Every other action is stubbed there.
 */

export interface PureBuiltin<Params extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  params: Params;
  /** The step's output for params already parsed (defaults applied), or a thrown ActionError. */
  run(params: z.output<Params>, attempt: number): JsonValue;
}

const pure = <Params extends z.ZodType>(builtin: PureBuiltin<Params>) => builtin;

export const pureTransform = pure({
  name: "transform",
  description: "Outputs `value`, typically built by expressions from $input and $steps. No side effects.",
  params: z.strictObject({
    value: z.unknown().describe("The output: any JSON, expressions evaluated"),
  }),
  run: (params) => (params.value ?? null) as JsonValue,
});

/** JavaScript's falsy values, plus an empty list: "no rows" fails an assertion. */
export function isFalsy(value: unknown): boolean {
  return !value || (Array.isArray(value) && value.length === 0);
}

export const pureAssert = pure({
  name: "assert",
  description:
    "Fails with the named error when `that` is falsy (false, null, 0, an empty string or an empty list). " +
    "Output: {ok: true}.",
  params: z.strictObject({
    that: z.unknown().describe("The value to check, usually an expression such as {% $count(...) = 0 %}"),
    error: z
      .string()
      .min(1)
      .default("AssertionFailed")
      .describe("Name of the error thrown when the check fails: what catch and retryOn match"),
    message: z.string().default("Assertion failed").describe("Message of that error"),
  }),
  run(params) {
    if (isFalsy(params.that)) throw new ActionError(params.error, params.message);
    return { ok: true };
  },
});

/** Its output; writing the message to the run's log is the engine's part (a simulation has no log). */
export const pureLog = pure({
  name: "log",
  description: "Writes a message to the run's log. Output: {}.",
  params: z.strictObject({
    message: z.string().describe("The text to log; expressions may build it"),
    level: z.enum(["debug", "info", "warn", "error"]).default("info").describe("Log level"),
  }),
  run: () => ({}),
});

export const pureFlaky = pure({
  name: "flaky",
  description:
    "For demos and tests: fails the first `failTimes` attempts of a step with the named error, then " +
    "outputs `output`. Combine with a retry policy to see retries at work.",
  params: z.strictObject({
    failTimes: z.number().int().min(0).describe("How many attempts fail before one succeeds"),
    error: z.string().min(1).default("FlakyError").describe("Name of the error of the failing attempts"),
    message: z.string().optional().describe("Message of that error"),
    output: z.unknown().optional().describe("What the succeeding attempt outputs (default null)"),
  }),
  run(params, attempt) {
    if (attempt <= params.failTimes) {
      const message = params.message ?? `Attempt ${attempt} of ${params.failTimes} planned failures`;
      throw new ActionError(params.error, message);
    }
    return (params.output ?? null) as JsonValue;
  },
});

/** Its output; the sleep is the engine's part (on a real clock) or the simulated clock's. */
export const pureDelay = pure({
  name: "delay",
  description:
    "Sleeps inside the step (in memory: use a wait state for durable timers). Stops at once on timeout " +
    "or cancel. Output: {slept} in milliseconds.",
  params: z.strictObject({
    duration: durationSchema.describe('How long: "250ms", "30s", "5m", … or a number of milliseconds'),
  }),
  run: (params) => ({ slept: parseDuration(params.duration) }),
});

/** Params that do not match the action's schema once expressions are evaluated. Never retried. */
export function invalidParams(name: string, error: z.ZodError): Error {
  return new ActionError("InvalidParams", `Invalid params for ${name}:\n${z.prettifyError(error)}`);
}

/**
 * The built-ins a simulation runs for real. Left out, and so stubbed: sql.*, sqlite.*, file.*,
 * http.request and custom actions. `delay` takes its duration on the simulated clock.
 */
export function simulatedBuiltins(): Record<string, SimulatedAction> {
  const builtins: PureBuiltin[] = [pureTransform, pureAssert, pureLog, pureFlaky, pureDelay];
  return Object.fromEntries(builtins.map((builtin) => [builtin.name, simulated(builtin)]));
}

function simulated(builtin: PureBuiltin): SimulatedAction {
  const parse = (params: JsonValue) => {
    const parsed = builtin.params.safeParse(params ?? {});
    // Invalid params are fatal, as in the engine: a retry would get the same params.
    if (!parsed.success) throw Object.assign(invalidParams(builtin.name, parsed.error), { fatal: true });
    return parsed.data;
  };
  const action: SimulatedAction = { run: async (params, attempt) => builtin.run(parse(params), attempt) };
  if (builtin === pureDelay) {
    action.takesMs = (params) => {
      const parsed = pureDelay.params.safeParse(params ?? {});
      return parsed.success ? parseDuration(parsed.data.duration) : 0;
    };
  }
  return action;
}
