import type { CommitListener, Logger, PostgresRunStore, RunRecord, RunStore } from "@sagaflow/engine";
import { toRunSummary } from "../run-summary";
import type { LiveFeed } from "./live-feed";

/** Runs whose last locally published seq is remembered; the oldest are forgotten past this. */
const REMEMBERED_RUNS = 10_000;

/**
 * On PostgreSQL with several instances: the commits other instances announce (LISTEN/NOTIFY) go into this
 * instance's live feed, so `runs.events` and `runs.changes` here carry runs driven elsewhere. A notice says
 * "run X is at seq N": the relay publishes event N and the run's summary; a stream that sees a gap reads
 * the missing events from the store (run-event-stream.ts), so nothing is skipped. This instance's own
 * commits come back too and are ignored (`noteLocal` from the engine's onCommit).
 */
export class RemoteCommitRelay {
  private readonly local = new Map<string, number>();
  private listener: CommitListener | undefined;

  constructor(
    private readonly store: RunStore,
    private readonly feed: LiveFeed,
    private readonly logger: Logger,
    /** Each run another instance committed, as it stands now (the alert banners follow it). */
    private readonly onRemoteRun: (run: RunRecord) => void = () => undefined,
  ) {}

  async start(store: PostgresRunStore): Promise<void> {
    this.listener = await store.listenCommits(
      (notice) => void this.relay(notice.runId, notice.lastSeq).catch((error: unknown) => this.failed(error)),
      { onError: (error) => this.failed(error) },
    );
  }

  /** A commit this instance made and published itself: the run's events up to `lastSeq`. */
  noteLocal(runId: string, lastSeq: number): void {
    this.local.delete(runId);
    this.local.set(runId, lastSeq);
    if (this.local.size > REMEMBERED_RUNS) {
      const oldest = this.local.keys().next();
      if (!oldest.done) this.local.delete(oldest.value);
    }
  }

  async close(): Promise<void> {
    await this.listener?.close();
  }

  private async relay(runId: string, lastSeq: number): Promise<void> {
    if ((this.local.get(runId) ?? 0) >= lastSeq) return;
    const [event] = await this.store.getHistory(runId, { afterSeq: lastSeq - 1, limit: 1 });
    if (event) this.feed.publishEvent(event);
    const run = await this.store.getRun(runId);
    if (!run || run.lastSeq !== lastSeq) return;
    this.onRemoteRun(run);
    this.feed.publishChange({ kind: "run", run: toRunSummary(run) });
  }

  private failed(error: unknown): void {
    this.logger.warn("relaying another instance's commit failed", { error: String(error) });
  }
}
