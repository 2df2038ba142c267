import type { JsonValue } from "@sagaflow/shared";

/**
 * The seam between the orchestrator and user work (after Temporal's worker: the orchestrator talks to
 * the sandbox only through serialisable messages). An attempt goes in as plain data and its outcome comes
 * back as plain data, so an executor may run it in this thread, in a worker thread or in another process.
 * A crash or a timeout there is an outcome, not an exception here.
 */

/** One attempt of one action, as the executor receives it: nothing that cannot cross a thread. */
export interface AttemptRequest {
  runId: string;
  stateId: string;
  attempt: number;
  idempotencyKey: string;
  action: string;
  /** After expressions. */
  params: JsonValue;
  /** The attempt's timeout: the engine gives up on it then, and an executor that can stop it does. */
  timeoutMs: number;
  /** When the engine gives up on it (epoch ms, real time), set when the attempt was scheduled. */
  deadline?: number;
  /** W3C trace context of the attempt, for actions that call other services. */
  traceparent?: string;
}

/** The error of a failed attempt, as data: `name` is what `catch` and `retryOn` match. */
export interface AttemptError {
  name: string;
  message: string;
  /** Never retried (FatalError and its kind, e.g. InvalidParams, ForbiddenPath). */
  fatal: boolean;
  /** A stable code where the failure is the platform's, not the action's (e.g. RESOURCE_EXHAUSTED). */
  code?: string;
}

export type AttemptOutcome = { ok: true; output: JsonValue } | { ok: false; error: AttemptError };

/**
 * An attempt's abort signal, or what makes it on first read (an AbortController): making an AbortSignal
 * costs ~3.5 µs, more than a whole `transform` attempt, and most attempts never look at theirs.
 */
export type AttemptSignal = AbortSignal | { readonly signal: AbortSignal };

/** The AbortSignal of an AttemptSignal (made now if it was not yet). */
export function signalOf(signal: AttemptSignal): AbortSignal {
  return signal instanceof AbortSignal ? signal : signal.signal;
}

export interface AttemptExecutor {
  /**
   * Runs the attempt. `signal` aborts it (timeout, cancel, close): cooperative actions stop, and an
   * executor that can stop uncooperative work (a thread that does not yield) stops it. The outcome itself
   * when the work finished synchronously (an in-process built-in such as `transform`), else its promise.
   * Never throws, never rejects.
   */
  execute(request: AttemptRequest, signal: AttemptSignal): Promise<AttemptOutcome> | AttemptOutcome;
  /** Frees the executor's resources (threads, processes); attempts still running are abandoned. */
  close(): Promise<void>;
}

/** Any thrown value as an AttemptError; `fatal` comes from the error itself or its marker. */
export function toAttemptError(error: unknown, fatal: (error: Error) => boolean): AttemptError {
  const failure = error instanceof Error ? error : new Error(String(error));
  const code = (failure as { code?: unknown }).code;
  return {
    name: failure.name || "Error",
    message: failure.message,
    fatal: fatal(failure),
    ...(typeof code === "string" && /^[A-Z_]+$/.test(code) ? { code } : {}),
  };
}
