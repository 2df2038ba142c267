import type { Definition, RunEvent, RunSnapshot } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { cloneSnapshot } from "../src/core/clone-snapshot";
import { applyEvent, foldHistory } from "../src/core/fold";
import { canonicalJson } from "../src/history/hash";
import { createHarness, type Harness, openStore } from "./helpers";

/**
 * A decision folds its events into `cloneSnapshot(input)`, which shares every value the fold never edits
 * with the input. These runs cover every kind of event; each event is applied, as a decision does, to a
 * copy of a deep-frozen fold of the events before it: any write into the shared parts throws here, and the
 * result must equal the plain fold.
 */

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

const task = (action: string, next: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: "task" as const,
  action,
  params: { value: "{% $steps %}", failTimes: 1 },
  ...next,
  ...extra,
});

/** book (compensable) → a parallel with a failing branch → never reached; retries and a retried compensation. */
const parallelSaga: Definition = {
  name: "parallel-saga",
  startAt: "book",
  states: {
    book: task("flaky", { next: "both" }, { compensateWith: "unbook", retry: { maxAttempts: 2 } }),
    unbook: {
      type: "compensation",
      action: "flaky",
      params: { failTimes: 2 },
      retry: { maxAttempts: 2, initialDelay: "1s" },
    },
    both: {
      type: "parallel",
      branches: {
        ok: {
          startAt: "nap",
          states: {
            nap: { type: "wait", duration: "1s", next: "hotel" },
            hotel: task("echo", { end: true }, { compensateWith: "unhotel" }),
            unhotel: { type: "compensation", action: "echo" },
          },
        },
        bad: {
          startAt: "later",
          states: {
            later: { type: "wait", duration: "2s", next: "boom" },
            boom: task("fail", { end: true }),
          },
        },
      },
      next: "after",
    },
    after: task("echo", { end: true }),
  },
};

/** a map with compensable iterations, a choice, a signal sent early and one awaited. */
const mapAndSignals: Definition = {
  name: "map-and-signals",
  startAt: "each",
  states: {
    each: {
      type: "map",
      items: "{% [1, 2, 3] %}",
      maxConcurrency: 2,
      iterator: {
        startAt: "square",
        states: {
          square: task(
            "echo",
            { end: true },
            { compensateWith: "unsquare", params: { value: "{% $item %}" } },
          ),
          unsquare: { type: "compensation", action: "echo", params: { value: "{% $item %}" } },
        },
      },
      next: "again",
    },
    again: {
      type: "choice",
      choices: [{ when: "{% $count($steps.each) > 3 %}", next: "each" }],
      otherwise: "early",
    },
    early: { type: "signal", signal: "early", next: "late" },
    late: { type: "signal", signal: "late", timeout: "1h", onTimeout: "fail", next: "last" },
    last: task("fail", { end: true }),
  },
};

const hanging: Definition = {
  name: "hanging",
  startAt: "book",
  states: {
    book: task("echo", { next: "hang" }, { compensateWith: "unbook" }),
    unbook: { type: "compensation", action: "echo" },
    hang: task("hang", { end: true }),
  },
};

/** One task and an echo after it; the task under test varies. */
const single = (name: string, first: Record<string, unknown>): Definition => ({
  name,
  startAt: "first",
  states: {
    first: { type: "task", action: "echo", next: "after", ...first } as Definition["states"][string],
    after: task("echo", { end: true }),
  },
});

const failingMap: Definition = {
  name: "failing-map",
  startAt: "each",
  states: {
    each: {
      type: "map",
      items: "{% [1, 2] %}",
      iterator: { startAt: "boom", states: { boom: task("fail", { end: true }) } },
      end: true,
    },
  },
};

async function histories(h: Harness, runIds: string[]): Promise<{ event: RunEvent; at: string }[][]> {
  return Promise.all(
    runIds.map(async (runId) =>
      (await h.store.getHistory(runId)).map((stored) => ({ event: stored.event as RunEvent, at: stored.at })),
    ),
  );
}

