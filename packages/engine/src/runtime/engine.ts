import {
  type ActionCatalog,
  checkPayload,
  DEFAULT_PAYLOAD_LIMITS,
  type Definition,
  isTerminalStatus,
  type JsonValue,
  type PayloadLimits,
  type RunEvent,
  type RunSnapshot,
  type RunStatus,
} from "@sagaflow/shared";
import { createPathPolicy } from "../actions/paths";
import { actionCatalog } from "../actions/registry";
import type { ActionDefinition } from "../actions/types";
import { decide } from "../core/decide";
import type { Evaluator } from "../core/expressions";
import { applyEvent, foldHistory } from "../core/fold";
import type { Command, CompensationAlert, Decision, Trigger } from "../core/types";
import {
  ConcurrentModificationError,
  DefinitionNotFoundError,
  EngineClosedError,
  InvalidDefinitionError,
  InvalidInputError,
  InvalidOperationError,
  LeaseHeldError,
  RunNotFoundError,
} from "../errors";
import type { RunRecord, RunStore, StoredDefinition, StoredEvent } from "../store/types";
import type { AttemptExecutor } from "./attempts/attempt-executor";
import { type ActionSlots, AttemptRunner } from "./attempts/attempt-runner";
import { createInProcessExecutor } from "./attempts/in-process-executor";
import { type Clock, createRealClock, type TimerHandle } from "./clock";
import { DefinitionCache } from "./definition-cache";
import { createIsolateEvaluator, type IsolateEvaluator } from "./expressions/isolate-evaluator";
import { type LiveRun, newLiveRun, type RunRef } from "./live-run";
import { type Logger, silentLogger } from "./logger";
import { newRunId, requestRunId } from "./run-id";
import { type HistoryVerdict, verifyHistory } from "./verify";

export interface EngineOptions {
  store: RunStore;
  /** The actions definitions may call, by name. */
  actions: Iterable<ActionDefinition> | ReadonlyMap<string, ActionDefinition>;
  clock?: Clock;
  evaluator?: Evaluator;
  /** In [0, 1), for retry jitter; inject a seeded one for reproducible delays. */
  random?: () => number;
  /** Confines action file paths (ActionContext.resolvePath); default: inside the working directory. */
  resolvePath?: (path: string) => string;
  /** Called at once when a compensation exhausts its retries (server: log, banner, webhook). */
  onCompensationFailed?: (alert: CompensationAlert) => void | Promise<void>;
  /** Called for every committed event, with the run as it stands after that commit. */
  onEvent?: (event: StoredEvent<RunEvent>, run: RunRecord<RunSnapshot>) => void;
  logger?: Logger;
  /** Lease owner id; one per worker process. SQLite has one process, so the default "local" suits it. */
  owner?: string;
  /** A worker's limit on handlers running at once; default: none. */
  slots?: ActionSlots;
  /** What runs actions (in this thread, a worker pool, …); default: in process, with `actions`. */
  executor?: AttemptExecutor;
  /** How long a claim on a run lasts without a commit or a renewal; renewed every third of it. */
  leaseMs?: number;
  /** Process deaths during one attempt before recovery suspends its run (a poison pill); default 3. */
  crashLimit?: number;
  /** Size and depth limits of run input, signal payloads, params and outputs (SPEC §8). */
  payloadLimits?: PayloadLimits;
  /** The expression sandbox's limits, when `evaluator` is not given. */
  expressionLimits?: { timeoutMs?: number; memoryMb?: number };
  /** The W3C traceparent an attempt hands its action (ActionContext.traceparent), e.g. its trace span. */
  traceparentFor?: (run: RunRef, attemptId: string) => string | undefined;
}

interface Waiter {
  until: (status: RunStatus) => boolean;
  resolve: (run: RunRef) => void;
  reject: (error: Error) => void;
}

const DEFAULT_LEASE_MS = 60_000;
/** Fairness: at most this many attempt results in a row are decided without letting I/O in. */
const YIELD_EVERY = 32;
const traceparentOf = (options: { traceparent?: string }) =>
  options.traceparent === undefined ? {} : { traceparent: options.traceparent };
