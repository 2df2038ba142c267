import type { Definition } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { history, mapOverFalseTrue, saga, Writes, write } from "./cancel-race-writes";
import { type Call, createHarness, type Harness, openStore, STORE_KINDS } from "./helpers";

/*
 * Cancel without compensation while a write that is not idempotent is in flight. The engine aborts it, but
 * the `write` action (cancel-race-writes.ts) outraces the abort and lands when the test says so: the race,
 * made deterministic. The run must not be `canceled` (so nothing can redrive it) until the write settled,
 * and a redrive must never repeat a write that landed: it goes on after it, or, when a crash made its
 * outcome unknown, asks a person (SPEC §3).
 */

/** book → body (a write that is not idempotent) → done. */
const bodyWrite = saga(write("body", {}, { next: "done" }));
const BODY = "r:body:1";

describe.each(STORE_KINDS)("cancel without compensation while a write is in flight (%s store)", (kind) => {
  function harness() {
    const writes = new Writes();
    const calls: Call[] = [];
    const h = createHarness(openStore(kind), { calls, actions: writes.actions(calls) });
    return { h, writes, calls };
  }

  /** Starts the run, lets `book` finish, and cancels it without compensation while the body is in flight. */
  async function cancelMidWrite(h: Harness, writes: Writes, definition: Definition = bodyWrite) {
    writes.release("r:book:1");
    await h.engine.start(definition, {}, { runId: "r" });
    await h.engine.idle();
    await h.engine.cancel("r", { compensate: false, by: "carol" });
    await h.engine.idle();
  }

  const attemptsOf = (calls: Call[], key: string) => calls.filter((c) => c.key === key).map((c) => c.attempt);

  it("stays running until the aborted write settles; its late success is kept, and a redrive goes on after it", async () => {
    const { h, writes, calls } = harness();
    await cancelMidWrite(h, writes);

    const draining = await h.engine.getRun("r");
    expect(draining?.status).toBe("running");
    expect(draining?.snapshot.scopes[""]?.status).toBe("canceled");
    expect(draining?.snapshot.inFlight[`${BODY}#1`]).toMatchObject({ canceling: true });
    expect(await history(h, "r")).toContainEqual(
      expect.objectContaining({ type: "RunCanceled", compensate: false, awaitedAttempts: [`${BODY}#1`] }),
    );
    // Nothing can redrive it, signal it or cancel it twice while the write may still land.
    await expect(h.engine.resume("r", "dave")).rejects.toThrow(/is running/);
    await expect(h.engine.signal("r", "go")).rejects.toThrow(/being canceled/);
    await expect(h.engine.cancel("r", { compensate: false })).rejects.toThrow(/already being canceled/);

    writes.release(BODY);
    const canceled = await h.settle("r");
    expect(writes.abortedWhenDone.get(BODY)).toBe(true);
    expect(canceled.status).toBe("canceled");
    expect(canceled.snapshot.endedAt).not.toBeNull();
    expect(canceled.snapshot.inFlight).toEqual({});
    expect(canceled.snapshot.steps.body).toEqual({ key: BODY });
    expect(canceled.snapshot.error).toMatchObject({ error: "Canceled", message: "canceled by carol" });
    expect((await history(h, "r")).at(-1)).toMatchObject({ type: "StepSucceeded", stateId: "body" });

    await h.engine.resume("r", "dave");
    const redriven = await h.settle("r");
    expect(redriven.status).toBe("succeeded");
    expect(attemptsOf(calls, BODY)).toEqual([1]);
    expect(writes.landed).toEqual(["r:book:1", BODY]);
    expect(await h.engine.verify("r")).toMatchObject({ ok: true });
  });

  it("a write that fails after the abort: canceled, and a redrive runs the step again", async () => {
    const { h, writes, calls } = harness();
    await cancelMidWrite(h, writes);
    writes.release(BODY, "fail");
    const canceled = await h.settle("r");
    expect(canceled.status).toBe("canceled");
    expect(await history(h, "r")).toContainEqual(
      expect.objectContaining({
        type: "StepAttemptFailed",
        stateId: "body",
        willRetry: false,
        error: expect.objectContaining({ error: "AbortError" }),
      }),
    );
    expect(canceled.snapshot.stateRuns.body?.status).toBe("canceled");

    await h.engine.resume("r", "dave");
    await h.engine.idle();
    writes.release(BODY);
    const redriven = await h.settle("r");
    expect(redriven.status).toBe("succeeded");
    expect(attemptsOf(calls, BODY)).toEqual([1, 2]);
    expect(writes.landed).toEqual(["r:book:1", BODY]);
    expect(await h.engine.verify("r")).toMatchObject({ ok: true });
  });

  it("an aborted write that never settles is awaited only until its timeout", async () => {
    const { h, writes } = harness();
    await cancelMidWrite(h, writes);
    const run = await h.settle("r"); // the fake clock reaches the write's 5m timeout
    expect(run.status).toBe("canceled");
    expect(await history(h, "r")).toContainEqual(
      expect.objectContaining({ type: "StepTimedOut", stateId: "body", willRetry: false }),
    );
    expect(await h.engine.verify("r")).toMatchObject({ ok: true });
  });

  it("while a map awaits an aborted sibling: the cancel awaits it too and keeps its late write", async () => {
    const { h, writes } = harness();
    await cancelMidWrite(h, writes, mapOverFalseTrue);
    const sibling = "r:body[1]/item:1";
    const draining = await h.engine.getRun("r");
    expect(draining?.status).toBe("running");
    expect(await history(h, "r")).toContainEqual(
      expect.objectContaining({ type: "RunCanceled", compensate: false, awaitedAttempts: [`${sibling}#1`] }),
    );

    writes.release(sibling);
    const run = await h.settle("r");
    expect(run.status).toBe("canceled");
    expect(run.snapshot.inFlight).toEqual({});
    expect(await history(h, "r")).toContainEqual(
      expect.objectContaining({ type: "StepSucceeded", scope: "body[1]", stateId: "item" }),
    );
    expect(await h.engine.verify("r")).toMatchObject({ ok: true });
  });

  it("canceled again with compensation while it drains: the late write is undone first", async () => {
    const { h, writes } = harness();
    await cancelMidWrite(h, writes);
    await h.engine.cancel("r", { compensate: true, by: "erin" });
    await h.engine.idle();
    expect((await h.engine.getRun("r"))?.status).toBe("compensating");

    writes.release(BODY);
    const run = await h.settle("r");
    expect(run.status).toBe("canceled");
    expect(run.snapshot.compensated.map((c) => c.taskStateId)).toEqual(["body", "book"]);
    expect(writes.effects.size).toBe(0);
    expect(await h.engine.verify("r")).toMatchObject({ ok: true });
  });
});

