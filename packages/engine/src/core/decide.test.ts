import type { Definition, JsonValue } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { createJsonataEvaluator } from "../runtime/jsonata-evaluator";
import { foldHistory } from "./fold";
import { type SimulatedAction, type SimulationResult, simulate } from "./simulate";

/**
 * decide() driven by the simulator: no database, no clock, no engine. Actions are plain functions of
 * (params, attempt); a hanging action takes longer than any timeout.
 */
type Behaviour = (params: JsonValue, attempt: number) => JsonValue | Error | "hang";

async function run(
  definition: Definition,
  actions: Record<string, Behaviour>,
  input: JsonValue = {},
): Promise<Omit<SimulationResult, "calls"> & { calls: string[] }> {
  const simulated: Record<string, SimulatedAction> = {};
  for (const [name, behave] of Object.entries(actions)) {
    simulated[name] = {
      run: async (params, attempt) => {
        const result = behave(params, attempt);
        if (result instanceof Error) throw result;
        return result === "hang" ? null : result;
      },
      takesMs: (params) => (behave(params, 1) === "hang" ? Number.POSITIVE_INFINITY : 0),
    };
  }
  const result = await simulate({
    definition,
    input,
    actions: simulated,
    evaluate: createJsonataEvaluator(),
    runId: "r",
  });
  return {
    ...result,
    calls: result.calls.map((call) => `${call.action}:${call.idempotencyKey}#${call.attempt}`),
  };
}

const named = (name: string, message = name) => Object.assign(new Error(message), { name });

describe("decide", () => {
  it("runs tasks in order, feeding $steps into params, and the fold equals the snapshot", async () => {
    const definition: Definition = {
      name: "two",
      startAt: "a",
      states: {
        a: { type: "task", action: "echo", params: { n: "{% $input.n + 1 %}" }, next: "b" },
        b: { type: "task", action: "echo", params: { n: "{% $steps.a.n * 10 %}" }, end: true },
      },
    };
    const result = await run(definition, { echo: (params) => params }, { n: 1 });
    expect(result.snapshot.status).toBe("succeeded");
    expect(result.snapshot.output).toEqual({ n: 20 });
    expect(result.calls).toEqual(["echo:r:a:1#1", "echo:r:b:1#1"]);
    expect(JSON.stringify(foldHistory(result.history))).toBe(JSON.stringify(result.snapshot));
  });

  it("retries with exponential backoff capped by maxDelay, then compensates in reverse order", async () => {
    const definition: Definition = {
      name: "retry",
      startAt: "book",
      states: {
        book: { type: "task", action: "ok", compensateWith: "unbook", next: "charge" },
        charge: {
          type: "task",
          action: "boom",
          retry: {
            maxAttempts: 4,
            backoff: "exponential",
            initialDelay: "1s",
            multiplier: 3,
            maxDelay: "5s",
          },
          end: true,
        },
        unbook: { type: "compensation", action: "undo", params: { booked: "{% $steps.book %}" } },
      },
    };
    const result = await run(definition, {
      boom: () => named("Busy"),
      undo: (params) => params,
      ok: () => "booked",
    });
    const retries = result.events.filter(
      (event) => event.type === "TimerStarted" && event.purpose === "retry",
    );
    const delays = result.events
      .filter((event) => event.type === "StepAttemptFailed")
      .map((event) => (event.type === "StepAttemptFailed" ? event.willRetry : null));
    expect(delays).toEqual([true, true, true, false]);
    expect(retries).toHaveLength(3);
    const started = result.history
      .filter((h) => h.event.type === "StepAttemptStarted")
      .map((h) => Date.parse(h.at));
    // book at t0, charge attempts at t0, +1s, +3s (then +9s capped to 5s)
    const gaps = started.slice(2).map((time, i) => time - (started[i + 1] as number));
    expect(gaps).toEqual([1000, 3000, 5000]);
    expect(result.snapshot.status).toBe("compensated");
    expect(result.snapshot.steps.unbook).toEqual({ booked: "booked" });
    expect(result.snapshot.error).toEqual({ error: "Busy", message: "Busy" });
  });

  it("gives a timed-out attempt one more try with twice the timeout, then compensates", async () => {
    const definition: Definition = {
      name: "slow",
      startAt: "a",
      states: {
        a: { type: "task", action: "ok", compensateWith: "undo_a", next: "slow" },
        slow: { type: "task", action: "hang", timeout: "10s", end: true },
        undo_a: { type: "compensation", action: "ok" },
      },
    };
    const result = await run(definition, { hang: () => "hang", ok: () => "done" });
    const timeouts = result.events.filter((event) => event.type === "StepTimedOut");
    expect(
      timeouts.map((event) => (event.type === "StepTimedOut" ? [event.timeoutMs, event.willRetry] : null)),
    ).toEqual([
      [10_000, true],
      [20_000, false],
    ]);
    expect(result.snapshot.status).toBe("compensated");
    expect(result.snapshot.compensated.map((c) => c.taskStateId)).toEqual(["a"]);
  });

  it("never retries a FatalError and follows catch with $error", async () => {
    const definition: Definition = {
      name: "fatal",
      startAt: "a",
      states: {
        a: {
          type: "task",
          action: "fatal",
          retry: { maxAttempts: 5 },
          catch: [{ errors: ["FatalError"], next: "handled" }],
          end: true,
        },
        handled: { type: "succeed", output: "{% $error.message %}" },
      },
    };
    const result = await run(definition, { fatal: () => named("FatalError", "no way") });
    expect(result.calls).toHaveLength(1);
    expect(result.snapshot.status).toBe("succeeded");
    expect(result.snapshot.output).toBe("no way");
  });

  it("stops a loop at maxVisits with LoopLimitExceeded", async () => {
    const definition: Definition = {
      name: "loop",
      startAt: "poll",
      states: {
        poll: { type: "task", action: "ok", maxVisits: 3, next: "again" },
        again: { type: "choice", choices: [{ when: "{% true %}", next: "poll" }], otherwise: "poll" },
      },
    };
    const result = await run(definition, { ok: () => "x" });
    expect(result.calls).toHaveLength(3);
    expect(result.snapshot.status).toBe("compensated");
    expect(result.snapshot.error?.error).toBe("LoopLimitExceeded");
  });
});
