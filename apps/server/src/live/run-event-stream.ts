import type { RunStore, StoredEvent } from "@sagaflow/engine";
import type { LiveFeed } from "./live-feed";

export interface RunEventStreamOptions {
  runId: string;
  /** Yield only events with seq > afterSeq (0 = the whole history). */
  afterSeq: number;
  store: Pick<RunStore, "getHistory">;
  feed: Pick<LiveFeed, "runEvents">;
  signal: AbortSignal | undefined;
  pageSize?: number;
}

/**
 * A run's history after `afterSeq`, then its live events, each exactly once and in seq order.
 * Subscribes to the live feed first, then catches up from the store, so an event committed between the
 * two is either in the catch-up (then its live copy is skipped) or only live; a live event that arrives
 * ahead of what was read (a gap) triggers another read of the store.
 */
export async function* streamRunEvents(options: RunEventStreamOptions): AsyncGenerator<StoredEvent> {
  const { runId, store, signal } = options;
  const pageSize = options.pageSize ?? 500;
  const live = options.feed.runEvents(runId, signal);
  let lastSeq = options.afterSeq;

  async function* readStore(): AsyncGenerator<StoredEvent> {
    for (;;) {
      const page = await store.getHistory(runId, { afterSeq: lastSeq, limit: pageSize });
      for (const event of page) {
        if (event.seq !== lastSeq + 1) return; // never skip ahead: the next read starts where we are
        lastSeq = event.seq;
        yield event;
      }
      if (page.length < pageSize || signal?.aborted) return;
    }
  }

  yield* readStore();
  for await (const event of live) {
    if (event.seq <= lastSeq) continue;
    if (event.seq > lastSeq + 1) yield* readStore();
    if (event.seq === lastSeq + 1) {
      lastSeq = event.seq;
      yield event;
    }
  }
}
