import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConcurrentModificationError, InvalidCursorError } from "../../errors";
import { verifyChain } from "../../history/hash";
import type { RunFilter } from "../types";
import { MAX_EVENTS_PER_INSERT } from "./run-statements";
import { openSqliteStore, type SqliteRunStore } from "./sqlite-run-store";
import { at, createCommit, events, makeTempDir } from "./test-fixtures";
import { rawSqlite } from "./testing";

describe.each([":memory:", "file"])("SqliteRunStore runs (%s)", (kind) => {
  let store: SqliteRunStore;
  let cleanup = () => {};

  beforeEach(() => {
    if (kind === "file") {
      const temp = makeTempDir();
      cleanup = temp.cleanup;
      store = openSqliteStore(`${temp.dir}/runs.db`);
    } else {
      store = openSqliteStore(":memory:");
    }
  });

  afterEach(async () => {
    await store.close();
    cleanup();
  });

  it("creates a run with its first events, numbered from 1, stamped with the commit time", async () => {
    const stored = await store.commit(createCommit("r1"));
    expect(stored.map((event) => [event.seq, event.event.type, event.at])).toEqual([
      [1, "RunStarted", at(0)],
      [2, "StateEntered", at(0)],
    ]);
    const run = await store.getRun("r1");
    expect(run).toMatchObject({
      id: "r1",
      workflow: "db-migration",
      version: 1,
      status: "running",
      createdAt: at(0),
      updatedAt: at(0),
      lastSeq: 2,
      lastHash: stored[1]?.hash,
      snapshot: { state: "backup_database", steps: {} },
      wakeAt: null,
    });
  });

  it("appends after the checkpoint and moves the run row with it", async () => {
    await store.commit(createCommit("r1"));
    const stored = await store.commit({
      ...createCommit("r1"),
      expectedSeq: 2,
      at: at(5),
      events: events("StepSucceeded"),
      snapshot: { state: "apply_migration" },
      status: "waiting",
      wakeAt: at(60),
    });
    expect(stored.map((event) => event.seq)).toEqual([3]);
    expect(await store.getRun("r1")).toMatchObject({
      lastSeq: 3,
      status: "waiting",
      wakeAt: at(60),
      updatedAt: at(5),
      createdAt: at(0),
      snapshot: { state: "apply_migration" },
    });
  });

  it("keeps status and wake time through commits that leave them, and indexes the ones that change them", async () => {
    await store.commit(createCommit("r1", { status: "waiting", wakeAt: at(60) }));
    const next = (seq: number, status: "running" | "waiting", wakeAt: string | null) =>
      store.commit({ ...createCommit("r1"), expectedSeq: seq, events: events("X"), status, wakeAt });
    await next(2, "waiting", at(60)); // unchanged: only the checkpoint moves
    expect(await store.getRun("r1")).toMatchObject({ lastSeq: 3, status: "waiting", wakeAt: at(60) });
    await next(3, "running", null);
    await next(4, "running", null);
    expect(await store.getRun("r1")).toMatchObject({ lastSeq: 5, status: "running", wakeAt: null });
    expect((await store.listRuns({ status: ["waiting"] })).runs).toEqual([]);
    expect((await store.listRuns({ status: ["running"] })).runs.map((run) => run.id)).toEqual(["r1"]);
    // A store that knows nothing of the run reads status and wake time from the row.
    const fresh = openSqliteStore(store.path === ":memory:" ? ":memory:" : store.path);
    if (store.path !== ":memory:") {
      await fresh.commit({ ...createCommit("r1"), expectedSeq: 5, events: events("Y"), wakeAt: at(90) });
      expect(await store.getRun("r1")).toMatchObject({ lastSeq: 6, status: "running", wakeAt: at(90) });
    }
    await fresh.close();
  });

  it("writes commits made together as a group: each all or nothing, the others standing", async () => {
    await store.commit(createCommit("r1"));
    rawSqlite(store).exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON events WHEN NEW.type = 'Boom'
      BEGIN SELECT RAISE(ABORT, 'boom refused'); END`);
    const results = await Promise.allSettled([
      store.commit(createCommit("r2")),
      store.commit({ ...createCommit("r1"), expectedSeq: 7 }), // stale
      store.commit(createCommit("r3", { events: events("RunStarted", "Boom") })), // refused half-way
      store.commit({ ...createCommit("r1"), expectedSeq: 2, events: events("Next"), status: "waiting" }),
      store.commit(createCommit("r4")),
    ]);
    expect(results.map((result) => result.status)).toEqual([
      "fulfilled",
      "rejected",
      "rejected",
      "fulfilled",
      "fulfilled",
    ]);
    expect(results[1]).toMatchObject({ reason: expect.any(ConcurrentModificationError) });
    expect(results[2]).toMatchObject({ reason: expect.objectContaining({ message: "boom refused" }) });
    expect(await store.getRun("r3")).toBeUndefined();
    expect(await store.getHistory("r3")).toEqual([]);
    expect(await store.getRun("r1")).toMatchObject({ lastSeq: 3, status: "waiting" });
    for (const runId of ["r1", "r2", "r4"]) expect(verifyChain(await store.getHistory(runId)).ok).toBe(true);
  });

  it("has a commit written before any later call reads or writes, even one not awaited", async () => {
    const pending = store.commit(createCommit("r1"));
    expect(await store.getRun("r1")).toMatchObject({ lastSeq: 2 });
    expect(await store.listUnfinishedRunIds()).toEqual(["r1"]);
    await pending;
    const closing = store.commit({ ...createCommit("r1"), expectedSeq: 2, events: events("Last") });
    await store.close();
    expect((await closing).map((event) => event.seq)).toEqual([3]);
    store = openSqliteStore(kind === "file" ? store.path : ":memory:");
    if (kind === "file") expect(await store.getRun("r1")).toMatchObject({ lastSeq: 3 });
  });

  it("chains hashes across commits so verifyChain accepts the whole history", async () => {
    await store.commit(createCommit("r1"));
    for (let seq = 2; seq < 12; seq += 2) {
      await store.commit({ ...createCommit("r1"), expectedSeq: seq, at: at(seq), events: events("A", "B") });
    }
    const history = await store.getHistory("r1");
    expect(history).toHaveLength(12);
    expect(history[0]?.prevHash).toBe("");
    expect(verifyChain(history)).toEqual({ ok: true, lastSeq: 12 });
    expect((await store.getRun("r1"))?.lastHash).toBe(history[11]?.hash);
  });

  it("returns the events exactly as committed", async () => {
    const event = { type: "StepSucceeded", stateId: "s", output: { rows: [1, "two", null, { deep: true }] } };
    await store.commit(createCommit("r1", { events: [event] }));
    const [stored] = await store.getHistory("r1");
    expect(stored?.event).toEqual(event);
  });

  it("rejects a commit whose expectedSeq is stale and writes nothing", async () => {
    await store.commit(createCommit("r1"));
    const stale = {
      ...createCommit("r1"),
      expectedSeq: 1,
      events: events("Late"),
      status: "failed" as const,
    };
    await expect(store.commit(stale)).rejects.toBeInstanceOf(ConcurrentModificationError);
    await expect(store.commit({ ...stale, expectedSeq: 3 })).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );
    expect((await store.getHistory("r1")).map((event) => event.seq)).toEqual([1, 2]);
    expect(await store.getRun("r1")).toMatchObject({ lastSeq: 2, status: "running" });
  });

  it("rejects creating a run twice, and appending to a run that does not exist", async () => {
    await store.commit(createCommit("r1"));
    await expect(store.commit(createCommit("r1", { events: events("Again") }))).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );
    await expect(store.commit({ ...createCommit("nope"), expectedSeq: 4 })).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );
    expect(await store.getHistory("r1")).toHaveLength(2);
    expect(await store.getRun("nope")).toBeUndefined();
  });

  it("lets exactly one of two writers from the same checkpoint win", async () => {
    await store.commit(createCommit("r1"));
    const next = { ...createCommit("r1"), expectedSeq: 2 };
    const results = await Promise.allSettled([
      store.commit({ ...next, events: events("FromA") }),
      store.commit({ ...next, events: events("FromB") }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
    const history = await store.getHistory("r1");
    expect(history.map((event) => event.event.type)).toEqual(["RunStarted", "StateEntered", "FromA"]);
  });

  it("notices a writer on another connection even when its own cached head agrees", async () => {
    await store.commit(createCommit("r1"));
    // Another process restores the run to the same seq with a different head: the cache is stale.
    rawSqlite(store).prepare("UPDATE runs SET last_hash = 'elsewhere' WHERE id = 'r1'").run();
    await expect(store.commit({ ...createCommit("r1"), expectedSeq: 2 })).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );
    expect(await store.getHistory("r1")).toHaveLength(2);
  });

  it("rolls back a commit that fails half-way: no run row, no events, and the next try succeeds", async () => {
    rawSqlite(store).exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON events WHEN NEW.type = 'Boom'
      BEGIN SELECT RAISE(ABORT, 'boom refused'); END`);
    await expect(store.commit(createCommit("r1", { events: events("RunStarted", "Boom") }))).rejects.toThrow(
      "boom refused",
    );
    expect(await store.getRun("r1")).toBeUndefined();
    expect(await store.getHistory("r1")).toEqual([]);

    await store.commit(createCommit("r1"));
    await expect(
      store.commit({ ...createCommit("r1"), expectedSeq: 2, events: events("Ok", "Boom"), status: "failed" }),
    ).rejects.toThrow("boom refused");
    expect(await store.getRun("r1")).toMatchObject({ lastSeq: 2, status: "running" });
    expect(await store.getHistory("r1")).toHaveLength(2);

    const stored = await store.commit({ ...createCommit("r1"), expectedSeq: 2, events: events("Ok") });
    expect(stored[0]?.seq).toBe(3);
    expect(verifyChain(await store.getHistory("r1")).ok).toBe(true);
  });

  it("refuses an event without a type before touching the database", async () => {
    const bad = createCommit("r1", { events: [{ type: "" }] });
    await expect(store.commit(bad)).rejects.toThrow("has no type");
    expect(await store.getRun("r1")).toBeUndefined();
  });

  it("writes a commit longer than one multi-row INSERT carries, in order, every event chained", async () => {
    const many = events(...Array.from({ length: MAX_EVENTS_PER_INSERT * 2 + 3 }, (_, i) => `Event${i}`));
    const stored = await store.commit(createCommit("r1", { events: many }));
    const history = await store.getHistory("r1");
    expect(history).toEqual(stored);
    expect(history.map((event) => event.event)).toEqual(many);
    expect(verifyChain(history)).toEqual({ ok: true, lastSeq: many.length });
    expect(await store.getRun("r1")).toMatchObject({ lastSeq: many.length, lastHash: stored.at(-1)?.hash });
  });

  it("accepts a checkpoint-only commit with no events", async () => {
    await store.commit(createCommit("r1"));
    const stored = await store.commit({ ...createCommit("r1"), expectedSeq: 2, events: [], wakeAt: at(9) });
    expect(stored).toEqual([]);
    expect(await store.getRun("r1")).toMatchObject({ lastSeq: 2, wakeAt: at(9) });
    await store.commit({ ...createCommit("r1"), expectedSeq: 2, events: events("Next") });
    expect(verifyChain(await store.getHistory("r1"))).toEqual({ ok: true, lastSeq: 3 });
  });

  it("pages a history with afterSeq and limit", async () => {
    await store.commit(
      createCommit("r1", { events: events(...Array.from({ length: 25 }, (_, i) => `E${i}`)) }),
    );
    const first = await store.getHistory("r1", { limit: 10 });
    const second = await store.getHistory("r1", { afterSeq: 10, limit: 10 });
    const rest = await store.getHistory("r1", { afterSeq: 20 });
    expect(first.map((event) => event.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(second.map((event) => event.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 11));
    expect(rest.map((event) => event.seq)).toEqual([21, 22, 23, 24, 25]);
    expect(await store.getHistory("r1", { afterSeq: 25 })).toEqual([]);
    expect(await store.getHistory("other")).toEqual([]);
  });

  describe("listRuns", () => {
    beforeEach(async () => {
      // 12 runs, two workflows, created one second apart; r00 oldest.
      for (let i = 0; i < 12; i += 1) {
        const id = `r${String(i).padStart(2, "0")}`;
        await store.commit(
          createCommit(id, {
            at: at(i),
            create: { workflow: i % 2 === 0 ? "even" : "odd", version: 1 },
            status: i % 3 === 0 ? "succeeded" : "running",
          }),
        );
      }
    });

    async function collect(filter: RunFilter & { limit: number }) {
      const ids: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 20; page += 1) {
        const result = await store.listRuns({ ...filter, cursor });
        expect(result.runs.length).toBeLessThanOrEqual(filter.limit);
        ids.push(...result.runs.map((run) => run.id));
        if (!result.nextCursor) return ids;
        cursor = result.nextCursor;
      }
      throw new Error("pagination did not end");
    }

    it("lists newest first across pages with no gaps or repeats", async () => {
      const expected = Array.from({ length: 12 }, (_, i) => `r${String(11 - i).padStart(2, "0")}`);
      expect(await collect({ limit: 5 })).toEqual(expected);
      expect(await collect({ limit: 12 })).toEqual(expected);
      const whole = await store.listRuns({ limit: 12 });
      expect(whole.nextCursor).toBeNull();
    });

    it("filters by status and workflow", async () => {
      expect(await collect({ status: ["succeeded"], limit: 2 })).toEqual(["r09", "r06", "r03", "r00"]);
      expect(await collect({ workflow: "odd", limit: 4 })).toEqual([
        "r11",
        "r09",
        "r07",
        "r05",
        "r03",
        "r01",
      ]);
      expect(await collect({ workflow: "even", status: ["running"], limit: 3 })).toEqual([
        "r10",
        "r08",
        "r04",
        "r02",
      ]);
    });

    it("finds runs by id prefix and by the time they started", async () => {
      expect(await collect({ idPrefix: "r0", limit: 4 })).toEqual([
        "r09",
        "r08",
        "r07",
        "r06",
        "r05",
        "r04",
        "r03",
        "r02",
        "r01",
        "r00",
      ]);
      expect(await collect({ idPrefix: "r11", limit: 4 })).toEqual(["r11"]);
      expect(await collect({ idPrefix: "R1", limit: 4 })).toEqual([]);
      // Started between second 3 (included) and second 7 (excluded), with other filters and paging.
      expect(await collect({ startedAfter: at(3), startedBefore: at(7), limit: 2 })).toEqual([
        "r06",
        "r05",
        "r04",
        "r03",
      ]);
      expect(await collect({ startedAfter: at(3), workflow: "odd", idPrefix: "r0", limit: 1 })).toEqual([
        "r09",
        "r07",
        "r05",
        "r03",
      ]);
    });

    it("keeps pages stable when newer runs arrive between pages", async () => {
      const first = await store.listRuns({ limit: 4 });
      await store.commit(createCommit("r99", { at: at(50), create: { workflow: "even", version: 1 } }));
      const second = await store.listRuns({ limit: 4, cursor: first.nextCursor ?? undefined });
      expect(first.runs.map((run) => run.id)).toEqual(["r11", "r10", "r09", "r08"]);
      expect(second.runs.map((run) => run.id)).toEqual(["r07", "r06", "r05", "r04"]);
    });

    it("breaks ties of the same creation time by id", async () => {
      await store.commit(createCommit("tie-a", { at: at(40) }));
      await store.commit(createCommit("tie-b", { at: at(40) }));
      await store.commit(createCommit("tie-c", { at: at(40) }));
      expect((await collect({ limit: 1 })).slice(0, 4)).toEqual(["tie-c", "tie-b", "tie-a", "r11"]);
    });

    it("refuses a cursor it did not make", async () => {
      await expect(store.listRuns({ cursor: "not-a-cursor" })).rejects.toBeInstanceOf(InvalidCursorError);
      const forged = Buffer.from(JSON.stringify({ createdAt: 1 })).toString("base64url");
      await expect(store.listRuns({ cursor: forged })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it("lists the ids of unfinished runs only, oldest first", async () => {
      await store.commit(createCommit("w", { at: at(30), status: "waiting" }));
      await store.commit(createCommit("c", { at: at(31), status: "compensating" }));
      await store.commit(createCommit("s", { at: at(32), status: "suspended" }));
      await store.commit(createCommit("f", { at: at(33), status: "compensation_failed" }));
      expect(await store.listUnfinishedRunIds()).toEqual([
        "r01",
        "r02",
        "r04",
        "r05",
        "r07",
        "r08",
        "r10",
        "r11",
        "w",
        "c",
      ]);
    });
  });

  describe("restore", () => {
    beforeEach(async () => {
      await store.commit(createCommit("r1", { events: events("A", "B", "C", "D", "E") }));
    });

    it("drops events after the kept one, re-chains new ones from its hash, and moves the run", async () => {
      const stored = await store.restore({
        ...createCommit("r1"),
        expectedSeq: 5,
        keepThroughSeq: 3,
        at: at(20),
        events: events("RunResumed", "StateEntered"),
        snapshot: { restored: true },
        status: "running",
        wakeAt: at(21),
      });
      expect(stored.map((event) => event.seq)).toEqual([4, 5]);
      const history = await store.getHistory("r1");
      expect(history.map((event) => event.event.type)).toEqual(["A", "B", "C", "RunResumed", "StateEntered"]);
      expect(history[3]?.prevHash).toBe(history[2]?.hash);
      expect(verifyChain(history)).toEqual({ ok: true, lastSeq: 5 });
      expect(await store.getRun("r1")).toMatchObject({
        lastSeq: 5,
        lastHash: history[4]?.hash,
        snapshot: { restored: true },
        wakeAt: at(21),
        updatedAt: at(20),
      });
      // The next ordinary commit builds on the restored head.
      await store.commit({ ...createCommit("r1"), expectedSeq: 5, events: events("After") });
      expect(verifyChain(await store.getHistory("r1"))).toEqual({ ok: true, lastSeq: 6 });
    });

    it("can restore to before the first event", async () => {
      await store.restore({
        ...createCommit("r1"),
        expectedSeq: 5,
        keepThroughSeq: 0,
        events: events("Fresh"),
      });
      const history = await store.getHistory("r1");
      expect(history.map((event) => [event.seq, event.event.type, event.prevHash])).toEqual([
        [1, "Fresh", ""],
      ]);
      expect(verifyChain(history).ok).toBe(true);
    });

    it("refuses a stale expectedSeq or a seq outside the history, changing nothing", async () => {
      const before = await store.getHistory("r1");
      await expect(
        store.restore({ ...createCommit("r1"), expectedSeq: 4, keepThroughSeq: 2 }),
      ).rejects.toBeInstanceOf(ConcurrentModificationError);
      await expect(
        store.restore({ ...createCommit("r1"), expectedSeq: 5, keepThroughSeq: 6 }),
      ).rejects.toThrow(RangeError);
      await expect(
        store.restore({ ...createCommit("ghost"), expectedSeq: 0, keepThroughSeq: 0 }),
      ).rejects.toThrow("does not exist");
      expect(await store.getHistory("r1")).toEqual(before);
    });

    it("is one transaction: a failing append keeps the old history", async () => {
      rawSqlite(store).exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON events WHEN NEW.type = 'Boom'
        BEGIN SELECT RAISE(ABORT, 'boom refused'); END`);
      const before = await store.getHistory("r1");
      await expect(
        store.restore({ ...createCommit("r1"), expectedSeq: 5, keepThroughSeq: 1, events: events("Boom") }),
      ).rejects.toThrow("boom refused");
      expect(await store.getHistory("r1")).toEqual(before);
      expect(await store.getRun("r1")).toMatchObject({ lastSeq: 5 });
    });
  });

  describe("leases", () => {
    beforeEach(async () => {
      await store.commit(createCommit("r1"));
    });

    it("claims a free run, keeps others out until it expires or is released", async () => {
      expect(await store.claimRun("r1", "worker-a", at(30), at(0))).toBe(true);
      expect(await store.claimRun("r1", "worker-b", at(40), at(10))).toBe(false);
      expect(await store.claimRun("r1", "worker-a", at(60), at(20))).toBe(true); // renew: already ours
      expect(await store.claimRun("r1", "worker-b", at(90), at(59))).toBe(false);
      expect(await store.claimRun("r1", "worker-b", at(90), at(60))).toBe(true); // expired
      await store.releaseRun("r1", "worker-a"); // not the owner any more: no effect
      expect(await store.claimRun("r1", "worker-a", at(99), at(61))).toBe(false);
      await store.releaseRun("r1", "worker-b");
      expect(await store.claimRun("r1", "worker-a", at(99), at(61))).toBe(true);
    });

    it("cannot claim a run that does not exist", async () => {
      expect(await store.claimRun("ghost", "worker-a", at(30), at(0))).toBe(false);
    });

    it("leaves the run's checkpoint alone", async () => {
      await store.claimRun("r1", "worker-a", at(30), at(0));
      await store.commit({ ...createCommit("r1"), expectedSeq: 2, events: events("X") });
      expect(await store.getRun("r1")).toMatchObject({ lastSeq: 3 });
    });
  });
});
