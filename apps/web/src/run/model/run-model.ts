import type { JsonValue, RunError, RunEvent, RunStatus } from "@sagaflow/shared";

/**
 * What the run view knows about one run, folded from its events (the history is the truth). Kept apart
 * from the definition: the canvas draws it as an overlay, the inspector, timeline and Gantt read it.
 *
 * `applyEvent` mutates the model it is given: one run view owns one model, and a 100,000-event history
 * must fold without copying. Callers that need change detection compare the derived overlay instead.
 */

/** An event as the server streams it (`StoredEvent` of the engine, with the shared event payload). */
export interface RunHistoryEvent {
  runId: string;
  seq: number;
  at: string;
  event: RunEvent;
}

export type AttemptOutcome = "running" | "succeeded" | "failed" | "timed_out" | "interrupted";

export interface AttemptRecord {
  attempt: number;
  visit: number;
  scope: string;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  params: JsonValue;
  timeoutMs: number;
  idempotencyKey: string;
  outcome: AttemptOutcome;
  error: RunError | null;
  /** When the next attempt was due (a retry's delay), if one followed. */
  retryAt: string | null;
  /** Seq of the event that started it: the timeline scrolls here when its bar is clicked. */
  seq: number;
}

export type StepStatus =
  | "running"
  | "retrying"
  | "waiting"
  | "succeeded"
  | "failed"
  | "warned"
  | "canceled"
  | "compensating"
  | "compensated"
  | "compensation_failed";

export interface StepRecord {
  stateId: string;
  stateType: string;
  /** The scope of its latest visit ("" top level, a branch or an iteration). */
  scope: string;
  visits: number;
  status: StepStatus;
  firstEnteredAt: string;
  lastEnteredAt: string;
  endedAt: string | null;
  attempts: AttemptRecord[];
  output: JsonValue | undefined;
  error: RunError | null;
  /** The error this state was reached with, through a `catch`. */
  caughtError: RunError | null;
  idempotencyKey: string | null;
  /** The params of the latest attempt, after expressions. */
  params: JsonValue | undefined;
  resolvedBy: string | null;
  /** A signal state: the signal it waits for, and the payload it got. */
  signal: string | null;
  firstSeq: number;
  /** One span per visit, for the Gantt of states without attempts (waits, signals, choices). */
  spans: { startedAt: string; endedAt: string | null; seq: number }[];
}

export type CompensationStatus = "running" | "retrying" | "succeeded" | "failed" | "resolved";

/** One entry of the compensation trace, in the order it ran (1 = first undone). */
export interface CompensationRecord {
  order: number;
  taskStateId: string;
  compensationStateId: string;
  scope: string;
  visit: number;
  status: CompensationStatus;
  attempts: AttemptRecord[];
  startedAt: string;
  endedAt: string | null;
  error: RunError | null;
  output: JsonValue | undefined;
  resolvedBy: string | null;
}

/** A transition the run took, from one state to the next in the same scope. */
export interface TakenTransition {
  from: string;
  to: string;
  /** What decided it: a choice rule (index) or `otherwise`, a catch, a signal timeout, or plain next. */
  via: { kind: "next" } | { kind: "choice"; rule: number | null } | { kind: "catch" } | { kind: "timeout" };
}

export interface RunModel {
  runId: string;
  workflow: string;
  version: number;
  input: JsonValue;
  status: RunStatus;
  startedAt: string | null;
  endedAt: string | null;
  output: JsonValue | undefined;
  error: RunError | null;
  lastSeq: number;
  lastAt: string | null;
  steps: Record<string, StepRecord>;
  compensations: CompensationRecord[];
  transitions: Record<string, TakenTransition>;
  /** The latest state entered per scope. */
  currentInScope: Record<string, string>;
  /** A choice's decision waits for the StateEntered it leads to. */
  pendingVia: Record<string, TakenTransition["via"]>;
  /** Wait and signal-timeout timers by id, to know which state a TimerFired ends. */
  timers: Record<string, { purpose: string; scope?: string; stateId?: string }>;
}

export function createRunModel(runId: string): RunModel {
  return {
    runId,
    workflow: "",
    version: 0,
    input: null,
    status: "running",
    startedAt: null,
    endedAt: null,
    output: undefined,
    error: null,
    lastSeq: 0,
    lastAt: null,
    steps: {},
    compensations: [],
    transitions: {},
    currentInScope: {},
    pendingVia: {},
    timers: {},
  };
}

