import type {
  AttemptProgress,
  InFlightAttempt,
  JsonValue,
  RunEventOf,
  RunSnapshot,
  ScopeSnapshot,
  StateRunInfo,
  StateRunStatus,
} from "@sagaflow/shared";
import { compensationKey } from "./names";
import { writeEntry } from "./shared-maps";

/** The records the fold (fold.ts) creates and updates: the snapshot, scopes, attempts, state runs. */

export function startSnapshot(event: RunEventOf<"RunStarted">, at: string): RunSnapshot {
  return {
    runId: event.runId,
    workflow: event.workflow,
    version: event.version,
    status: "running",
    input: event.input,
    output: null,
    error: null,
    startedAt: at,
    endedAt: null,
    deadlineAt: event.deadlineAt,
    ...(event.traceparent === undefined ? {} : { traceparent: event.traceparent }),
    steps: {},
    scopes: { "": newScope("", null, null, at) },
    inFlight: {},
    timers: {},
    awaiting: {},
    bufferedSignals: [],
    compensationStack: [],
    compensation: null,
    compensated: [],
    stateRuns: {},
    trail: [],
    suspension: null,
  };
}

/** The progress of a step once an attempt started; a recovered attempt is the same attempt, not a new one. */
export function beginAttempt(
  progress: AttemptProgress | null | undefined,
  attemptId: string,
  event: { attempt: number; timeoutMs: number; recovered?: boolean },
): AttemptProgress {
  const next = progress ?? newProgress();
  if (!event.recovered) {
    next.attempt = event.attempt;
    next.roundAttempts += 1;
  }
  next.inFlight = attemptId;
  next.retryTimer = null;
  next.timeoutMs = event.timeoutMs;
  return next;
}

/**
 * The count recovery stops crash loops with, per step execution rather than per attempt: a recovered re-run
 * counts one more crash of its attempt, unless a graceful shutdown abandoned it before it began or the
 * store refused a commit (not a death); a new attempt starts from the deaths of the earlier ones. (A
 * timed-out attempt's thread that cannot be stopped, say inside one huge allocation, may kill the process
 * while the next attempt runs: counted per attempt, each death looked like the first.)
 */
export function crashesBefore(
  previous: InFlightAttempt | undefined,
  event: { recovered?: boolean | undefined; afterRefusedCommit?: boolean | undefined },
  progress: AttemptProgress | null | undefined,
): number {
  if (!event.recovered || !previous) return progress?.crashes ?? 0;
  return (previous.crashes ?? 0) + (previous.abandoned || event.afterRefusedCommit ? 0 : 1);
}

/** Keeps an ended attempt's crash count (carried on its failure event) for the step's next attempt. */
export function keepCrashes(progress: AttemptProgress | null | undefined, crashes: number | undefined): void {
  if (progress && crashes !== undefined) progress.crashes = crashes;
}

/** A person's redrive or retry: the step starts a fresh round, its budgets and crash count reset. */
export function startNewRound(progress: AttemptProgress): void {
  progress.roundAttempts = 0;
  progress.timeoutRetries = 0;
  delete progress.crashes;
  progress.inFlight = null;
  progress.retryTimer = null;
}

export function newProgress(): AttemptProgress {
  return {
    attempt: 0,
    roundAttempts: 0,
    timeoutRetries: 0,
    timeoutMs: 0,
    inFlight: null,
    retryTimer: null,
    lastError: null,
  };
}

export function newScope(
  id: string,
  parent: string | null,
  owner: ScopeSnapshot["owner"],
  at: string,
): ScopeSnapshot {
  return {
    id,
    parent,
    owner,
    status: "running",
    current: null,
    visit: 0,
    phase: "entered",
    enteredAt: at,
    visits: {},
    output: null,
    error: null,
    task: null,
    parallel: null,
    map: null,
  };
}

export function scopeOf(s: RunSnapshot, id: string): ScopeSnapshot {
  const scope = s.scopes[id];
  if (!scope) throw new Error(`Run ${s.runId} has no scope "${id}"`);
  return scope;
}

/** The state finished with `output` (undefined: it produces none, like `wait`, and passes the last one on). */
export function completeState(
  s: RunSnapshot,
  scope: ScopeSnapshot,
  stateId: string,
  output: JsonValue | undefined,
  at: string,
): void {
  if (output !== undefined) {
    writeEntry(s.steps, stateId, output);
    scope.output = output;
  }
  scope.phase = "done";
  endStateRun(s, stateId, "succeeded", at);
}

/**
 * The state's run record, to update: always a fresh copy put in the map, so a decision's working copy
 * (`cloneSnapshot`) shares the other states' records with its input instead of copying every one.
 */
export function stateRun(s: RunSnapshot, stateId: string, at: string): StateRunInfo {
  const existing = s.stateRuns[stateId];
  const run: StateRunInfo = existing
    ? { ...existing }
    : {
        status: "running",
        visits: 0,
        attempts: 0,
        firstStartedAt: at,
        lastEndedAt: null,
        lastError: null,
        idempotencyKey: null,
      };
  writeEntry(s.stateRuns, stateId, run);
  return run;
}

export function endStateRun(
  s: RunSnapshot,
  stateId: string,
  status: StateRunStatus,
  at: string,
): StateRunInfo {
  const run = stateRun(s, stateId, at);
  run.status = status;
  run.lastEndedAt = at;
  return run;
}

/** `$item`/`$index` of the nearest enclosing iteration, for the compensation of a task inside a map. */
export function iterationOf(s: RunSnapshot, scope: ScopeSnapshot): { item?: JsonValue; index?: number } {
  for (let current: ScopeSnapshot | undefined = scope; current; ) {
    if (current.index !== undefined) return { item: current.item ?? null, index: current.index };
    current = current.parent === null ? undefined : s.scopes[current.parent];
  }
  return {};
}

export function popCompensation(
  s: RunSnapshot,
  entry: { taskStateId: string; scope: string; visit: number; compensationStateId: string },
): void {
  const key = compensationKey(s.runId, entry);
  for (let i = s.compensationStack.length - 1; i >= 0; i -= 1) {
    const candidate = s.compensationStack[i];
    if (candidate && compensationKey(s.runId, candidate) === key) {
      s.compensationStack.splice(i, 1);
      return;
    }
  }
}
