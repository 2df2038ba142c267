import type { Definition } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { formatWorkflowState } from "../src/format/workflow-state";
import {
  history,
  mapOverFalseTrue,
  parallelWithFailingBranch,
  saga,
  Writes,
  write,
} from "./cancel-race-writes";
import { type Call, createHarness, type Harness, openStore, STORE_KINDS } from "./helpers";

/*
 * A write that lands while its scope is being canceled (a sibling failed, an operator cancel, the run
 * deadline) must be compensated. The `write` action (cancel-race-writes.ts) finishes only when the test
 * says so, after the engine has aborted it, and applies its effect anyway: the race, made deterministic.
 * Cancel without compensation: cancel-race-no-compensation.test.ts.
 */

describe.each(STORE_KINDS)("a write landing while its scope is canceled (%s store)", (kind) => {
  function harness() {
    const writes = new Writes();
    const calls: Call[] = [];
    const h = createHarness(openStore(kind), { calls, actions: writes.actions(calls) });
    return { h, writes, calls };
  }

  /** Starts the run and lets `book` finish, so the body's attempts are in flight. */
  async function startPastBook(h: Harness, writes: Writes, definition: Definition): Promise<void> {
    writes.release("r:book:1");
    await h.engine.start(definition, {}, { runId: "r" });
    await h.engine.idle();
  }

  it("map: the failing iteration's state waits for its aborted sibling; the sibling's late write is compensated first", async () => {
    const { h, writes, calls } = harness();
    await startPastBook(h, writes, mapOverFalseTrue);
    const sibling = "r:body[1]/item:1";

    const waiting = await h.engine.getRun("r");
    expect(waiting?.status).toBe("running");
    expect(waiting?.snapshot.inFlight[`${sibling}#1`]).toMatchObject({ canceling: true });
    expect(waiting?.snapshot.scopes["body[1]"]?.status).toBe("canceled");
    expect(await history(h, "r")).toContainEqual(
      expect.objectContaining({ type: "ScopeCanceled", scope: "body[1]", awaitedAttempts: [`${sibling}#1`] }),
    );
    expect((await history(h, "r")).map((e) => e.type)).not.toContain("CompensationStarted");

    writes.release(sibling);
    const run = await h.settle("r");
    expect(writes.abortedWhenDone.get(sibling)).toBe(true);
    expect(run.status).toBe("compensated");
    expect(run.snapshot.error?.error).toBe("Boom");
    expect(run.snapshot.compensated.map((c) => `${c.scope}/${c.taskStateId}`)).toEqual([
      "body[1]/item",
      "/book",
    ]);
    expect(run.snapshot.compensated[0]).toMatchObject({ scope: "body[1]", visit: 1 });
    expect(writes.effects.size).toBe(0);
    expect(run.snapshot.inFlight).toEqual({});
    const types = (await history(h, "r")).map((e) => e.type);
    expect(types.indexOf("StepSucceeded", types.indexOf("ScopeCanceled"))).toBeLessThan(
      types.indexOf("StepFailed", types.indexOf("ScopeCanceled")),
    );
    expect(calls.filter((c) => c.action === "undo").map((c) => c.key)).toEqual([
      `${sibling}:undo_item`,
      "r:book:1:undo_book",
    ]);
    expect(await h.engine.verify("r")).toMatchObject({ ok: true });
  });

  it("map: a sibling that fails after the abort is recorded and needs no undo", async () => {
    const { h, writes } = harness();
    await startPastBook(h, writes, mapOverFalseTrue);
    writes.release("r:body[1]/item:1", "fail");
    const run = await h.settle("r");
    expect(run.status).toBe("compensated");
    expect(run.snapshot.compensated.map((c) => c.taskStateId)).toEqual(["book"]);
    expect(await history(h, "r")).toContainEqual(
      expect.objectContaining({
        type: "StepAttemptFailed",
        scope: "body[1]",
        willRetry: false,
        error: expect.objectContaining({ error: "AbortError" }),
      }),
    );
    expect(writes.effects.size).toBe(0);
    expect(run.snapshot.stateRuns.item?.status).toBe("canceled");
    expect(await h.engine.verify("r")).toMatchObject({ ok: true });
  });

  it("map: an aborted attempt that never settles is awaited only until its timeout", async () => {
    const { h, writes } = harness();
    await startPastBook(h, writes, mapOverFalseTrue);
    const run = await h.settle("r"); // the fake clock reaches the sibling's 5m timeout
    expect(run.status).toBe("compensated");
    expect(await history(h, "r")).toContainEqual(
      expect.objectContaining({ type: "StepTimedOut", scope: "body[1]", willRetry: false }),
    );
    expect(run.snapshot.compensated.map((c) => c.taskStateId)).toEqual(["book"]);
  });

  it("parallel: the failing branch's state waits for its aborted sibling; the sibling's late write is compensated first", async () => {
    const { h, writes } = harness();
    await startPastBook(h, writes, parallelWithFailingBranch);
    const waiting = await h.engine.getRun("r");
    expect(waiting?.status).toBe("running");
    expect(Object.values(waiting?.snapshot.inFlight ?? {})).toEqual([
      expect.objectContaining({ stateId: "slow", canceling: true }),
    ]);

    writes.release("r:body.slow/slow:1");
    const run = await h.settle("r");
    expect(run.status).toBe("compensated");
    expect(run.snapshot.compensated.map((c) => c.taskStateId)).toEqual(["slow", "book"]);
    expect(writes.effects.size).toBe(0);
    expect(await h.engine.verify("r")).toMatchObject({ ok: true });
  });

  it("cancel with compensation: compensation waits for the aborted write, then undoes it first", async () => {
    const { h, writes } = harness();
    const definition = saga(write("body", {}, { next: "done" }));
    await startPastBook(h, writes, definition);
    await h.engine.cancel("r", { compensate: true, by: "carol" });
    await h.engine.idle();
    const waiting = await h.engine.getRun("r");
    expect(waiting?.status).toBe("compensating");
    expect(waiting?.snapshot.inFlight["r:body:1#1"]).toMatchObject({ canceling: true });
    expect(await history(h, "r")).toContainEqual(
      expect.objectContaining({ type: "RunCanceled", compensate: true, awaitedAttempts: ["r:body:1#1"] }),
    );
    if (!waiting) throw new Error("no run");
    expect(formatWorkflowState(definition, waiting).split("\n")).toContain(
      "Awaiting aborted: body (attempt 1)",
    );
    expect((await history(h, "r")).map((e) => e.type)).not.toContain("CompensationStepStarted");

    writes.release("r:body:1");
    const run = await h.settle("r");
    expect(writes.abortedWhenDone.get("r:body:1")).toBe(true);
    expect(run.status).toBe("canceled");
    expect(run.snapshot.compensated.map((c) => c.taskStateId)).toEqual(["body", "book"]);
    expect(writes.effects.size).toBe(0);
    expect(await h.engine.verify("r")).toMatchObject({ ok: true });
  });

  it("the run deadline: compensation waits for the aborted write, then undoes it first", async () => {
    const { h, writes } = harness();
    await startPastBook(h, writes, saga(write("body", {}, { next: "done" }), { timeout: "1m" }));
    expect(h.clock.fireNext()).toBe(true); // the deadline, before the write's 5m timeout
    await h.engine.idle();
    const waiting = await h.engine.getRun("r");
    expect(waiting?.status).toBe("compensating");
    expect(waiting?.snapshot.compensation?.cause).toBe("deadline");
    expect(await history(h, "r")).toContainEqual(
      expect.objectContaining({ type: "CompensationStarted", awaitedAttempts: ["r:body:1#1"] }),
    );

    writes.release("r:body:1");
    const run = await h.settle("r");
    expect(run.status).toBe("compensated");
    expect(run.snapshot.error?.error).toBe("RunTimedOut");
    expect(run.snapshot.compensated.map((c) => c.taskStateId)).toEqual(["body", "book"]);
    expect(writes.effects.size).toBe(0);
    expect(await h.engine.verify("r")).toMatchObject({ ok: true });
  });
});