/** Backoff of loading a run again after the store refused one of its commits (disk full, read-only). */
const COMMIT_RETRY_MIN_MS = 1000;
const COMMIT_RETRY_MAX_MS = 30_000;

/**
 * The edge of the engine: it feeds triggers (action results, timers, operator calls) to the pure
 * `decide`, commits each decision's events and snapshot in one store transaction, then carries out the
 * decision's commands. Triggers of one run are handled one at a time, in order.
 */
export class Engine {
  private readonly store: RunStore;
  private readonly actions: ReadonlyMap<string, ActionDefinition>;
  private readonly clock: Clock;
  private readonly evaluate: Evaluator;
  private readonly random: () => number;
  private readonly logger: Logger;
  private readonly owner: string;
  private readonly live = new Map<string, LiveRun>();
  private readonly loading = new Map<string, Promise<LiveRun | undefined>>();
  private readonly waiters = new Map<string, Waiter[]>();
  private resolvePathPolicy: ((path: string) => string) | undefined;
  private catalog: ActionCatalog | undefined;
  private readonly definitions = new DefinitionCache();
  private activity = 0;
  private closed = false;
  private readonly commitRetryTimers = new Map<string, TimerHandle>();
  private readonly commitRetryDelays = new Map<string, number>();
  private readonly attempts: AttemptRunner;
  private readonly executor: AttemptExecutor;
  private readonly leaseMs: number;
  private leaseRenewal: NodeJS.Timeout | null = null;
  private readonly payloadLimits: PayloadLimits;
  /** Attempt results waiting for the next macrotask (see settleSoon). */
  private settled: [LiveRun, Trigger][] = [];
  /** Results that went on without a macrotask since the last one. */
  private sinceYield = 0;
  private readonly sandbox: IsolateEvaluator | undefined;

  constructor(private readonly options: EngineOptions) {
    this.store = options.store;
    this.actions =
      options.actions instanceof Map
        ? options.actions
        : new Map(
            [...(options.actions as Iterable<ActionDefinition>)].map((action) => [action.name, action]),
          );
    this.clock = options.clock ?? createRealClock();
    this.payloadLimits = options.payloadLimits ?? DEFAULT_PAYLOAD_LIMITS;
    if (options.evaluator) this.evaluate = options.evaluator;
    else {
      // Definitions' expressions are user code: by default they run in a V8 isolate of their own.
      this.sandbox = createIsolateEvaluator({
        ...options.expressionLimits,
        maxResultBytes: this.payloadLimits.maxBytes,
        maxDepth: this.payloadLimits.maxDepth,
      });
      this.evaluate = this.sandbox.evaluate;
    }
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? silentLogger;
    this.owner = options.owner ?? "local";
    this.resolvePathPolicy = options.resolvePath;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.executor =
      options.executor ??
      createInProcessExecutor({
        actions: this.actions,
        resolvePath: (path) => this.resolvePath(path),
        logger: this.logger,
      });
    const traceparentFor = options.traceparentFor;
    this.attempts = new AttemptRunner({
      executor: this.executor,
      clock: this.clock,
      slots: options.slots,
      limits: this.payloadLimits,
      settle: (live, trigger) => this.settleSoon(live, trigger),
      traceparentFor: traceparentFor && ((live, attemptId) => traceparentFor(live.record, attemptId)),
    });
  }

  // ── Starting and following runs ──────────────────────────────────────────────────────────────────

