import type { Definition } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction } from "../src/actions/types";
import { FakeClock } from "../src/runtime/clock";
import { Engine } from "../src/runtime/engine";
import { MemoryRunStore } from "../src/store/memory-store";

/**
 * A poison pill: a step whose attempt kills the process every time (a memory bomb in a worker, a native
 * crash). Recovery re-runs an idempotent step after a crash, so without a limit the process would die
 * again on every restart. Here each "process" is an engine dropped without a graceful close.
 */

let started = 0;
const bomb = defineAction({
  name: "bomb",
  description: "never settles: the process dies under it",
  params: z.object({}),
  effect: "none",
  handler: () => {
    started += 1;
    return new Promise(() => {});
  },
});

const definition: Definition = {
  name: "poison",
  startAt: "explode",
  states: { explode: { type: "task", action: "bomb", idempotent: true, end: true } },
};

/** A new process on the same data: the old one died without closing. */
async function restart(store: MemoryRunStore, crashLimit?: number) {
  const engine = new Engine({
    store: store.clone(),
    actions: [bomb],
    clock: new FakeClock(),
    ...(crashLimit === undefined ? {} : { crashLimit }),
  });
  await engine.recover();
  await engine.idle();
  return engine;
}

describe("crash loops", () => {
  it("suspends the run after the third death during the same step, naming it, instead of looping", async () => {
    started = 0;
    let store = new MemoryRunStore();
    const first = new Engine({ store, actions: [bomb], clock: new FakeClock() });
    const runId = await first.start(definition);
    await first.idle();
    expect(started).toBe(1);
    // Crash 1 and 2: recovery runs the idempotent step again.
    for (const expected of [2, 3]) {
      const next = await restart(store);
      expect(started).toBe(expected);
      expect((await next.getRun(runId))?.status).toBe("running");
      store = (next as unknown as { store: MemoryRunStore }).store;
    }
    // Crash 3: not again.
    const last = await restart(store);
    expect(started).toBe(3);
    const run = await last.getRun(runId);
    expect(run?.status).toBe("suspended");
    expect(run?.snapshot.suspension).toMatchObject({
      reason: "crash_loop",
      stateId: "explode",
      message: expect.stringMatching(/^crashed the engine 3 times at explode/),
    });
  });

  it("takes its limit from the engine's options", async () => {
    started = 0;
    const store = new MemoryRunStore();
    const first = new Engine({ store, actions: [bomb], clock: new FakeClock() });
    const runId = await first.start(definition);
    await first.idle();
    const next = await restart(store, 1);
    expect((await next.getRun(runId))?.snapshot.suspension?.reason).toBe("crash_loop");
    expect(started).toBe(1);
  });
});
