import type { Trigger } from "../core/types";
import type { Clock } from "./clock";
import type { LiveRun } from "./live-run";

/** Fairness: at most this many attempt results in a row are decided without letting I/O in… */
const YIELD_EVERY = 32;
/**
 * …and for at most this long: each result's commit can hold the thread for a synchronous fsync (SQLite
 * FULL), so 32 in a row held the API: runs.list p95 next to a 10,000-step run was 1.7–12× its idle p95
 * (87–533 ms). With this bound it measured 0.4–1.5× idle (bench `isolation`, issue 12; 20 ms: 1.0×).
 */
const YIELD_AFTER_MS = 5;

export interface SchedulerParts {
  clock: Clock;
  /** Decides and commits one trigger of a run (commit-queue.ts). */
  process(live: LiveRun, trigger: Trigger): Promise<void>;
  isClosed(): boolean;
}

/**
 * When a run's triggers are handled: one at a time per run, in order (its queue), attempt results with a
 * macrotask now and then so other work gets a turn, and durable timers through one clock timer per run.
 */
export class Scheduler {
  /** Triggers queued so far: `Engine.idle` waits until it stops changing. */
  activity = 0;
  /** Attempt results waiting for the next macrotask (see settleSoon). */
  private settled: [LiveRun, Trigger][] = [];
  /** Results that went on without a macrotask since the last one, and when that macrotask was. */
  private sinceYield = 0;
  private lastYieldAt = performance.now();

  constructor(private readonly parts: SchedulerParts) {}

  /** Queues a trigger behind the run's earlier ones; the promise settles when it is committed (or refused). */
  enqueue(live: LiveRun, trigger: Trigger): Promise<void> {
    this.activity += 1;
    const result = live.queue.then(() => this.parts.process(live, trigger));
    live.queue = result.catch(() => {});
    return result;
  }

  /**
   * Fairness: an action that settles at once (transform, log) chains the next step as a microtask, and a
   * run of 10,000 quick steps would never let the HTTP server or a timer have a turn. So a result that
   * comes YIELD_EVERY results or YIELD_AFTER_MS after the last macrotask is handed to decide one macrotask
   * later, together with every result of that turn (their commits still share one transaction).
   */
  settleSoon(live: LiveRun, trigger: Trigger): void {
    const inTurn = this.sinceYield < YIELD_EVERY && performance.now() - this.lastYieldAt < YIELD_AFTER_MS;
    if (this.settled.length === 0 && inTurn) {
      this.sinceYield += 1;
      // No .catch here: enqueue already handles the promise's rejection (live.queue), one promise less a step.
      void this.enqueue(live, trigger);
      return;
    }
    this.settled.push([live, trigger]);
    if (this.settled.length > 1) return;
    setImmediate(() => {
      this.sinceYield = 0;
      this.lastYieldAt = performance.now();
      this.flushSettled();
    });
  }

  /** Queues the results that wait for their macrotask now (a graceful close loses none of them). */
  flushSettled(): void {
    const batch = this.settled;
    this.settled = [];
    for (const [run, next] of batch) {
      if (!run.broken && !this.parts.isClosed()) this.enqueue(run, next).catch(() => {});
    }
  }

  /** Results that settled and wait for their macrotask. */
  get pending(): number {
    return this.settled.length;
  }

  /** One clock timer per run, at its earliest durable timer; firing it hands every due timer to decide. */
  scheduleWake(live: LiveRun): void {
    this.clearWake(live);
    const wakeAt = live.record.wakeAt;
    if (wakeAt === null || live.broken || this.parts.isClosed()) return;
    const { clock } = this.parts;
    live.wake = clock.setTimer(Date.parse(wakeAt) - clock.now(), () => {
      live.wake = null;
      this.enqueue(live, { type: "timersDue" }).catch(() => {});
    });
  }

  clearWake(live: LiveRun): void {
    if (live.wake) this.parts.clock.clearTimer(live.wake);
    live.wake = null;
  }
}
