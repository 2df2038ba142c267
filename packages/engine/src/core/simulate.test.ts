import type { Definition } from "@sagaflow/shared";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createJsonataEvaluator } from "../runtime/jsonata-evaluator";
import { foldHistory } from "./fold";
import {
  checkOutcomes,
  type SimulatedOutcome,
  type SimulatedOutcomes,
  type SimulateOptions,
  simulate,
} from "./simulate";

const evaluate = createJsonataEvaluator();
const sim = (definition: Definition, rest: Partial<SimulateOptions> = {}) =>
  simulate({ definition, evaluate, ...rest });

/** reserve → charge → ship, each undone by its own compensation. */
const saga: Definition = {
  name: "saga",
  startAt: "reserve",
  states: {
    reserve: { type: "task", action: "inventory", compensateWith: "release", next: "charge" },
    charge: {
      type: "task",
      action: "payments",
      compensateWith: "refund",
      retry: { maxAttempts: 3, backoff: "exponential", initialDelay: "1s" },
      next: "ship",
    },
    ship: { type: "task", action: "carrier", timeout: "10s", compensateWith: "unship", next: "done" },
    done: { type: "succeed", output: "{% {'charged': $steps.charge, 'shipped': $steps.ship} %}" },
    release: { type: "compensation", action: "inventory" },
    refund: { type: "compensation", action: "payments" },
    unship: { type: "compensation", action: "carrier" },
  },
};

const startedAt = (result: Awaited<ReturnType<typeof sim>>, stateId: string) =>
  result.history
    .filter((h) => h.event.type === "StepAttemptStarted" && h.event.stateId === stateId)
    .map((h) => Date.parse(h.at) - Date.parse(result.snapshot.startedAt));