  /** Starts a run of a definition (saved as a new version if it differs from the latest) or a stored version. */
  async start(
    definition: Definition | StoredDefinition,
    input: JsonValue = {},
    options: { runId?: string; traceparent?: string; requestId?: string } = {},
  ): Promise<string> {
    this.assertOpen();
    // An idempotent start: the request id names the run; a retry finds it and starts nothing.
    const requested = options.requestId === undefined ? undefined : requestRunId(options.requestId);
    if (requested && (await this.store.getRun(requested))) return requested;
    const invalid = this.definitions.invalid(
      "definition" in definition ? definition.definition : definition,
      this.actionCatalog(),
    );
    if (invalid) throw new InvalidDefinitionError(invalid.diagnostics);
    const stored =
      "definition" in definition
        ? definition
        : await this.definitions.ensure(this.store, definition, () =>
            new Date(this.clock.now()).toISOString(),
          );
    this.checkPayload(input, "the run input");
    const runId = requested ?? options.runId ?? newRunId();
    const now = this.clock.now();
    const decision = await decide(
      stored.definition,
      undefined,
      {
        type: "start",
        runId,
        workflow: stored.name,
        version: stored.version,
        input,
        ...traceparentOf(options),
      },
      this.decideContext(now),
    );
    const at = new Date(now).toISOString();
    let events: StoredEvent[];
    try {
      events = await this.store.commit({
        runId,
        expectedSeq: 0,
        create: { workflow: stored.name, version: stored.version },
        at,
        events: decision.events,
        snapshot: decision.snapshot,
        status: decision.snapshot.status,
        wakeAt: wakeAtOf(decision.snapshot),
        lease: this.lease(),
      });
    } catch (error) {
      // The same request, retried at the same moment: the first one made the run.
      if (requested && error instanceof ConcurrentModificationError) return requested;
      throw error;
    }
    const live = newLiveRun(stored.definition, {
      id: runId,
      workflow: stored.name,
      version: stored.version,
      status: decision.snapshot.status,
      createdAt: at,
      updatedAt: at,
      lastSeq: events[events.length - 1]?.seq ?? 0,
      lastHash: events[events.length - 1]?.hash ?? "",
      snapshot: decision.snapshot,
      wakeAt: wakeAtOf(decision.snapshot),
    });
    this.track(live);
    this.afterCommit(live, events, decision);
    return runId;
  }

  /** Resolves when the run reaches a status that `until` accepts (default: terminal or needing a person). */
  async waitFor(runId: string, options: { until?: RunStatus[] } = {}): Promise<RunRef> {
    const until = options.until
      ? (status: RunStatus) => (options.until as RunStatus[]).includes(status)
      : isTerminalStatus;
    const live = this.live.get(runId);
    const current = live?.record ?? (await this.store.getRun<RunSnapshot>(runId));
    if (!current) throw new RunNotFoundError(runId);
    if (until(current.status)) return current;
    return new Promise<RunRef>((resolve, reject) => {
      const list = this.waiters.get(runId) ?? [];
      list.push({ until, resolve, reject });
      this.waiters.set(runId, list);
    });
  }

  async getRun(runId: string): Promise<RunRef | undefined> {
    return this.live.get(runId)?.record ?? (await this.store.getRun<RunSnapshot>(runId));
  }

  async getHistory(runId: string): Promise<StoredEvent<RunEvent>[]> {
    return (await this.store.getHistory(runId)) as StoredEvent<RunEvent>[];
  }

  /**
   * `recover` for one run: loads it (verifying its history) and continues it if it is unfinished. The
   * command line's `resume` uses it for a run whose process died, without touching the database's other runs.
   */
  async continueRun(runId: string): Promise<RunRef> {
    this.assertOpen();
    const live = await this.load(runId, true);
    if (!live) throw new RunNotFoundError(runId);
    return live.record;
  }

  /**
   * Continues every unfinished run after a restart: histories are verified first (a corrupt one suspends
   * its run), attempts that were in flight re-run (idempotent) or suspend the run, timers are re-armed.
   */
  async recover(): Promise<{ continued: string[]; suspended: string[] }> {
    this.assertOpen();
    const continued: string[] = [];
    const suspended: string[] = [];
    for (const runId of await this.store.listUnfinishedRunIds()) {
      if (this.live.has(runId)) continue;
      const live = await this.load(runId);
      if (!live) continue;
      if (live.record.status === "suspended") suspended.push(runId);
      else continued.push(runId);
    }
    return { continued, suspended };
  }

  // ── Operator actions (each recorded with who did it) ─────────────────────────────────────────────

