import {
  type ActionDefinition,
  type CompensationAlert,
  ConcurrentModificationError,
  createActionRegistry,
  createIsolatedExecutor,
  createPathPolicy,
  Engine,
  type RunStore,
  type StoredEvent,
  type WorkerSetup,
} from "@sagaflow/engine";
import {
  isTerminalStatus,
  type RunEvent,
  type RunSnapshot,
  type RunStatus,
  TERMINAL_STATUSES,
} from "@sagaflow/shared";
import { alertFromCompensation } from "../alerts/alert";
import { postAlert } from "../alerts/webhook";
import { silentLogger } from "../logger";

/**
 * How far a command follows a run: to its end; until it waits for anything (`run --no-wait`); or until
 * it waits for a person's signal (`recover`, `signal`: durable timers are short enough to sit through).
 */
export type FollowUntil = "end" | "waiting" | "signal";

export interface RunDriverOptions {
  store: RunStore;
  actions: ActionDefinition[];
  /** Allowed roots of action file paths. */
  roots: string[];
  /** The run database: no action may reach it (or its -wal, -shm, backups), whatever the roots. */
  protectedFiles: string[];
  /** The worker pool's description of the actions; without it actions run on this thread (tests). */
  setup?: WorkerSetup;
  /** Every committed event of a followed run, once: from this process's engine or read back from the store. */
  onEvent(event: StoredEvent<RunEvent>, snapshot: RunSnapshot): void;
  /**
   * Where compensation_failed alerts are POSTed, as `serve` does; SAGAFLOW_ALERT_WEBHOOK when omitted,
   * none when null. `close()` waits for their delivery, so a command never exits with an alert unsent.
   */
  alertWebhook?: string | null;
  /** Told when an alert could not be delivered (after the webhook's retries). */
  onAlertUndelivered?(message: string): void;
}

const POLL_MS = 250;
/** A run another process left with a timer overdue by this much is taken back. */
const ABANDONED_AFTER_MS = 2000;

/**
 * Drives runs with an Engine and follows them to where the command stops. Several processes may share a
 * database: while this one waits (say, for a signal), `sagaflow signal` in another terminal delivers it and
 * carries the run on. The driver notices the history growing behind its back, stands aside, prints what
 * the other process commits, and takes the run back if it is left with an overdue timer.
 */
