import type { Effect } from "@sagaflow/shared";
import type { z } from "zod";

/** Everything an action handler gets besides its params (SPEC §4). */
export interface ActionContext {
  runId: string;
  stateId: string;
  attempt: number;
  /** `<runId>:<stateId>:<visit>`: the same for every attempt of one step execution. */
  idempotencyKey: string;
  /** Aborted on timeout and on cancel. */
  signal: AbortSignal;
  /** When the attempt times out (epoch ms): a blocking call (a SQLite lock wait) must not outlast it. */
  deadline?: number;
  log(message: string, level?: "debug" | "info" | "warn" | "error"): void;
  heartbeat(details?: unknown): void;
  /** Resolves a file path inside the allowed roots, or throws ForbiddenPath. */
  resolvePath(path: string): string;
  /** W3C trace context of this attempt, for actions that call other services (http.request sends it). */
  traceparent?: string | undefined;
}

export interface ActionDefinition<Params extends z.ZodType = z.ZodType, Output = unknown> {
  name: string;
  description: string;
  params: Params;
  /** Default effect; a task may override it with its own `effect`. */
  effect: Effect;
  /** When set, the action is read-only if this param has one of these values (http.request GET/HEAD). */
  readOnlyWhen?: { param: string; values: string[] };
  /** May return its output directly when it has nothing to wait for (a pure built-in): no turn is spent. */
  handler(params: z.output<Params>, context: ActionContext): Promise<Output> | Output;
}

/** Identity with types: lets a custom action's handler see its params' types. */
export function defineAction<Params extends z.ZodType, Output>(
  action: ActionDefinition<Params, Output>,
): ActionDefinition<Params, Output> {
  return action;
}

/** A handler's failure that must never be retried. */
export class FatalError extends Error {
  override name = "FatalError";
}
