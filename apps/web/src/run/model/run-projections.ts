import type { RunEvent, RunEventOf, RunEventType, StateRunStatus } from "@sagaflow/shared";
import type {
  AttemptRecord,
  BeforeEvent,
  CompensationTraceEntry,
  RunHistoryEvent,
  RunModel,
  StepRecord,
  StepStatus,
} from "./run-model";

/**
 * The run view's own projections of each event, applied after the engine's fold (run-model.ts): attempts,
 * spans, transitions, the numbered compensation trace. A step's status is the engine's (`statusOf`), except
 * where the engine's per-state records say nothing: those few endings are written here, and say so.
 *
 * One handler per event type, in a `Record` over `RunEvent["type"]`: a new event type does not compile
 * until the run view says what it does with it.
 */

interface EventContext {
  at: string;
  seq: number;
  before: BeforeEvent;
}

type Projections = {
  [K in RunEventType]: (model: RunModel, event: RunEventOf<K>, context: EventContext) => void;
};

export function projectEvent(model: RunModel, stored: RunHistoryEvent, before: BeforeEvent): void {
  const project = PROJECTIONS[stored.event.type] as (
    model: RunModel,
    event: RunEvent,
    context: EventContext,
  ) => void;
  project(model, stored.event, { at: stored.at, seq: stored.seq, before });
}

export const transitionKey = (from: string, to: string) => `${from}->${to}`;

const nothing = () => {};

