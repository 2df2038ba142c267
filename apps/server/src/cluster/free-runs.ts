import type { Engine, Logger, PostgresRunStore } from "@sagaflow/engine";
import { CLUSTER_CHANNEL, FREE_RUNS_MESSAGE } from "./forwarder";
/** A claim pass this often even when no hint came: hints are lost when nobody listens at that moment. */
export const DEFAULT_CLAIM_POLL_MS = 1_000;
/** After a pass that filled this process's free capacity, the next one comes this soon. */
const BUSY_RETRY_MS = 10;

/**
 * The sending half, in `serve --no-drive`: after it started runs (created with no lease), one message per turn
 * of the event loop on the cluster's channel (forwarder.ts, whose listener hands it to the puller) tells
 * every driving process to claim. Only a hint: a lost one costs a poll interval.
 */
export class FreeRunHints {
  private pending = false;

  constructor(
    private readonly store: PostgresRunStore,
    private readonly logger: Logger,
  ) {}

  hint(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.store
        .sendMessage(CLUSTER_CHANNEL, FREE_RUNS_MESSAGE)
        .catch((error: unknown) => this.logger.warn("announcing free runs failed", { error: String(error) }));
    });
  }
}

export interface FreeRunPullerOptions {
  engine: Pick<Engine, "continueRun">;
  store: PostgresRunStore;
  /** This process's lease owner name: the engine's. */
  owner: string;
  leaseMs: number;
  /** How many more runs this process wants now (free action slots). */
  capacity: () => number;
  logger: Logger;
  pollMs?: number;
}

/**
 * The claiming half, in every process that drives runs on PostgreSQL (`serve` and `worker`): on a hint
 * (`wake`, called by the forwarder's listener), on
 * a timer, and again while it finds work, it claims as many free runs as it has free capacity
 * (claimFreeRuns: FOR UPDATE SKIP LOCKED, so processes claiming at once take different runs) and continues
 * each one as after a takeover (Engine.continueRun: history verified, abandoned attempts run again). A
 * run whose owner's lease expired is free too, so a worker takes over a dead process's runs within one poll
 * of the lease's end.
 */
export class FreeRunPuller {
  private timer: NodeJS.Timeout | undefined;
  private passing: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** Runs claimed and still loading: they hold no slot yet, but are this process's work. */
  private readonly loading = new Set<Promise<unknown>>();

  constructor(private readonly options: FreeRunPullerOptions) {}

  start(): void {
    this.timer = setInterval(() => this.wake(), this.options.pollMs ?? DEFAULT_CLAIM_POLL_MS);
    this.timer.unref();
    this.wake();
  }

  /**
   * Stops claiming; resolves once every run it claimed is in the engine's hands (loaded), so the engine's
   * close releases their leases too. (A run claimed but still loading at a SIGTERM kept its lease until
   * it expired.)
   */
  async close(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.passing;
    await Promise.allSettled([...this.loading]);
  }

  /** A claim pass now (or right after the one under way). */
  wake(): void {
    if (this.stopped) return;
    if (this.passing) {
      this.again = true;
      return;
    }
    this.passing = this.pass()
      .catch((error: unknown) =>
        this.options.logger.warn("claiming free runs failed", { error: String(error) }),
      )
      .finally(() => {
        this.passing = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Claims while there is room and work; a full claim means more may wait, so it looks again soon. */
  private async pass(): Promise<void> {
    const { store, owner, leaseMs, capacity } = this.options;
    for (;;) {
      const room = capacity() - this.loading.size;
      if (room <= 0 || this.stopped) {
        // Busy: look again once some work has likely finished (a hint may have come and gone meanwhile).
        if (!this.stopped) setTimeout(() => this.wake(), BUSY_RETRY_MS).unref();
        return;
      }
      const now = Date.now();
      const ids = await store.claimFreeRuns(
        owner,
        new Date(now + leaseMs).toISOString(),
        new Date(now).toISOString(),
        room,
      );
      for (const id of ids) this.continueRun(id);
      if (ids.length < room) return;
    }
  }

  private continueRun(runId: string): void {
    const loading = this.options.engine
      .continueRun(runId)
      .catch((error: unknown) =>
        this.options.logger.warn("continuing a claimed run failed", { runId, error: String(error) }),
      )
      .finally(() => this.loading.delete(loading));
    this.loading.add(loading);
  }
}
