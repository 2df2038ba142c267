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
async function restart(store: MemoryRunStore, crashLimit?: number, clock = new FakeClock()) {
  const engine = new Engine({
    store: store.clone(),
    actions: [bomb],
    clock,
    ...(crashLimit === undefined ? {} : { crashLimit }),
  });
  await engine.recover();
  await engine.idle();
  return engine;
}

const storeOf = (engine: Engine) => (engine as unknown as { store: MemoryRunStore }).store;

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
      store = storeOf(next);
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

  it("counts the deaths of the step, not of one attempt: a death during the next attempt still counts", async () => {
    // The poison pill with a short timeout: attempt 1 times out, but its thread (inside one huge
    // allocation, which no terminate stops) kills the process while attempt 2 runs. Counted per attempt,
    // attempt 2 started again from 0 and the process died a 4th time (issue 12).
    started = 0;
    const timed: Definition = {
      name: "poison-timed",
      startAt: "explode",
      states: {
        explode: {
          type: "task",
          action: "bomb",
          idempotent: true,
          timeout: "1s",
          retry: { maxAttempts: 10, backoff: "fixed", initialDelay: "1s" },
          end: true,
        },
      },
    };
    const first = new Engine({ store: new MemoryRunStore(), actions: [bomb], clock: new FakeClock() });
    const runId = await first.start(timed);
    await first.idle();
    // Death 1 during attempt 1; the next process re-runs it, and it times out there.
    const clock = new FakeClock();
    const second = await restart(storeOf(first), undefined, clock);
    clock.advance(1000);
    await second.idle();
    const afterTimeout = await second.getRun(runId);
    expect(Object.values(afterTimeout?.snapshot.inFlight ?? {})).toEqual([
      expect.objectContaining({ attempt: 2, crashes: 1 }),
    ]);
    // Death 2 during attempt 2, then death 3: not again.
    const third = await restart(storeOf(second));
    expect((await third.getRun(runId))?.status).toBe("running");
    const last = await restart(storeOf(third));
    expect(started).toBe(4);
    const run = await last.getRun(runId);
    expect(run?.status).toBe("suspended");
    expect(run?.snapshot.suspension?.message).toMatch(/^crashed the engine 3 times at explode \(attempt 2/);
    // A person resumes after a fix: the step gets the whole limit again.
    await last.resume(runId);
    await last.idle();
    const resumed = await last.getRun(runId);
    expect(resumed?.status).toBe("running");
    expect(Object.values(resumed?.snapshot.inFlight ?? {})).toEqual([
      expect.not.objectContaining({ crashes: expect.anything() }),
    ]);
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