const PROJECTIONS: Projections = {
  RunStarted: nothing,
  StateEntered(model, event, { at, seq, before }) {
    const step = stepOf(model, event.stateId, at, seq);
    step.stateType = event.stateType;
    step.scope = event.scope;
    step.visits = Math.max(step.visits, event.visit);
    step.status = statusOf(model, step);
    step.lastEnteredAt = at;
    step.endedAt = null;
    step.caughtError = event.error ?? null;
    step.spans.push({ startedAt: at, endedAt: null, seq });
    if (before.previous !== null) {
      const via = event.error
        ? { kind: "catch" as const }
        : (model.pendingVia[event.scope] ?? { kind: "next" });
      model.transitions[transitionKey(before.previous, event.stateId)] = {
        from: before.previous,
        to: event.stateId,
        via,
      };
    }
    delete model.pendingVia[event.scope];
  },
  StepAttemptStarted(model, event, { at, seq }) {
    const step = stepOf(model, event.stateId, at, seq);
    step.status = statusOf(model, step);
    step.params = event.params;
    step.idempotencyKey = event.idempotencyKey;
    step.attempts.push(startedAttempt(event, at, seq, model.snapshot?.version ?? model.version));
  },
  StepAttemptAbandoned: nothing,
  StepAttemptFailed(model, event, { at, seq }) {
    const step = stepOf(model, event.stateId, at, seq);
    endAttempt(attemptOf(step.attempts, event.attempt, event.visit), at, {
      outcome: "failed",
      error: event.error,
      retryAt: event.retryAt,
      durationMs: event.durationMs,
    });
    step.error = event.error;
    step.status = event.willRetry ? "retrying" : statusOf(model, step);
  },
  StepTimedOut(model, event, { at, seq }) {
    const step = stepOf(model, event.stateId, at, seq);
    // The engine words the timeout; the view shows its words.
    const error = model.snapshot?.stateRuns[event.stateId]?.lastError ?? null;
    endAttempt(attemptOf(step.attempts, event.attempt, event.visit), at, {
      outcome: "timed_out",
      error,
      retryAt: event.retryAt,
    });
    step.error = error;
    step.status = event.willRetry ? "retrying" : statusOf(model, step);
  },
  StepSucceeded(model, event, { at, seq }) {
    const step = stepOf(model, event.stateId, at, seq);
    endAttempt(attemptOf(step.attempts, event.attempt, event.visit), at, {
      outcome: "succeeded",
      durationMs: event.durationMs,
    });
    step.output = event.output;
    step.error = null;
    endStep(step, statusOf(model, step), at);
  },
  StepResolved(model, event, { at, seq }) {
    const step = stepOf(model, event.stateId, at, seq);
    interruptRunningAttempts(step.attempts);
    step.output = event.output;
    step.resolvedBy = event.by;
    endStep(step, statusOf(model, step), at);
  },
  StepFailed(model, event, { at, seq }) {
    const step = stepOf(model, event.stateId, at, seq);
    step.error = event.error;
    endStep(step, statusOf(model, step), at);
  },
  StepWarned(model, event, { at, seq }) {
    const step = stepOf(model, event.stateId, at, seq);
    step.error = event.error;
    step.output = null;
    endStep(step, statusOf(model, step), at);
  },
  ChoiceTaken(model, event, { at, seq }) {
    const step = stepOf(model, event.stateId, at, seq);
    step.output = { next: event.next, rule: event.rule, ...(event.label ? { label: event.label } : {}) };
    endStep(step, statusOf(model, step), at);
    model.pendingVia[event.scope] = { kind: "choice", rule: event.rule };
  },
  TimerStarted(model, event, { at, seq }) {
    if (event.purpose !== "wait" || !event.stateId) return;
    const step = stepOf(model, event.stateId, at, seq);
    step.status = statusOf(model, step);
  },
  TimerFired(model, _event, { at, seq, before }) {
    const timer = before.timer;
    if (!timer?.stateId) return;
    const step = stepOf(model, timer.stateId, at, seq);
    if (timer.purpose === "wait") endStep(step, statusOf(model, step), at);
    if (timer.purpose === "signalTimeout") {
      // The engine's record of the state stays "waiting"; the view shows that no signal came.
      endStep(step, "failed", at);
      step.error = { error: "SignalTimeout", message: `no ${step.signal ?? "signal"} in time` };
      if (timer.scope !== undefined) model.pendingVia[timer.scope] = { kind: "timeout" };
    }
  },
  SignalAwaited(model, event, { at, seq }) {
    const step = stepOf(model, event.stateId, at, seq);
    step.signal = event.signal;
    step.status = statusOf(model, step);
  },
  SignalReceived(model, event, { at, seq }) {
    if (!event.delivered) return;
    const step = stepOf(model, event.delivered.stateId, at, seq);
    step.output = event.payload;
    step.resolvedBy = event.by;
    endStep(step, statusOf(model, step), at);
  },
  ParallelStarted: nothing,
  BranchCompleted: (model, event, { at }) => endFinalStates(model, inside(event.branchScope), at),
  BranchFailed(model, event, context) {
    endFinalStates(model, inside(event.branchScope), context.at);
    failContainer(model, event, context);
  },
  ParallelCompleted: completeContainer,
  MapStarted: nothing,
  IterationStarted: nothing,
  IterationCompleted: (model, event, { at }) => endFinalStates(model, inside(event.iterationScope), at),
  IterationFailed(model, event, context) {
    endFinalStates(model, inside(event.iterationScope), context.at);
    failContainer(model, event, context);
  },
  MapCompleted: completeContainer,
  ScopeCanceled(model, event, { at }) {
    // The engine cancels the scope; its per-state records keep the last status, the view ends them.
    for (const step of Object.values(model.steps)) {
      if (isOpen(step) && step.attempts.at(-1)?.scope === event.scope) endStep(step, "canceled", at);
    }
  },
  CompensationStarted: (model, _event, { at }) => endFinalStates(model, () => true, at),
  CompensationStepStarted(model, event, { at, seq }) {
    let record = compensationOf(model, event);
    if (!record || record.status === "succeeded" || record.status === "resolved") {
      record = {
        order: model.compensations.length + 1,
        taskStateId: event.taskStateId,
        compensationStateId: event.compensationStateId,
        scope: event.scope,
        visit: event.visit,
        status: "running",
        attempts: [],
        startedAt: at,
        endedAt: null,
        error: null,
        output: undefined,
        resolvedBy: null,
      };
      model.compensations.push(record);
    }
    record.status = "running";
    record.attempts.push(startedAttempt(event, at, seq, model.snapshot?.version ?? model.version));
    const task = stepOf(model, event.taskStateId, at, seq);
    task.status = statusOf(model, task);
    const undo = stepOf(model, event.compensationStateId, at, seq);
    undo.stateType = "compensation";
    undo.status = statusOf(model, undo);
    undo.params = event.params;
    undo.idempotencyKey = event.idempotencyKey;
    undo.lastEnteredAt = record.startedAt;
    undo.endedAt = null;
  },
  CompensationStepFailed(model, event, { at, seq }) {
    const record = compensationOf(model, event);
    if (!record) return;
    endAttempt(attemptOf(record.attempts, event.attempt, event.visit), at, {
      outcome: event.timedOut ? "timed_out" : "failed",
      error: event.error,
      retryAt: event.retryAt,
      durationMs: event.durationMs,
    });
    record.error = event.error;
    record.status = event.willRetry ? "retrying" : "failed";
    const undo = stepOf(model, event.compensationStateId, at, seq);
    undo.error = event.error;
    // The last attempt failed: the view shows the compensation failed before CompensationFailed says so.
    if (!event.willRetry) endStep(undo, "compensation_failed", at);
  },
  CompensationStepSucceeded: compensationDone,
  CompensationStepResolved: compensationDone,
  CompensationFailed(model, event, { at, seq }) {
    const record = compensationOf(model, event);
    if (record) {
      record.status = "failed";
      record.error = event.error;
      record.endedAt = at;
    }
    const undo = stepOf(model, event.compensationStateId, at, seq);
    undo.stateType = "compensation";
    endStep(undo, statusOf(model, undo), at);
  },
  CompensationRetried: nothing,
  RunSucceeded: (model, _event, { at }) => endFinalStates(model, () => true, at),
  RunFailed: (model, _event, { at }) => endFinalStates(model, () => true, at),
  RunCompensated: nothing,
  RunSuspended(model, event, { at, seq }) {
    model.suspendedAt = at;
    if (!event.stateId) return;
    // The engine suspends the run; the view marks the step whose outcome is unknown.
    const step = stepOf(model, event.stateId, at, seq);
    interruptRunningAttempts(step.attempts);
    step.status = "failed";
    step.error = { error: "OutcomeUnknown", message: event.message };
  },
  RunResumed(model) {
    model.suspendedAt = null;
  },
  RunCanceled(model, _event, { at }) {
    // The engine stops the run; its per-state records keep the last status, the view ends the open ones.
    for (const step of Object.values(model.steps)) if (isOpen(step)) endStep(step, "canceled", at);
  },
  HistoryRestored: nothing,
  RunMovedToVersion(model, event, { seq }) {
    // Steps that ended before the move ran on the old version; the fold's `version` is the new one.
    model.moves.push({ from: event.from, to: event.to, by: event.by, seq });
  },
};

