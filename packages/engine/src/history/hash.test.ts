import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../store/sqlite/sqlite-run-store";
import { rawSqlite } from "../store/sqlite/testing";
import type { EventRecord } from "../store/types";
import { eventJson, hashEvent, hashEventJson, verifyChain } from "./hash";

/** Values whose JSON text is easy to get subtly different on a second serialisation. */
const awkward: EventRecord = {
  type: "StepSucceeded",
  z: 1,
  a: { "10": "ten", "2": "two", b: [1.5, -0, 1e21, 5e-7, null] },
  text: 'é ✓ \u2028 \ud800 lone surrogate, "quotes" and \\ slashes\n',
  nested: { deep: { deeper: [{ y: true, x: false }] } },
};

describe("the hash chain over stored JSON text", () => {
  it("hashes the exact text the events row stores, and a read row verifies by re-serialising", async () => {
    const store = openSqliteStore(":memory:");
    try {
      const stored = await store.commit({
        runId: "r1",
        expectedSeq: 0,
        create: { workflow: "w", version: 1 },
        at: "2026-01-01T00:00:00.000Z",
        status: "running",
        snapshot: {},
        wakeAt: null,
        events: [{ type: "RunStarted" }, awkward],
      });
      const rows = rawSqlite(store)
        .prepare<[], { seq: number; event: string; hash: string; prev_hash: string }>(
          "SELECT seq, event, hash, prev_hash FROM events ORDER BY seq",
        )
        .all();
      for (const row of rows) {
        expect(row.hash).toBe(
          hashEventJson(row.prev_hash, "r1", row.seq, "2026-01-01T00:00:00.000Z", row.event),
        );
      }
      expect(rows[1]?.event).toBe(eventJson(awkward));
      const history = await store.getHistory("r1");
      expect(history.map((entry) => entry.hash)).toEqual(stored.map((entry) => entry.hash));
      expect(eventJson(history[1]?.event ?? { type: "missing" })).toBe(rows[1]?.event);
      expect(verifyChain(history)).toEqual({ ok: true, lastSeq: 2 });
    } finally {
      await store.close();
    }
  });

  it("changes when any covered field changes", () => {
    const entry = { runId: "r1", seq: 3, at: "2026-01-01T00:00:00.000Z", event: awkward };
    const base = hashEvent("prev", entry);
    expect(hashEvent("prev", { ...entry })).toBe(base);
    expect(hashEvent("other", entry)).not.toBe(base);
    expect(hashEvent("prev", { ...entry, runId: "r2" })).not.toBe(base);
    expect(hashEvent("prev", { ...entry, seq: 4 })).not.toBe(base);
    expect(hashEvent("prev", { ...entry, at: "2026-01-01T00:00:00.001Z" })).not.toBe(base);
    expect(hashEvent("prev", { ...entry, event: { ...awkward, z: 2 } })).not.toBe(base);
  });

  it("cannot be fooled by a run id that smuggles the field separators", () => {
    const plain = hashEventJson("", 'a","seq":1', 2, "t", "{}");
    expect(plain).not.toBe(hashEventJson("", "a", 1, "t", "{}"));
  });
});
