import type { JsonValue } from "@sagaflow/shared";
import { invokeActionNow } from "../../actions/invoke";
import type { ActionContext, ActionDefinition } from "../../actions/types";
import { FatalError } from "../../actions/types";
import { toJson } from "../../core/expressions";
import type { Logger } from "../logger";
import {
  type AttemptExecutor,
  type AttemptOutcome,
  type AttemptRequest,
  type AttemptSignal,
  signalOf,
  toAttemptError,
} from "./attempt-executor";

export interface InProcessExecutorOptions {
  actions: ReadonlyMap<string, ActionDefinition>;
  /** Confines action file paths (ActionContext.resolvePath). */
  resolvePath: (path: string) => string;
  logger: Logger;
}

/**
 * Runs actions on the orchestrator's own thread: the fastest executor, for trusted actions (tests, the
 * simulator's stubs). Its timeout is cooperative: an action that never yields is not stopped.
 */
export function createInProcessExecutor(options: InProcessExecutorOptions): AttemptExecutor {
  return {
    execute(request: AttemptRequest, signal: AttemptSignal): Promise<AttemptOutcome> | AttemptOutcome {
      const action = options.actions.get(request.action);
      if (!action) {
        return {
          ok: false,
          error: { name: "FatalError", message: `Unknown action "${request.action}"`, fatal: true },
        };
      }
      try {
        // The handler gets its own copy: what it does to its params never reaches the run's snapshot.
        const params = copyJson(request.params);
        const output = invokeActionNow(action, params, actionContext(request, signal, options));
        // A synchronous handler's outcome comes back at once: no promise, no turn (most steps of a loop).
        return output instanceof Promise ? output.then(succeeded, failed) : succeeded(output);
      } catch (error) {
        return failed(error);
      }
    },
    async close() {},
  };
}

function succeeded(output: unknown): AttemptOutcome {
  try {
    return { ok: true, output: toJson(output) };
  } catch (error) {
    return failed(error);
  }
}

function failed(error: unknown): AttemptOutcome {
  return { ok: false, error: toAttemptError(error, (failure) => failure instanceof FatalError) };
}

/**
 * A copy of params that are plain JSON (the runner checked them against the payload limits, so they nest
 * at most maxDepth deep): a tenth of what `structuredClone` costs for the small params of most steps.
 */
function copyJson(value: JsonValue): JsonValue {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(copyJson);
  const copy: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value)) {
    const inner = copyJson(value[key] as JsonValue);
    // An own "__proto__" key (JSON.parse makes one) stays a key: an assignment would set the prototype.
    if (key === "__proto__")
      Object.defineProperty(copy, key, {
        value: inner,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else copy[key] = inner;
  }
  return copy;
}

/**
 * The ActionContext of SPEC §4 for one attempt; executors in other threads build the same. Its `signal`
 * is made when the action first reads it (attempt-executor.ts: AttemptSignal).
 */
export function actionContext(
  request: AttemptRequest,
  signal: AttemptSignal,
  options: { resolvePath: (path: string) => string; logger: Logger },
): ActionContext {
  return new AttemptContext(request, signal, options);
}

const noHeartbeat = () => {};

/**
 * A class rather than an object literal with a getter (one is made per attempt, and the literal took the
 * slow path: ~1.8 KB a step). `log` stays an own function, so a handler may take it off the context.
 */
class AttemptContext implements ActionContext {
  readonly runId: string;
  readonly stateId: string;
  readonly attempt: number;
  readonly idempotencyKey: string;
  readonly deadline: number;
  readonly log: ActionContext["log"];
  readonly heartbeat: ActionContext["heartbeat"] = noHeartbeat;
  readonly resolvePath: (path: string) => string;
  readonly traceparent: string | undefined;
  readonly #signal: AttemptSignal;

  constructor(
    request: AttemptRequest,
    signal: AttemptSignal,
    options: { resolvePath: (path: string) => string; logger: Logger },
  ) {
    this.runId = request.runId;
    this.stateId = request.stateId;
    this.attempt = request.attempt;
    this.idempotencyKey = request.idempotencyKey;
    this.deadline = request.deadline ?? Date.now() + request.timeoutMs;
    this.resolvePath = options.resolvePath;
    this.traceparent = request.traceparent;
    this.#signal = signal;
    const { logger } = options;
    this.log = (message, level = "info") => {
      const fields = { runId: request.runId, stateId: request.stateId, attempt: request.attempt };
      if (level === "error") logger.error(message, fields);
      else if (level === "warn") logger.warn(message, fields);
      else logger.info(message, fields);
    };
  }

  get signal(): AbortSignal {
    return signalOf(this.#signal);
  }
}
