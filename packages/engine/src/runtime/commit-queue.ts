import { isTerminalStatus, type RunEvent, type RunSnapshot } from "@sagaflow/shared";
import { decideNow } from "../core/decide";
import { applyEvent } from "../core/fold";
import type { Command, CompensationAlert, DecideContext, Decision, Trigger } from "../core/types";
import { InvalidOperationError, LeaseHeldError } from "../errors";
import type { Commit, RunStore, StoredEvent } from "../store/types";
import type { AttemptRunner } from "./attempts/attempt-runner";
import type { Clock, TimerHandle } from "./clock";
import { type CommitListeners, notifyCommit } from "./commit-listeners";
import type { Leases } from "./leases";
import type { LiveRun } from "./live-run";
import type { Logger } from "./logger";
import type { RunWaiters } from "./run-waiters";
import type { Scheduler } from "./scheduler";

/** Backoff of loading a run again after the store refused one of its commits (disk full, read-only). */
const COMMIT_RETRY_MIN_MS = 1000;
const COMMIT_RETRY_MAX_MS = 30_000;

export interface CommitQueueParts extends CommitListeners {
  store: RunStore;
  clock: Clock;
  logger: Logger;
  leases: Leases;
  /** The runs this engine drives, by id. */
  live: Map<string, LiveRun>;
  attempts: AttemptRunner;
  waiters: RunWaiters;
  scheduler: Scheduler;
  decideContext(now: number, at?: string): DecideContext;
  isClosed(): boolean;
  /** Loads a run again (verified, recovered) once the store takes commits again. */
  reload(runId: string): Promise<unknown>;
  onCompensationFailed?: ((alert: CompensationAlert) => void | Promise<void>) | undefined;
}

/**
 * One trigger of one run, end to end: decide, commit the decision's events and snapshot in one store
 * transaction, then carry out its commands (attempts, aborts, alerts), re-arm its wake timer and wake
 * its waiters. The scheduler calls it one trigger at a time per run.
 */
export class CommitQueue {
  private readonly retryTimers = new Map<string, TimerHandle>();
  private readonly retryDelays = new Map<string, number>();

  constructor(private readonly parts: CommitQueueParts) {}

  async process(live: LiveRun, trigger: Trigger): Promise<void> {
    const { clock, logger, store, leases, scheduler } = this.parts;
    if (live.broken) {
      if (isOperatorTrigger(trigger)) throw live.broken;
      return;
    }
    const now = clock.now();
    // One ISO string per step: the decision's events and the commit share it.
    const at = new Date(now).toISOString();
    let decision: Decision;
    try {
      const deciding = decideNow(
        live.definition,
        live.record.snapshot,
        trigger,
        this.parts.decideContext(now, at),
      );
      // Most decisions are made at once (no isolate involved): no turn of the queue waiting for them.
      decision = deciding instanceof Promise ? await deciding : deciding;
    } catch (error) {
      if (isOperatorTrigger(trigger) || error instanceof InvalidOperationError) throw error;
      // A bug or a definition the engine cannot follow: stop the run where a person can see it.
      logger.error("decision failed; suspending the run", {
        runId: live.id,
        trigger: trigger.type,
        error: String(error),
      });
      decision = suspendedBy(live.record.snapshot, error, now);
    }
    if (decision.events.length === 0) {
      this.execute(live, decision.commands);
      scheduler.scheduleWake(live);
      return;
    }
    const wakeAt = wakeAtOf(decision.snapshot);
    let events: StoredEvent[];
    try {
      const commit: Commit<RunSnapshot> = {
        runId: live.id,
        expectedSeq: live.record.lastSeq,
        at,
        events: decision.events,
        snapshot: decision.snapshot,
        status: decision.snapshot.status,
        wakeAt,
        lease: leases.lease(),
      };
      // A resume on another version moves the run row with its RunMovedToVersion.
      if (decision.snapshot.version !== live.record.version) commit.version = decision.snapshot.version;
      events = await store.commit(commit);
    } catch (error) {
      // The store refused: what is committed is the truth, and this engine no longer knows it. Stop.
      const failure = error instanceof Error ? error : new Error(String(error));
      if (failure instanceof LeaseHeldError) {
        // Another worker took the run over (this one's lease lapsed): it drives the run now.
        logger.warn("lease lost; another worker drives the run", { runId: live.id });
        this.drop(live, failure, true);
        throw failure;
      }
      logger.error("commit failed; the run stops here until recovered", {
        runId: live.id,
        error: failure.message,
      });
      this.drop(live, failure, true);
      this.retryAfterRefusedCommit(live.id);
      throw failure;
    }
    this.retryDelays.delete(live.id);
    const last = events[events.length - 1];
    if (trigger.type === "resume" && trigger.moveTo) live.definition = trigger.moveTo.definition;
    live.record = {
      ...live.record,
      version: decision.snapshot.version,
      status: decision.snapshot.status,
      updatedAt: at,
      lastSeq: last?.seq ?? live.record.lastSeq,
      lastHash: last?.hash ?? live.record.lastHash,
      snapshot: decision.snapshot,
      wakeAt,
    };
    this.afterCommit(live, events, decision);
  }

