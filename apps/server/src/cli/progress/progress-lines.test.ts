import { foldHistory } from "@sagaflow/engine/core";
import type { RunEvent } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import {
  initialProgress,
  nextProgress,
  type ProgressEvent,
  type ProgressState,
  replayProgress,
} from "./progress-lines";

const options = {
  resumeCommand: (runId: string) => `sagaflow resume ${runId} --db runs.db`,
  signalCommand: (runId: string, signal: string) => `sagaflow signal ${runId} ${signal} --db runs.db`,
};
const AT = "2030-01-01T00:00:00.000Z";

function printAll(events: RunEvent[], state: ProgressState = initialProgress()): string[] {
  const lines: string[] = [];
  events.forEach((event, index) => {
    const step = nextProgress(state, { seq: index + 1, at: AT, event }, options);
    state = step.state;
    lines.push(...step.lines);
  });
  return lines;
}

const top = { scope: "", visit: 1 };
const attempt = (stateId: string, n = 1) => ({
  ...top,
  stateId,
  attempt: n,
  idempotencyKey: `r1:${stateId}:1`,
});
const entered = (stateId: string): RunEvent => ({ type: "StateEntered", ...top, stateId, stateType: "task" });
const started = (stateId: string): RunEvent => ({
  type: "StepAttemptStarted",
  ...attempt(stateId),
  action: "x",
  params: {},
  timeoutMs: 60_000,
});
const succeeded = (stateId: string, durationMs: number): RunEvent => ({
  type: "StepSucceeded",
  ...attempt(stateId),
  output: {},
  durationMs,
});
const runStarted: RunEvent = {
  type: "RunStarted",
  runId: "01RUN",
  workflow: "db-migration",
  version: 1,
  input: {},
  deadlineAt: null,
};
const violation = { error: "ValidationError", message: "2 foreign key violations" };