export class RunDriver {
  private current: Engine;
  private readonly lastSeq = new Map<string, number>();
  private readonly alerts = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: RunDriverOptions) {
    this.current = this.createEngine();
  }

  get engine(): Engine {
    return this.current;
  }

  get store(): RunStore {
    return this.options.store;
  }

  /** Marks what a command printed already (a resumed run's past), so only new events are reported. */
  seen(runId: string, seq: number): void {
    this.lastSeq.set(runId, Math.max(seq, this.lastSeq.get(runId) ?? 0));
  }

  async follow(runId: string, until: FollowUntil): Promise<RunStatus> {
    const keepAlive = setInterval(() => {}, 60_000);
    try {
      for (;;) {
        const outcome = await this.followHere(runId, until);
        if (outcome !== "elsewhere") return outcome;
        const status = await this.followElsewhere(runId, until);
        if (status !== "abandoned") return status;
        await this.replaceEngine();
        await this.current.continueRun(runId);
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.current.close();
    await Promise.all(this.alerts);
    await this.options.store.close();
  }

  private createEngine(): Engine {
    const resolvePath = createPathPolicy(this.options.roots, {
      protectedFiles: this.options.protectedFiles,
    }).resolvePath;
    const setup = this.options.setup;
    return new Engine({
      store: this.options.store,
      actions: this.options.actions,
      resolvePath,
      ...(setup
        ? {
            executor: createIsolatedExecutor({
              actions: createActionRegistry(this.options.actions),
              resolvePath,
              setup: () => setup,
              logger: silentLogger,
            }),
          }
        : {}),
      onEvent: (event, run) => this.report(event, run.snapshot),
      onCompensationFailed: (alert) => this.sendAlert(alert),
    });
  }

  /** compensation_failed reached from the command line alerts like the server (alerts/webhook.ts). */
  private sendAlert(alert: CompensationAlert): void {
    const url =
      this.options.alertWebhook === undefined
        ? process.env.SAGAFLOW_ALERT_WEBHOOK
        : this.options.alertWebhook;
    if (!url) return;
    const delivery = postAlert(alertFromCompensation(alert, new Date().toISOString()), { url }).then(
      (result) => {
        if (!result.delivered) {
          this.options.onAlertUndelivered?.(
            `the alert for run ${alert.runId} could not be sent to ${url} (${result.attempts} tries: ${result.lastError})`,
          );
        }
      },
    );
    this.alerts.add(delivery);
    void delivery.finally(() => this.alerts.delete(delivery));
  }

  private report(event: StoredEvent<RunEvent>, snapshot: RunSnapshot): void {
    if (event.seq <= (this.lastSeq.get(event.runId) ?? 0)) return;
    this.lastSeq.set(event.runId, event.seq);
    this.options.onEvent(event, snapshot);
  }

  private async replaceEngine(): Promise<void> {
    const old = this.current;
    this.current = this.createEngine();
    await old.close();
  }

  /** Follows the run as this process's engine drives it, until it stops or another process moves it on. */
  private async followHere(runId: string, until: FollowUntil): Promise<RunStatus | "elsewhere"> {
    const stops: RunStatus[] = until === "end" ? [...TERMINAL_STATUSES] : [...TERMINAL_STATUSES, "waiting"];
    let watching = true;
    const movedElsewhere = (async (): Promise<"elsewhere"> => {
      for (;;) {
        await sleep(POLL_MS);
        if (!watching) return "elsewhere";
        // Only a waiting run is moved on by others (a signal); and what this process committed itself has
        // been reported before a second look, so being ahead twice means another process wrote.
        if ((await this.current.getRun(runId))?.status !== "waiting") continue;
        if (!(await this.aheadOfUs(runId))) continue;
        await sleep(50);
        if (await this.aheadOfUs(runId)) return "elsewhere";
      }
    })();
    try {
      for (;;) {
        const reached = await Promise.race([
          this.current.waitFor(runId, { until: stops }).catch((error: unknown) => {
            // Our commit lost to another process's: the run moved on elsewhere.
            if (error instanceof ConcurrentModificationError) return "elsewhere" as const;
            throw error;
          }),
          movedElsewhere,
        ]);
        if (reached === "elsewhere") {
          await this.replaceEngine();
          return "elsewhere";
        }
        if (isTerminalStatus(reached.status) || until !== "signal") return reached.status;
        if (Object.keys(reached.snapshot.awaiting).length > 0) return reached.status;
        const leftWaiting = await Promise.race([
          this.current.waitFor(runId, { until: stops.filter((status) => status !== "waiting") }),
          movedElsewhere,
        ]);
        if (leftWaiting === "elsewhere") {
          await this.replaceEngine();
          return "elsewhere";
        }
        if (isTerminalStatus(leftWaiting.status)) return leftWaiting.status;
      }
    } finally {
      watching = false;
    }
  }

  private async aheadOfUs(runId: string): Promise<boolean> {
    const stored = await this.options.store.getRun(runId);
    return stored !== undefined && stored.lastSeq > (this.lastSeq.get(runId) ?? 0);
  }

  /** Reads the history another process writes, until the run stops, or is left with an overdue timer. */
  private async followElsewhere(runId: string, until: FollowUntil): Promise<RunStatus | "abandoned"> {
    for (;;) {
      const afterSeq = this.lastSeq.get(runId) ?? 0;
      const run = await this.options.store.getRun<RunSnapshot>(runId);
      if (!run) throw new Error(`run ${runId} vanished from the database`);
      for (const event of await this.options.store.getHistory(runId, { afterSeq })) {
        this.report(event as StoredEvent<RunEvent>, run.snapshot);
      }
      if (isTerminalStatus(run.status)) return run.status;
      if (run.status === "waiting" && until === "waiting") return run.status;
      if (run.status === "waiting" && until === "signal" && Object.keys(run.snapshot.awaiting).length > 0) {
        return run.status;
      }
      if (run.wakeAt !== null && Date.parse(run.wakeAt) < Date.now() - ABANDONED_AFTER_MS) return "abandoned";
      await sleep(POLL_MS);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