  async signal(runId: string, name: string, payload: JsonValue = null, by = "local"): Promise<void> {
    this.checkPayload(payload, "the signal payload");
    await this.operate(runId, { type: "signal", signal: name, payload, by });
  }

  async cancel(runId: string, options: { compensate?: boolean; by?: string } = {}): Promise<void> {
    await this.operate(runId, {
      type: "cancel",
      compensate: options.compensate ?? false,
      by: options.by ?? "local",
    });
  }

  /**
   * Redrives a failed, suspended or canceled run from where it stopped; a compensation_failed run retries its
   * compensation. With `version`, on that version of its workflow (a fixed one): refused with
   * VersionMoveRefusedError unless compatible (core/version-compat.ts); see `reportVersionMove` for the preview.
   */
  async resume(runId: string, by = "local", options: { version?: number } = {}): Promise<void> {
    if (options.version === undefined) return this.operate(runId, { type: "resume", by });
    const record = await this.store.getRun<RunSnapshot>(runId);
    if (!record) throw new RunNotFoundError(runId);
    const target = await this.store.getDefinition(record.workflow, options.version);
    if (!target) throw new DefinitionNotFoundError(record.workflow, options.version);
    const moveTo = { version: target.version, definition: target.definition };
    await this.operate(runId, { type: "resume", by, moveTo });
  }

  async retryCompensation(runId: string, by = "local"): Promise<void> {
    await this.operate(runId, { type: "retryCompensation", by });
  }

  /** "Compensate now": a run that failed (onError abort) or was canceled without compensating undoes its completed steps. */
  async compensate(runId: string, by = "local"): Promise<void> {
    await this.operate(runId, { type: "compensate", by });
  }

  /** Marks the stuck step (or failed compensation) done with `output`, and continues. */
  async resolveStep(
    runId: string,
    options: { output: JsonValue; by?: string; stateId?: string },
  ): Promise<void> {
    this.checkPayload(options.output, "the resolved output");
    await this.operate(runId, {
      type: "resolveStep",
      output: options.output,
      by: options.by ?? "local",
      ...(options.stateId === undefined ? {} : { stateId: options.stateId }),
    });
  }

  /** Checks a run's hash chain and that its snapshot is the fold of its history. */
  async verify(runId: string): Promise<HistoryVerdict> {
    const record = await this.store.getRun<RunSnapshot>(runId);
    if (!record) throw new RunNotFoundError(runId);
    return verifyHistory(record, await this.store.getHistory(runId));
  }

