import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Definition, RunEvent } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { definitionToGraph } from "../../canvas/utils/definition-to-graph";
import { stateOfEvent } from "./describe-event";
import { buildGantt, MAX_BARS_PER_ROW } from "./gantt";
import { availableActions } from "./operator-actions";
import { deriveOverlay } from "./overlay";
import { createRunModel, foldIntoRunModel, type RunHistoryEvent, type RunModel } from "./run-model";

const examples = join(import.meta.dirname, "../../../../../examples");
const example = (name: string) =>
  JSON.parse(readFileSync(join(examples, `${name}.json`), "utf8")) as Definition;

/** Folds events stamped one second apart, as the server would stream them. */
function fold(events: RunEvent[], model: RunModel = createRunModel("r1")): RunModel {
  const base = Date.parse("2026-11-30T10:00:00.000Z");
  for (const event of events) {
    const seq = model.lastSeq + 1;
    const stored: RunHistoryEvent = {
      runId: "r1",
      seq,
      at: new Date(base + seq * 1000).toISOString(),
      event,
    };
    foldIntoRunModel(model, stored);
  }
  return model;
}

const key = (stateId: string, visit = 1) => `r1:${stateId}:${visit}`;
const started = (stateId: string, attempt = 1, visit = 1): RunEvent => ({
  type: "StepAttemptStarted",
  scope: "",
  stateId,
  visit,
  attempt,
  idempotencyKey: key(stateId, visit),
  action: "x",
  params: { p: stateId },
  timeoutMs: 60_000,
});
const entered = (stateId: string, stateType = "task", visit = 1): RunEvent => ({
  type: "StateEntered",
  scope: "",
  stateId,
  visit,
  stateType,
});
const succeeded = (stateId: string, output: unknown = {}, attempt = 1, visit = 1): RunEvent =>
  ({
    type: "StepSucceeded",
    scope: "",
    stateId,
    visit,
    attempt,
    idempotencyKey: key(stateId, visit),
    output,
    durationMs: 5,
  }) as RunEvent;

const validationError = { error: "ValidationError", message: "2 foreign key violations" };
const badMigration: RunEvent[] = [
  { type: "RunStarted", runId: "r1", workflow: "db-migration", version: 1, input: {}, deadlineAt: null },
  entered("backup_database"),
  started("backup_database"),
  succeeded("backup_database", { path: "b.db" }),
  entered("apply_migration"),
  started("apply_migration"),
  {
    ...(succeeded("apply_migration", { changes: 4 }) as object),
    compensateWith: "restore_backup",
  } as RunEvent,
  entered("validate_data"),
  started("validate_data"),
  {
    type: "StepAttemptFailed",
    scope: "",
    stateId: "validate_data",
    visit: 1,
    attempt: 1,
    idempotencyKey: key("validate_data"),
    error: validationError,
    durationMs: 3,
    willRetry: false,
    retryAt: null,
  },
  { type: "StepFailed", scope: "", stateId: "validate_data", visit: 1, error: validationError, attempts: 1 },
  { type: "CompensationStarted", cause: "failure", error: validationError, entries: 1 },
  {
    type: "CompensationStepStarted",
    taskStateId: "apply_migration",
    compensationStateId: "restore_backup",
    scope: "",
    visit: 1,
    attempt: 1,
    idempotencyKey: "r1:restore_backup:1",
    action: "sqlite.restore",
    params: { from: "b.db" },
    timeoutMs: 60_000,
  },
  {
    type: "CompensationStepSucceeded",
    taskStateId: "apply_migration",
    compensationStateId: "restore_backup",
    scope: "",
    visit: 1,
    attempt: 1,
    idempotencyKey: "r1:restore_backup:1",
    output: { restored: true },
    durationMs: 4,
  },
  { type: "RunCompensated", error: validationError, canceled: false },
];

