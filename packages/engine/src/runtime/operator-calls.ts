import {
  checkPayload,
  type JsonValue,
  type PayloadLimits,
  type RunEvent,
  type RunSnapshot,
} from "@sagaflow/shared";
import { decide } from "../core/decide";
import { foldHistory } from "../core/fold";
import type { DecideContext, Trigger } from "../core/types";
import {
  DefinitionNotFoundError,
  InvalidInputError,
  InvalidOperationError,
  LeaseHeldError,
  RunNotFoundError,
} from "../errors";
import type { RunStore } from "../store/types";
import type { Clock } from "./clock";
import { type CommitQueue, wakeAtOf } from "./commit-queue";
import type { Leases } from "./leases";
import { type LiveRun, newLiveRun } from "./live-run";
import { verifyHistory } from "./verify";

export interface OperatorParts {
  store: RunStore;
  clock: Clock;
  leases: Leases;
  payloadLimits: PayloadLimits;
  live: Map<string, LiveRun>;
  commits: CommitQueue;
  /** Queues a person's trigger on the run (loading it if this engine does not drive it yet). */
  operate(runId: string, trigger: Trigger): Promise<void>;
  /** Starts driving a run (and keeping its lease). */
  track(live: LiveRun): void;
  decideContext(now: number): DecideContext;
  assertOpen(): void;
}

/**
 * A person's calls on a run: each becomes a trigger recorded with who made it, decided and committed
 * like any other (core/operator.ts decides them). Restoring a corrupt history is the one that is not a
 * trigger on the live run: it rewrites the history's tail in one store transaction.
 */
export class OperatorCalls {
  constructor(private readonly parts: OperatorParts) {}

  async signal(runId: string, name: string, payload: JsonValue, by: string): Promise<void> {
    this.checkPayload(payload, "the signal payload");
    await this.parts.operate(runId, { type: "signal", signal: name, payload, by });
  }

  async cancel(runId: string, compensate: boolean, by: string): Promise<void> {
    await this.parts.operate(runId, { type: "cancel", compensate, by });
  }

  /** A redrive, on the run's own version or (`version`) on another one, checked for compatibility first. */
  async resume(runId: string, by: string, version?: number): Promise<void> {
    if (version === undefined) return this.parts.operate(runId, { type: "resume", by });
    const { store } = this.parts;
    const record = await store.getRun<RunSnapshot>(runId);
    if (!record) throw new RunNotFoundError(runId);
    const target = await store.getDefinition(record.workflow, version);
    if (!target) throw new DefinitionNotFoundError(record.workflow, version);
    const moveTo = { version: target.version, definition: target.definition };
    await this.parts.operate(runId, { type: "resume", by, moveTo });
  }

  async retryCompensation(runId: string, by: string): Promise<void> {
    await this.parts.operate(runId, { type: "retryCompensation", by });
  }

  async compensate(runId: string, by: string): Promise<void> {
    await this.parts.operate(runId, { type: "compensate", by });
  }

  async resolveStep(runId: string, output: JsonValue, by: string, stateId?: string): Promise<void> {
    this.checkPayload(output, "the resolved output");
    await this.parts.operate(runId, {
      type: "resolveStep",
      output,
      by,
      ...(stateId === undefined ? {} : { stateId }),
    });
  }

  /**
   * Cuts a corrupt history back to its last good event, rebuilds the snapshot from it and continues the
   * run from there, in one call (and one store transaction).
   */
  async restoreFromCheckpoint(runId: string, by: string): Promise<void> {
    const { store, clock, leases, commits } = this.parts;
    this.parts.assertOpen();
    const live = this.parts.live.get(runId);
    if (live) await live.queue;
    const record = await store.getRun<RunSnapshot>(runId);
    if (!record) throw new RunNotFoundError(runId);
    const history = await store.getHistory(runId);
    const verdict = verifyHistory(record, history);
    const suspension = verdict.ok && isSnapshot(record.snapshot) ? record.snapshot.suspension : null;
    let keepThroughSeq: number;
    if (!verdict.ok) keepThroughSeq = verdict.lastGoodSeq;
    else if (suspension?.reason === "corrupt_history" && suspension.lastGoodSeq !== undefined) {
      keepThroughSeq = suspension.lastGoodSeq;
    } else {
      throw new InvalidOperationError(`Run ${runId} verifies; there is nothing to restore`);
    }
    const stored = await store.getDefinition(record.workflow, record.version);
    if (!stored) throw new DefinitionNotFoundError(record.workflow, record.version);
    const kept = history.filter((event) => event.seq <= keepThroughSeq);
    const base = foldHistory(kept.map((event) => ({ event: event.event as RunEvent, at: event.at })));
    if (!base) throw new InvalidOperationError(`Run ${runId} has no good event to restore from`);
    const now = clock.now();
    const decision = await decide(
      stored.definition,
      base,
      { type: "restored", by, keepThroughSeq },
      this.parts.decideContext(now),
    );
    if (live) commits.drop(live, new Error("the run was restored from a checkpoint"), false);
    if (!(await store.claimRun(runId, leases.owner, leases.until(), new Date(now).toISOString()))) {
      throw new LeaseHeldError(runId);
    }
    const at = new Date(now).toISOString();
    const events = await store.restore({
      runId,
      expectedSeq: record.lastSeq,
      keepThroughSeq,
      at,
      events: decision.events,
      snapshot: decision.snapshot,
      status: decision.snapshot.status,
      wakeAt: wakeAtOf(decision.snapshot),
      lease: leases.lease(),
    });
    const last = events[events.length - 1];
    const restored = newLiveRun(stored.definition, {
      ...record,
      status: decision.snapshot.status,
      updatedAt: at,
      lastSeq: last?.seq ?? keepThroughSeq,
      lastHash: last?.hash ?? kept[kept.length - 1]?.hash ?? "",
      snapshot: decision.snapshot,
      wakeAt: wakeAtOf(decision.snapshot),
    });
    this.parts.track(restored);
    commits.afterCommit(restored, events, decision);
  }

  /** Signal payloads and resolved outputs are checked before they reach decide or the store. */
  private checkPayload(value: JsonValue, what: string): void {
    const check = checkPayload(value, this.parts.payloadLimits, what);
    if (!check.ok) throw new InvalidInputError(check.reason);
  }
}

function isSnapshot(value: unknown): value is RunSnapshot {
  return typeof value === "object" && value !== null && "scopes" in value && "status" in value;
}