describe.each(STORE_KINDS)(
  "a crash while a cancel without compensation awaits a write (%s store)",
  (kind) => {
    async function crashWhileCanceling(idempotent: boolean) {
      const writes = new Writes();
      const calls: Call[] = [];
      const first = createHarness(openStore(kind), { calls, actions: writes.actions(calls) });
      writes.release("r:book:1");
      await first.engine.start(saga(write("body", {}, { next: "done", idempotent })), {}, { runId: "r" });
      await first.engine.idle();
      await first.engine.cancel("r", { compensate: false, by: "carol" });
      await first.engine.idle();
      await first.engine.close(); // the process dies while the cancel awaits `body`
      const second = first.restart();
      return { second, writes, calls, report: await second.engine.recover() };
    }

    it("not idempotent: suspends, outcome unknown; resolved by hand, it ends canceled and a redrive goes on after it", async () => {
      const { second: h, writes, calls, report } = await crashWhileCanceling(false);
      expect(report).toEqual({ continued: [], suspended: ["r"] });
      const suspended = await h.engine.getRun("r");
      expect(suspended?.snapshot.suspension).toMatchObject({ reason: "outcome_unknown", stateId: "body" });
      expect(suspended?.snapshot.suspension?.message).toMatch(/the run was being canceled/);

      // A person checked: the write happened.
      await h.engine.resolveStep("r", { output: { key: "by hand" }, by: "frank" });
      const canceled = await h.settle("r");
      expect(canceled.status).toBe("canceled");
      expect(canceled.snapshot.steps.body).toEqual({ key: "by hand" });
      expect((await history(h, "r")).slice(-3).map((e) => e.type)).toEqual([
        "RunResumed",
        "StepResolved",
        "RunCanceled",
      ]);
      expect((await history(h, "r")).at(-1)).toMatchObject({ by: "frank", compensate: false });

      await h.engine.resume("r", "frank");
      const redriven = await h.settle("r");
      expect(redriven.status).toBe("succeeded");
      expect(calls.filter((c) => c.key === BODY).map((c) => c.attempt)).toEqual([1]);
      expect(writes.landed).toEqual(["r:book:1"]);
      expect(await h.engine.verify("r")).toMatchObject({ ok: true });
    });

    it("not idempotent, resumed (it did not happen): it ends canceled and a redrive runs the step again", async () => {
      const { second: h, writes, calls } = await crashWhileCanceling(false);
      await h.engine.resume("r", "frank");
      const canceled = await h.settle("r");
      expect(canceled.status).toBe("canceled");
      expect(canceled.snapshot.inFlight).toEqual({});

      await h.engine.resume("r", "frank");
      await h.engine.idle();
      writes.release(BODY);
      const redriven = await h.settle("r");
      expect(redriven.status).toBe("succeeded");
      expect(calls.filter((c) => c.key === BODY).map((c) => c.attempt)).toEqual([1, 2]);
      expect(await h.engine.verify("r")).toMatchObject({ ok: true });
    });

    it("idempotent: re-runs the awaited write with the same key, then ends canceled with it done", async () => {
      const { second: h, writes, calls, report } = await crashWhileCanceling(true);
      expect(report).toEqual({ continued: ["r"], suspended: [] });
      await h.engine.idle();
      expect((await h.engine.getRun("r"))?.status).toBe("running");
      writes.release(BODY);
      const canceled = await h.settle("r");
      expect(canceled.status).toBe("canceled");
      expect(canceled.snapshot.steps.body).toEqual({ key: BODY });
      expect(calls.filter((c) => c.key === BODY).map((c) => c.attempt)).toEqual([1, 1]);
      expect(await h.engine.verify("r")).toMatchObject({ ok: true });
    });
  },
);