describe("a failed db-migration run, folded", () => {
  const model = fold(badMigration);
  const graph = definitionToGraph(example("db-migration"));
  const overlay = deriveOverlay(model, graph.edges);

  it("ends compensated, with the failed step, its error and its attempt", () => {
    expect(model.status).toBe("compensated");
    expect(model.error).toEqual(validationError);
    const failed = model.steps.validate_data!;
    expect(failed.status).toBe("failed");
    expect(failed.error).toEqual(validationError);
    expect(failed.attempts).toHaveLength(1);
    expect(failed.attempts[0]).toMatchObject({ outcome: "failed", idempotencyKey: "r1:validate_data:1" });
    expect(model.steps.backup_database!.output).toEqual({ path: "b.db" });
  });

  it("numbers the compensation trace and marks the undone task and its compensation", () => {
    expect(model.compensations.map((c) => [c.order, c.taskStateId, c.status])).toEqual([
      [1, "apply_migration", "succeeded"],
    ]);
    expect(overlay.nodes.apply_migration?.phase).toBe("compensated");
    expect(overlay.nodes.restore_backup).toMatchObject({ phase: "compensated", compensationOrder: 1 });
    expect(overlay.edges["apply_migration:compensation"]).toEqual({
      compensationOrder: 1,
      compensationPhase: "done",
    });
  });

  it("draws the path taken and dims the rest", () => {
    const taken = Object.entries(overlay.edges)
      .filter(([, e]) => e.taken)
      .map(([id]) => id)
      .sort();
    expect(taken).toEqual(["apply_migration:next", "backup_database:next"]);
    expect(overlay.nodes.validate_data?.phase).toBe("failed");
    expect(overlay.nodes.cleanup_backup).toBeUndefined();
    expect(overlay.dimUnreached).toBe(true);
  });

  it("keeps entries that did not change, so their nodes do not re-render", () => {
    const again = deriveOverlay(model, graph.edges, overlay);
    expect(again.nodes.validate_data).toBe(overlay.nodes.validate_data);
    expect(again.edges["apply_migration:compensation"]).toBe(overlay.edges["apply_migration:compensation"]);
  });

  it("builds a Gantt row per state and per compensation, in order", () => {
    const gantt = buildGantt(model, Date.parse("2026-11-30T12:00:00Z"));
    expect(gantt.rows.map((r) => r.label)).toEqual([
      "backup_database",
      "apply_migration",
      "validate_data",
      "1. ↩ restore_backup",
    ]);
    expect(gantt.rows[2]!.bars[0]!.tone).toBe("failed");
    expect(gantt.endMs).toBeGreaterThan(gantt.startMs);
  });

  it("ignores an event it already folded (a reconnect may replay one)", () => {
    const copy = fold(badMigration);
    foldIntoRunModel(copy, {
      runId: "r1",
      seq: 3,
      at: "2026-11-30T11:00:00Z",
      event: started("backup_database", 2),
    });
    expect(copy.steps.backup_database!.attempts).toHaveLength(1);
  });

  it("names the state of each event", () => {
    expect(stateOfEvent(badMigration[9]!)).toBe("validate_data");
    expect(stateOfEvent(badMigration[12]!)).toBe("restore_backup");
    expect(stateOfEvent(badMigration[0]!)).toBeUndefined();
  });
});

