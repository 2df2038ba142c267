import type { Definition, JsonValue, RunEvent, RunSnapshot } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { createJsonataEvaluator } from "../runtime/jsonata-evaluator";
import { decide } from "./decide";
import { foldHistory } from "./fold";
import type { Command, Trigger } from "./types";

/**
 * decide() driven by hand: no database, no clock, no engine. Actions are plain functions of
 * (action, params, attempt); timers fire by moving `now` to the earliest one.
 */
type Behaviour = (action: string, params: JsonValue, attempt: number) => JsonValue | Error | "hang";

async function simulate(definition: Definition, behave: Behaviour, input: JsonValue = {}, maxSteps = 500) {
  const evaluate = createJsonataEvaluator();
  let now = Date.parse("2030-01-01T00:00:00.000Z");
  const history: { event: RunEvent; at: string }[] = [];
  const calls: string[] = [];
  let snapshot: RunSnapshot | undefined;
  const queue: Trigger[] = [{ type: "start", runId: "r", workflow: definition.name, version: 1, input }];
  const hanging = new Map<string, number>();
  for (let i = 0; i < maxSteps; i += 1) {
    let trigger = queue.shift();
    if (!trigger) {
      const times = [
        ...Object.values(snapshot?.timers ?? {}).map((timer) => Date.parse(timer.fireAt)),
        ...hanging.values(),
      ];
      if (
        times.length === 0 ||
        !snapshot ||
        !["running", "waiting", "compensating"].includes(snapshot.status)
      ) {
        break;
      }
      now = Math.max(now, Math.min(...times));
      const timedOut = [...hanging].find(([, at]) => at <= now);
      if (timedOut) {
        hanging.delete(timedOut[0]);
        trigger = { type: "attemptTimedOut", attemptId: timedOut[0], durationMs: 0 };
      } else {
        trigger = { type: "timersDue" };
      }
    }
    const decision = await decide(definition, snapshot, trigger, { now, evaluate, random: () => 0.5 });
    for (const event of decision.events) history.push({ event, at: new Date(now).toISOString() });
    snapshot = decision.snapshot;
    for (const command of decision.commands) run(command);
  }
  return { snapshot: snapshot as RunSnapshot, history, calls, events: history.map((h) => h.event) };

  function run(command: Command) {
    if (command.type !== "runAttempt") return;
    const { attempt } = command;
    calls.push(`${attempt.action}:${attempt.idempotencyKey}#${attempt.attempt}`);
    const result = behave(attempt.action, attempt.params, attempt.attempt);
    if (result === "hang") {
      hanging.set(attempt.id, now + attempt.timeoutMs);
    } else if (result instanceof Error) {
      queue.push({
        type: "attemptFailed",
        attemptId: attempt.id,
        error: { error: result.name, message: result.message },
        fatal: result.name === "FatalError",
        durationMs: 1,
      });
    } else {
      queue.push({ type: "attemptSucceeded", attemptId: attempt.id, output: result, durationMs: 1 });
    }
  }
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
    const result = await simulate(definition, (_action, params) => params, { n: 1 });
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
    const result = await simulate(definition, (action, params) =>
      action === "boom" ? named("Busy") : action === "undo" ? params : "booked",
    );
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
    const result = await simulate(definition, (action) => (action === "hang" ? "hang" : "done"));
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
    const result = await simulate(definition, () => named("FatalError", "no way"));
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
    const result = await simulate(definition, () => "x");
    expect(result.calls).toHaveLength(3);
    expect(result.snapshot.status).toBe("compensated");
    expect(result.snapshot.error?.error).toBe("LoopLimitExceeded");
  });
});
