import type { Definition, State } from "@sagaflow/shared";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction } from "../src/actions/types";
import { VersionMoveRefusedError } from "../src/core/version-compat";
import { previewVersionMove } from "../src/runtime/version-move";
import { type Call, createHarness, eventTypes, openStore, STORE_KINDS, testActions } from "./helpers";

/**
 * A run of v1 fails at a buggy step; the fixed v2 is saved; the run resumes on v2. The effects of each
 * step are rows in a real SQLite ledger, so a step that ran twice would show twice.
 */
function ledger() {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE ledger (step TEXT NOT NULL, what TEXT NOT NULL)");
  const insert = db.prepare<[string, string]>("INSERT INTO ledger (step, what) VALUES (?, ?)");
  const write = defineAction({
    name: "ledger.write",
    description: "appends a row; fails with params.fail when set (the bug)",
    params: z.object({ step: z.string(), what: z.string(), fail: z.string().optional() }),
    effect: "write",
    handler: async (params) => {
      if (params.fail) throw Object.assign(new Error(params.fail), { name: "Bug" });
      insert.run(params.step, params.what);
      return { step: params.step, row: Number(db.prepare("SELECT count(*) AS n FROM ledger").pluck().get()) };
    },
  });
  const rows = () => db.prepare<[], { step: string; what: string }>("SELECT step, what FROM ledger").all();
  return { db, write, rows };
}

const task = (step: string, extra: Partial<Extract<State, { type: "task" }>> = {}): State => ({
  type: "task",
  action: "ledger.write",
  params: { step, what: "do" },
  ...extra,
});
const undo = (step: string, extra: Record<string, string> = {}, retry?: { maxAttempts: number }): State => ({
  type: "compensation",
  action: "ledger.write",
  params: { step, what: "undo", ...extra },
  ...(retry ? { retry } : {}),
});

/** book (undone by unbook) → reserve_flight (the bug in v1: it throws) → ship. */
function trip(version: "buggy" | "fixed", states: Definition["states"] = {}): Definition {
  return {
    name: "trip",
    startAt: "book",
    states: {
      book: task("book", { compensateWith: "unbook", next: "reserve_flight" }),
      reserve_flight: task("reserve_flight", {
        onError: "abort",
        next: "ship",
        ...(version === "buggy"
          ? { params: { step: "reserve_flight", what: "do", fail: "typo in the URL" } }
          : {}),
      }),
      ship: task("ship", { end: true }),
      unbook: undo("unbook"),
      ...states,
    },
  };
}

