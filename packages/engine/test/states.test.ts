import type { Definition } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { createHarness, eventTypes, openStore, runToEnd, STORE_KINDS } from "./helpers";

describe.each(STORE_KINDS)("every state type (%s store)", (kind) => {
  const harness = () => createHarness(openStore(kind));

  it("task: runs actions in order with $input, $steps and $run; the output is the last state's", async () => {
    const h = harness();
    const definition: Definition = {
      name: "tasks",
      startAt: "first",
      states: {
        first: { type: "task", action: "echo", params: { value: "{% $input.n + 1 %}" }, next: "second" },
        second: {
          type: "task",
          action: "echo",
          params: { value: { doubled: "{% $steps.first * 2 %}", run: "{% $run.id %}" } },
          end: true,
        },
      },
    };
    const run = await runToEnd(h, definition, { n: 20 });
    expect(run.status).toBe("succeeded");
    expect(run.snapshot.output).toEqual({ doubled: 42, run: "run-1" });
    expect(h.calls.map((call) => call.key)).toEqual(["run-1:first:1", "run-1:second:1"]);
    expect(await h.engine.verify("run-1")).toEqual({ ok: true, lastSeq: run.lastSeq });
  });

  it("choice: the first true rule wins, otherwise the default", async () => {
    const definition: Definition = {
      name: "choice",
      startAt: "pick",
      states: {
        pick: {
          type: "choice",
          choices: [
            { when: "{% $input.size > 10 %}", next: "big" },
            { when: "{% $input.size > 5 %}", next: "medium" },
          ],
          otherwise: "small",
        },
        big: { type: "succeed", output: "big" },
        medium: { type: "succeed", output: "medium" },
        small: { type: "succeed", output: "small" },
      },
    };
    for (const [size, expected] of [
      [20, "big"],
      [7, "medium"],
      [1, "small"],
    ] as const) {
      const h = harness();
      const run = await runToEnd(h, definition, { size });
      expect(run.snapshot.output).toBe(expected);
    }
  });

  it("wait: a durable timer; the run is waiting until it fires", async () => {
    const h = harness();
    const definition: Definition = {
      name: "wait",
      startAt: "pause",
      states: {
        pause: { type: "wait", duration: "5m", next: "after" },
        after: { type: "task", action: "echo", params: { value: "done" }, end: true },
      },
    };
    const started = h.clock.now();
    await h.engine.start(definition, {}, { runId: "w" });
    await h.engine.idle();
    const waiting = await h.engine.getRun("w");
    expect(waiting?.status).toBe("waiting");
    expect(waiting?.wakeAt).toBe(new Date(started + 300_000).toISOString());
    const run = await h.settle("w");
    expect(run.status).toBe("succeeded");
    expect(h.clock.now() - started).toBe(300_000);
  });

  it("wait: until an expression's time", async () => {
    const h = harness();
    const at = new Date(h.clock.now() + 3_600_000).toISOString();
    const definition: Definition = {
      name: "wait-until",
      startAt: "pause",
      states: { pause: { type: "wait", until: "{% $input.at %}", next: "done" }, done: { type: "succeed" } },
    };
    const run = await runToEnd(h, definition, { at });
    expect(run.status).toBe("succeeded");
    expect(new Date(h.clock.now()).toISOString()).toBe(at);
  });

  it("signal: waits for a person; the payload is the output; `by` is recorded", async () => {
    const h = harness();
    const definition: Definition = {
      name: "approval",
      startAt: "approve",
      states: {
        approve: { type: "signal", signal: "approval", timeout: "1d", onTimeout: "fail", next: "apply" },
        apply: { type: "task", action: "echo", params: { value: "{% $steps.approve.ok %}" }, end: true },
      },
    };
    await h.engine.start(definition, {}, { runId: "s" });
    await h.engine.idle();
    expect((await h.engine.getRun("s"))?.status).toBe("waiting");
    await h.engine.signal("s", "approval", { ok: "yes" }, "alice");
    const run = await h.settle("s");
    expect(run.status).toBe("succeeded");
    expect(run.snapshot.output).toBe("yes");
    const received = (await h.store.getHistory("s")).find((e) => e.event.type === "SignalReceived");
    expect(received?.event).toMatchObject({ by: "alice", signal: "approval" });
  });

  it("signal: one sent before the state waits is kept and delivered when it does", async () => {
    const h = harness();
    const definition: Definition = {
      name: "early-signal",
      startAt: "pause",
      states: {
        pause: { type: "wait", duration: "1m", next: "approve" },
        approve: { type: "signal", signal: "approval", next: "done" },
        done: { type: "succeed", output: "{% $steps.approve %}" },
      },
    };
    await h.engine.start(definition, {}, { runId: "e" });
    await h.engine.idle();
    await h.engine.signal("e", "approval", "early", "ivan");
    const run = await h.settle("e");
    expect(run.status).toBe("succeeded");
    expect(run.snapshot.output).toBe("early");
    expect(run.snapshot.bufferedSignals).toEqual([]);
  });

  it("signal: times out into onTimeout, or fails the run", async () => {
    const toState: Definition = {
      name: "signal-timeout",
      startAt: "approve",
      states: {
        approve: { type: "signal", signal: "go", timeout: "1h", onTimeout: "expired", next: "ok" },
        ok: { type: "succeed", output: "approved" },
        expired: { type: "succeed", output: "expired" },
      },
    };
    expect((await runToEnd(harness(), toState)).snapshot.output).toBe("expired");
    const toFail: Definition = {
      ...toState,
      states: { ...toState.states, approve: { type: "signal", signal: "go", timeout: "1h", next: "ok" } },
    };
    const failed = await runToEnd(harness(), toFail);
    expect(failed.status).toBe("compensated");
    expect(failed.snapshot.error?.error).toBe("SignalTimeout");
  });

  it("parallel: branches run concurrently; output {branch: last output}", async () => {
    const h = harness();
    const definition: Definition = {
      name: "fanout",
      startAt: "both",
      states: {
        both: {
          type: "parallel",
          branches: {
            left: {
              startAt: "l1",
              states: {
                l1: { type: "task", action: "echo", params: { value: 1 }, next: "l2" },
                l2: { type: "task", action: "echo", params: { value: "{% $steps.l1 + 1 %}" }, end: true },
              },
            },
            right: {
              startAt: "r1",
              states: {
                r1: { type: "wait", duration: "1s", next: "r2" },
                r2: { type: "succeed", output: "right done" },
              },
            },
          },
          end: true,
        },
      },
    };
    const run = await runToEnd(h, definition);
    expect(run.status).toBe("succeeded");
    expect(run.snapshot.output).toEqual({ left: 2, right: "right done" });
    expect(h.calls.map((call) => call.key)).toEqual(["run-1:both.left/l1:1", "run-1:both.left/l2:1"]);
  });

  it("map: one iteration per item with $item/$index, output in item order, at most maxConcurrency at once", async () => {
    let running = 0;
    let peak = 0;
    const h = createHarness(openStore(kind), {
      onEvent: (stored) => {
        if (stored.event.type === "IterationStarted") running += 1;
        if (stored.event.type === "IterationCompleted") running -= 1;
        peak = Math.max(peak, running);
      },
    });
    const definition: Definition = {
      name: "map",
      startAt: "each",
      states: {
        each: {
          type: "map",
          items: "{% $input.items %}",
          maxConcurrency: 2,
          iterator: {
            startAt: "nap",
            states: {
              nap: { type: "wait", duration: "1s", next: "square" },
              square: {
                type: "task",
                action: "echo",
                params: { value: "{% $item * $item + $index / 10 %}" },
                end: true,
              },
            },
          },
          end: true,
        },
      },
    };
    const run = await runToEnd(h, definition, { items: [3, 1, 2, 5] });
    expect(run.status).toBe("succeeded");
    expect(run.snapshot.output).toEqual([9, 1.1, 4.2, 25.3]);
    expect(peak).toBe(2);
    expect(h.calls.map((call) => call.key).sort()).toEqual([
      "run-1:each[0]/square:1",
      "run-1:each[1]/square:1",
      "run-1:each[2]/square:1",
      "run-1:each[3]/square:1",
    ]);
  });

  it("map over an empty list outputs []", async () => {
    const definition: Definition = {
      name: "map-empty",
      startAt: "each",
      states: {
        each: {
          type: "map",
          items: [],
          iterator: { startAt: "x", states: { x: { type: "succeed" } } },
          end: true,
        },
      },
    };
    expect((await runToEnd(harness(), definition)).snapshot.output).toEqual([]);
  });

  it("succeed: its output expression is the run output; fail: compensates by default, or just fails", async () => {
    const h = harness();
    const ok: Definition = {
      name: "succeed",
      startAt: "done",
      states: { done: { type: "succeed", output: { total: "{% $sum($input.n) %}" } } },
    };
    expect((await runToEnd(h, ok, { n: [1, 2, 3] })).snapshot.output).toEqual({ total: 6 });

    const failing = (compensate: boolean): Definition => ({
      name: "fail",
      startAt: "book",
      states: {
        book: {
          type: "task",
          action: "echo",
          params: { value: "b" },
          compensateWith: "unbook",
          next: "stop",
        },
        stop: { type: "fail", error: "OutOfStock", message: "nothing left", compensate },
        unbook: { type: "compensation", action: "echo", params: { value: "{% 'undo ' & $steps.book %}" } },
      },
    });
    const compensated = await runToEnd(harness(), failing(true));
    expect(compensated.status).toBe("compensated");
    expect(compensated.snapshot.error).toEqual({ error: "OutOfStock", message: "nothing left" });
    expect(compensated.snapshot.steps.unbook).toBe("undo b");
    const failed = await runToEnd(harness(), failing(false));
    expect(failed.status).toBe("failed");
    expect(failed.snapshot.compensated).toEqual([]);
  });

  it("loops: a choice polling until done; maxVisits raises LoopLimitExceeded", async () => {
    const definition = (maxVisits: number): Definition => ({
      name: "poll",
      startAt: "poll",
      states: {
        poll: { type: "task", action: "visit", maxVisits, next: "done_yet" },
        done_yet: {
          type: "choice",
          choices: [{ when: "{% $steps.poll.n >= 3 %}", next: "done" }],
          otherwise: "poll",
        },
        done: { type: "succeed" },
      },
    });
    const h = harness();
    const ok = await runToEnd(h, definition(5));
    expect(ok.status).toBe("succeeded");
    expect(ok.snapshot.output).toEqual({ n: 3 });
    expect(h.calls.map((call) => call.key)).toEqual(["run-1:poll:1", "run-1:poll:2", "run-1:poll:3"]);
    const limited = await runToEnd(harness(), definition(2));
    expect(limited.status).toBe("compensated");
    expect(limited.snapshot.error?.error).toBe("LoopLimitExceeded");
  });

  it("refuses to start a definition with validation errors", async () => {
    const h = harness();
    const broken: Definition = {
      name: "broken",
      startAt: "a",
      states: { a: { type: "task", action: "no_such_action", next: "nowhere" } },
    };
    await expect(h.engine.start(broken)).rejects.toThrow(/nowhere/);
    expect((await h.store.listRuns()).runs).toEqual([]);
  });

  it("records the states entered in order", async () => {
    const h = harness();
    const definition: Definition = {
      name: "trail",
      startAt: "a",
      states: {
        a: { type: "task", action: "echo", next: "b" },
        b: { type: "choice", choices: [{ when: "{% true %}", next: "c" }], otherwise: "c" },
        c: { type: "succeed" },
      },
    };
    const run = await runToEnd(h, definition);
    expect(run.snapshot.trail).toEqual(["a", "b", "c"]);
    expect(await eventTypes(h, "run-1")).toEqual([
      "RunStarted",
      "StateEntered",
      "StepAttemptStarted",
      "StepSucceeded",
      "StateEntered",
      "ChoiceTaken",
      "StateEntered",
      "RunSucceeded",
    ]);
  });
});
