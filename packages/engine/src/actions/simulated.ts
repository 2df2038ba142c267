import { type JsonValue, parseDuration } from "@sagaflow/shared";
import type { SimulatedAction } from "../core/simulate";
import { assertAction } from "./builtin/assert";
import { delay } from "./builtin/delay";
import { flaky } from "./builtin/flaky";
import { log } from "./builtin/log";
import { transform } from "./builtin/transform";
import { invokeAction } from "./invoke";
import type { ActionContext, ActionDefinition } from "./types";
import { FatalError } from "./types";

/**
 * The built-ins a simulation runs for real: they touch nothing outside the process. Every other action
 * (sql.*, sqlite.*, file.*, http.request, custom ones) is left out, so the simulation stubs it.
 * `delay` sleeps on the simulated clock instead of the real one.
 */
export function simulatedBuiltins(): Record<string, SimulatedAction> {
  const pure = [transform, assertAction, log, flaky].map((action) => [action.name, real(action)] as const);
  return {
    ...Object.fromEntries(pure),
    [delay.name]: {
      run: async (params) => ({ slept: durationOf(params) }),
      takesMs: durationOf,
    },
  };
}

function durationOf(params: JsonValue): number {
  const duration = (params as { duration?: unknown } | null)?.duration;
  return typeof duration === "string" || typeof duration === "number" ? parseDuration(duration) : 0;
}

/** Runs the handler as the engine does (params parsed, defaults applied), with nothing to reach. */
function real(action: ActionDefinition): SimulatedAction {
  return {
    async run(params, attempt) {
      const context: ActionContext = {
        runId: "simulated",
        stateId: "",
        attempt,
        idempotencyKey: "",
        signal: new AbortController().signal,
        log: () => {},
        heartbeat: () => {},
        resolvePath: () => {
          throw new FatalError(`${action.name} reaches no file in a simulation`);
        },
      };
      try {
        return await invokeAction(action, params, context);
      } catch (error) {
        if (error instanceof FatalError) Object.assign(error, { fatal: true });
        throw error;
      }
    },
  };
}