describe("progress lines", () => {
  it("reads like SPEC §5's example for a compensated run", () => {
    const lines = printAll([
      runStarted,
      entered("backup_database"),
      started("backup_database"),
      succeeded("backup_database", 12),
      entered("apply_migration"),
      started("apply_migration"),
      succeeded("apply_migration", 8),
      entered("validate_data"),
      started("validate_data"),
      {
        type: "StepAttemptFailed",
        ...attempt("validate_data"),
        error: violation,
        durationMs: 1,
        willRetry: false,
        retryAt: null,
      },
      { type: "StepFailed", ...top, stateId: "validate_data", error: violation, attempts: 1 },
      { type: "CompensationStarted", cause: "failure", error: violation, entries: 1 },
      {
        type: "CompensationStepSucceeded",
        taskStateId: "apply_migration",
        compensationStateId: "restore_backup",
        scope: "",
        visit: 1,
        attempt: 1,
        idempotencyKey: "k",
        output: {},
        durationMs: 3,
      },
      { type: "RunCompensated", error: violation, canceled: false },
    ]);
    expect(lines).toEqual([
      "[START] → backup_database",
      "  ✓ backup_database (12 ms) · checkpoint 4",
      "[backup_database] → apply_migration",
      "  ✓ apply_migration (8 ms) · checkpoint 7",
      "[apply_migration] → validate_data",
      "  ✗ validate_data: ValidationError: 2 foreign key violations",
      "[COMPENSATING]",
      "  ↩ apply_migration → restore_backup ✓",
      "[COMPENSATED] Workflow ended at validate_data",
      "Reason: ValidationError: 2 foreign key violations",
      "Recovery: fix the cause, then `sagaflow resume 01RUN --db runs.db`",
    ]);
  });

  it("words retries with their delay, and a step that failed after several attempts", () => {
    const boom = { error: "Boom", message: "no" };
    const lines = printAll([
      runStarted,
      entered("flaky"),
      started("flaky"),
      {
        type: "StepAttemptFailed",
        ...attempt("flaky"),
        error: boom,
        durationMs: 2,
        willRetry: true,
        retryAt: "2030-01-01T00:00:00.500Z",
      },
      {
        type: "StepTimedOut",
        ...attempt("flaky", 2),
        timeoutMs: 1000,
        willRetry: true,
        retryAt: null,
        nextTimeoutMs: 2000,
        extended: true,
      },
      { type: "StepFailed", ...top, stateId: "flaky", error: boom, attempts: 3 },
      { type: "RunFailed", error: boom },
    ]);
    expect(lines).toEqual([
      "[START] → flaky",
      "  ↻ flaky: Boom: no · attempt 1 failed, retrying in 500 ms",
      "  ⏱ flaky: attempt 2 timed out after 1000 ms, retrying now with 2000 ms",
      "  ✗ flaky: Boom: no (after 3 attempts)",
      "[FAILED] Workflow ended at flaky",
      "Reason: Boom: no",
      "Recovery: fix the cause, then `sagaflow resume 01RUN --db runs.db`",
    ]);
  });

  it("shows waits, signals, choices, caught errors and success", () => {
    const lines = printAll([
      runStarted,
      entered("pause"),
      {
        type: "TimerStarted",
        timerId: "t1",
        purpose: "wait",
        fireAt: "2030-01-01T00:00:05.000Z",
        ...top,
        stateId: "pause",
      },
      { type: "TimerFired", timerId: "t1", purpose: "wait" },
      entered("approve"),
      { type: "SignalAwaited", ...top, stateId: "approve", signal: "approval", timeoutAt: null },
      {
        type: "SignalReceived",
        by: "ana",
        signal: "approval",
        payload: {},
        delivered: { ...top, stateId: "approve" },
      },
      entered("decide"),
      { type: "ChoiceTaken", ...top, stateId: "decide", next: "done", rule: 0, label: "approve" },
      {
        type: "StateEntered",
        ...top,
        stateId: "done",
        stateType: "succeed",
        error: { error: "E", message: "m" },
      },
      { type: "RunSucceeded", output: { ok: true } },
    ]);
    expect(lines).toEqual([
      "[START] → pause",
      "  ⏸ pause: waiting until 2030-01-01T00:00:05.000Z",
      "  ⏵ pause: waited",
      "[pause] → approve",
      '  ⏸ approve: waiting for signal "approval"',
      "    send it with `sagaflow signal 01RUN approval --db runs.db --payload JSON`",
      '  ✉ approve: signal "approval" received from ana · checkpoint 7',
      "[approve] → decide",
      "  ◇ decide: approve",
      "[decide] → done (caught E)",
      "[SUCCEEDED] Workflow completed at done",
      'Output: {"ok":true}',
    ]);
  });

  it("prefixes branch and iteration lines with their scope", () => {
    const lines = printAll([
      runStarted,
      entered("fanout"),
      { type: "ParallelStarted", ...top, stateId: "fanout", branches: { a: "fanout.a", b: "fanout.b" } },
      { type: "StateEntered", scope: "fanout.a", visit: 1, stateId: "fetch_a", stateType: "task" },
      {
        type: "StepSucceeded",
        scope: "fanout.a",
        visit: 1,
        stateId: "fetch_a",
        attempt: 1,
        idempotencyKey: "k",
        output: 1,
        durationMs: 4,
      },
      { type: "ParallelCompleted", ...top, stateId: "fanout", output: {} },
      { type: "MapStarted", ...top, stateId: "each", items: [1, 2], maxConcurrency: 2 },
      { type: "MapCompleted", ...top, stateId: "each", output: [1, 2] },
    ]);
    expect(lines).toEqual([
      "[START] → fanout",
      "  ⇉ fanout: 2 branches (a, b)",
      "  fanout.a ▸ [START] → fetch_a",
      "  fanout.a ▸   ✓ fetch_a (4 ms) · checkpoint 5",
      "  ✓ fanout (all branches) · checkpoint 6",
      "  ⇉ each: 2 items, up to 2 at a time",
      "  ✓ each (2 items) · checkpoint 8",
    ]);
  });

  it("picks up a resumed run where its history stands, printing nothing for the past", () => {
    const history: ProgressEvent[] = [runStarted, entered("a"), started("a")].map((event, index) => ({
      seq: index + 1,
      event,
    }));
    const state = replayProgress(history, options);
    expect(state.runId).toBe("01RUN");
    const step = nextProgress(state, { seq: 4, event: succeeded("a", 1) }, options);
    expect(step.lines).toEqual(["  ✓ a (1 ms) · checkpoint 4"]);
    expect(nextProgress(step.state, { seq: 5, event: entered("b") }, options).lines).toEqual(["[a] → b"]);
  });

  it("words where the run stands from the engine's own fold of the same events", () => {
    const events: RunEvent[] = [runStarted, entered("a"), started("a"), succeeded("a", 3), entered("b")];
    const history = events.map((event, index) => ({ seq: index + 1, at: AT, event }));
    const state = replayProgress(history, options);
    expect(state.snapshot).toEqual(foldHistory(history));
    expect(state.snapshot?.scopes[""]?.current).toBe("b");
    // Delivered twice (a reconnect), an event is worded again but folded once.
    const again = nextProgress(state, history[4]!, options);
    expect(again.lines).toEqual(["[b] → b"]);
    expect(again.state.snapshot?.stateRuns.b?.visits).toBe(1);
  });

  it("names the failed compensation and how to retry it", () => {
    const error = { error: "Disk", message: "full" };
    const ref = { taskStateId: "charge", compensationStateId: "refund", scope: "", visit: 1 };
    const lines = printAll([runStarted, { type: "CompensationFailed", ...ref, error }]);
    expect(lines).toEqual([
      "  ↩ charge → refund ✗ Disk: full",
      "[COMPENSATION FAILED] refund could not undo charge",
      "Reason: Disk: full",
      "Recovery: fix the cause, then `sagaflow resume 01RUN --db runs.db` retries the compensation",
    ]);
  });
});