describe("a retry loop, folded live", () => {
  const graph = definitionToGraph(example("retry-loop"));

  it("shows the active state, then retries, the otherwise branch and the loop back", () => {
    const model = fold([
      { type: "RunStarted", runId: "r1", workflow: "retry-loop", version: 1, input: {}, deadlineAt: null },
      entered("poll_job"),
      started("poll_job"),
    ]);
    expect(deriveOverlay(model, graph.edges).nodes.poll_job?.phase).toBe("active");
    fold(
      [
        {
          type: "StepAttemptFailed",
          scope: "",
          stateId: "poll_job",
          visit: 1,
          attempt: 1,
          idempotencyKey: key("poll_job"),
          error: { error: "JobServiceUnavailable", message: "try again" },
          durationMs: 1,
          willRetry: true,
          retryAt: "2026-11-30T10:00:05.000Z",
        },
        started("poll_job", 2),
        succeeded("poll_job", { polls: 1, done: false }, 2),
        entered("check_done", "choice"),
        {
          type: "ChoiceTaken",
          scope: "",
          stateId: "check_done",
          visit: 1,
          next: "wait_before_polling",
          rule: null,
        },
        entered("wait_before_polling", "wait"),
        {
          type: "TimerStarted",
          timerId: "t1",
          purpose: "wait",
          fireAt: "2026-11-30T10:00:12.000Z",
          scope: "",
          stateId: "wait_before_polling",
          visit: 1,
        },
      ],
      model,
    );
    let overlay = deriveOverlay(model, graph.edges);
    expect(model.status).toBe("waiting");
    expect(overlay.nodes.poll_job).toMatchObject({ phase: "succeeded", attempts: 2 });
    expect(overlay.nodes.wait_before_polling?.phase).toBe("waiting");
    expect(overlay.edges["check_done:otherwise"]).toEqual({ taken: true });
    expect(overlay.edges["check_done:choice:0"]).toBeUndefined();

    fold(
      [
        { type: "TimerFired", timerId: "t1", purpose: "wait" },
        entered("poll_job", "task", 2),
        started("poll_job", 1, 2),
        succeeded("poll_job", { polls: 2, done: true }, 1, 2),
        entered("check_done", "choice", 2),
        { type: "ChoiceTaken", scope: "", stateId: "check_done", visit: 2, next: "job_done", rule: 0 },
        entered("job_done", "succeed"),
        { type: "RunSucceeded", output: { polls: 2 } },
      ],
      model,
    );
    overlay = deriveOverlay(model, graph.edges, overlay);
    expect(model.status).toBe("succeeded");
    expect(overlay.edges["wait_before_polling:next"]).toEqual({ taken: true });
    expect(overlay.edges["check_done:choice:0"]).toEqual({ taken: true });
    expect(overlay.nodes.job_done?.phase).toBe("succeeded"); // a succeed state ends with its run
    expect(model.steps.poll_job!.visits).toBe(2);
    expect(buildGantt(model, 0).rows.find((r) => r.stateId === "wait_before_polling")?.bars[0]?.tone).toBe(
      "done",
    );
  });
});

describe("operator actions offered", () => {
  const none = { awaiting: {}, suspension: null, compensation: null, scopes: {} };

  it("offers approve/reject for an approval signal and cancel while it waits", () => {
    const actions = availableActions("waiting", {
      ...none,
      awaiting: {
        "": { scope: "", stateId: "wait_for_approval", visit: 1, signal: "approval", timeoutAt: null },
      },
    });
    expect(actions.signals).toEqual([{ name: "approval", stateId: "wait_for_approval", approval: true }]);
    expect(actions.cancel).toBe(true);
    expect(actions.resume).toBe(false);
  });

  it("offers resume and resolve for a failed run, retry and resolve for a failed compensation", () => {
    const failed = availableActions("failed", {
      ...none,
      scopes: { "": { current: "backup_database" } as never },
    });
    expect(failed).toMatchObject({ resume: true, cancel: false, resolve: { stateId: "backup_database" } });
    expect(failed.compensate).toBe(false); // nothing on its stack to undo
    const entry = { taskStateId: "a", compensationStateId: "undo_a", scope: "", visit: 1, output: null };
    const aborted = availableActions("failed", { ...none, compensationStack: [entry] });
    expect(aborted.compensate).toBe(true);
    expect(availableActions("compensated", { ...none, compensationStack: [entry] }).compensate).toBe(false);
    const stuck = availableActions("compensation_failed", {
      ...none,
      compensation: {
        cause: "failure",
        error: null,
        exec: null,
        failed: { taskStateId: "a", compensationStateId: "undo_a", error: validationError },
      },
    });
    expect(stuck).toMatchObject({
      retryCompensation: true,
      resume: false,
      resolve: { stateId: "undo_a", compensation: true },
    });
  });

  it("offers only restore for a corrupt history, and nothing for a finished run", () => {
    const corrupt = availableActions("suspended", {
      ...none,
      suspension: { reason: "corrupt_history", message: "bad hash", lastGoodSeq: 4 },
    });
    expect(corrupt).toMatchObject({ restore: true, resume: false, resolve: null });
    const done = availableActions("succeeded", none);
    expect(done).toEqual({
      cancel: false,
      resume: false,
      retryCompensation: false,
      compensate: false,
      resolve: null,
      restore: false,
      signals: [],
    });
  });
});