/** How the view names the engine's status of a compensation state. */
export const COMPENSATION_STEP: Partial<Record<StateRunStatus, StepStatus>> = {
  running: "compensating",
  succeeded: "compensated",
  failed: "compensation_failed",
};

/** The step's status as the engine's fold has it (its `stateRuns` record), once the event is folded. */
function statusOf(model: RunModel, step: StepRecord): StepStatus {
  const run = model.snapshot?.stateRuns[step.stateId];
  if (!run) return step.status;
  return step.stateType === "compensation" ? (COMPENSATION_STEP[run.status] ?? run.status) : run.status;
}

const isOpen = (step: StepRecord) =>
  step.status === "running" || step.status === "retrying" || step.status === "waiting";

const inside = (ended: string) => (scope: string) => scope === ended || scope.startsWith(`${ended}/`);

function completeContainer(
  model: RunModel,
  event: RunEventOf<"ParallelCompleted" | "MapCompleted">,
  { at, seq }: EventContext,
): void {
  const step = stepOf(model, event.stateId, at, seq);
  step.output = event.output;
  endStep(step, statusOf(model, step), at);
}

/** A branch or iteration failed: the view shows its parallel or map state failed with its error. */
function failContainer(
  model: RunModel,
  event: RunEventOf<"BranchFailed" | "IterationFailed">,
  { at, seq }: EventContext,
): void {
  const step = stepOf(model, event.stateId, at, seq);
  step.error = event.error;
  endStep(step, "failed", at);
}