export const transitionKey = (from: string, to: string) => `${from}->${to}`;

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
 * `succeed` and `fail` states end with their scope (no step event of their own): close those still open
 * in the scopes that ended.
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
): CompensationRecord | undefined {
  for (let i = model.compensations.length - 1; i >= 0; i--) {
    const c = model.compensations[i]!;
    if (c.taskStateId === entry.taskStateId && c.scope === entry.scope && c.visit === entry.visit) return c;
  }
  return undefined;
}

/** Folds one event into the model (in seq order; an event already folded is ignored). */
export function applyEvent(model: RunModel, stored: RunHistoryEvent): void {
  if (stored.seq <= model.lastSeq) return;
  model.lastSeq = stored.seq;
  model.lastAt = stored.at;
  const { at, seq } = stored;
  const event = stored.event;
  switch (event.type) {
    case "RunStarted":
      model.workflow = event.workflow;
      model.version = event.version;
      model.input = event.input;
      model.startedAt = at;
      model.status = "running";
      break;
    case "StateEntered": {
      const step = stepOf(model, event.stateId, at, seq);
      step.stateType = event.stateType;
      step.scope = event.scope;
      step.visits = Math.max(step.visits, event.visit);
      step.status = "running";
      step.lastEnteredAt = at;
      step.endedAt = null;
      step.caughtError = event.error ?? null;
      step.spans.push({ startedAt: at, endedAt: null, seq });
      const previous = model.currentInScope[event.scope];
      if (previous !== undefined) {
        const via = event.error
          ? { kind: "catch" as const }
          : (model.pendingVia[event.scope] ?? { kind: "next" });
        model.transitions[transitionKey(previous, event.stateId)] = {
          from: previous,
          to: event.stateId,
          via,
        };
      }
      delete model.pendingVia[event.scope];
      model.currentInScope[event.scope] = event.stateId;
      if (model.status === "waiting") model.status = "running";
      break;
    }
    case "StepAttemptStarted": {
      const step = stepOf(model, event.stateId, at, seq);
      step.status = "running";
      step.params = event.params;
      step.idempotencyKey = event.idempotencyKey;
      step.attempts.push(startedAttempt(event, at, seq));
      model.status = "running";
      break;
    }
    case "StepAttemptFailed": {
      const step = stepOf(model, event.stateId, at, seq);
      endAttempt(attemptOf(step.attempts, event.attempt, event.visit), at, {
        outcome: "failed",
        error: event.error,
        retryAt: event.retryAt,
        durationMs: event.durationMs,
      });
      step.error = event.error;
      if (event.willRetry) step.status = "retrying";
      break;
    }
    case "StepTimedOut": {
      const step = stepOf(model, event.stateId, at, seq);
      const error = {
        error: "Timeout",
        message: `attempt ${event.attempt} timed out after ${event.timeoutMs} ms`,
      };
      endAttempt(attemptOf(step.attempts, event.attempt, event.visit), at, {
        outcome: "timed_out",
        error,
        retryAt: event.retryAt,
      });
      step.error = error;
      if (event.willRetry) step.status = "retrying";
      break;
    }
    case "StepSucceeded": {
      const step = stepOf(model, event.stateId, at, seq);
      endAttempt(attemptOf(step.attempts, event.attempt, event.visit), at, {
        outcome: "succeeded",
        durationMs: event.durationMs,
      });
      step.output = event.output;
      step.error = null;
      endStep(step, "succeeded", at);
      break;
    }
    case "StepResolved": {
      const step = stepOf(model, event.stateId, at, seq);
      interruptRunningAttempts(step.attempts);
      step.output = event.output;
      step.resolvedBy = event.by;
      endStep(step, "succeeded", at);
      break;
    }
    case "StepFailed": {
      const step = stepOf(model, event.stateId, at, seq);
      step.error = event.error;
      endStep(step, "failed", at);
      break;
    }
    case "StepWarned": {
      const step = stepOf(model, event.stateId, at, seq);
      step.error = event.error;
      step.output = null;
      endStep(step, "warned", at);
      break;
    }
    case "ChoiceTaken": {
      const step = stepOf(model, event.stateId, at, seq);
      step.output = { next: event.next, rule: event.rule, ...(event.label ? { label: event.label } : {}) };
      endStep(step, "succeeded", at);
      model.pendingVia[event.scope] = { kind: "choice", rule: event.rule };
      break;
    }
    case "TimerStarted": {
      model.timers[event.timerId] = {
        purpose: event.purpose,
        ...(event.scope === undefined ? {} : { scope: event.scope }),
        ...(event.stateId === undefined ? {} : { stateId: event.stateId }),
      };
      if (event.purpose === "wait" && event.stateId) {
        stepOf(model, event.stateId, at, seq).status = "waiting";
        model.status = "waiting";
      }
      break;
    }
    case "TimerFired": {
      const timer = model.timers[event.timerId];
      delete model.timers[event.timerId];
      if (!timer?.stateId) break;
      const step = stepOf(model, timer.stateId, at, seq);
      if (timer.purpose === "wait") {
        endStep(step, "succeeded", at);
        model.status = "running";
      }
      if (timer.purpose === "signalTimeout") {
        endStep(step, "failed", at);
        step.error = { error: "SignalTimeout", message: `no ${step.signal ?? "signal"} in time` };
        if (timer.scope !== undefined) model.pendingVia[timer.scope] = { kind: "timeout" };
        model.status = "running";
      }
      break;
    }
    case "SignalAwaited": {
      const step = stepOf(model, event.stateId, at, seq);
      step.signal = event.signal;
      step.status = "waiting";
      model.status = "waiting";
      break;
    }
    case "SignalReceived": {
      if (!event.delivered) break;
      const step = stepOf(model, event.delivered.stateId, at, seq);
      step.output = event.payload;
      step.resolvedBy = event.by;
      endStep(step, "succeeded", at);
      model.status = "running";
      break;
    }
    case "BranchCompleted":
    case "IterationCompleted":
    case "BranchFailed":
    case "IterationFailed": {
      const ended = "branchScope" in event ? event.branchScope : event.iterationScope;
      endFinalStates(model, (scope) => scope === ended || scope.startsWith(`${ended}/`), at);
      if (event.type === "BranchFailed" || event.type === "IterationFailed") {
        const step = stepOf(model, event.stateId, at, seq);
        step.error = event.error;
        endStep(step, "failed", at);
      }
      break;
    }
    case "ParallelCompleted":
    case "MapCompleted": {
      const step = stepOf(model, event.stateId, at, seq);
      step.output = event.output;
      endStep(step, "succeeded", at);
      break;
    }
    case "ScopeCanceled":
      for (const step of Object.values(model.steps)) {
        if (step.status === "running" || step.status === "retrying" || step.status === "waiting") {
          const inScope = step.attempts.at(-1)?.scope;
          if (inScope === event.scope) endStep(step, "canceled", at);
        }
      }
      break;
    case "CompensationStarted":
      endFinalStates(model, () => true, at);
      model.status = "compensating";
      break;
    case "CompensationStepStarted": {
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
      record.attempts.push(startedAttempt(event, at, seq));
      const task = stepOf(model, event.taskStateId, at, seq);
      task.status = "compensating";
      const undo = stepOf(model, event.compensationStateId, at, seq);
      undo.stateType = "compensation";
      undo.status = "compensating";
      undo.params = event.params;
      undo.idempotencyKey = event.idempotencyKey;
      undo.lastEnteredAt = record.startedAt;
      undo.endedAt = null;
      model.status = "compensating";
      break;
    }
    case "CompensationStepFailed": {
      const record = compensationOf(model, event);
      if (!record) break;
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
      if (!event.willRetry) endStep(undo, "compensation_failed", at);
      break;
    }
    case "CompensationStepSucceeded":
    case "CompensationStepResolved": {
      const record = compensationOf(model, event);
      if (!record) break;
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
      stepOf(model, event.taskStateId, at, seq).status = "compensated";
      const undo = stepOf(model, event.compensationStateId, at, seq);
      undo.output = event.output;
      undo.error = null;
      endStep(undo, "compensated", at);
      break;
    }
    case "CompensationFailed": {
      const record = compensationOf(model, event);
      if (record) {
        record.status = "failed";
        record.error = event.error;
        record.endedAt = at;
      }
      endStep(stepOf(model, event.compensationStateId, at, seq), "compensation_failed", at);
      model.status = "compensation_failed";
      model.error = event.error;
      break;
    }
    case "CompensationRetried":
      model.status = "compensating";
      break;
    case "RunSucceeded":
      endFinalStates(model, () => true, at);
      model.status = "succeeded";
      model.output = event.output;
      model.endedAt = at;
      model.error = null;
      break;
    case "RunFailed":
      endFinalStates(model, () => true, at);
      model.status = "failed";
      model.error = event.error;
      model.endedAt = at;
      break;
    case "RunCompensated":
      model.status = event.canceled ? "canceled" : "compensated";
      model.error = event.error;
      model.endedAt = at;
      break;
    case "RunSuspended": {
      model.status = "suspended";
      model.error = { error: event.reason, message: event.message };
      model.endedAt = at;
      if (event.stateId) {
        const step = stepOf(model, event.stateId, at, seq);
        interruptRunningAttempts(step.attempts);
        step.status = "failed";
        step.error = { error: "OutcomeUnknown", message: event.message };
      }
      break;
    }
    case "RunResumed":
      model.status = "running";
      model.endedAt = null;
      model.error = null;
      model.output = undefined;
      break;
    case "RunCanceled":
      model.status = event.compensate ? "compensating" : "canceled";
      model.error = { error: "Canceled", message: `canceled by ${event.by}` };
      if (!event.compensate) model.endedAt = at;
      for (const step of Object.values(model.steps)) {
        if (step.status === "running" || step.status === "retrying" || step.status === "waiting")
          endStep(step, "canceled", at);
      }
      break;
    default:
      break;
  }
}