describe("a long loop in the Gantt", () => {
  it("draws the latest attempts of a row only, numbered as they ran", () => {
    const events: RunEvent[] = [
      { type: "RunStarted", runId: "r1", workflow: "loop", version: 1, input: {}, deadlineAt: null },
    ];
    for (let visit = 1; visit <= MAX_BARS_PER_ROW + 50; visit++) {
      events.push(entered("poll", "task", visit), started("poll", 1, visit), succeeded("poll", {}, 1, visit));
    }
    const gantt = buildGantt(fold(events), 0);
    const bars = gantt.rows[0]!.bars;
    expect(bars).toHaveLength(MAX_BARS_PER_ROW);
    expect(bars.at(-1)!.label).toContain(`visit ${MAX_BARS_PER_ROW + 50}`);
  });
});

describe("one fold: the run view reads where the run stands from the engine", () => {
  const runStarted: RunEvent = {
    type: "RunStarted",
    runId: "r1",
    workflow: "fan",
    version: 1,
    input: {},
    deadlineAt: null,
  };
  const inBranch = (scope: string, stateId: string): { scope: string; stateId: string; visit: number } => ({
    scope,
    stateId,
    visit: 1,
  });
  /** Branch b's task runs, then branch a starts waiting on a timer (the web used to call that "waiting"). */
  const fanOut: RunEvent[] = [
    runStarted,
    entered("fan", "parallel"),
    { type: "ParallelStarted", scope: "", stateId: "fan", visit: 1, branches: { a: "fan.a", b: "fan.b" } },
    { type: "StateEntered", ...inBranch("fan.b", "work"), stateType: "task" },
    {
      type: "StepAttemptStarted",
      ...inBranch("fan.b", "work"),
      attempt: 1,
      idempotencyKey: "r1:fan.b/work:1",
      action: "x",
      params: {},
      timeoutMs: 1000,
    },
    { type: "StateEntered", ...inBranch("fan.a", "pause"), stateType: "wait" },
    {
      type: "TimerStarted",
      timerId: "wait:r1:fan.a/pause:1",
      purpose: "wait",
      fireAt: "2026-11-30T10:05:00.000Z",
      ...inBranch("fan.a", "pause"),
    },
  ];

  it("is running while a branch waits and another branch's attempt runs, as the engine says", () => {
    const model = fold(fanOut);
    expect(model.snapshot?.status).toBe("running");
    expect(model.status).toBe("running");
    expect(model.steps.pause?.status).toBe("waiting");
    expect(model.steps.work?.status).toBe("running");
  });

  it("waits once nothing runs, and shows the engine's words for a timeout", () => {
    const model = fold([
      ...fanOut,
      {
        type: "StepTimedOut",
        ...inBranch("fan.b", "work"),
        attempt: 1,
        idempotencyKey: "r1:fan.b/work:1",
        timeoutMs: 1000,
        willRetry: false,
        retryAt: null,
        nextTimeoutMs: 2000,
        extended: false,
      },
    ]);
    expect(model.status).toBe("waiting");
    const error = model.snapshot?.stateRuns.work?.lastError;
    expect(error).toEqual({ error: "Timeout", message: "attempt 1 timed out after 1000 ms" });
    expect(model.steps.work?.error).toBe(error);
    expect(model.steps.work?.attempts[0]).toMatchObject({ outcome: "timed_out", error });
  });

  it("keeps every step's status equal to the engine's record where the engine has one", () => {
    const model = fold(badMigration);
    const engine = model.snapshot!.stateRuns;
    expect(model.steps.backup_database?.status).toBe(engine.backup_database?.status);
    expect(model.steps.apply_migration?.status).toBe(engine.apply_migration?.status);
    expect(model.steps.validate_data?.status).toBe(engine.validate_data?.status);
    // A compensation state's "succeeded" is drawn as "compensated".
    expect(engine.restore_backup?.status).toBe("succeeded");
    expect(model.steps.restore_backup?.status).toBe("compensated");
  });
});
