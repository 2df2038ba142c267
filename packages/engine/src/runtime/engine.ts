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
import type { BatchEvaluator } from "../core/expression-batch";
import type { Evaluator } from "../core/expressions";
import { foldHistory } from "../core/fold";
import type { CompensationAlert, DecideContext, Trigger } from "../core/types";
import {
  ConcurrentModificationError,
  DefinitionNotFoundError,
  EngineClosedError,
  InvalidDefinitionError,
  InvalidInputError,
  LeaseHeldError,
  RunNotFoundError,
} from "../errors";
import type { RunRecord, RunStore, StoredDefinition, StoredEvent } from "../store/types";
import type { AttemptExecutor } from "./attempts/attempt-executor";
import { type ActionSlots, AttemptRunner } from "./attempts/attempt-runner";
import { createInProcessExecutor } from "./attempts/in-process-executor";
import { type Clock, createRealClock } from "./clock";
import { type CommitListeners, notifyCommit } from "./commit-listeners";
import { CommitQueue, wakeAtOf } from "./commit-queue";
import { DefinitionCache } from "./definition-cache";
import { createIsolateEvaluator, type IsolateEvaluator } from "./expressions/isolate-evaluator";
import { handOffStart } from "./hand-off";
import { DEFAULT_LEASE_MS, Leases } from "./leases";
import { type LiveRun, newLiveRun, type RunRef } from "./live-run";
import { type Logger, silentLogger } from "./logger";
import { OperatorCalls } from "./operator-calls";
import { newRunId, requestRunId } from "./run-id";
import { RunWaiters } from "./run-waiters";
import { Scheduler } from "./scheduler";
import { type HistoryVerdict, HistoryVerifier, verifyHistory } from "./verify";

export { wakeAtOf } from "./commit-queue";

export interface EngineOptions {
  store: RunStore;
  /** The actions definitions may call, by name. */
  actions: Iterable<ActionDefinition> | ReadonlyMap<string, ActionDefinition>;
  clock?: Clock;
  evaluator?: Evaluator;
  /** A state's expressions in one go, beside `evaluator`; default: the sandbox's, or `evaluator` one by one. */
  evaluateBatch?: BatchEvaluator;
  /** In [0, 1), for retry jitter; inject a seeded one for reproducible delays. */
  random?: () => number;
  /** Confines action file paths (ActionContext.resolvePath); default: inside the working directory. */
  resolvePath?: (path: string) => string;
  /** Called at once when a compensation exhausts its retries (server: log, banner, webhook). */
  onCompensationFailed?: (alert: CompensationAlert) => void | Promise<void>;
  /** Called for every committed event, with the run as it stands after that commit. */
  onEvent?: CommitListeners["onEvent"];
  /** Called once per commit with its events (and before `onEvent` is called for each of them). */
  onCommit?: CommitListeners["onCommit"];
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
  /**
   * False: this process starts runs but does not drive them (`serve --no-drive`, PostgreSQL): each is created
   * with no lease and its first attempts recorded as never begun, for a worker to claim (hand-off.ts).
   */
  drive?: boolean;
}

/** Events per read when `verify` pages through a history. */
const VERIFY_PAGE = 5_000;

const traceparentOf = (options: { traceparent?: string }) =>
  options.traceparent === undefined ? {} : { traceparent: options.traceparent };

/**
 * The edge of the engine: it feeds triggers (action results, timers, operator calls) to the pure
 * `decide`, commits each decision's events and snapshot in one store transaction, then carries out the
 * decision's commands. Triggers of one run are handled one at a time, in order. The parts:
 *   scheduler.ts       per-run trigger queues, fairness, wake timers
 *   commit-queue.ts    decide → commit → commands, refused commits
 *   operator-calls.ts  a person's calls (signal, cancel, resume, resolve, compensate, restore)
 *   attempts/          running actions (AttemptRunner + an AttemptExecutor)
 *   leases.ts          this process's claim on its runs
 */
