import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { canonicalJson, verifyChain } from "../../history/hash";
import { openSqliteStore, type SqliteRunStore } from "./sqlite-run-store";
import { isCorruptJson } from "./stored-json";
import { createCommit, events } from "./test-fixtures";
import { flipByte, rawSqlite, tamperEvent, tamperSnapshot } from "./testing";

describe("damaged rows are reported, never crash the reader", () => {
  let store: SqliteRunStore;
  const snapshot = { state: "validate_data", steps: { backup: { path: "/tmp/b.db", bytes: 1234 } } };

  beforeEach(async () => {
    store = openSqliteStore(":memory:");
    await store.commit(createCommit("r1", { events: events("A", "B", "C", "D"), snapshot }));
  });
  afterEach(() => store.close());

  it("a flipped byte that keeps the JSON valid breaks that event's hash", async () => {
    tamperEvent(store, "r1", 3, (json) => json.replace('"index":2', '"index":3'));
    const history = await store.getHistory("r1");
    expect(history[2]?.event).toMatchObject({ type: "C", index: 3 });
    expect(verifyChain(history)).toEqual({
      ok: false,
      lastGoodSeq: 2,
      badSeq: 3,
      reason: "event 3 does not match its hash",
    });
  });

  it("a flipped byte that breaks the JSON comes back as a marked event with its raw text", async () => {
    tamperEvent(store, "r1", 2, (json) => flipByte(json, json.indexOf('"')));
    const history = await store.getHistory("r1");
    expect(history).toHaveLength(4);
    const bad = history[1]?.event;
    expect(bad?.type).toBe("B");
    expect(isCorruptJson(bad)).toBe(true);
    expect(bad).toMatchObject({ $corruptJson: { raw: expect.stringContaining("#type") } });
    expect(verifyChain(history)).toMatchObject({ ok: false, lastGoodSeq: 1, badSeq: 2 });
  });

  it("an event whose JSON is no longer an object is marked too", async () => {
    tamperEvent(store, "r1", 4, () => "42");
    const history = await store.getHistory("r1");
    expect(isCorruptJson(history[3]?.event)).toBe(true);
    expect(verifyChain(history)).toMatchObject({ ok: false, badSeq: 4 });
  });

  it("a damaged hash column is caught as well", async () => {
    rawSqlite(store)
      .prepare("UPDATE events SET hash = ? WHERE run_id = 'r1' AND seq = 1")
      .run("0".repeat(64));
    expect(verifyChain(await store.getHistory("r1"))).toMatchObject({ ok: false, lastGoodSeq: 0, badSeq: 1 });
  });

  it("a flipped byte in the snapshot yields a value that differs from the committed one", async () => {
    tamperSnapshot(store, "r1", (json) => json.replace("1234", "1235"));
    const run = await store.getRun<typeof snapshot>("r1");
    expect(canonicalJson(run?.snapshot)).not.toBe(canonicalJson(snapshot));
    expect(verifyChain(await store.getHistory("r1")).ok).toBe(true); // the history itself is intact
  });

  it("a snapshot that no longer parses comes back as a marker, with the rest of the run intact", async () => {
    tamperSnapshot(store, "r1", (json) => flipByte(json, 0));
    const run = await store.getRun("r1");
    expect(run).toMatchObject({ id: "r1", lastSeq: 4, status: "running" });
    expect(isCorruptJson(run?.snapshot)).toBe(true);
    const listed = await store.listRuns();
    expect(isCorruptJson(listed.runs[0]?.snapshot)).toBe(true);
  });

  it("flipByte changes exactly one character", () => {
    const text = '{"a":1}';
    const flipped = flipByte(text, 5);
    expect(flipped).toBe('{"a":0}');
    expect([...flipped].filter((char, index) => char !== text[index])).toHaveLength(1);
  });
});
