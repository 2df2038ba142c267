import type { Definition, TaskState } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { createJsonataEvaluator } from "../runtime/jsonata-evaluator";
import { simulate } from "./simulate";
import { taskWorstMs, timeoutBudget } from "./timeout-budget";

const task = (extra: Partial<TaskState> = {}): TaskState => ({ type: "task", action: "x", ...extra });

describe("taskWorstMs", () => {
  it("a default task: 60s, then the timeout rule's one attempt with twice the timeout", () => {
    expect(taskWorstMs(task())).toBe(180_000);
  });

  it("adds every retry at the extended timeout and the longest backoff before it", () => {
    const retried = task({
      timeout: "10s",
      retry: { maxAttempts: 3, backoff: "exponential", initialDelay: "1s", multiplier: 2 },
    });
    // 10s timed out, 20s extended, then 1s + 20s and 2s + 20s
    expect(taskWorstMs(retried)).toBe(73_000);
    const jittered = task({ timeout: "10s", retry: { maxAttempts: 2, initialDelay: "4s", jitter: true } });
    expect(taskWorstMs(jittered)).toBe(10_000 + 20_000 + 4000 + 20_000);
  });

  it("equals the time a simulated run takes when every attempt times out", async () => {
    for (const retry of [
      undefined,
      { maxAttempts: 4, backoff: "exponential" as const, initialDelay: "2s", maxDelay: "5s" },
      { maxAttempts: 2, onTimeout: { retries: 3, multiplier: 1.5 } },
    ]) {
      const slow = task({ timeout: "10s", ...(retry ? { retry } : {}), end: true });
      const definition: Definition = { name: "one", startAt: "slow", states: { slow } };
      const run = await simulate({
        definition,
        outcomes: { slow: { timeout: true } },
        evaluate: createJsonataEvaluator(),
      });
      expect(run.snapshot.error?.error).toBe("Timeout");
      expect(run.elapsedMs).toBe(taskWorstMs(slow));
    }
  });

  it("an empty retryOn and no timeout rule: one attempt", () => {
    const once = task({
      timeout: "5s",
      retry: { maxAttempts: 9, retryOn: [], onTimeout: { retries: 0, multiplier: 2 } },
    });
    expect(taskWorstMs(once)).toBe(5000);
  });
});

describe("timeoutBudget", () => {
  it("lists each path with its worst case and flags those over the deadline", () => {
    const definition: Definition = {
      name: "paths",
      timeout: "1m",
      startAt: "quick",
      states: {
        quick: {
          type: "task",
          action: "x",
          timeout: "1s",
          retry: { maxAttempts: 1, onTimeout: { retries: 0, multiplier: 2 } },
          next: "route",
        },
        route: { type: "choice", choices: [{ when: "{% true %}", next: "slow" }], otherwise: "pause" },
        slow: { type: "task", action: "x", timeout: "30s", next: "done" },
        pause: { type: "wait", duration: "5s", next: "done" },
        done: { type: "succeed" },
      },
    };
    const budget = timeoutBudget(definition);
    expect(budget.paths).toEqual([
      { steps: ["quick", "route", "slow", "done"], worstMs: 91_000, exceedsDeadline: true },
      { steps: ["quick", "route", "pause", "done"], worstMs: 6000, exceedsDeadline: false },
    ]);
    expect(budget).toMatchObject({
      worstMs: 91_000,
      deadlineMs: 60_000,
      exceedsDeadline: true,
      truncated: false,
    });
  });

  it("counts a loop at its maxVisits and follows catch edges", () => {
    const definition: Definition = {
      name: "loop",
      startAt: "poll",
      states: {
        poll: {
          type: "task",
          action: "x",
          timeout: "1s",
          maxVisits: 3,
          catch: [{ errors: ["*"], next: "gave_up" }],
          next: "check",
        },
        check: { type: "choice", choices: [{ when: "{% true %}", next: "done" }], otherwise: "pause" },
        pause: { type: "wait", duration: "500ms", maxVisits: 3, next: "poll" },
        done: { type: "succeed" },
        gave_up: { type: "fail" },
      },
    };
    const budget = timeoutBudget(definition);
    const loop = 3 * 3000 + 100 * 0 + 3 * 500;
    expect(budget.paths).toEqual([
      { steps: ["(poll → check → pause)×3", "gave_up"], worstMs: loop, exceedsDeadline: false },
      { steps: ["(poll → check → pause)×3", "done"], worstMs: loop, exceedsDeadline: false },
    ]);
    expect(budget.deadlineMs).toBeNull();
  });

  it("takes the slowest parallel branch, map rounds, signal timeouts; a signal without one is unbounded", () => {
    const definition: Definition = {
      name: "nested",
      timeout: "1d",
      startAt: "both",
      states: {
        both: {
          type: "parallel",
          branches: {
            a: { startAt: "a1", states: { a1: { type: "wait", duration: "10s", end: true } } },
            b: { startAt: "b1", states: { b1: { type: "wait", duration: "20s", end: true } } },
          },
          next: "each",
        },
        each: {
          type: "map",
          items: [1, 2, 3],
          maxConcurrency: 2,
          iterator: { startAt: "w", states: { w: { type: "wait", duration: "1s", end: true } } },
          next: "later",
        },
        later: {
          type: "map",
          items: "{% $input.items %}",
          iterator: { startAt: "w2", states: { w2: { type: "wait", duration: "1s", end: true } } },
          next: "ask",
        },
        ask: { type: "signal", signal: "go", timeout: "1h", next: "forever" },
        forever: { type: "signal", signal: "never", end: true },
      },
    };
    const budget = timeoutBudget(definition);
    expect(budget.worstMs).toBe(Number.POSITIVE_INFINITY);
    expect(budget.exceedsDeadline).toBe(true);
    const withoutForever = timeoutBudget({
      ...definition,
      states: { ...definition.states, forever: { type: "succeed" } },
    });
    expect(withoutForever.worstMs).toBe(20_000 + 2000 + 1000 + 3_600_000);
    expect(budget.assumptions).toEqual([
      "later: the item count is known only at run time; counted as one round of 1 item",
      'forever waits for "never" with no timeout: unbounded',
    ]);
  });
});