function compensationDone(
  model: RunModel,
  event: RunEventOf<"CompensationStepSucceeded" | "CompensationStepResolved">,
  { at, seq }: EventContext,
): void {
  const record = compensationOf(model, event);
  if (!record) return;
  if (event.type === "CompensationStepSucceeded") {
    endAttempt(attemptOf(record.attempts, event.attempt, event.visit), at, {
      outcome: "succeeded",
      durationMs: event.durationMs,
    });
    record.status = "succeeded";
  } else {
    record.status = "resolved";
    record.resolvedBy = event.by;
  }
  record.output = event.output;
  record.endedAt = at;
  record.error = null;
  // The task keeps the timings of its own run; only its status says it was undone.
  const task = stepOf(model, event.taskStateId, at, seq);
  task.status = statusOf(model, task);
  const undo = stepOf(model, event.compensationStateId, at, seq);
  undo.output = event.output;
  undo.error = null;
  endStep(undo, statusOf(model, undo), at);
}

const msBetween = (from: string, to: string) => Math.max(0, Date.parse(to) - Date.parse(from));

function attemptOf(attempts: AttemptRecord[], attempt: number, visit: number): AttemptRecord | undefined {
  for (let i = attempts.length - 1; i >= 0; i--) {
    const a = attempts[i]!;
    if (a.attempt === attempt && a.visit === visit) return a;
  }
  return undefined;
}

/** A step's and a compensation's attempt start alike: both events carry the same attempt fields. */
function startedAttempt(
  started: Pick<AttemptRecord, "attempt" | "visit" | "scope" | "params" | "timeoutMs" | "idempotencyKey">,
  at: string,
  seq: number,
  version: number,
): AttemptRecord {
  return {
    attempt: started.attempt,
    visit: started.visit,
    scope: started.scope,
    startedAt: at,
    endedAt: null,
    durationMs: null,
    params: started.params,
    timeoutMs: started.timeoutMs,
    idempotencyKey: started.idempotencyKey,
    outcome: "running",
    error: null,
    retryAt: null,
    seq,
    version,
  };
}

/** An attempt still running when its step ends another way (resolved by hand, suspended) was cut off. */
function interruptRunningAttempts(attempts: AttemptRecord[]): void {
  for (const attempt of attempts) if (attempt.outcome === "running") attempt.outcome = "interrupted";
}

function endAttempt(record: AttemptRecord | undefined, at: string, patch: Partial<AttemptRecord>): void {
  if (!record) return;
  Object.assign(record, { endedAt: at, durationMs: msBetween(record.startedAt, at), ...patch });
}

function stepOf(model: RunModel, stateId: string, at: string, seq: number): StepRecord {
  let step = model.steps[stateId];
  if (!step) {
    step = {
      stateId,
      stateType: "",
      scope: "",
      visits: 0,
      status: "running",
      firstEnteredAt: at,
      lastEnteredAt: at,
      endedAt: null,
      attempts: [],
      output: undefined,
      error: null,
      caughtError: null,
      idempotencyKey: null,
      params: undefined,
      resolvedBy: null,
      signal: null,
      firstSeq: seq,
      spans: [],
    };
    model.steps[stateId] = step;
  }
  return step;
}

function endStep(step: StepRecord, status: StepStatus, at: string): void {
  step.status = status;
  step.endedAt = at;
  const span = step.spans.at(-1);
  if (span && span.endedAt === null) span.endedAt = at;
}

/**
 * `succeed` and `fail` states end with their scope (no step event of their own, and the engine's records
 * keep them running): close those still open in the scopes that ended.
 */
function endFinalStates(model: RunModel, inScope: (scope: string) => boolean, at: string): void {
  for (const step of Object.values(model.steps)) {
    if (step.status !== "running" || !inScope(step.scope)) continue;
    if (step.stateType === "succeed") endStep(step, "succeeded", at);
    if (step.stateType === "fail") endStep(step, "failed", at);
  }
}

/** The open compensation of an entry (the latest one for that task, scope and visit). */
function compensationOf(
  model: RunModel,
  entry: { taskStateId: string; scope: string; visit: number },
): CompensationTraceEntry | undefined {
  for (let i = model.compensations.length - 1; i >= 0; i--) {
    const c = model.compensations[i]!;
    if (c.taskStateId === entry.taskStateId && c.scope === entry.scope && c.visit === entry.visit) return c;
  }
  return undefined;
}
