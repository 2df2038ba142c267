import { applyEvent } from "@sagaflow/engine/core";
import type {
  JsonValue,
  PendingTimer,
  RunError,
  RunEvent,
  RunSnapshot,
  RunStatus,
  StateRunStatus,
} from "@sagaflow/shared";
import { projectEvent } from "./run-projections";

export { transitionKey } from "./run-projections";

/**
 * What the run view knows about one run, folded from its events (the history is the truth). Kept apart
 * from the definition: the canvas draws it as an overlay, the inspector, timeline and Gantt read it.
 *
 * Where the run stands (its status, error and times, each state's status, the scopes and timers) is the
 * engine's own fold (`@sagaflow/engine/core`), kept in `snapshot`: the view cannot disagree with the
 * engine. On top, the view keeps thin projections of its own (run-projections.ts): the attempts and spans
 * it draws, the transitions taken, the numbered compensation trace, and the few step endings the engine's
 * per-state records do not write (a `succeed`/`fail` state ending with its scope, a signal timeout, a
 * cancel, a suspension, a compensation about to fail).
 *
 * `foldIntoRunModel` mutates the model it is given: one run view owns one model, and a 100,000-event
 * history must fold without copying. Callers that need change detection compare the derived overlay.
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
  /** The workflow version it ran on (a run resumed on another version runs later attempts on that one). */
  version: number;
}

/**
 * The engine's status of a state, plus two the view tells apart: an attempt failed and another is due
 * (`retrying`), and a compensation that gave up (`compensation_failed`).
 */
export type StepStatus = StateRunStatus | "retrying" | "compensation_failed";

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

export type CompensationTraceStatus = "running" | "retrying" | "succeeded" | "failed" | "resolved";

/**
 * One entry of the compensation trace, in the order it ran (1 = first undone). Not the snapshot's
 * `CompensationRecord` (what was undone): this one has the numbering, attempts and timings the view draws.
 */
export interface CompensationTraceEntry {
  order: number;
  taskStateId: string;
  compensationStateId: string;
  scope: string;
  visit: number;
  status: CompensationTraceStatus;
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
  /** The engine's fold of the events so far (undefined before RunStarted); the fields below mirror it. */
  snapshot: RunSnapshot | undefined;
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
  compensations: CompensationTraceEntry[];
  transitions: Record<string, TakenTransition>;
  /** A choice's decision waits for the StateEntered it leads to. */
  pendingVia: Record<string, TakenTransition["via"]>;
  /** When the run was suspended: the engine leaves `endedAt` unset, the view ends its bars there. */
  suspendedAt: string | null;
  /** Resumes on another version, in order: events after `seq` ran on `to`. */
  moves: { from: number; to: number; by: string; seq: number }[];
  /**
   * 0 when folded from the first event. Otherwise the seq of the server's snapshot the model started from
   * (a long run opens that way, summary-model.ts): attempts, spans and transitions before it are unknown.
   */
  openedAtSeq: number;
}

export function createRunModel(runId: string): RunModel {
  return {
    runId,
    snapshot: undefined,
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
    pendingVia: {},
    moves: [],
    suspendedAt: null,
    openedAtSeq: 0,
  };
}

/** What the engine knew just before an event: the fold drops it while applying the event. */
export interface BeforeEvent {
  /** StateEntered: the state its scope was in. */
  previous: string | null;
  /** TimerFired: the timer that fired. */
  timer: PendingTimer | undefined;
}

/** Folds one event into the model (in seq order; an event already folded is ignored). */
export function foldIntoRunModel(model: RunModel, stored: RunHistoryEvent): void {
  if (stored.seq <= model.lastSeq) return;
  model.lastSeq = stored.seq;
  model.lastAt = stored.at;
  const { event } = stored;
  const before: BeforeEvent = {
    previous: event.type === "StateEntered" ? (model.snapshot?.scopes[event.scope]?.current ?? null) : null,
    timer: event.type === "TimerFired" ? model.snapshot?.timers[event.timerId] : undefined,
  };
  if (model.snapshot !== undefined || event.type === "RunStarted") {
    model.snapshot = applyEvent(model.snapshot, event, stored.at);
  }
  projectEvent(model, stored, before);
  mirrorRun(model);
}

/** The run's own fields, as the engine's fold has them. */
export function mirrorRun(model: RunModel): void {
  const s = model.snapshot;
  if (!s) return;
  model.workflow = s.workflow;
  model.version = s.version;
  model.input = s.input;
  model.status = s.status;
  model.startedAt = s.startedAt;
  model.output = s.status === "succeeded" ? s.output : undefined;
  model.endedAt = s.endedAt ?? (s.status === "suspended" ? model.suspendedAt : null);
  model.error = runError(s);
}

/** The error the run stopped with: a suspension's reason, a failed compensation's error, else the run's. */
function runError(s: RunSnapshot): RunError | null {
  if (s.status === "suspended" && s.suspension) {
    return { error: s.suspension.reason, message: s.suspension.message };
  }
  if (s.status === "compensation_failed" && s.compensation?.failed) return s.compensation.failed.error;
  if (s.status === "succeeded") return null;
  return s.error;
}
