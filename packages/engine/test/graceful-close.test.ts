import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Definition } from "@sagaflow/shared";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction } from "../src/actions/types";
import type { ActionSlots } from "../src/runtime/attempts/attempt-runner";
import { openSqliteStore } from "../src/store/sqlite";
import { type Call, createHarness } from "./helpers";

const scratch = mkdtempSync(path.join(tmpdir(), "sagaflow-graceful-close-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A one-slot limit the test can stop, as the server's worker stops taking work on shutdown. */
class OneSlot implements ActionSlots {
  #busy = false;
  #stopped = false;
  readonly #queue: (() => void)[] = [];

  acquire(signal: AbortSignal): Promise<void> {
    if (!this.#busy && !this.#stopped) {
      this.#busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => resolve();
      this.#queue.push(grant);
      signal.addEventListener("abort", () => {
        this.#queue.splice(this.#queue.indexOf(grant), 1);
        reject(signal.reason);
      });
    });
  }

  release(): void {
    const next = this.#stopped ? undefined : this.#queue.shift();
    if (next) next();
    else this.#busy = false;
  }

  stop(): void {
    this.#stopped = true;
  }
}

/** `charge` is not idempotent; in the first process it waits for `open` before answering. */
function chargeAction(calls: Call[], gate: Promise<void>) {
  return defineAction({
    name: "charge",
    description: "records the call, then answers once the gate opens",
    params: z.record(z.string(), z.unknown()),
    effect: "write",
    handler: async (params, ctx) => {
      calls.push({ action: "charge", key: ctx.idempotencyKey, attempt: ctx.attempt, params });
      await gate;
      return { charged: ctx.idempotencyKey };
    },
  });
}

const payment: Definition = {
  name: "payment",
  startAt: "charge",
  states: {
    charge: { type: "task", action: "charge", next: "done" },
    done: { type: "succeed", output: "{% $steps.charge %}" },
  },
};

describe("graceful close with attempts queued for a slot", () => {
  async function firstProcess(file: string) {
    const calls: Call[] = [];
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const slots = new OneSlot();
    const store = openSqliteStore(file);
    const first = createHarness(store, { calls, actions: [chargeAction(calls, gate)], slots });
    for (const runId of ["a", "b", "c"]) await first.engine.start(payment, {}, { runId });
    await first.engine.idle();
    // Only `a` holds the slot; `b` and `c` committed StepAttemptStarted and wait.
    expect(calls.map((call) => call.key)).toEqual(["a:charge:1"]);
    return { first, calls, store, slots, open };
  }

  it("records the queued attempts as abandoned, and recovery runs each exactly once with the same key", async () => {
    const file = path.join(scratch, "graceful.db");
    const { first, calls, store, slots, open } = await firstProcess(file);
    slots.stop(); // shutdown: nothing new starts, the running handler finishes
    open();
    expect((await first.engine.waitFor("a")).status).toBe("succeeded");
    await first.engine.close();
    const abandoned = (await store.getHistory("b")).map((stored) => stored.event.type);
    expect(abandoned).toContain("StepAttemptAbandoned");
    await store.close();

    const reopened = openSqliteStore(file);
    const second = createHarness(reopened, {
      calls,
      clock: first.clock,
      actions: [chargeAction(calls, Promise.resolve())],
    });
    expect(await second.engine.recover()).toEqual({ continued: ["b", "c"], suspended: [] });
    for (const runId of ["b", "c"]) {
      const run = await second.settle(runId);
      expect(run.status).toBe("succeeded");
      expect(run.snapshot.output).toEqual({ charged: `${runId}:charge:1` });
      expect(run.snapshot.stateRuns.charge?.attempts).toBe(1);
      expect(await second.engine.verify(runId)).toMatchObject({ ok: true });
    }
    expect(calls.map((call) => `${call.key}#${call.attempt}`)).toEqual([
      "a:charge:1#1",
      "b:charge:1#1",
      "c:charge:1#1",
    ]);
    await second.engine.close();
    await reopened.close();
  });

  it("after a crash (no close) the same queued attempts stay outcome unknown, as the SPEC says", async () => {
    const file = path.join(scratch, "crash.db");
    const { first, calls } = await firstProcess(file);
    // The process dies: nothing is recorded; a new process opens the same file.
    const reopened = openSqliteStore(file);
    const second = createHarness(reopened, {
      calls,
      clock: first.clock,
      actions: [chargeAction(calls, Promise.resolve())],
    });
    const report = await second.engine.recover();
    expect(report.suspended.sort()).toEqual(["a", "b", "c"]);
    const b = await second.engine.getRun("b");
    expect(b?.snapshot.suspension).toMatchObject({ reason: "outcome_unknown", stateId: "charge" });
    expect(calls).toHaveLength(1);
    await second.engine.close();
    await reopened.close();
  });
});