/** The state an event is about (for "click an event, select its node"). */
export function stateOfEvent(event: RunEvent): string | undefined {
  if ("stateId" in event && typeof event.stateId === "string") return event.stateId;
  if ("compensationStateId" in event) return event.compensationStateId;
  if (event.type === "SignalReceived") return event.delivered?.stateId;
  return undefined;
}

/** A one-line summary of an event for the events list. */
export function describeEvent(event: RunEvent): string {
  switch (event.type) {
    case "RunStarted":
      return `${event.workflow} v${event.version}`;
    case "StateEntered":
      return `${event.stateId} (${event.stateType}${event.visit > 1 ? `, visit ${event.visit}` : ""})`;
    case "StepAttemptStarted":
      return `${event.stateId} attempt ${event.attempt} · ${event.action}`;
    case "StepAttemptFailed":
      return `${event.stateId} attempt ${event.attempt}: ${event.error.error}: ${event.error.message}${event.willRetry ? " · will retry" : ""}`;
    case "StepTimedOut":
      return `${event.stateId} attempt ${event.attempt} after ${event.timeoutMs} ms${event.willRetry ? " · will retry" : ""}`;
    case "StepSucceeded":
      return `${event.stateId} in ${Math.round(event.durationMs)} ms`;
    case "StepFailed":
      return `${event.stateId}: ${event.error.error}: ${event.error.message}`;
    case "StepWarned":
      return `${event.stateId}: ${event.error.error}: ${event.error.message}`;
    case "StepResolved":
      return `${event.stateId} by ${event.by}`;
    case "ChoiceTaken":
      return `${event.stateId} → ${event.next}${event.label ? ` (${event.label})` : event.rule === null ? " (otherwise)" : ""}`;
    case "TimerStarted":
      return `${event.purpose}${event.stateId ? ` · ${event.stateId}` : ""} until ${event.fireAt}`;
    case "TimerFired":
      return event.purpose;
    case "SignalAwaited":
      return `${event.stateId} waits for "${event.signal}"`;
    case "SignalReceived":
      return `"${event.signal}" from ${event.by}${event.delivered ? ` → ${event.delivered.stateId}` : " (kept)"}`;
    case "CompensationStarted":
      return `${event.entries} to undo (${event.cause})`;
    case "CompensationStepStarted":
      return `${event.taskStateId} ↩ ${event.compensationStateId} attempt ${event.attempt}`;
    case "CompensationStepFailed":
      return `${event.compensationStateId}: ${event.error.error}: ${event.error.message}`;
    case "CompensationStepSucceeded":
      return `${event.taskStateId} ↩ ${event.compensationStateId}`;
    case "CompensationFailed":
      return `${event.compensationStateId}: ${event.error.error}: ${event.error.message}`;
    case "CompensationStepResolved":
      return `${event.compensationStateId} by ${event.by}`;
    case "CompensationRetried":
      return `by ${event.by}`;
    case "RunFailed":
      return `${event.error.error}: ${event.error.message}`;
    case "RunCompensated":
      return event.error
        ? `${event.error.error}: ${event.error.message}`
        : event.canceled
          ? "after cancel"
          : "";
    case "RunSuspended":
      return `${event.reason}: ${event.message}`;
    case "RunResumed":
      return `from ${event.from} by ${event.by}`;
    case "RunCanceled":
      return `by ${event.by}${event.compensate ? ", compensating" : ""}`;
    default:
      return "stateId" in event && typeof event.stateId === "string" ? event.stateId : "";
  }
}