describe("simulate", () => {
  it("stubs every action with null when no outcome is given, and its history folds to its snapshot", async () => {
    const result = await sim(saga);
    expect(result.snapshot.status).toBe("succeeded");
    expect(result.snapshot.output).toEqual({ charged: null, shipped: null });
    expect(result.path).toEqual(["reserve", "charge", "ship", "done"]);
    expect(result.calls.map((call) => call.ran)).toEqual(["stub", "stub", "stub"]);
    expect(JSON.stringify(foldHistory(result.history))).toBe(JSON.stringify(result.snapshot));
  });

  it("output: the state succeeds with the scripted output", async () => {
    const result = await sim(saga, { outcomes: { ship: { output: { tracking: "T-1" } } } });
    expect(result.snapshot.output).toEqual({ charged: null, shipped: { tracking: "T-1" } });
  });

  it("fail: after its retries, compensations run in reverse order", async () => {
    const result = await sim(saga, { outcomes: { charge: { fail: "Declined", message: "no funds" } } });
    expect(result.snapshot.status).toBe("compensated");
    expect(result.snapshot.error).toEqual({ error: "Declined", message: "no funds" });
    expect(startedAt(result, "charge")).toEqual([0, 1000, 3000]);
    expect(result.compensated).toEqual(["reserve"]);
    expect(result.elapsedMs).toBe(3000);
  });

  it("timeout: the attempt times out, gets one longer try, then the run compensates", async () => {
    const result = await sim(saga, { outcomes: { ship: { timeout: true } } });
    const timeouts = result.events.flatMap((e) => (e.type === "StepTimedOut" ? [e.timeoutMs] : []));
    expect(timeouts).toEqual([10_000, 20_000]);
    expect(result.compensated).toEqual(["charge", "reserve"]);
    expect(result.elapsedMs).toBe(30_000);
  });

  it("failTimes: fails that many attempts, then succeeds", async () => {
    const result = await sim(saga, { outcomes: { charge: { failTimes: 2, fail: "Busy", output: "P-1" } } });
    expect(result.snapshot.status).toBe("succeeded");
    expect(result.snapshot.stateRuns.charge?.attempts).toBe(3);
    expect(result.snapshot.output).toEqual({ charged: "P-1", shipped: null });
  });

  it("delay: an attempt takes simulated time, and one longer than its timeout times out", async () => {
    const slow = await sim(saga, { outcomes: { reserve: { delay: "2s" } } });
    expect(startedAt(slow, "charge")).toEqual([2000]);
    const tooSlow = await sim(saga, { outcomes: { ship: { delay: "1m" } } });
    expect(tooSlow.events.filter((e) => e.type === "StepTimedOut")).toHaveLength(2);
    expect(tooSlow.snapshot.status).toBe("compensated");
  });

  it("state[n] scripts one visit of a loop", async () => {
    const loop: Definition = {
      name: "loop",
      startAt: "poll",
      states: {
        poll: { type: "task", action: "probe", compensateWith: "undo", next: "check" },
        check: {
          type: "choice",
          choices: [{ when: "{% $steps.poll = 'done' %}", next: "ok" }],
          otherwise: "poll",
        },
        ok: { type: "succeed" },
        undo: { type: "compensation", action: "probe" },
      },
    };
    const done = await sim(loop, { outcomes: { poll: { output: "again" }, "poll[3]": { output: "done" } } });
    expect(done.path).toEqual(["poll", "check", "poll", "check", "poll", "check", "ok"]);
    expect(done.snapshot.stateRuns.poll?.visits).toBe(3);
    const failed = await sim(loop, { outcomes: { poll: { output: "again" }, "poll[2]": { fail: "Down" } } });
    expect(failed.compensated).toEqual(["poll"]);
  });

  it("state[n] inside a map scripts the iteration of item n; compensations carry scoped names", async () => {
    const map: Definition = {
      name: "map",
      startAt: "each",
      states: {
        each: {
          type: "map",
          items: "{% $input.items %}",
          iterator: {
            startAt: "book",
            states: { book: { type: "task", action: "booking", compensateWith: "unbook", end: true } },
          },
          end: true,
        },
        unbook: { type: "compensation", action: "booking" },
      },
    };
    const result = await sim(map, {
      input: { items: ["a", "b", "c"] },
      outcomes: { "book[2]": { fail: "Full" } },
    });
    expect(result.snapshot.status).toBe("compensated");
    expect(result.compensated).toEqual(["each[1]/book", "each[0]/book"]);
  });

  it("signal: delivered while the state waits (after its delay); without one the state times out", async () => {
    const approval: Definition = {
      name: "approval",
      startAt: "ask",
      states: {
        ask: { type: "signal", signal: "approval", timeout: "1h", onTimeout: "expired", next: "approved" },
        approved: { type: "succeed", output: "{% $steps.ask %}" },
        expired: { type: "fail", error: "Expired" },
      },
    };
    const yes = await sim(approval, {
      outcomes: { ask: { signal: { name: "approval", payload: { by: "ana" } }, delay: "5m" } },
    });
    expect(yes.snapshot.status).toBe("succeeded");
    expect(yes.snapshot.output).toEqual({ by: "ana" });
    expect(yes.elapsedMs).toBe(300_000);
    const late = await sim(approval, { outcomes: { ask: { signal: { name: "approval" }, delay: "2h" } } });
    expect(late.path).toEqual(["ask", "expired"]);
    expect(late.elapsedMs).toBe(3_600_000);
    const none = await sim({
      ...approval,
      states: { ...approval.states, ask: { type: "signal", signal: "approval", next: "approved" } },
    });
    expect(none.snapshot.status).toBe("waiting");
  });

  it("a failing compensation ends compensation_failed after its own retries", async () => {
    const result = await sim(saga, {
      outcomes: { ship: { fail: "NoCarrier" }, refund: { fail: "BankDown" } },
    });
    expect(result.snapshot.status).toBe("compensation_failed");
    expect(result.compensated).toEqual([]);
    expect(result.calls.filter((call) => call.stateId === "refund")).toHaveLength(5);
  });

  it("runs the actions it is given for real, and a thrown error fails the attempt by name", async () => {
    const result = await sim(saga, {
      actions: {
        payments: { run: async (_params, attempt) => (attempt < 2 ? Promise.reject(named("Busy")) : "paid") },
      },
    });
    expect(result.snapshot.output).toEqual({ charged: "paid", shipped: null });
    expect(result.calls.filter((call) => call.stateId === "charge").map((c) => [c.ran, c.result])).toEqual([
      ["real", "failed"],
      ["real", "succeeded"],
    ]);
  });

  it("stops the run at its deadline, aborting an attempt in flight", async () => {
    const result = await sim({ ...saga, timeout: "5s" }, { outcomes: { ship: { delay: "8s" } } });
    expect(result.snapshot.status).toBe("compensated");
    expect(result.snapshot.error?.error).toBe("RunTimedOut");
    expect(result.calls.find((call) => call.stateId === "ship")?.result).toBe("aborted");
    expect(result.elapsedMs).toBe(5000);
  });

  it("any mix of outcomes: the history folds to the snapshot, and what completed is undone in reverse", async () => {
    const outcome = fc.oneof(
      fc.constant(undefined),
      fc.record({ fail: fc.constantFrom("A", "B") }),
      fc.constant({ timeout: true }),
      fc.record({ failTimes: fc.integer({ min: 0, max: 4 }) }),
      fc.record({ delay: fc.constantFrom("0ms", "5s", "25s", "2m") }),
    );
    await fc.assert(
      fc.asyncProperty(fc.tuple(outcome, outcome, outcome), async (picked) => {
        const outcomes: Record<string, SimulatedOutcome> = {};
        ["reserve", "charge", "ship"].forEach((state, i) => {
          const chosen = picked[i];
          if (chosen) outcomes[state] = chosen;
        });
        const result = await sim(saga, { outcomes });
        expect(JSON.stringify(foldHistory(result.history))).toBe(JSON.stringify(result.snapshot));
        const completed = result.events.flatMap((e) => (e.type === "StepSucceeded" ? [e.stateId] : []));
        if (result.snapshot.status === "succeeded") expect(completed).toEqual(["reserve", "charge", "ship"]);
        else {
          expect(result.snapshot.status).toBe("compensated");
          expect(result.compensated).toEqual([...completed].reverse());
        }
        const last = result.history.at(-1)?.at as string;
        expect(result.elapsedMs).toBe(Date.parse(last) - Date.parse(result.snapshot.startedAt));
      }),
      { numRuns: 150 },
    );
  });

  it("checkOutcomes names unknown states and outcomes a state cannot take", () => {
    const outcomes: SimulatedOutcomes = {
      ghost: { fail: "X" },
      done: { output: 1 },
      "charge[x]": {},
      reserve: { signal: { name: "go" } },
      ship: { delay: "soon" },
      refund: { fail: "Y" },
    };
    expect(checkOutcomes(saga, outcomes)).toEqual([
      'outcome "ghost": there is no state "ghost"',
      'outcome "done": "done" is a succeed state; only tasks, compensations and signals take outcomes',
      'outcome "charge[x]": write a state id, or a state id and [n]',
      'outcome "reserve": "signal" is for signal states; "reserve" is a task',
      'outcome "ship": delay "soon" is not a duration',
    ]);
  });
});

function named(name: string): Error {
  return Object.assign(new Error(name), { name });
}
