import { openSqliteStore, type RunStore, type StoredEvent } from "@sagaflow/engine";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LiveFeed } from "./live-feed";
import { streamRunEvents } from "./run-event-stream";

let store: RunStore;
let feed: LiveFeed;
let lastSeq = 0;

beforeEach(() => {
  store = openSqliteStore(":memory:");
  feed = new LiveFeed();
  lastSeq = 0;
});
afterEach(() => store.close());

/** Commits `count` events to run r1 and returns them (without publishing them live). */
async function commit(count: number): Promise<StoredEvent[]> {
  const events = await store.commit({
    runId: "r1",
    expectedSeq: lastSeq,
    ...(lastSeq === 0 ? { create: { workflow: "w", version: 1 } } : {}),
    at: new Date(0).toISOString(),
    events: Array.from({ length: count }, (_, i) => ({ type: "Tick", n: lastSeq + i + 1 })),
    snapshot: {},
    status: "running",
    wakeAt: null,
  });
  lastSeq += count;
  return events;
}

/** Reads `count` events from the stream, then aborts it. */
async function take(stream: AsyncGenerator<StoredEvent>, count: number, abort: AbortController) {
  const seqs: number[] = [];
  for await (const event of stream) {
    seqs.push(event.seq);
    if (seqs.length === count) break;
  }
  abort.abort();
  return seqs;
}

describe("streamRunEvents", () => {
  it("catches up from the store, then follows live events, skipping ones it already has", async () => {
    await commit(3);
    const abort = new AbortController();
    const stream = streamRunEvents({ runId: "r1", afterSeq: 1, store, feed, signal: abort.signal });
    const reading = take(stream, 4, abort);
    await new Promise((resolve) => setImmediate(resolve));
    const next = await commit(2);
    // A duplicate of a caught-up event, then the new ones.
    const [, second] = await store.getHistory("r1", { afterSeq: 1, limit: 1 });
    if (second) feed.publishEvent(second);
    for (const event of next) feed.publishEvent(event);
    expect(await reading).toEqual([2, 3, 4, 5]);
  });

  it("fills a gap from the store when a live event arrives ahead of what it has", async () => {
    await commit(1);
    const abort = new AbortController();
    const stream = streamRunEvents({ runId: "r1", afterSeq: 0, store, feed, signal: abort.signal });
    const reading = take(stream, 4, abort);
    await new Promise((resolve) => setImmediate(resolve));
    const next = await commit(3);
    feed.publishEvent(next[2]!); // 2 and 3 were never published live
    expect(await reading).toEqual([1, 2, 3, 4]);
  });

  it("pages through a long history", async () => {
    await commit(120);
    const abort = new AbortController();
    const stream = streamRunEvents({
      runId: "r1",
      afterSeq: 7,
      store,
      feed,
      signal: abort.signal,
      pageSize: 50,
    });
    const seqs = await take(stream, 113, abort);
    expect(seqs).toEqual(Array.from({ length: 113 }, (_, i) => i + 8));
  });

  it("ends quietly when its signal aborts", async () => {
    await commit(1);
    const abort = new AbortController();
    const stream = streamRunEvents({ runId: "r1", afterSeq: 1, store, feed, signal: abort.signal });
    const done = (async () => {
      const seen: number[] = [];
      for await (const event of stream) seen.push(event.seq);
      return seen;
    })();
    await new Promise((resolve) => setImmediate(resolve));
    abort.abort();
    expect(await done).toEqual([]);
  });
});
