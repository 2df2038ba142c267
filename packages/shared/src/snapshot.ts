import type { JsonValue } from "./definition/schema";
import type { CompensationCause, TimerPurpose } from "./events";
import type { RunError, RunStatus } from "./run";

/**
 * A run's checkpoint: plain JSON, always equal to the fold of its history (see the engine's `fold`).
 * Everything the interpreter needs to continue, and what the run view shows, lives here.
 */
export interface RunSnapshot {
  runId: string;
  workflow: string;
  version: number;
  status: RunStatus;
  input: JsonValue;
  output: JsonValue;
  error: RunError | null;
  startedAt: string;
  endedAt: string | null;
  deadlineAt: string | null;
  /** RunStarted's W3C traceparent, kept so the run's trace continues after a restart. */
  traceparent?: string;
  /** State id → its latest output: `$steps`. */
  steps: Record<string, JsonValue>;
  /** Every live state machine: "" (the top level), branches and iterations. */
  scopes: Record<string, ScopeSnapshot>;
  /** Attempts started and not yet finished, by attempt id. Recovery re-runs or suspends them. */
  inFlight: Record<string, InFlightAttempt>;
  /** Durable timers by id. The run's `wakeAt` is the earliest `fireAt`. */
  timers: Record<string, PendingTimer>;
  /** Signal states waiting now, by scope. */
  awaiting: Record<string, AwaitedSignal>;
  /** Signals sent while nobody waited for them, oldest first. */
  bufferedSignals: { signal: string; payload: JsonValue; by: string }[];
  /** Top = last. Popped in reverse completion order when the run compensates. */
  compensationStack: CompensationEntry[];
  compensation: CompensationProgress | null;
  /** Compensations that ran (or were resolved by hand), in the order they ran. */
  compensated: CompensationRecord[];
  /** Per state id, for the run view (iterations of one map aggregate into one entry). */
  stateRuns: Record<string, StateRunInfo>;
  /** The last states entered, oldest first (capped: the history has them all). */
  trail: string[];
  suspension: Suspension | null;
}

export type ScopeStatus = "running" | "succeeded" | "failed" | "canceled";
/** Where a scope is within its current state. */
export type StatePhase = "entered" | "active" | "done" | "failed";

export interface ScopeSnapshot {
  id: string;
  parent: string | null;
  /** The parallel or map state (in the parent scope) this branch or iteration belongs to. */
  owner: { stateId: string; branch?: string; index?: number } | null;
  item?: JsonValue;
  index?: number;
  status: ScopeStatus;
  current: string | null;
  visit: number;
  phase: StatePhase;
  enteredAt: string;
  visits: Record<string, number>;
  /** Output of the last state that completed here: the scope's result when it ends. */
  output: JsonValue;
  /** `$error` of a state reached through `catch`; the scope's failure once it failed. */
  error: RunError | null;
  task: TaskProgress | null;
  /** The fire time of a `wait` state, kept so a resumed run re-arms the same timer. */
  waitUntil?: string;
  parallel: ParallelProgress | null;
  map: MapProgress | null;
}

/** Attempt bookkeeping of one step execution (task) or one compensation. */
export interface AttemptProgress {
  /** Attempts started so far for this execution (all rounds). */
  attempt: number;
  /** Attempts in the current round; a redrive or a compensation retry starts a new round. */
  roundAttempts: number;
  /** Extra attempts granted by the timeout rule in this round. */
  timeoutRetries: number;
  timeoutMs: number;
  inFlight: string | null;
  retryTimer: string | null;
  lastError: RunError | null;
  /**
   * Process deaths during this execution's attempts that ended since (failed, timed out): the next attempt
   * starts from this count (InFlightAttempt.crashes). Absent when 0; reset when a person resumes the run.
   */
  crashes?: number;
}
export type TaskProgress = AttemptProgress;

export interface ParallelProgress {
  branches: Record<string, string>;
  /** Branch name → its last output, for branches that completed. */
  done: Record<string, JsonValue>;
  failed: { branch: string; error: RunError } | null;
}

export interface MapProgress {
  items: JsonValue[];
  maxConcurrency: number;
  nextIndex: number;
  /** Index → scope of iterations started and not completed. */
  running: Record<string, string>;
  results: JsonValue[];
  completed: number;
  failed: { index: number; error: RunError } | null;
}

export interface InFlightAttempt {
  id: string;
  kind: "task" | "compensation";
  scope: string;
  stateId: string;
  /** For compensations: the task being undone. */
  taskStateId?: string;
  visit: number;
  attempt: number;
  idempotencyKey: string;
  action: string;
  params: JsonValue;
  timeoutMs: number;
  startedAt: string;
  /** The process running it died; it waits for a person (non-idempotent) or a re-run. */
  interrupted?: boolean;
  /** A graceful shutdown stopped it before it began executing (StepAttemptAbandoned): recovery re-runs it. */
  abandoned?: boolean;
  /**
   * How many times the process died during this step execution: while this attempt ran (recovery re-ran it
   * after each), plus those during its earlier attempts (AttemptProgress.crashes).
   */
  crashes?: number;
  /**
   * Its scope was abandoned (a sibling failed, a cancel, the deadline): it was aborted and the run waits for
   * its outcome before the parallel/map state fails or compensation begins. A success still counts.
   */
  canceling?: boolean;
}

export interface PendingTimer {
  id: string;
  purpose: TimerPurpose;
  fireAt: string;
  scope?: string;
  stateId?: string;
  visit?: number;
}

export interface AwaitedSignal {
  scope: string;
  stateId: string;
  visit: number;
  signal: string;
  timeoutAt: string | null;
}

export interface CompensationEntry {
  taskStateId: string;
  compensationStateId: string;
  scope: string;
  visit: number;
  /** The task's output at push time: `$steps.<task>` for this entry's compensation (loops push one per visit). */
  output: JsonValue;
  item?: JsonValue;
  index?: number;
}

export interface CompensationProgress {
  cause: CompensationCause;
  error: RunError | null;
  exec: AttemptProgress | null;
  failed: { taskStateId: string; compensationStateId: string; error: RunError } | null;
}

export interface CompensationRecord {
  taskStateId: string;
  compensationStateId: string;
  scope: string;
  visit: number;
  resolvedBy?: string;
}

export type StateRunStatus =
  | "running"
  | "waiting"
  | "succeeded"
  | "failed"
  | "warned"
  | "canceled"
  | "compensating"
  | "compensated";

export interface StateRunInfo {
  status: StateRunStatus;
  visits: number;
  attempts: number;
  firstStartedAt: string;
  lastEndedAt: string | null;
  lastError: RunError | null;
  idempotencyKey: string | null;
}

export interface Suspension {
  reason: "outcome_unknown" | "corrupt_history" | "internal_error" | "crash_loop";
  message: string;
  scope?: string;
  stateId?: string;
  lastGoodSeq?: number;
}
