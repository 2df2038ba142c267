import type { Definition, RunEvent, RunSnapshot } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { createJsonataEvaluator } from "../runtime/jsonata-evaluator";
import { cloneSnapshot } from "./clone-snapshot";
import { applyEvent, fold, foldHistory } from "./fold";
import { simulatedBuiltins } from "./pure-builtins";
import { simulate } from "./simulate";

/**
 * A working copy takes its input's big maps (`steps`, `stateRuns`, `visits`) instead of copying them
 * (shared-maps.ts). These tests hold on to every snapshot of real histories and read them afterwards:
 * each must still read exactly as it did when it was made.
 */

const evaluate = createJsonataEvaluator();

/** 70 distinct states first, so the big maps outgrow what is simply copied (SHARE_FROM in shared-maps.ts). */
const lead: Record<string, unknown> = {};
for (let i = 0; i < 70; i++) {
  lead[`c${i}`] = {
    type: "task",
    action: "transform",
    params: { value: i },
    next: i < 69 ? `c${i + 1}` : "count",
  };
}

/**
 * A long chain, a loop, a map, a parallel, a wait, then a failure that compensates: every map is written
 * many times.
 */
const definition: Definition = {
  name: "sharing",
  startAt: "c0",
  states: {
    ...lead,
    count: {
      type: "task",
      action: "transform",
      params: { value: "{% $exists($steps.count) ? $steps.count + 1 : 1 %}" },
      compensateWith: "uncount",
      next: "again",
    },
    again: {
      type: "choice",
      choices: [{ when: "{% $steps.count < 5 %}", next: "count" }],
      otherwise: "each",
    },
    uncount: { type: "compensation", action: "log", params: { message: "undo" } },
    each: {
      type: "map",
      items: "{% [1..6] %}",
      maxConcurrency: 2,
      iterator: {
        startAt: "double",
        states: {
          double: { type: "task", action: "transform", params: { value: "{% $item * 2 %}" }, end: true },
        },
      },
      next: "both",
    },
    both: {
      type: "parallel",
      branches: {
        left: {
          startAt: "nap",
          states: { nap: { type: "wait", duration: "1s", next: "l" }, l: { type: "succeed" } },
        },
        right: {
          startAt: "r",
          states: { r: { type: "task", action: "transform", params: { value: 1 }, end: true } },
        },
      },
      next: "boom",
    },
    boom: { type: "task", action: "fail", end: true },
  },
};

async function history(): Promise<{ event: RunEvent; at: string }[]> {
  const result = await simulate({
    definition,
    evaluate,
    actions: simulatedBuiltins(),
    outcomes: { boom: { fail: "Boom", message: "no" } },
  });
  expect(result.snapshot.status).toBe("compensated");
  return result.history;
}

describe("cloneSnapshot hands the big maps over", () => {
  it("every snapshot of a history still reads as it was made, once later ones reused its maps", async () => {
    const events = await history();
    const kept: { snapshot: RunSnapshot; json: string }[] = [];
    let snapshot: RunSnapshot | undefined;
    for (const { event, at } of events) {
      snapshot = fold(snapshot, event, at);
      kept.push({ snapshot, json: JSON.stringify(snapshot) });
    }
    expect(kept.length).toBeGreaterThan(60);
    // Newest first and oldest first: a read rebuilds from whichever maps are current then.
    for (const { snapshot: held, json } of [...kept].reverse()) expect(JSON.stringify(held)).toBe(json);
    for (const { snapshot: held, json } of kept) expect(JSON.stringify(held)).toBe(json);
    expect(snapshot).toEqual(foldHistory(events));
  });

  it("shares the maps with its input, copies nothing of them, and the input reads as before", async () => {
    const events = await history();
    const half = Math.floor(events.length * 0.75);
    const input = foldHistory(events.slice(0, half)) as RunSnapshot;
    expect(Object.keys(input.steps).length).toBeGreaterThan(64);
    const before = JSON.stringify(input);
    const steps = input.steps;
    const copy = cloneSnapshot(input);
    expect(copy.steps).toBe(steps);
    for (const { event, at } of events.slice(half)) applyEvent(copy, event, at);
    expect(Object.keys(copy.steps).length).toBeGreaterThan(Object.keys(JSON.parse(before).steps).length);
    expect(JSON.stringify(input)).toBe(before);
    expect(copy).toEqual(foldHistory(events));
  });

  it("a decision abandoned half-way (it threw) leaves its input as it was, and the input can be decided again", async () => {
    const events = await history();
    const third = Math.floor(events.length * 0.7);
    const input = foldHistory(events.slice(0, third)) as RunSnapshot;
    expect(Object.keys(input.steps).length).toBeGreaterThan(64);
    const before = JSON.stringify(input);
    const abandoned = cloneSnapshot(input);
    for (const { event, at } of events.slice(third, third + 20)) applyEvent(abandoned, event, at);
    // The second try starts from the same input and folds the rest of the history.
    let again = cloneSnapshot(input);
    for (const { event, at } of events.slice(third)) again = applyEvent(again, event, at);
    expect(JSON.stringify(input)).toBe(before);
    expect(again).toEqual(foldHistory(events));
    expect(abandoned).toEqual(foldHistory(events.slice(0, third + 20)));
  });

  it("a frozen input is copied, not handed over", () => {
    const snapshot = Object.freeze({ ...foldOne(), steps: Object.freeze({ a: 1 }) }) as RunSnapshot;
    const copy = cloneSnapshot(snapshot);
    expect(copy.steps).not.toBe(snapshot.steps);
    expect(copy.steps).toEqual({ a: 1 });
  });
});

function foldOne(): RunSnapshot {
  return fold(
    undefined,
    { type: "RunStarted", runId: "r", workflow: "w", version: 1, input: null, deadlineAt: null },
    "2026-01-01T00:00:00.000Z",
  );
}