describe.each(STORE_KINDS)("resume on another version (%s store)", (kind) => {
  const ledgers: ReturnType<typeof ledger>[] = [];
  afterEach(() => {
    for (const l of ledgers.splice(0)) l.db.close();
  });
  const setup = () => {
    const l = ledger();
    ledgers.push(l);
    const calls: Call[] = [];
    const h = createHarness(openStore(kind), { calls, actions: [...testActions(calls), l.write] });
    return { h, l };
  };

  it("keeps the completed steps (not run again, outputs kept) and runs the fixed step of the new version", async () => {
    const { h, l } = setup();
    await h.engine.start(trip("buggy"), {}, { runId: "r" });
    const failed = await h.settle("r");
    expect(failed.status).toBe("failed");
    expect(failed.version).toBe(1);
    const bookOutput = failed.snapshot.steps.book;

    const fixed = await h.store.saveDefinition(trip("fixed"), new Date(h.clock.now()).toISOString());
    expect(fixed.version).toBe(2);
    const preview = await previewVersionMove(h.store, "r");
    expect(preview).toMatchObject({ compatible: true, from: 1, to: 2, latestVersion: 2, refusals: [] });
    expect(preview.kept).toEqual([{ stateId: "book", output: bookOutput }]);
    expect(preview.continueAt).toEqual([{ scope: "", stateId: "reserve_flight" }]);
    expect(preview.changed).toEqual([{ stateId: "reserve_flight", change: "changed", fields: ["params"] }]);
    expect(preview.compensations).toEqual([
      { taskStateId: "book", scope: "", visit: 1, before: "unbook", after: "unbook" },
    ]);

    await h.engine.resume("r", "alice", { version: 2 });
    const done = await h.settle("r");
    expect(done.status).toBe("succeeded");
    expect(done.version).toBe(2);
    expect(done.snapshot.version).toBe(2);
    expect(done.snapshot.steps.book).toEqual(bookOutput);
    expect(l.rows()).toEqual([
      { step: "book", what: "do" },
      { step: "reserve_flight", what: "do" },
      { step: "ship", what: "do" },
    ]);
    const history = await h.store.getHistory("r");
    const moved = history.find((e) => e.event.type === "RunMovedToVersion");
    expect(moved?.event).toEqual({ type: "RunMovedToVersion", by: "alice", from: 1, to: 2 });
    const types = await eventTypes(h, "r");
    expect(types.indexOf("RunMovedToVersion") + 1).toBe(types.indexOf("RunResumed"));

    // After a restart the run is loaded on v2 (the run row moved with the event).
    const again = h.restart();
    expect((await again.engine.getRun("r"))?.version).toBe(2);
    expect(await again.engine.verify("r")).toMatchObject({ ok: true });
  });

  it("refuses a version without a state that holds completed work, naming it, and writes nothing", async () => {
    const { h, l } = setup();
    await h.engine.start(trip("buggy"), {}, { runId: "r" });
    await h.settle("r");
    const { book: _book, ...rest } = trip("fixed").states;
    await h.store.saveDefinition(
      { ...trip("fixed"), startAt: "reserve_flight", states: rest },
      "2026-01-01T00:00:00Z",
    );
    const before = (await h.store.getHistory("r")).length;
    const refusal = h.engine.resume("r", "alice", { version: 2 });
    await expect(refusal).rejects.toBeInstanceOf(VersionMoveRefusedError);
    await expect(refusal).rejects.toThrow('"book" holds completed work and v2 has no such state');
    expect((await h.store.getHistory("r")).length).toBe(before);
    expect((await h.store.getRun("r"))?.version).toBe(1);
    expect(l.rows()).toEqual([{ step: "book", what: "do" }]);
  });

  it("refuses a version that drops the compensation of a completed step", async () => {
    const { h } = setup();
    await h.engine.start(trip("buggy"), {}, { runId: "r" });
    await h.settle("r");
    const fixed = trip("fixed");
    const { unbook: _unbook, ...states } = fixed.states;
    await h.store.saveDefinition(
      { ...fixed, states: { ...states, book: task("book", { next: "reserve_flight" }) } },
      "2026-01-01T00:00:00Z",
    );
    const report = await previewVersionMove(h.store, "r", 2);
    expect(report.compatible).toBe(false);
    expect(report.refusals).toEqual([
      '"book" completed and is undone by "unbook"; v2 gives it no compensation',
    ]);
    await expect(h.engine.resume("r", "alice", { version: 2 })).rejects.toThrow("gives it no compensation");
  });

  it("refuses a version without the state where the run goes on", async () => {
    const { h } = setup();
    await h.engine.start(trip("buggy"), {}, { runId: "r" });
    await h.settle("r");
    const fixed = trip("fixed");
    const { reserve_flight: _gone, ...states } = fixed.states;
    await h.store.saveDefinition(
      { ...fixed, states: { ...states, book: task("book", { compensateWith: "unbook", next: "ship" }) } },
      "2026-01-01T00:00:00Z",
    );
    await expect(h.engine.resume("r", "alice", { version: 2 })).rejects.toThrow(
      'the run goes on at "reserve_flight" and v2 has no such state',
    );
    expect((await h.store.getRun("r"))?.status).toBe("failed");
  });

  it("moves a compensation_failed run: the fixed (and renamed) compensation undoes the step once", async () => {
    const { h, l } = setup();
    const broken: Definition = {
      ...trip("buggy"),
      states: {
        ...trip("buggy").states,
        reserve_flight: task("reserve_flight", {
          params: { step: "reserve_flight", what: "do", fail: "down" },
          next: "ship",
        }),
        unbook: undo("unbook", { fail: "bad undo" }, { maxAttempts: 1 }),
      },
    };
    await h.engine.start(broken, {}, { runId: "r" });
    const stuck = await h.settle("r");
    expect(stuck.status).toBe("compensation_failed");
    expect(h.alerts).toHaveLength(1);

    const fixed: Definition = {
      ...broken,
      states: {
        ...broken.states,
        book: task("book", { compensateWith: "cancel_booking", next: "reserve_flight" }),
        cancel_booking: undo("book"),
      },
    };
    const { unbook: _old, ...states } = fixed.states;
    await h.store.saveDefinition({ ...fixed, states }, "2026-01-01T00:00:00Z");
    const preview = await previewVersionMove(h.store, "r", 2);
    expect(preview.compensations).toEqual([
      { taskStateId: "book", scope: "", visit: 1, before: "unbook", after: "cancel_booking" },
    ]);
    expect(preview.compatible).toBe(true);

    await h.engine.resume("r", "ops", { version: 2 });
    const done = await h.settle("r");
    expect(done.status).toBe("compensated");
    expect(done.snapshot.compensated.map((c) => [c.taskStateId, c.compensationStateId])).toEqual([
      ["book", "cancel_booking"],
    ]);
    expect(l.rows()).toEqual([
      { step: "book", what: "do" },
      { step: "book", what: "undo" },
    ]);
    const moved = (await h.store.getHistory("r")).find((e) => e.event.type === "RunMovedToVersion");
    expect(moved?.event).toMatchObject({
      from: 1,
      to: 2,
      by: "ops",
      compensations: [{ taskStateId: "book", from: "unbook", to: "cancel_booking" }],
    });
  });

  it("Compensate now undoes what an aborted run completed, once, and is recorded as the person's", async () => {
    const { h, l } = setup();
    await h.engine.start(trip("buggy"), {}, { runId: "r" });
    expect((await h.settle("r")).status).toBe("failed");
    await h.engine.compensate("r", "carol");
    const done = await h.settle("r");
    expect(done.status).toBe("compensated");
    expect(done.snapshot.error).toMatchObject({ error: "Bug", message: "typo in the URL" });
    expect(l.rows()).toEqual([
      { step: "book", what: "do" },
      { step: "unbook", what: "undo" },
    ]);
    const started = (await h.store.getHistory("r")).find((e) => e.event.type === "CompensationStarted");
    expect(started?.event).toMatchObject({ cause: "failure", by: "carol", entries: 1 });
    await expect(h.engine.compensate("r", "carol")).rejects.toThrow(
      "only a failed or canceled run can be compensated",
    );
    expect(l.rows()).toHaveLength(2);
  });

  it("resuming on the run's own version is a plain resume (no move recorded)", async () => {
    const { h } = setup();
    await h.engine.start(trip("buggy"), {}, { runId: "r" });
    await h.settle("r");
    await h.engine.resume("r", "alice", { version: 1 });
    await h.settle("r");
    expect(await eventTypes(h, "r")).not.toContain("RunMovedToVersion");
  });
});