describe.each(STORE_KINDS)("a crash while an aborted attempt is awaited (%s store)", (kind) => {
  async function crashWhileAwaiting(idempotent: boolean) {
    const store = openStore(kind);
    const writes = new Writes();
    const calls: Call[] = [];
    const first = createHarness(store, { calls, actions: writes.actions(calls) });
    const definition = saga({
      body: {
        type: "map",
        items: [false, true],
        maxConcurrency: 2,
        iterator: {
          startAt: "item",
          states: write("item", { ok: "{% $item %}" }, { end: true, idempotent }),
        },
        next: "done",
      },
    });
    writes.release("r:book:1");
    await first.engine.start(definition, {}, { runId: "r" });
    await first.engine.idle();
    await first.engine.close(); // the process dies while `body[1]` is awaited
    const second = first.restart();
    return { second, writes, calls, report: await second.engine.recover() };
  }

  it("idempotent: re-runs the awaited attempt with the same key (not aborted), then compensates its write", async () => {
    const { second, writes, calls, report } = await crashWhileAwaiting(true);
    expect(report).toEqual({ continued: ["r"], suspended: [] });
    await second.engine.idle();
    const waiting = await second.engine.getRun("r");
    expect(waiting?.snapshot.inFlight["r:body[1]/item:1#1"]).toMatchObject({ canceling: true });
    writes.release("r:body[1]/item:1");
    const run = await second.settle("r");
    expect(writes.abortedWhenDone.get("r:body[1]/item:1")).toBe(false);
    expect(run.status).toBe("compensated");
    expect(run.snapshot.compensated.map((c) => c.taskStateId)).toEqual(["item", "book"]);
    expect(calls.filter((c) => c.key === "r:body[1]/item:1").map((c) => c.attempt)).toEqual([1, 1]);
    expect(writes.effects.size).toBe(0);
    expect(await second.engine.verify("r")).toMatchObject({ ok: true });
  });

  it("not idempotent: suspends the run, outcome unknown; resolving it by hand compensates it", async () => {
    const { second, writes, report } = await crashWhileAwaiting(false);
    expect(report).toEqual({ continued: [], suspended: ["r"] });
    const suspended = await second.engine.getRun("r");
    expect(suspended?.snapshot.suspension).toMatchObject({ reason: "outcome_unknown", stateId: "item" });
    expect(writes.effects.size).toBe(1); // book's write: the outcome of item's is unknown to the engine
    expect(await second.engine.verify("r")).toMatchObject({ ok: true });

    // A person checked: the write happened. Marked done, it is compensated with the rest.
    await second.engine.resolveStep("r", { output: { key: "by hand" }, by: "frank", stateId: "item" });
    const run = await second.settle("r");
    expect(run.status).toBe("compensated");
    expect(run.snapshot.compensated.map((c) => `${c.scope}/${c.taskStateId}`)).toEqual([
      "body[1]/item",
      "/book",
    ]);
    expect(await second.engine.verify("r")).toMatchObject({ ok: true });
  });
});