export class Engine {
  private readonly store: RunStore;
  private readonly actions: ReadonlyMap<string, ActionDefinition>;
  private readonly clock: Clock;
  private readonly evaluate: Evaluator;
  private readonly evaluateBatch: BatchEvaluator | undefined;
  private readonly random: () => number;
  private readonly logger: Logger;
  private readonly live = new Map<string, LiveRun>();
  private readonly loading = new Map<string, Promise<LiveRun | undefined>>();
  private readonly waiters = new RunWaiters();
  private resolvePathPolicy: ((path: string) => string) | undefined;
  private catalog: ActionCatalog | undefined;
  private readonly definitions = new DefinitionCache();
  private closed = false;
  private readonly attempts: AttemptRunner;
  private readonly executor: AttemptExecutor;
  private readonly leases: Leases;
  private readonly payloadLimits: PayloadLimits;
  private readonly sandbox: IsolateEvaluator | undefined;
  private readonly scheduler: Scheduler;
  private readonly commits: CommitQueue;
  private readonly operator: OperatorCalls;

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
    this.evaluateBatch = options.evaluateBatch;
    if (options.evaluator) this.evaluate = options.evaluator;
    else {
      // Definitions' expressions are user code: by default they run in a V8 isolate of their own.
      this.sandbox = createIsolateEvaluator({
        ...options.expressionLimits,
        maxResultBytes: this.payloadLimits.maxBytes,
        maxDepth: this.payloadLimits.maxDepth,
      });
      this.evaluate = this.sandbox.evaluate;
      this.evaluateBatch ??= this.sandbox.evaluateBatch;
    }
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? silentLogger;
    this.resolvePathPolicy = options.resolvePath;
    this.leases = new Leases({
      store: this.store,
      clock: this.clock,
      logger: this.logger,
      owner: options.owner ?? "local",
      leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    });
    this.executor =
      options.executor ??
      createInProcessExecutor({
        actions: this.actions,
        resolvePath: (path) => this.resolvePath(path),
        logger: this.logger,
      });
    const isClosed = () => this.closed;
    this.scheduler = new Scheduler({
      clock: this.clock,
      process: (live, trigger) => this.commits.process(live, trigger),
      isClosed,
    });
    const traceparentFor = options.traceparentFor;
    this.attempts = new AttemptRunner({
      executor: this.executor,
      clock: this.clock,
      slots: options.slots,
      limits: this.payloadLimits,
      settle: (live, trigger) => this.scheduler.settleSoon(live, trigger),
      traceparentFor: traceparentFor && ((live, attemptId) => traceparentFor(live.record, attemptId)),
    });
    const decideContext = (now: number, at?: string) => this.decideContext(now, at);
    this.commits = new CommitQueue({
      store: this.store,
      clock: this.clock,
      logger: this.logger,
      leases: this.leases,
      live: this.live,
      attempts: this.attempts,
      waiters: this.waiters,
      scheduler: this.scheduler,
      decideContext,
      isClosed,
      reload: (runId) => this.load(runId, false, true),
      onEvent: options.onEvent,
      onCommit: options.onCommit,
      onCompensationFailed: options.onCompensationFailed,
    });
    this.operator = new OperatorCalls({
      store: this.store,
      clock: this.clock,
      leases: this.leases,
      payloadLimits: this.payloadLimits,
      live: this.live,
      commits: this.commits,
      operate: (runId, trigger) => this.operate(runId, trigger),
      track: (live) => this.track(live),
      decideContext,
      assertOpen: () => this.assertOpen(),
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
    const begun = await decide(
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
    const handOff = this.options.drive === false;
    const decision = handOff ? await handOffStart(stored.definition, begun, this.decideContext(now)) : begun;
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
        ...(handOff ? {} : { lease: this.leases.lease() }),
      });
    } catch (error) {
      // The same request, retried at the same moment: the first one made the run.
      if (requested && error instanceof ConcurrentModificationError) return requested;
      throw error;
    }
    const record: RunRecord<RunSnapshot> = {
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
    };
    if (handOff) {
      notifyCommit(this.options, events, record, this.logger);
      return runId;
    }
    const live = newLiveRun(stored.definition, record);
    this.track(live);
    this.commits.afterCommit(live, events, decision);
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
    return this.waiters.wait(runId, until);
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
      // An operator call's load of the same run may be shared: it throws where recovery skips.
      const live = await this.load(runId).catch((error: unknown) => {
        if (error instanceof LeaseHeldError) return undefined;
        throw error;
      });
      if (!live) continue;
      if (live.record.status === "suspended") suspended.push(runId);
      else continued.push(runId);
    }
    return { continued, suspended };
  }

  // ── Operator actions (each recorded with who did it; operator-calls.ts) ──────────────────────────

  async signal(runId: string, name: string, payload: JsonValue = null, by = "local"): Promise<void> {
    await this.operator.signal(runId, name, payload, by);
  }

  async cancel(runId: string, options: { compensate?: boolean; by?: string } = {}): Promise<void> {
    await this.operator.cancel(runId, options.compensate ?? false, options.by ?? "local");
  }

  /**
   * Redrives a failed, suspended or canceled run from where it stopped; a compensation_failed run retries its
   * compensation. With `version`, on that version of its workflow (a fixed one): refused with
   * VersionMoveRefusedError unless compatible (core/version-compat.ts); see `reportVersionMove` for the preview.
   */
  async resume(runId: string, by = "local", options: { version?: number } = {}): Promise<void> {
    await this.operator.resume(runId, by, options.version);
  }

  async retryCompensation(runId: string, by = "local"): Promise<void> {
    await this.operator.retryCompensation(runId, by);
  }

  /** "Compensate now": a run that failed (onError abort) or was canceled without compensating undoes its completed steps. */
  async compensate(runId: string, by = "local"): Promise<void> {
    await this.operator.compensate(runId, by);
  }

  /** Marks the stuck step (or failed compensation) done with `output`, and continues. */
  async resolveStep(
    runId: string,
    options: { output: JsonValue; by?: string; stateId?: string },
  ): Promise<void> {
    await this.operator.resolveStep(runId, options.output, options.by ?? "local", options.stateId);
  }

  /** Checks a run's hash chain and that its snapshot is the fold of its history. */
  async verify(runId: string): Promise<HistoryVerdict> {
    const record = await this.store.getRun<RunSnapshot>(runId);
    if (!record) throw new RunNotFoundError(runId);
    // Page by page: a long history is never held whole (verify.ts).
    const verifier = new HistoryVerifier();
    for (let afterSeq = 0; ; ) {
      const page = await this.store.getHistory(runId, { afterSeq, limit: VERIFY_PAGE });
      if (!verifier.add(page) || page.length < VERIFY_PAGE) break;
      afterSeq = (page[page.length - 1] as StoredEvent).seq;
    }
    return verifier.verdict(record);
  }

  /**
   * Cuts a corrupt history back to its last good event, rebuilds the snapshot from it and continues the
   * run from there, in one call (and one store transaction).
   */
  async restoreFromCheckpoint(runId: string, by = "local"): Promise<void> {
    await this.operator.restoreFromCheckpoint(runId, by);
  }

  /** Resolves once no trigger is queued and nothing happened for a macrotask (tests use it with FakeClock). */
  async idle(): Promise<void> {
    for (;;) {
      const before = this.scheduler.activity;
      await Promise.all([...this.live.values()].map((live) => live.queue));
      await new Promise((resolve) => setImmediate(resolve));
      if (this.scheduler.activity === before && this.scheduler.pending === 0) return;
    }
  }

  /** Stops driving runs: aborts in-flight attempts (their outcome is settled by recovery) and releases leases. */
  async close(): Promise<void> {
    if (this.closed) return;
    // Results that settled but wait for their macrotask are decided and committed before anything stops.
    this.scheduler.flushSettled();
    this.closed = true;
    this.attempts.closed = true;
    this.leases.stop();
    this.commits.close();
    const runs = [...this.live.values()];
    await Promise.allSettled(runs.map((live) => this.abandonUnstarted(live)));
    for (const live of runs) this.commits.drop(live, new EngineClosedError(), false);
    await Promise.allSettled(runs.map((live) => live.queue));
    await Promise.allSettled(runs.map((live) => this.store.releaseRun(live.id, this.leases.owner)));
    await this.executor.close();
    this.sandbox?.close();
  }

  /**
   * Graceful close: decides the triggers already queued, then commits that the attempts still waiting for
   * a slot were abandoned (they never ran, so recovery re-runs them). A crash skips this, and its attempts
   * stay in flight: outcome unknown.
   */
  private async abandonUnstarted(live: LiveRun): Promise<void> {
    this.scheduler.clearWake(live);
    const reason = "the engine closed before the attempt began";
    for (;;) {
      await live.queue;
      if (live.broken) return;
      const attemptIds = [...live.attempts].filter(([, running]) => !running.began).map(([id]) => id);
      if (attemptIds.length === 0) return;
      for (const id of attemptIds) this.attempts.abort(live, id, reason);
      await this.scheduler.enqueue(live, { type: "abandon", attemptIds, reason });
    }
  }

  // ── Loading runs ─────────────────────────────────────────────────────────────────────────────────

  private async operate(runId: string, trigger: Trigger): Promise<void> {
    this.assertOpen();
    const live = this.live.get(runId) ?? (await this.load(runId, true));
    if (!live) {
      // A load already under way for recovery (takeover) was shared, and it found the run held elsewhere.
      if (await this.store.getRun(runId)) throw new LeaseHeldError(runId);
      throw new RunNotFoundError(runId);
    }
    await this.scheduler.enqueue(live, trigger);
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
    if (!(await this.store.claimRun(runId, this.leases.owner, this.leases.until(), now))) {
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
      await this.scheduler.enqueue(live, {
        type: "suspendCorrupt",
        lastGoodSeq: verdict.lastGoodSeq,
        message: `corrupt history: ${verdict.reason}; last good event ${verdict.lastGoodSeq}`,
      });
      return live;
    }
    this.track(live);
    if (!isTerminalStatus(record.status)) {
      // A reload after a refused commit is not a process death: it does not count towards a crash loop.
      await this.scheduler.enqueue(live, {
        type: "recover",
        ...(afterRefusedCommit ? { afterRefusedCommit } : {}),
      });
    } else this.scheduler.scheduleWake(live);
    return live;
  }

  /** Starts following a run; the leases of all followed runs are kept alive (leases.ts). */
  private track(live: LiveRun): void {
    this.live.set(live.id, live);
    if (!this.closed) this.leases.keepAlive(() => this.live.size);
  }

  /** Made for every step: assigned field by field rather than spread (optional fields stay absent). */
  private decideContext(now: number, at?: string): DecideContext {
    const context: DecideContext = { now, evaluate: this.evaluate, random: this.random };
    if (at !== undefined) context.at = at;
    if (this.evaluateBatch) context.evaluateBatch = this.evaluateBatch;
    if (this.options.crashLimit !== undefined) context.crashLimit = this.options.crashLimit;
    return context;
  }

  /** Run input is checked before it reaches decide or the store. */
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

  private assertOpen(): void {
    if (this.closed) throw new EngineClosedError();
  }
}
