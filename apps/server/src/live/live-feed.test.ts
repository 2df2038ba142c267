import { describe, expect, it } from "vitest";
import { LiveFeed } from "./live-feed";

describe("LiveFeed.watchingChanges", () => {
  it("is true only while a changes subscription is open", async () => {
    const feed = new LiveFeed();
    expect(feed.watchingChanges).toBe(false);
    const abort = new AbortController();
    const iterator = feed.changes(abort.signal)[Symbol.asyncIterator]();
    const next = iterator.next();
    expect(feed.watchingChanges).toBe(true);
    abort.abort();
    expect(await next).toEqual({ done: true, value: undefined });
    expect(feed.watchingChanges).toBe(false);
  });
});
