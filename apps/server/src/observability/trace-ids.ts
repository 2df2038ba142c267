import { createHash } from "node:crypto";

/**
 * A run's trace ids are derived from what is stored with the run, never kept only in memory: the trace id
 * is the caller's (the `traceparent` given to `runs.start`, stored in RunStarted) or a hash of the run id,
 * and every span id is a hash of the run and the span's key. So a run that survives a crash, or is resumed
 * a week later by another process, continues the same trace, and spans can point at spans ended long ago
 * (a compensation's link to the step it undoes).
 */

/** W3C trace context, version 00 (https://www.w3.org/TR/trace-context/#traceparent-header). */
export const TRACEPARENT_PATTERN = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export interface TraceParent {
  traceId: string;
  spanId: string;
  sampled: boolean;
}

const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

export function parseTraceparent(text: string | undefined): TraceParent | undefined {
  const match = text === undefined ? null : TRACEPARENT_PATTERN.exec(text);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  if (match[1] === ZERO_TRACE || match[2] === ZERO_SPAN) return undefined;
  return { traceId: match[1], spanId: match[2], sampled: (Number.parseInt(match[3], 16) & 1) === 1 };
}

/** A `traceparent` header as received: kept when it is valid W3C trace context, else ignored (as the spec says). */
export function validTraceparent(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const trimmed = value?.trim().toLowerCase();
  return trimmed !== undefined && parseTraceparent(trimmed) ? trimmed : undefined;
}

export function formatTraceparent(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? "01" : "00"}`;
}

function hex(text: string, length: number): string {
  const digest = createHash("sha256").update(text).digest("hex").slice(0, length);
  // An all-zero id is invalid in W3C trace context; a hash gives one with probability 2^-64.
  return /^0+$/.test(digest) ? `${digest.slice(0, -1)}1` : digest;
}

/** The run's trace: the caller's when `runs.start` was given a traceparent, else derived from the run id. */
export function runTraceId(runId: string, traceparent: string | undefined): string {
  return parseTraceparent(traceparent)?.traceId ?? hex(`sagaflow-trace:${runId}`, 32);
}

/** The span id of one span of a run (its key names it: "run", "visit:…", "attempt:<attempt id>", …). */
export function spanIdFor(traceId: string, key: string): string {
  return hex(`${traceId}:${key}`, 16);
}

/** The key of the span of one attempt (task or compensation): its attempt id `<idempotencyKey>#<n>`. */
export const attemptSpanKey = (attemptId: string): string => `attempt:${attemptId}`;

/**
 * Run id → trace id for log lines. Filled from every committed event (its run record holds the stored
 * traceparent), so a log line about a run carries the trace id its spans have.
 */
export class RunTraceIds {
  readonly #known = new Map<string, string>();

  note(run: { id: string; snapshot: { traceparent?: string } }): void {
    if (this.#known.has(run.id)) return;
    if (this.#known.size >= 10_000) this.#known.clear(); // a cache: ids are derivable again
    this.#known.set(run.id, runTraceId(run.id, run.snapshot.traceparent));
  }

  forget(runId: string): void {
    this.#known.delete(runId);
  }

  /** Runs not seen yet (no caller traceparent known) get the derived id, which is theirs unless started with one. */
  of(runId: string): string {
    return this.#known.get(runId) ?? runTraceId(runId, undefined);
  }
}
