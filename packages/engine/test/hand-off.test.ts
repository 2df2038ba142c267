import type { Definition } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { HANDED_OFF_REASON } from "../src/runtime/hand-off";
import type { PostgresRunStore } from "../src/store/postgres/postgres-run-store";
import { type Call, createHarness, openStore } from "./helpers";

/*
 * `serve --no-drive` (EngineOptions.drive false): a run it starts is created with no lease and its first
 * attempt recorded as never begun, in one commit. A worker claims it (claimFreeRuns) and continues it: the
 * attempt runs once, even though its step is not idempotent, and counts no crash. A deadline timer does not
 * hide the run from the claim.
 */

const definition: Definition = {
  name: "handed-off",
  timeout: "1h",
  startAt: "pay",
  states: {
    pay: { type: "task", action: "echo", params: { value: "paid" }, next: "done" },
    done: { type: "succeed" },
  },
} as Definition;

describe("a run handed off by an engine that does not drive (postgres store)", () => {
  it("is created unleased, claimed by a worker, and its non-idempotent first step runs once", async () => {
    const store = openStore("postgres") as PostgresRunStore;
    const calls: Call[] = [];
    const api = createHarness(store, { calls, drive: false, owner: "api" });
    const runId = await api.engine.start(definition, {});
    await api.engine.idle();
    expect(calls).toEqual([]);
    expect(await store.leaseOf(runId)).toEqual({ owner: null, until: null });
    const created = await store.getHistory(runId);
    expect(created.map((stored) => stored.event.type)).toEqual([
      "RunStarted",
      "TimerStarted",
      "StateEntered",
      "StepAttemptStarted",
      "StepAttemptAbandoned",
    ]);
    expect(created.at(-1)?.event).toMatchObject({ reason: HANDED_OFF_REASON });

    const worker = createHarness(store, { calls, clock: api.clock, owner: "worker" });
    const now = new Date(api.clock.now()).toISOString();
    const later = new Date(api.clock.now() + 60_000).toISOString();
    expect(await store.claimFreeRuns("worker", later, now, 10)).toContain(runId);
    expect(await store.listRunsLeasedTo("worker")).toEqual([runId]);
    expect(await store.listRunsLeasedTo("api")).toEqual([]);
    // Claimed: the next claimant finds nothing until the lease runs out.
    expect(await store.claimFreeRuns("other", later, now, 10)).not.toContain(runId);
    await worker.engine.continueRun(runId);
    const run = await worker.settle(runId);
    expect(run.status).toBe("succeeded");
    expect(calls.map((call) => [call.key, call.attempt])).toEqual([[`${runId}:pay:1`, 1]]);
    expect((await store.leaseOf(runId))?.owner).toBe("worker");
    expect((await worker.engine.verify(runId)).ok).toBe(true);
    await api.engine.close();
    await worker.engine.close();
  });
});
