import type { AttemptProgress, RunError } from "@sagaflow/shared";
import {
  type CompensationState,
  DEFINITION_DEFAULTS,
  parseDuration,
  type RetryPolicy,
  type TaskState,
} from "@sagaflow/shared";

/** A retry policy with every default applied. */
export interface ResolvedRetry {
  maxAttempts: number;
  backoff: "fixed" | "exponential";
  initialDelayMs: number;
  multiplier: number;
  maxDelayMs: number | null;
  /** Fraction of the delay that is randomised (0 = none, 1 = full jitter). */
  jitter: number;
  retryOn: string[];
  onTimeout: { retries: number; multiplier: number };
}

export function resolveRetry(state: TaskState | CompensationState): ResolvedRetry {
  const defaults: RetryPolicy =
    state.type === "task" ? DEFINITION_DEFAULTS.taskRetry : DEFINITION_DEFAULTS.compensationRetry;
  const policy: RetryPolicy = { ...defaults, ...state.retry };
  const jitter = policy.jitter === true ? 1 : typeof policy.jitter === "number" ? policy.jitter : 0;
  return {
    maxAttempts: policy.maxAttempts ?? 1,
    backoff: policy.backoff ?? "fixed",
    initialDelayMs: parseDuration(policy.initialDelay ?? "1s"),
    multiplier: policy.multiplier ?? 2,
    maxDelayMs: policy.maxDelay === undefined ? null : parseDuration(policy.maxDelay),
    jitter,
    retryOn: policy.retryOn ?? ["*"],
    onTimeout: policy.onTimeout ?? DEFINITION_DEFAULTS.onTimeout,
  };
}

export function baseTimeoutMs(state: TaskState | CompensationState): number {
  return parseDuration(state.timeout ?? DEFINITION_DEFAULTS.taskTimeout);
}

export type RetryPlan =
  | { retry: false }
  | { retry: true; delayMs: number; nextTimeoutMs: number; extended: boolean };

export const TIMEOUT_ERROR = "Timeout";

/**
 * What follows a failed attempt. `progress` already counts the failed attempt. A timed-out attempt first
 * gets the extra attempts of the timeout rule (at once, with a longer timeout); after that, timeouts and
 * other errors are retried while `maxAttempts` (not counting those extras) allows and `retryOn` matches.
 * FatalError is never retried.
 */
export function planRetry(
  policy: ResolvedRetry,
  progress: Pick<AttemptProgress, "roundAttempts" | "timeoutRetries" | "timeoutMs">,
  failure: { error: RunError; timedOut: boolean; fatal: boolean },
  random: () => number,
): RetryPlan {
  if (failure.fatal || failure.error.error === "FatalError") return { retry: false };
  if (failure.timedOut && progress.timeoutRetries < policy.onTimeout.retries) {
    const nextTimeoutMs = Math.round(progress.timeoutMs * policy.onTimeout.multiplier);
    return { retry: true, delayMs: 0, nextTimeoutMs, extended: true };
  }
  const ordinaryAttempts = progress.roundAttempts - progress.timeoutRetries;
  if (ordinaryAttempts >= policy.maxAttempts) return { retry: false };
  const matches = policy.retryOn.includes("*") || policy.retryOn.includes(failure.error.error);
  if (!matches) return { retry: false };
  return {
    retry: true,
    delayMs: backoffDelay(policy, ordinaryAttempts, random),
    nextTimeoutMs: progress.timeoutMs,
    extended: false,
  };
}

/** Delay before ordinary retry number `retry` (1 = the first retry). */
export function backoffDelay(policy: ResolvedRetry, retry: number, random: () => number): number {
  const raw =
    policy.backoff === "fixed"
      ? policy.initialDelayMs
      : policy.initialDelayMs * policy.multiplier ** Math.max(0, retry - 1);
  const capped = policy.maxDelayMs === null ? raw : Math.min(raw, policy.maxDelayMs);
  const jittered = capped * (1 - policy.jitter) + capped * policy.jitter * random();
  return Math.round(jittered);
}