describe.each(STORE_KINDS)(
  "a crash while a cancel awaits a write that is not idempotent (%s store)",
  (kind) => {
    async function crashWhileCanceling() {
      const store = openStore(kind);
      const writes = new Writes();
      const calls: Call[] = [];
      const first = createHarness(store, { calls, actions: writes.actions(calls) });
      writes.release("r:book:1");
      await first.engine.start(saga(write("body", {}, { next: "done" })), {}, { runId: "r" });
      await first.engine.idle();
      await first.engine.cancel("r", { compensate: true, by: "carol" });
      await first.engine.idle();
      await first.engine.close(); // the process dies while the cancel awaits `body`
      const second = first.restart();
      expect(await second.engine.recover()).toEqual({ continued: [], suspended: ["r"] });
      const suspended = await second.engine.getRun("r");
      expect(suspended?.snapshot.suspension).toMatchObject({ reason: "outcome_unknown", stateId: "body" });
      return second;
    }

    it("resolved by hand (it happened): the compensation goes on and undoes it first", async () => {
      const h = await crashWhileCanceling();
      await h.engine.resolveStep("r", { output: { key: "by hand" }, by: "frank" });
      const run = await h.settle("r");
      expect(run.status).toBe("canceled");
      expect(run.snapshot.compensated.map((c) => c.taskStateId)).toEqual(["body", "book"]);
      expect(await history(h, "r")).toContainEqual(
        expect.objectContaining({ type: "RunResumed", from: "suspended", compensating: true }),
      );
      expect(await h.engine.verify("r")).toMatchObject({ ok: true });
    });

    it("resumed (it did not happen): the compensation goes on without it", async () => {
      const h = await crashWhileCanceling();
      await h.engine.resume("r", "frank");
      const run = await h.settle("r");
      expect(run.status).toBe("canceled");
      expect(run.snapshot.compensated.map((c) => c.taskStateId)).toEqual(["book"]);
      expect(await h.engine.verify("r")).toMatchObject({ ok: true });
    });
  },
);