  /** What follows a commit: listeners, the decision's commands, the wake timer, the waiters. */
  afterCommit(live: LiveRun, events: StoredEvent[], decision: Decision): void {
    const { logger, scheduler, waiters } = this.parts;
    notifyCommit(this.parts, events, live.record, logger);
    this.execute(live, decision.commands);
    scheduler.scheduleWake(live);
    waiters.notify(live.id, live.record);
    if (isTerminalStatus(live.record.status) && live.attempts.size === 0) {
      // The terminal commit released the lease.
      this.parts.live.delete(live.id);
      scheduler.clearWake(live);
    }
  }

  /** Forgets a run: aborts its attempts and timers; waiters hear `error` when `failWaiters`. */
  drop(live: LiveRun, error: Error, failWaiters: boolean): void {
    live.broken = error;
    this.parts.scheduler.clearWake(live);
    for (const id of [...live.attempts.keys()]) this.parts.attempts.abort(live, id, error.message);
    if (this.parts.live.get(live.id) === live) this.parts.live.delete(live.id);
    if (failWaiters) this.parts.waiters.fail(live.id, error);
  }

  /** Stops the refused-commit retries (the engine closes). */
  close(): void {
    for (const timer of this.retryTimers.values()) this.parts.clock.clearTimer(timer);
    this.retryTimers.clear();
  }

  private execute(live: LiveRun, commands: Command[]): void {
    const { attempts } = this.parts;
    for (const command of commands) {
      if (command.type === "runAttempt") attempts.run(live, command.attempt);
      else if (command.type === "cancelAttempt" && command.awaitOutcome)
        attempts.signalAbort(live, command.attemptId, command.reason);
      else if (command.type === "cancelAttempt") attempts.abort(live, command.attemptId, command.reason);
      else this.raiseAlert(command.alert);
    }
  }

  private raiseAlert(alert: CompensationAlert): void {
    const { logger, onCompensationFailed: hook } = this.parts;
    logger.error("compensation failed: a person must act", { ...alert });
    if (!hook) return;
    Promise.resolve()
      .then(() => hook(alert))
      .catch((error: unknown) =>
        logger.error("alert hook failed", { runId: alert.runId, error: String(error) }),
      );
  }

  /**
   * A run whose commit the store refused is loaded again later (and verified, and recovered like after a
   * crash), with backoff, until the store takes its commits again: a full disk that is freed, a file that
   * is writable again, resume without a restart.
   */
  private retryAfterRefusedCommit(runId: string): void {
    if (this.parts.isClosed() || this.retryTimers.has(runId)) return;
    const delayMs = this.retryDelays.get(runId) ?? COMMIT_RETRY_MIN_MS;
    this.retryDelays.set(runId, Math.min(delayMs * 2, COMMIT_RETRY_MAX_MS));
    const timer = this.parts.clock.setTimer(delayMs, () => {
      this.retryTimers.delete(runId);
      if (this.parts.isClosed() || this.parts.live.has(runId)) return;
      this.parts.reload(runId).catch(() => this.retryAfterRefusedCommit(runId));
    });
    this.retryTimers.set(runId, timer);
  }
}

function suspendedBy(snapshot: RunSnapshot, error: unknown, now: number): Decision {
  const event: RunEvent = {
    type: "RunSuspended",
    reason: "internal_error",
    message: `the engine could not continue: ${error instanceof Error ? error.message : String(error)}`,
  };
  return {
    events: [event],
    commands: [],
    snapshot: applyEvent(structuredClone(snapshot), event, new Date(now).toISOString()),
  };
}

const OPERATOR_TRIGGERS = new Set<Trigger["type"]>([
  "signal",
  "cancel",
  "resume",
  "retryCompensation",
  "resolveStep",
  "compensate",
]);

/** A person's call: its failure goes back to the caller instead of suspending the run. */
function isOperatorTrigger(trigger: Trigger): boolean {
  return OPERATOR_TRIGGERS.has(trigger.type);
}

/** When the run next needs the engine by itself: its earliest timer, while it is live. */
export function wakeAtOf(snapshot: RunSnapshot): string | null {
  if (snapshot.status !== "running" && snapshot.status !== "waiting" && snapshot.status !== "compensating")
    return null;
  let earliest: string | null = null;
  for (const id in snapshot.timers) {
    const fireAt = snapshot.timers[id]?.fireAt;
    if (fireAt !== undefined && (earliest === null || fireAt < earliest)) earliest = fireAt;
  }
  return earliest;
}