  /**
   * Cuts a corrupt history back to its last good event, rebuilds the snapshot from it and continues the
   * run from there, in one call (and one store transaction).
   */
  async restoreFromCheckpoint(runId: string, by = "local"): Promise<void> {
    this.assertOpen();
    const live = this.live.get(runId);
    if (live) await live.queue;
    const record = await this.store.getRun<RunSnapshot>(runId);
    if (!record) throw new RunNotFoundError(runId);
    const history = await this.store.getHistory(runId);
    const verdict = verifyHistory(record, history);
    const suspension = verdict.ok && isSnapshot(record.snapshot) ? record.snapshot.suspension : null;
    let keepThroughSeq: number;
    if (!verdict.ok) keepThroughSeq = verdict.lastGoodSeq;
    else if (suspension?.reason === "corrupt_history" && suspension.lastGoodSeq !== undefined) {
      keepThroughSeq = suspension.lastGoodSeq;
    } else {
      throw new InvalidOperationError(`Run ${runId} verifies; there is nothing to restore`);
    }
    const stored = await this.store.getDefinition(record.workflow, record.version);
    if (!stored) throw new DefinitionNotFoundError(record.workflow, record.version);
    const kept = history.filter((event) => event.seq <= keepThroughSeq);
    const base = foldHistory(kept.map((event) => ({ event: event.event as RunEvent, at: event.at })));
    if (!base) throw new InvalidOperationError(`Run ${runId} has no good event to restore from`);
    const now = this.clock.now();
    const decision = await decide(
      stored.definition,
      base,
      { type: "restored", by, keepThroughSeq },
      this.decideContext(now),
    );
    if (live) this.drop(live, new Error("the run was restored from a checkpoint"), false);
    if (!(await this.store.claimRun(runId, this.owner, this.leaseUntil(), new Date(now).toISOString()))) {
      throw new LeaseHeldError(runId);
    }
    const at = new Date(now).toISOString();
    const events = await this.store.restore({
      runId,
      expectedSeq: record.lastSeq,
      keepThroughSeq,
      at,
      events: decision.events,
      snapshot: decision.snapshot,
      status: decision.snapshot.status,
      wakeAt: wakeAtOf(decision.snapshot),
      lease: this.lease(),
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
    this.track(restored);
    this.afterCommit(restored, events, decision);
  }

  /** Resolves once no trigger is queued and nothing happened for a macrotask (tests use it with FakeClock). */
  async idle(): Promise<void> {
    for (;;) {
      const before = this.activity;
      await Promise.all([...this.live.values()].map((live) => live.queue));
      await new Promise((resolve) => setImmediate(resolve));
      if (this.activity === before && this.settled.length === 0) return;
    }
  }

  /** Stops driving runs: aborts in-flight attempts (their outcome is settled by recovery) and releases leases. */
  async close(): Promise<void> {
    if (this.closed) return;
    // Results that settled but wait for their macrotask are decided and committed before anything stops.
    this.flushSettled();
    this.closed = true;
    this.attempts.closed = true;
    if (this.leaseRenewal) clearInterval(this.leaseRenewal);
    this.leaseRenewal = null;
    for (const timer of this.commitRetryTimers.values()) this.clock.clearTimer(timer);
    this.commitRetryTimers.clear();
    const runs = [...this.live.values()];
    await Promise.allSettled(runs.map((live) => this.abandonUnstarted(live)));
    for (const live of runs) this.drop(live, new EngineClosedError(), false);
    await Promise.allSettled(runs.map((live) => live.queue));
    await Promise.allSettled(runs.map((live) => this.store.releaseRun(live.id, this.owner)));
    await this.executor.close();
    this.sandbox?.close();
  }

  /**
   * Graceful close: decides the triggers already queued, then commits that the attempts still waiting for
   * a slot were abandoned (they never ran, so recovery re-runs them). A crash skips this, and its attempts
   * stay in flight: outcome unknown.
   */
  private async abandonUnstarted(live: LiveRun): Promise<void> {
    if (live.wake) this.clock.clearTimer(live.wake);
    live.wake = null;
    const reason = "the engine closed before the attempt began";
    for (;;) {
      await live.queue;
      if (live.broken) return;
      const attemptIds = [...live.attempts].filter(([, running]) => !running.began).map(([id]) => id);
      if (attemptIds.length === 0) return;
      for (const id of attemptIds) this.attempts.abort(live, id, reason);
      await this.enqueue(live, { type: "abandon", attemptIds, reason });
    }
  }

  // ── Driving ──────────────────────────────────────────────────────────────────────────────────────

  private async operate(runId: string, trigger: Trigger): Promise<void> {
    this.assertOpen();
    const live = this.live.get(runId) ?? (await this.load(runId, true));
    if (!live) throw new RunNotFoundError(runId);
    await this.enqueue(live, trigger);
  }

  /** Loads a run to drive it: verifies its history, suspends it if corrupt, recovers what was in flight. */
  private load(runId: string, forOperator = false, afterRefusedCommit = false): Promise<LiveRun | undefined> {
    const existing = this.live.get(runId);
    if (existing) return Promise.resolve(existing);
    let pending = this.loading.get(runId);
    if (!pending) {
      pending = this.loadFresh(runId, forOperator, afterRefusedCommit).finally(() =>
        this.loading.delete(runId),
      );
      this.loading.set(runId, pending);
    }
    return pending;
  }

  private async loadFresh(
    runId: string,
    forOperator: boolean,
    afterRefusedCommit = false,
  ): Promise<LiveRun | undefined> {
    const record = await this.store.getRun<RunSnapshot>(runId);
    if (!record) return undefined;
    const now = new Date(this.clock.now()).toISOString();
    if (!(await this.store.claimRun(runId, this.owner, this.leaseUntil(), now))) {
      if (forOperator) throw new LeaseHeldError(runId);
      return undefined;
    }
    const stored = await this.store.getDefinition(record.workflow, record.version);
    if (!stored) throw new DefinitionNotFoundError(record.workflow, record.version);
    const history = await this.store.getHistory(runId);
    const verdict = verifyHistory(record, history);
    const live = newLiveRun(stored.definition, record);
    if (!verdict.ok) {
      // Continue from the fold of the events that verify, so the suspension itself is sound.
      const good = history.filter((event) => event.seq <= verdict.lastGoodSeq);
      const base = foldHistory(good.map((event) => ({ event: event.event as RunEvent, at: event.at })));
      live.record = { ...record, snapshot: base as RunSnapshot };
      this.track(live);
      this.logger.error("corrupt run history", { runId, ...verdict });
      await this.enqueue(live, {
        type: "suspendCorrupt",
        lastGoodSeq: verdict.lastGoodSeq,
        message: `corrupt history: ${verdict.reason}; last good event ${verdict.lastGoodSeq}`,
      });
      return live;
    }
    this.track(live);
    if (!isTerminalStatus(record.status)) {
      // A reload after a refused commit is not a process death: it does not count towards a crash loop.
      await this.enqueue(live, { type: "recover", ...(afterRefusedCommit ? { afterRefusedCommit } : {}) });
    } else this.scheduleWake(live);
    return live;
  }

  /**
   * Fairness: an action that settles at once (transform, log) chains the next step as a microtask, and a
   * run of 10,000 quick steps would never let the HTTP server or a timer have a turn. So every
   * YIELD_EVERY-th result in a row is handed to decide one macrotask later, together with every result of
   * that turn (their commits still share one transaction: group commit).
   */
  private settleSoon(live: LiveRun, trigger: Trigger): void {
    // Most results go on at once; every YIELD_EVERY-th consecutive one waits for a macrotask, with
    // whatever else settled meanwhile, so the HTTP server and timers get a turn at least that often.
    if (this.settled.length === 0 && this.sinceYield < YIELD_EVERY) {
      this.sinceYield += 1;
      this.enqueue(live, trigger).catch(() => {});
      return;
    }
    this.settled.push([live, trigger]);
    if (this.settled.length > 1) return;
    setImmediate(() => {
      this.sinceYield = 0;
      this.flushSettled();
    });
  }

  private flushSettled(): void {
    const batch = this.settled;
    this.settled = [];
    for (const [run, next] of batch) {
      if (!run.broken && !this.closed) this.enqueue(run, next).catch(() => {});
    }
  }

  /** Queues a trigger behind the run's earlier ones; the promise settles when it is committed (or refused). */
  private enqueue(live: LiveRun, trigger: Trigger): Promise<void> {
    this.activity += 1;
    const result = live.queue.then(() => this.process(live, trigger));
    live.queue = result.catch(() => {});
    return result;
  }

  private async process(live: LiveRun, trigger: Trigger): Promise<void> {
    if (live.broken) {
      if (isOperatorTrigger(trigger)) throw live.broken;
      return;
    }
    const now = this.clock.now();
    let decision: Decision;
    try {
      decision = await decide(live.definition, live.record.snapshot, trigger, this.decideContext(now));
    } catch (error) {
      if (isOperatorTrigger(trigger) || error instanceof InvalidOperationError) throw error;
      // A bug or a definition the engine cannot follow: stop the run where a person can see it.
      this.logger.error("decision failed; suspending the run", {
        runId: live.id,
        trigger: trigger.type,
        error: String(error),
      });
      decision = suspendedBy(live.record.snapshot, error, now);
    }
    if (decision.events.length === 0) {
      this.execute(live, decision.commands);
      this.scheduleWake(live);
      return;
    }
    const at = new Date(now).toISOString();
    let events: StoredEvent[];
    try {
      events = await this.store.commit({
        runId: live.id,
        expectedSeq: live.record.lastSeq,
        at,
        events: decision.events,
        snapshot: decision.snapshot,
        status: decision.snapshot.status,
        wakeAt: wakeAtOf(decision.snapshot),
        lease: this.lease(),
        // A resume on another version moves the run row with its RunMovedToVersion.
        ...(decision.snapshot.version === live.record.version ? {} : { version: decision.snapshot.version }),
      });
    } catch (error) {
      // The store refused: what is committed is the truth, and this engine no longer knows it. Stop.
      const failure = error instanceof Error ? error : new Error(String(error));
      if (failure instanceof LeaseHeldError) {
        // Another worker took the run over (this one's lease lapsed): it drives the run now.
        this.logger.warn("lease lost; another worker drives the run", { runId: live.id });
        this.drop(live, failure, true);
        throw failure;
      }
      this.logger.error("commit failed; the run stops here until recovered", {
        runId: live.id,
        error: failure.message,
      });
      this.drop(live, failure, true);
      this.retryAfterRefusedCommit(live.id);
      throw failure;
    }
    this.commitRetryDelays.delete(live.id);
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
      wakeAt: wakeAtOf(decision.snapshot),
    };
    this.afterCommit(live, events, decision);
  }

  private afterCommit(live: LiveRun, events: StoredEvent[], decision: Decision): void {
    if (this.options.onEvent) {
      for (const event of events) {
        try {
          this.options.onEvent(event as StoredEvent<RunEvent>, live.record);
        } catch (error) {
          this.logger.warn("onEvent listener failed", { error: String(error) });
        }
      }
    }
    this.execute(live, decision.commands);
    this.scheduleWake(live);
    this.notifyWaiters(live.id, live.record);
    if (isTerminalStatus(live.record.status) && live.attempts.size === 0) {
      // The terminal commit released the lease.
      this.live.delete(live.id);
      if (live.wake) this.clock.clearTimer(live.wake);
    }
  }

  private execute(live: LiveRun, commands: Command[]): void {
    for (const command of commands) {
      if (command.type === "runAttempt") this.attempts.run(live, command.attempt);
      else if (command.type === "cancelAttempt" && command.awaitOutcome)
        this.attempts.signalAbort(live, command.attemptId, command.reason);
      else if (command.type === "cancelAttempt") this.attempts.abort(live, command.attemptId, command.reason);
      else this.raiseAlert(command.alert);
    }
  }

  private raiseAlert(alert: CompensationAlert): void {
    this.logger.error("compensation failed: a person must act", { ...alert });
    const hook = this.options.onCompensationFailed;
    if (!hook) return;
    Promise.resolve()
      .then(() => hook(alert))
      .catch((error: unknown) =>
        this.logger.error("alert hook failed", { runId: alert.runId, error: String(error) }),
      );
  }

  /** One clock timer per run, at its earliest durable timer; firing it hands every due timer to decide. */
  private scheduleWake(live: LiveRun): void {
    if (live.wake) this.clock.clearTimer(live.wake);
    live.wake = null;
    const wakeAt = live.record.wakeAt;
    if (wakeAt === null || live.broken || this.closed) return;
    live.wake = this.clock.setTimer(Date.parse(wakeAt) - this.clock.now(), () => {
      live.wake = null;
      this.enqueue(live, { type: "timersDue" }).catch(() => {});
    });
  }

  private notifyWaiters(runId: string, record: RunRef): void {
    const list = this.waiters.get(runId);
    if (!list) return;
    const remaining = list.filter((waiter) => {
      if (!waiter.until(record.status)) return true;
      waiter.resolve(record);
      return false;
    });
    if (remaining.length > 0) this.waiters.set(runId, remaining);
    else this.waiters.delete(runId);
  }

  /** Forgets a run: aborts its attempts and timers; waiters hear `error` when `failWaiters`. */
  private drop(live: LiveRun, error: Error, failWaiters: boolean): void {
    live.broken = error;
    if (live.wake) this.clock.clearTimer(live.wake);
    live.wake = null;
    for (const id of [...live.attempts.keys()]) this.attempts.abort(live, id, error.message);
    if (this.live.get(live.id) === live) this.live.delete(live.id);
    if (failWaiters) {
      for (const waiter of this.waiters.get(live.id) ?? []) waiter.reject(error);
      this.waiters.delete(live.id);
    }
  }

  /**
   * A run whose commit the store refused is loaded again later (and verified, and recovered like after a
   * crash), with backoff, until the store takes its commits again: a full disk that is freed, a file that
   * is writable again, resume without a restart.
   */
  private retryAfterRefusedCommit(runId: string): void {
    if (this.closed || this.commitRetryTimers.has(runId)) return;
    const delayMs = this.commitRetryDelays.get(runId) ?? COMMIT_RETRY_MIN_MS;
    this.commitRetryDelays.set(runId, Math.min(delayMs * 2, COMMIT_RETRY_MAX_MS));
    const timer = this.clock.setTimer(delayMs, () => {
      this.commitRetryTimers.delete(runId);
      if (this.closed || this.live.has(runId)) return;
      this.load(runId, false, true).catch(() => this.retryAfterRefusedCommit(runId));
    });
    this.commitRetryTimers.set(runId, timer);
  }

  private decideContext(now: number) {
    return {
      now,
      evaluate: this.evaluate,
      random: this.random,
      ...(this.options.crashLimit === undefined ? {} : { crashLimit: this.options.crashLimit }),
    };
  }

  /** Run input, signal payloads and resolved outputs are checked before they reach decide or the store. */
  private checkPayload(value: JsonValue, what: string): void {
    const check = checkPayload(value, this.payloadLimits, what);
    if (!check.ok) throw new InvalidInputError(check.reason);
  }

  private resolvePath(path: string): string {
    this.resolvePathPolicy ??= createPathPolicy([process.cwd()]).resolvePath;
    return this.resolvePathPolicy(path);
  }

  private actionCatalog(): ActionCatalog {
    this.catalog ??= actionCatalog(this.actions.values());
    return this.catalog;
  }

  private leaseUntil(): string {
    return new Date(this.clock.now() + this.leaseMs).toISOString();
  }

  /** The lease every commit carries: claimed at creation, renewed by each step, released when terminal. */
  private lease(): { owner: string; until: string } {
    return { owner: this.owner, until: this.leaseUntil() };
  }

  /**
   * Starts following a run, and keeps the leases of all followed runs alive: runs that wait (a long timer,
   * a slow attempt) commit nothing for a while, so every third of the lease one statement renews them all.
   * The heartbeat runs on real time, not the injected clock: it is about this process being alive.
   */
  private track(live: LiveRun): void {
    this.live.set(live.id, live);
    if (this.leaseRenewal || this.closed) return;
    this.leaseRenewal = setInterval(() => {
      if (this.live.size === 0) return;
      this.store
        .renewLeases(this.owner, this.leaseUntil())
        .catch((error: unknown) => this.logger.warn("lease renewal failed", { error: String(error) }));
    }, this.leaseMs / 3);
    this.leaseRenewal.unref();
  }

  private assertOpen(): void {
    if (this.closed) throw new EngineClosedError();
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

function isOperatorTrigger(trigger: Trigger): boolean {
  return ["signal", "cancel", "resume", "retryCompensation", "resolveStep", "compensate"].includes(
    trigger.type,
  );
}

function isSnapshot(value: unknown): value is RunSnapshot {
  return typeof value === "object" && value !== null && "scopes" in value && "status" in value;
}

/** When the run next needs the engine by itself: its earliest timer, while it is live. */
export function wakeAtOf(snapshot: RunSnapshot): string | null {
  if (!["running", "waiting", "compensating"].includes(snapshot.status)) return null;
  let earliest: string | null = null;
  for (const timer of Object.values(snapshot.timers))
    if (earliest === null || timer.fireAt < earliest) earliest = timer.fireAt;
  return earliest;
}
