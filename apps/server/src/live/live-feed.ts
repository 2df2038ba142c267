import { EventEmitter, on } from "node:events";
import type { StoredEvent } from "@sagaflow/engine";
import type { Alert } from "../alerts/alert";
import type { RunSummary } from "../run-summary";

/** What `runs.changes` pushes: a run whose status or checkpoint moved, or an alert. */
export type RunsChange = { kind: "run"; run: RunSummary } | { kind: "alert"; alert: Alert };

/**
 * The in-process fan-out of committed events to live subscriptions. Subscribing returns an async
 * iterator that buffers from the moment of the call, so a subscriber that subscribes first and reads
 * the store second misses nothing.
 */
export class LiveFeed {
  readonly #emitter = new EventEmitter();

  constructor() {
    // One listener per open browser tab and run: no meaningful limit.
    this.#emitter.setMaxListeners(0);
  }

  publishEvent(event: StoredEvent): void {
    this.#emitter.emit(runChannel(event.runId), event);
  }

  /** A commit's events, in order; one look for a run nobody watches (most runs, most of the time). */
  publishEvents(runId: string, events: readonly StoredEvent[]): void {
    const channel = runChannel(runId);
    if (this.#emitter.listenerCount(channel) === 0) return;
    for (const event of events) this.#emitter.emit(channel, event);
  }

  publishChange(change: RunsChange): void {
    this.#emitter.emit("changes", change);
  }

  /** Whether any `changes` subscription is open: a change nobody reads need not be built. */
  get watchingChanges(): boolean {
    return this.#emitter.listenerCount("changes") > 0;
  }

  /** The run's events committed from now on (buffered from this call); ends when `signal` aborts. */
  runEvents(runId: string, signal: AbortSignal | undefined): AsyncIterable<StoredEvent> {
    return this.#listen<StoredEvent>(runChannel(runId), signal);
  }

  changes(signal: AbortSignal | undefined): AsyncIterable<RunsChange> {
    return this.#listen<RunsChange>("changes", signal);
  }

  /** Starts listening at the call (not at the first `next()`), which the catch-up logic relies on. */
  #listen<T>(channel: string, signal: AbortSignal | undefined): AsyncIterable<T> {
    const source = on(this.#emitter, channel, signal ? { signal } : {});
    return untilAborted<T>(source, signal);
  }
}

/** Unwraps `on()`'s argument arrays and turns the abort into a normal end of the stream. */
async function* untilAborted<T>(
  source: AsyncIterable<unknown[]>,
  signal: AbortSignal | undefined,
): AsyncGenerator<T> {
  try {
    for await (const [value] of source) yield value as T;
  } catch (error) {
    if (signal?.aborted) return;
    throw error;
  }
}

const runChannel = (runId: string) => `run:${runId}`;
