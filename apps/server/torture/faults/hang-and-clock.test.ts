import { rmSync } from "node:fs";
import path from "node:path";
import { defineAction, FakeClock, openSqliteStore } from "@sagaflow/engine";
import type { Definition, RunEvent } from "@sagaflow/shared";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { engineIn, JumpingClock, scratchDir, settle } from "./fault-kit";

/**
 * Faults of the world around the engine: an action that never returns and ignores its abort signal, and a
 * wall clock that jumps forward or backward while durable timers are pending (also across a restart).
 */

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

let hangingCalls = 0;
/** Never settles and never looks at its signal: the worst an action can do. */
const hangForever = defineAction({
  name: "hang.forever",
  description: "never returns",
  params: z.object({}),
  effect: "none",
  handler: () => {
    hangingCalls += 1;
    return new Promise<never>(() => {});
  },
});

function setup() {
  const dir = scratchDir();
  dirs.push(dir);
  const store = openSqliteStore(path.join(dir, "runs.db"));
  return { dir, store };
}

const hangingDefinition = (timeout: string): Definition => ({
  name: "hangs",
  startAt: "stuck",
  states: {
    stuck: { type: "task", action: "hang.forever", timeout, idempotent: true, next: "done" },
    done: { type: "succeed" },
  },
});

const eventTypes = async (store: ReturnType<typeof openSqliteStore>, runId: string) =>
  (await store.getHistory(runId)).map((stored) => (stored.event as RunEvent).type);

describe("an action that hangs forever", () => {
  it("times out: one retry with twice the time, then the run fails over", async () => {
    const { dir, store } = setup();
    const clock = new FakeClock();
    const engine = engineIn(dir, { store, clock, actions: [hangForever] });
    hangingCalls = 0;
    const runId = await engine.start(hangingDefinition("5s"), {});
    await settle(engine, clock);
    const run = await engine.getRun(runId);
    expect(run?.status).toBe("compensated");
    expect(run?.snapshot.error?.error).toBe("Timeout");
    const timeouts = (await store.getHistory(runId))
      .map((stored) => stored.event as RunEvent)
      .filter((event) => event.type === "StepTimedOut");
    expect(timeouts.map((event) => event.timeoutMs)).toEqual([5000, 10_000]);
    expect(hangingCalls).toBe(2);
    await engine.close();
    await store.close();
  });

  it("can still be canceled, and the engine still closes", async () => {
    const { dir, store } = setup();
    const clock = new FakeClock();
    const engine = engineIn(dir, { store, clock, actions: [hangForever] });
    const runId = await engine.start(hangingDefinition("1d"), {});
    await engine.idle();
    expect((await engine.getRun(runId))?.status).toBe("running");
    await engine.cancel(runId, { compensate: true });
    await settle(engine, clock);
    expect((await engine.getRun(runId))?.status).toBe("canceled");
    expect(await eventTypes(store, runId)).toContain("RunCanceled");
    await engine.close(); // resolves although the handler never will
    await store.close();
  });
});

const waitingDefinition: Definition = {
  name: "naps",
  startAt: "nap",
  states: {
    nap: { type: "wait", duration: "10m", next: "approve" },
    approve: { type: "signal", signal: "go", timeout: "1h", onTimeout: "late", next: "done" },
    late: { type: "succeed", output: "late" },
    done: { type: "succeed", output: "on time" },
  },
};

describe.each([
  ["forward by a day", 24 * 3_600_000],
  ["forward by 9 minutes", 9 * 60_000],
  ["backward by a day", -24 * 3_600_000],
  ["backward by an hour", -3_600_000],
])("the wall clock jumps %s", (_name, jumpMs) => {
  it.each([false, true])(
    "fires each durable timer exactly once (restart in between: %s)",
    async (restart) => {
      const { dir, store } = setup();
      const clock = new JumpingClock();
      let engine = engineIn(dir, { store, clock });
      const runId = await engine.start(waitingDefinition, {});
      await engine.idle();
      clock.jump(jumpMs);
      if (restart) {
        await engine.close();
        engine = engineIn(dir, { store, clock });
        await engine.recover();
      }
      await settle(engine, clock.elapsed, 10_000);
      const run = await engine.getRun(runId);
      expect(run?.status).toBe("succeeded");
      expect(run?.snapshot.output).toBe("late");
      const history = (await store.getHistory(runId)).map((stored) => stored.event as RunEvent);
      const fired = history.filter((event) => event.type === "TimerFired").map((event) => event.timerId);
      expect(fired).toHaveLength(2);
      expect(new Set(fired).size).toBe(2);
      // A timer never fires before its time on the clock the engine reads.
      for (const stored of await store.getHistory(runId)) {
        const event = stored.event as RunEvent;
        if (event.type !== "TimerFired") continue;
        const started = history.find((e) => e.type === "TimerStarted" && e.timerId === event.timerId);
        expect(started?.type === "TimerStarted" && started.fireAt <= stored.at).toBe(true);
      }
      await engine.close();
      await store.close();
    },
  );
});
