import type { Definition, State } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { createHarness, eventTypes, openStore, runToEnd, STORE_KINDS } from "./helpers";

/** book → charge(action under test) → ship, with compensations for book and charge. */
function saga(
  charge: Partial<Extract<State, { type: "task" }>>,
  extra: Definition["states"] = {},
): Definition {
  return {
    name: "saga",
    startAt: "book",
    states: {
      book: {
        type: "task",
        action: "echo",
        params: { value: "booking-1" },
        compensateWith: "unbook",
        next: "charge",
      },
      charge: { type: "task", action: "fail", params: { error: "CardDeclined" }, next: "ship", ...charge },
      ship: { type: "task", action: "echo", params: { value: "shipped" }, end: true },
      unbook: { type: "compensation", action: "echo", params: { value: "{% 'unbooked ' & $steps.book %}" } },
      ...extra,
    },
  };
}

describe.each(STORE_KINDS)("failure policies and compensation (%s store)", (kind) => {
  const harness = () => createHarness(openStore(kind));

  it("onError compensate (default): undoes completed tasks, ends compensated with the error", async () => {
    const h = harness();
    const run = await runToEnd(h, saga({}));
    expect(run.status).toBe("compensated");
    expect(run.snapshot.error).toEqual({ error: "CardDeclined", message: "it failed" });
    expect(run.snapshot.compensated.map((c) => c.taskStateId)).toEqual(["book"]);
    expect(run.snapshot.steps.unbook).toBe("unbooked booking-1");
    expect(h.calls.map((call) => call.action)).toEqual(["echo", "fail", "echo"]);
  });

  it("onError abort: fails at once, nothing compensated", async () => {
    const h = harness();
    const run = await runToEnd(h, saga({ onError: "abort" }));
    expect(run.status).toBe("failed");
    expect(run.snapshot.compensated).toEqual([]);
    expect(h.calls).toHaveLength(2);
  });

  it("onError continue: records a warning and goes on with a null output", async () => {
    const h = harness();
    const run = await runToEnd(h, saga({ onError: "continue" }));
    expect(run.status).toBe("succeeded");
    expect(run.snapshot.steps.charge).toBeNull();
    expect(run.snapshot.stateRuns.charge?.status).toBe("warned");
    expect(await eventTypes(h, "run-1")).toContain("StepWarned");
  });

  it("catch: the first matching catcher wins and the target sees $error", async () => {
    const h = harness();
    const run = await runToEnd(
      h,
      saga(
        {
          catch: [
            { errors: ["Timeout"], next: "ship" },
            { errors: ["CardDeclined"], next: "explain" },
          ],
        },
        { explain: { type: "succeed", output: "{% 'declined: ' & $error.error %}" } },
      ),
    );
    expect(run.status).toBe("succeeded");
    expect(run.snapshot.output).toBe("declined: CardDeclined");
  });

  it("retry: counts attempts and waits the backoff between them (fake clock)", async () => {
    const h = harness();
    const definition = saga({
      action: "flaky",
      params: { failTimes: 3 },
      retry: { maxAttempts: 4, backoff: "exponential", initialDelay: "2s", multiplier: 2, maxDelay: "5s" },
    });
    const origin = h.clock.now();
    await h.engine.start(definition, {}, { runId: "r" });
    const run = await h.settle("r");
    expect(run?.status).toBe("succeeded");
    const history = await h.store.getHistory("r");
    const starts = history
      .filter((e) => e.event.type === "StepAttemptStarted" && e.event.stateId === "charge")
      .map((e) => Date.parse(e.at) - origin);
    expect(starts).toEqual([0, 2000, 6000, 11000]);
    expect(h.calls.filter((c) => c.action === "flaky").map((c) => c.attempt)).toEqual([1, 2, 3, 4]);
    expect(new Set(h.calls.filter((c) => c.action === "flaky").map((c) => c.key))).toEqual(
      new Set(["r:charge:1"]),
    );
  });

  it("retry: jitter is drawn from the injected random source", async () => {
    const h = createHarness(openStore(kind), { random: () => 0.25 });
    const definition = saga({
      action: "flaky",
      params: { failTimes: 1 },
      retry: { maxAttempts: 2, initialDelay: "4s", jitter: true },
    });
    await h.engine.start(definition, {}, { runId: "j" });
    await h.settle("j");
    const timer = (await h.store.getHistory("j")).find((e) => e.event.type === "TimerStarted");
    const failedAt = (await h.store.getHistory("j")).find((e) => e.event.type === "StepAttemptFailed")?.at;
    expect(
      timer &&
        "fireAt" in timer.event &&
        Date.parse(String(timer.event.fireAt)) - Date.parse(String(failedAt)),
    ).toBe(1000);
  });

  it("retry: retryOn limits which errors retry; FatalError never retries", async () => {
    const h = harness();
    await runToEnd(h, saga({ retry: { maxAttempts: 3, retryOn: ["Timeout"] } }));
    expect(h.calls.filter((c) => c.action === "fail")).toHaveLength(1);
    const fatal = harness();
    await runToEnd(fatal, saga({ params: { error: "FatalError" }, retry: { maxAttempts: 3 } }));
    expect(fatal.calls.filter((c) => c.action === "fail")).toHaveLength(1);
  });

  it("timeout rule: a timed-out attempt gets one more with twice the timeout, then the run compensates", async () => {
    const h = harness();
    const run = await runToEnd(h, saga({ action: "hang", timeout: "30s" }));
    expect(run.status).toBe("compensated");
    expect(run.snapshot.error?.error).toBe("Timeout");
    const timeouts = (await h.store.getHistory("run-1"))
      .map((e) => e.event)
      .filter((event) => event.type === "StepTimedOut");
    expect(timeouts.map((event) => [event.timeoutMs, event.willRetry])).toEqual([
      [30_000, true],
      [60_000, false],
    ]);
    expect(h.calls.filter((c) => c.action === "hang").map((c) => c.key)).toEqual([
      "run-1:charge:1",
      "run-1:charge:1",
    ]);
  });

  it("compensation order across a loop: one compensation per visit, newest first", async () => {
    const h = harness();
    const definition: Definition = {
      name: "loop-saga",
      startAt: "reserve",
      states: {
        reserve: { type: "task", action: "visit", compensateWith: "release", next: "more" },
        more: {
          type: "choice",
          choices: [{ when: "{% $steps.reserve.n < 3 %}", next: "reserve" }],
          otherwise: "boom",
        },
        boom: { type: "task", action: "fail", end: true },
        release: { type: "compensation", action: "echo", params: { value: "{% $steps.reserve.n %}" } },
      },
    };
    const run = await runToEnd(h, definition);
    expect(run.status).toBe("compensated");
    expect(run.snapshot.compensated.map((c) => `${c.taskStateId}:${c.visit}`)).toEqual([
      "reserve:3",
      "reserve:2",
      "reserve:1",
    ]);
    // Each compensation saw the output of its own visit.
    expect(h.calls.filter((c) => c.action === "echo").map((c) => c.params.value)).toEqual([3, 2, 1]);
  });

  it("compensation across a parallel state: both branches, reverse completion order", async () => {
    const h = harness();
    const definition: Definition = {
      name: "parallel-saga",
      startAt: "both",
      states: {
        both: {
          type: "parallel",
          branches: {
            slow: {
              startAt: "nap",
              states: {
                nap: { type: "wait", duration: "1s", next: "hotel" },
                hotel: {
                  type: "task",
                  action: "echo",
                  params: { value: "h" },
                  compensateWith: "cancel_hotel",
                  end: true,
                },
                cancel_hotel: { type: "compensation", action: "echo" },
              },
            },
            fast: {
              startAt: "flight",
              states: {
                flight: {
                  type: "task",
                  action: "echo",
                  params: { value: "f" },
                  compensateWith: "cancel_flight",
                  end: true,
                },
                cancel_flight: { type: "compensation", action: "echo" },
              },
            },
          },
          next: "pay",
        },
        pay: { type: "task", action: "fail", end: true },
      },
    };
    const run = await runToEnd(h, definition);
    expect(run.status).toBe("compensated");
    expect(run.snapshot.compensated.map((c) => `${c.scope}/${c.taskStateId}`)).toEqual([
      "both.slow/hotel",
      "both.fast/flight",
    ]);
  });

  it("a failing branch cancels its sibling (AbortSignal) and fails the parallel state, whose catch applies", async () => {
    const h = harness();
    const definition: Definition = {
      name: "branch-fails",
      startAt: "both",
      states: {
        both: {
          type: "parallel",
          branches: {
            stuck: {
              startAt: "wait_forever",
              states: { wait_forever: { type: "task", action: "hang", end: true } },
            },
            broken: {
              startAt: "breaks",
              states: { breaks: { type: "task", action: "fail", params: { error: "Nope" }, end: true } },
            },
          },
          catch: [{ errors: ["Nope"], next: "recovered" }],
          end: true,
        },
        recovered: { type: "succeed", output: "{% $error.error %}" },
      },
    };
    const run = await runToEnd(h, definition);
    expect(run.status).toBe("succeeded");
    expect(run.snapshot.output).toBe("Nope");
    expect(await eventTypes(h, "run-1")).toEqual(
      expect.arrayContaining(["BranchFailed", "ScopeCanceled", "StepFailed"]),
    );
  });

  it("compensation across a map: every completed iteration, newest first, with its $item", async () => {
    const h = harness();
    const definition: Definition = {
      name: "map-saga",
      startAt: "each",
      states: {
        each: {
          type: "map",
          items: ["a", "b", "c"],
          iterator: {
            startAt: "charge_item",
            states: {
              charge_item: {
                type: "task",
                action: "echo",
                params: { value: "{% $item %}" },
                compensateWith: "refund_item",
                end: true,
              },
              refund_item: {
                type: "compensation",
                action: "echo",
                params: { value: "{% 'refund ' & $item %}" },
              },
            },
          },
          next: "boom",
        },
        boom: { type: "fail", error: "Late" },
      },
    };
    const run = await runToEnd(h, definition);
    expect(run.status).toBe("compensated");
    expect(run.snapshot.compensated.map((c) => c.scope)).toEqual(["each[2]", "each[1]", "each[0]"]);
    expect(h.calls.slice(3).map((c) => c.params.value)).toEqual(["refund c", "refund b", "refund a"]);
  });

  it("compensation retries, then compensation_failed raises the alert; retryCompensation or resolveStep finishes it", async () => {
    const definition = saga(
      {},
      {
        unbook: {
          type: "compensation",
          action: "flaky",
          params: { failTimes: 7 },
          retry: { maxAttempts: 3, backoff: "exponential", initialDelay: "1s" },
        },
      },
    );
    const h = harness();
    const run = await runToEnd(h, definition);
    expect(run.status).toBe("compensation_failed");
    expect(h.alerts).toEqual([
      expect.objectContaining({ runId: "run-1", taskStateId: "book", compensationStateId: "unbook" }),
    ]);
    expect(h.calls.filter((c) => c.action === "flaky")).toHaveLength(3);

    await h.engine.retryCompensation("run-1", "ops");
    const again = await h.settle("run-1");
    expect(again.status).toBe("compensation_failed");
    expect(h.calls.filter((c) => c.action === "flaky").map((c) => c.attempt)).toEqual([1, 2, 3, 4, 5, 6]);

    await h.engine.retryCompensation("run-1", "ops");
    const done = await h.settle("run-1");
    expect(done.status).toBe("compensated");

    const resolved = harness();
    await runToEnd(resolved, definition);
    await resolved.engine.resolveStep("run-1", { output: { byHand: true }, by: "bob" });
    const finished = await resolved.settle("run-1");
    expect(finished.status).toBe("compensated");
    expect(finished.snapshot.compensated).toEqual([
      expect.objectContaining({ taskStateId: "book", resolvedBy: "bob" }),
    ]);
  });

  it("cancel aborts the in-flight action; with compensation the run undoes its work and ends canceled", async () => {
    const definition = saga({ action: "hang" });
    const plain = harness();
    await plain.engine.start(definition, {}, { runId: "c1" });
    await plain.engine.idle();
    await plain.engine.cancel("c1", { compensate: false, by: "carol" });
    const canceled = await plain.settle("c1");
    expect(canceled.status).toBe("canceled");
    expect(canceled.snapshot.compensated).toEqual([]);
    // The cancel awaits the aborted attempt (draining.ts): the run is canceled once it has settled.
    const events = (await plain.store.getHistory("c1")).map((stored) => stored.event);
    expect(events.slice(-2)).toMatchObject([
      { type: "RunCanceled", by: "carol" },
      { type: "StepAttemptFailed", error: { error: "AbortError" } },
    ]);

    const undo = harness();
    await undo.engine.start(definition, {}, { runId: "c2" });
    await undo.engine.idle();
    await undo.engine.cancel("c2", { compensate: true, by: "carol" });
    const compensated = await undo.settle("c2");
    expect(compensated.status).toBe("canceled");
    expect(compensated.snapshot.compensated.map((c) => c.taskStateId)).toEqual(["book"]);
    await expect(undo.engine.cancel("c2")).rejects.toThrow(/canceled/);
  });

  it("statuses while it works: running during an action, compensating during a compensation", async () => {
    const h = harness();
    const definition = saga(
      { action: "hang", timeout: "10s", retry: { maxAttempts: 1, onTimeout: { retries: 0, multiplier: 2 } } },
      {
        unbook: {
          type: "compensation",
          action: "hang",
          timeout: "10s",
          retry: { maxAttempts: 1, onTimeout: { retries: 0, multiplier: 2 } },
        },
      },
    );
    await h.engine.start(definition, {}, { runId: "st" });
    await h.engine.idle();
    expect((await h.engine.getRun("st"))?.status).toBe("running");
    h.clock.advance(10_000);
    await h.engine.idle();
    expect((await h.engine.getRun("st"))?.status).toBe("compensating");
    h.clock.advance(10_000);
    await h.engine.idle();
    expect((await h.engine.getRun("st"))?.status).toBe("compensation_failed");
    expect(h.calls.map((c) => c.action)).toEqual(["echo", "hang", "hang"]);
  });

  it("a decision that throws suspends the run (internal_error) instead of leaving it stuck", async () => {
    const h = createHarness(openStore(kind), {
      random: () => {
        throw new Error("no entropy");
      },
    });
    const run = await runToEnd(
      h,
      saga({ action: "flaky", params: { failTimes: 1 }, retry: { maxAttempts: 2, jitter: true } }),
    );
    expect(run.status).toBe("suspended");
    expect(run.snapshot.suspension).toMatchObject({ reason: "internal_error" });
    expect(run.snapshot.suspension?.message).toMatch(/no entropy/);
    expect(await h.engine.verify("run-1")).toMatchObject({ ok: true });
  });

  it("run deadline: the whole run times out and compensates", async () => {
    const h = harness();
    const run = await runToEnd(h, { ...saga({ action: "hang", timeout: "1h" }), timeout: "10m" });
    expect(run.status).toBe("compensated");
    expect(run.snapshot.error?.error).toBe("RunTimedOut");
    expect(run.snapshot.compensated.map((c) => c.taskStateId)).toEqual(["book"]);
  });

  it("resume redrives a failed run from the failed step, keeping completed steps", async () => {
    const h = harness();
    const definition = saga({ action: "flaky", params: { failTimes: 1 }, onError: "abort" });
    const failed = await runToEnd(h, definition);
    expect(failed.status).toBe("failed");
    await h.engine.resume("run-1", "dave");
    const run = await h.settle("run-1");
    expect(run.status).toBe("succeeded");
    expect(h.calls.map((c) => `${c.action}#${c.attempt}`)).toEqual([
      "echo#1",
      "flaky#1",
      "flaky#2",
      "echo#1",
    ]);
    await expect(h.engine.resume("run-1")).rejects.toThrow(/succeeded/);
  });

  it("resume redrives only the failed branch of a parallel state", async () => {
    const h = harness();
    const definition: Definition = {
      name: "redrive-branch",
      startAt: "both",
      states: {
        both: {
          type: "parallel",
          branches: {
            good: {
              startAt: "g",
              states: { g: { type: "task", action: "echo", params: { value: "g" }, end: true } },
            },
            bad: {
              startAt: "b",
              states: {
                b: { type: "task", action: "flaky", params: { failTimes: 1, output: "b" }, end: true },
              },
            },
          },
          onError: "abort",
          end: true,
        },
      },
    };
    expect((await runToEnd(h, definition)).status).toBe("failed");
    await h.engine.resume("run-1");
    const run = await h.settle("run-1");
    expect(run.status).toBe("succeeded");
    expect(run.snapshot.output).toEqual({ good: "g", bad: "b" });
    expect(h.calls.filter((c) => c.action === "echo")).toHaveLength(1);
  });

  it("resolveStep marks a failed task done with an output and continues", async () => {
    const h = harness();
    const failed = await runToEnd(h, saga({ onError: "abort" }));
    expect(failed.status).toBe("failed");
    await h.engine.resolveStep("run-1", { output: { charged: "by hand" }, by: "erin" });
    const run = await h.settle("run-1");
    expect(run.status).toBe("succeeded");
    expect(run.snapshot.steps.charge).toEqual({ charged: "by hand" });
  });
});