describe("cloneSnapshot: a decision never writes into the snapshot it was given", () => {
  it("folds every event of real runs over a deep-frozen snapshot to the plain fold", async () => {
    const h = createHarness(openStore("memory"));
    await h.engine.start(parallelSaga, {}, { runId: "parallel" });
    await h.settle("parallel");
    await h.engine.retryCompensation("parallel", "ops");
    await h.settle("parallel");

    await h.engine.start(mapAndSignals, {}, { runId: "map" });
    await h.engine.signal("map", "early", { at: 1 }, "ann");
    await h.engine.idle();
    await h.engine.signal("map", "late", [1, 2], "bob");
    expect((await h.settle("map")).status).toBe("compensated");

    await h.engine.start(mapAndSignals, {}, { runId: "timeout" });
    await h.engine.signal("timeout", "early", null, "ann");
    expect((await h.settle("timeout")).status).not.toBe("running");

    await h.engine.start(hanging, {}, { runId: "canceled" });
    await h.engine.idle();
    await h.engine.cancel("canceled", { compensate: true, by: "carol" });
    await h.settle("canceled");

    await h.engine.start(hanging, {}, { runId: "plain-cancel" });
    await h.engine.idle();
    await h.engine.cancel("plain-cancel", { compensate: false, by: "carol" });

    await h.engine.start(single("warned", { action: "fail", onError: "continue" }), {}, { runId: "warned" });
    expect((await h.settle("warned")).status).toBe("succeeded");

    await h.engine.start(single("resumed", { action: "flaky", onError: "abort" }), {}, { runId: "resumed" });
    expect((await h.settle("resumed")).status).toBe("failed");
    await h.engine.resume("resumed", "dave");
    expect((await h.settle("resumed")).status).toBe("succeeded");

    await h.engine.start(single("resolved", { action: "fail", onError: "abort" }), {}, { runId: "resolved" });
    await h.settle("resolved");
    await h.engine.resolveStep("resolved", { output: { by: "hand" }, by: "erin" });
    expect((await h.settle("resolved")).status).toBe("succeeded");

    const timedOut = single("timed-out", { action: "hang", timeout: "1s", onError: "abort" });
    await h.engine.start(timedOut, {}, { runId: "timed-out" });
    expect((await h.settle("timed-out")).status).toBe("failed");

    await h.engine.start(failingMap, {}, { runId: "failing-map" });
    await h.settle("failing-map");

    await h.engine.start(single("interrupted", { action: "hang" }), {}, { runId: "interrupted" });
    await h.engine.idle();
    await h.engine.close(); // the process stops with the attempt in flight
    const second = h.restart();
    await second.engine.recover();
    await second.engine.idle();
    await second.engine.close();

    const runIds = [
      "parallel",
      "map",
      "timeout",
      "canceled",
      "plain-cancel",
      "warned",
      "resumed",
      "resolved",
    ];
    runIds.push("timed-out", "failing-map", "interrupted");
    const seen = new Set<string>();
    for (const history of await histories(h, runIds)) {
      let before: RunSnapshot | undefined;
      for (const [i, entry] of history.entries()) {
        seen.add(entry.event.type);
        const input = before === undefined ? undefined : deepFreeze(structuredClone(before));
        const next = applyEvent(
          input === undefined ? undefined : cloneSnapshot(input),
          entry.event,
          entry.at,
        );
        expect(canonicalJson(next)).toBe(canonicalJson(foldHistory(history.slice(0, i + 1))));
        before = next;
      }
    }
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        "BranchCompleted",
        "BranchFailed",
        "ChoiceTaken",
        "CompensationFailed",
        "CompensationRetried",
        "CompensationStarted",
        "CompensationStepFailed",
        "CompensationStepStarted",
        "CompensationStepSucceeded",
        "IterationCompleted",
        "IterationStarted",
        "MapCompleted",
        "MapStarted",
        "ParallelStarted",
        "IterationFailed",
        "RunCanceled",
        "RunCompensated",
        "RunFailed",
        "RunResumed",
        "RunStarted",
        "RunSucceeded",
        "RunSuspended",
        "SignalAwaited",
        "SignalReceived",
        "StateEntered",
        "StepAttemptFailed",
        "StepAttemptStarted",
        "StepFailed",
        "StepResolved",
        "StepSucceeded",
        "StepTimedOut",
        "StepWarned",
        "TimerFired",
        "TimerStarted",
      ]),
    );
  });

  it("shares the values from events instead of copying them, and copies what the fold edits", () => {
    const started = applyEvent(
      undefined,
      {
        type: "RunStarted",
        runId: "r",
        workflow: "w",
        version: 1,
        input: { big: [1, 2, 3] },
        deadlineAt: null,
      } as RunEvent,
      "2026-01-01T00:00:00.000Z",
    );
    const copy = cloneSnapshot(started);
    expect(copy.input).toBe(started.input);
    expect(copy.scopes[""]).not.toBe(started.scopes[""]);
    expect(copy.scopes[""]?.visits).not.toBe(started.scopes[""]?.visits);
    expect(copy.stateRuns).not.toBe(started.stateRuns);
    expect(copy).toEqual(started);
  });
});
