import type { Definition, InFlightAttempt, RunSnapshot, TaskState } from "@sagaflow/shared";
import { InvalidOperationError } from "../errors";
import { startCompensation } from "./advance-compensation";
import { attemptsToAwait, cancelDraining, canceledWithoutCompensation } from "./draining";
import type { Trigger } from "./types";
import { checkVersionMove, remappedCompensations, VersionMoveRefusedError } from "./version-compat";
import type { Working } from "./working";

/*
 * The operator's triggers and recovery, decided (pure, like decide.ts, which dispatches to them): a
 * person's signal, cancel, resume (on the run's version or another), retried compensation, resolved
 * step and "compensate now"; and what a new process does with a run it takes over (recover), a graceful
 * close's abandoned attempts, and a corrupt or restored history. Each checks the run's status first and
 * refuses with InvalidOperationError, which reaches the caller unchanged.
 */

export function retryCompensation(w: Working, by: string): void {
  requireStatus(w, ["compensation_failed"], "retry its compensation");
  w.emit({ type: "CompensationRetried", by });
}

/** A history whose chain or snapshot does not verify: the run stops, naming its last good event. */
export function suspendCorrupt(w: Working, trigger: Extract<Trigger, { type: "suspendCorrupt" }>): void {
  w.emit({
    type: "RunSuspended",
    reason: "corrupt_history",
    message: trigger.message,
    lastGoodSeq: trigger.lastGoodSeq,
  });
}

/** The history was cut back to a good checkpoint: recorded, then the run recovers from there. */
export function restored(w: Working, trigger: Extract<Trigger, { type: "restored" }>): void {
  w.emit({ type: "HistoryRestored", by: trigger.by, keepThroughSeq: trigger.keepThroughSeq });
  recover(w);
}

export function signal(w: Working, trigger: Extract<Trigger, { type: "signal" }>): void {
  requireStatus(w, ["running", "waiting"], "receive a signal");
  if (cancelDraining(w.snapshot)) {
    throw new InvalidOperationError(`Run ${w.snapshot.runId} is being canceled; it takes no signals`);
  }
  const waiting = Object.values(w.snapshot.awaiting).find((awaited) => awaited.signal === trigger.signal);
  w.emit({
    type: "SignalReceived",
    by: trigger.by,
    signal: trigger.signal,
    payload: trigger.payload,
    ...(waiting
      ? { delivered: { scope: waiting.scope, stateId: waiting.stateId, visit: waiting.visit } }
      : {}),
  });
}

/**
 * With or without compensation, the attempts in flight are aborted and awaited (draining.ts): a write that
 * outraces the abort is recorded, so it is compensated, or, without compensation, never run again by a
 * redrive. A run already being canceled without compensation can still be canceled with compensation.
 */
export function cancel(w: Working, compensate: boolean, by: string): void {
  requireStatus(w, ["running", "waiting", "suspended"], "be canceled");
  if (!compensate && cancelDraining(w.snapshot)) {
    throw new InvalidOperationError(
      `Run ${w.snapshot.runId} is already being canceled; it ends once its aborted steps have settled`,
    );
  }
  w.emit({ type: "RunCanceled", by, compensate, awaitedAttempts: attemptsToAwait(w.snapshot, [""]) });
}

/**
 * "Compensate now": a run that failed without compensating (onError abort) or was canceled without it
 * undoes what completed, newest first, as the compensate policy would have; the person is recorded on
 * CompensationStarted. It ends compensated, or compensation_failed like any compensation.
 */
export function compensateNow(w: Working, by: string): void {
  const s = w.snapshot;
  requireStatus(w, ["failed", "canceled"], "be compensated");
  if (s.compensation) throw new InvalidOperationError(`Run ${s.runId} has compensated already`);
  if (s.compensationStack.length === 0) {
    throw new InvalidOperationError(
      `Run ${s.runId} has nothing to undo: no completed step has a compensation`,
    );
  }
  startCompensation(w, s.status === "canceled" ? "cancel" : "failure", s.error, by);
}

/**
 * Resume on another version (a fixed one): refused, with every reason, unless the compatibility check
 * passes; then RunMovedToVersion, and the resume goes on with the new version's states. Completed steps
 * keep their outputs and are never run again.
 */
export function moveToVersion(w: Working, by: string, from: Definition, version: number): void {
  const s = w.snapshot;
  if (version === s.version) return;
  const report = checkVersionMove(s, from, w.index.definition, version);
  if (!report.compatible) throw new VersionMoveRefusedError(report);
  const compensations = remappedCompensations(report);
  w.emit({
    type: "RunMovedToVersion",
    by,
    from: s.version,
    to: version,
    ...(compensations.length > 0 ? { compensations } : {}),
  });
}

export function resume(w: Working, by: string): void {
  const s = w.snapshot;
  if (s.status === "compensation_failed") {
    w.emit({ type: "CompensationRetried", by });
    return;
  }
  requireStatus(w, ["failed", "suspended", "canceled"], "be resumed");
  if (s.suspension?.reason === "corrupt_history") {
    throw new InvalidOperationError(
      `Run ${s.runId} has a corrupt history; restore it from its last good checkpoint (event ${s.suspension.lastGoodSeq})`,
    );
  }
  const canceling = resumedCanceling(w);
  w.emit({ type: "RunResumed", by, from: s.status, ...resumedCompensating(w) });
  if (canceling) cancelAgain(w, by);
}

/**
 * A run suspended while compensating (its awaited attempt's outcome became unknown in a crash) goes on
 * compensating when a person resumes it: resolving the step pushes its compensation first; a plain resume
 * judges that it did not happen.
 */
function resumedCompensating(w: Working): { compensating?: true } {
  const s = w.snapshot;
  const compensating = s.status === "suspended" && s.compensation !== null && s.compensation.failed === null;
  return compensating ? { compensating: true } : {};
}

/**
 * A run suspended while a cancel without compensation awaited an attempt (its outcome became unknown in a
 * crash) ends canceled when a person resumes or resolves it: resolving records the step done, so a later
 * redrive goes on after it; a plain resume judges that it did not happen, so a redrive runs it.
 */
function resumedCanceling(w: Working): boolean {
  return w.snapshot.status === "suspended" && canceledWithoutCompensation(w.snapshot);
}

/** The cancel goes on after RunResumed (which revived the canceled scopes), recorded as the person's. */
function cancelAgain(w: Working, by: string): void {
  w.emit({ type: "RunCanceled", by, compensate: false, awaitedAttempts: attemptsToAwait(w.snapshot, [""]) });
}

/**
 * A person marks the stuck step done with an output: the failed compensation of a compensation_failed
 * run, or the interrupted / failed task of a suspended or failed run (the run then continues).
 */
export function resolveStep(w: Working, trigger: Extract<Trigger, { type: "resolveStep" }>): void {
  const s = w.snapshot;
  if (s.status === "compensation_failed") {
    const entry = s.compensationStack[s.compensationStack.length - 1];
    if (!entry) throw new InvalidOperationError(`Run ${s.runId} has no compensation to resolve`);
    w.emit({
      type: "CompensationStepResolved",
      by: trigger.by,
      taskStateId: entry.taskStateId,
      compensationStateId: entry.compensationStateId,
      scope: entry.scope,
      visit: entry.visit,
      output: trigger.output,
    });
    return;
  }
  requireStatus(w, ["suspended", "failed"], "have a step resolved");
  if (s.suspension?.reason === "corrupt_history") {
    throw new InvalidOperationError(`Run ${s.runId} has a corrupt history; restore it first`);
  }
  const target = stuckStep(w, trigger.stateId);
  if (!target) throw new InvalidOperationError(`Run ${s.runId} has no stuck task to resolve`);
  const canceling = resumedCanceling(w);
  w.emit({ type: "RunResumed", by: trigger.by, from: s.status, ...resumedCompensating(w) });
  const state = w.index.state(target.stateId) as TaskState | undefined;
  w.emit({
    type: "StepResolved",
    by: trigger.by,
    scope: target.scope,
    stateId: target.stateId,
    visit: target.visit,
    output: trigger.output,
    ...(state?.compensateWith ? { compensateWith: state.compensateWith } : {}),
  });
  if (canceling) cancelAgain(w, trigger.by);
}

/** The interrupted attempt of a suspended run, or the deepest failed task of a failed run. */
function stuckStep(
  w: Working,
  stateId?: string,
): { scope: string; stateId: string; visit: number } | undefined {
  const s = w.snapshot;
  const tasks = Object.values(s.inFlight).filter(
    (attempt) => attempt.kind === "task" && (stateId === undefined || attempt.stateId === stateId),
  );
  // The one whose outcome is unknown, rather than one a shutdown abandoned before it began.
  const interrupted = tasks.find((attempt) => !attempt.abandoned) ?? tasks[0];
  if (interrupted)
    return { scope: interrupted.scope, stateId: interrupted.stateId, visit: interrupted.visit };
  const failed = Object.values(s.scopes)
    .filter(
      (scope) =>
        scope.current !== null &&
        scope.phase === "failed" &&
        w.index.state(scope.current)?.type === "task" &&
        (stateId === undefined || scope.current === stateId),
    )
    .sort((a, b) => b.id.length - a.id.length)[0];
  if (!failed || failed.current === null) return undefined;
  return { scope: failed.id, stateId: failed.current, visit: failed.visit };
}

/** How many process deaths during one attempt recovery tolerates before it suspends the run. */
export const DEFAULT_CRASH_LIMIT = 3;

/**
 * After a crash every in-flight attempt died with its process. Idempotent tasks, compensations and
 * attempts abandoned before they began run again with the same key; any other interrupted task suspends
 * the run: its outcome is unknown.
 */
export function recover(w: Working, afterRefusedCommit = false): void {
  const s = w.snapshot;
  if (s.status !== "running" && s.status !== "waiting" && s.status !== "compensating") return;
  const attempts = Object.values(s.inFlight).filter((attempt) => !attempt.interrupted);
  // A step that kept killing the process (a memory bomb, a native crash) is not run again: a person
  // looks at it first. Counted per step execution across restarts and attempts (InFlightAttempt.crashes).
  const limit = w.context.crashLimit ?? DEFAULT_CRASH_LIMIT;
  const poison = attempts.find((attempt) => !attempt.abandoned && (attempt.crashes ?? 0) + 1 >= limit);
  if (poison) {
    w.emit({
      type: "RunSuspended",
      reason: "crash_loop",
      message: `crashed the engine ${(poison.crashes ?? 0) + 1} times at ${poison.stateId} (attempt ${poison.attempt}, key ${poison.idempotencyKey}); fix the step, then resume, resolve or cancel the run`,
      scope: poison.scope,
      stateId: poison.stateId,
    });
    return;
  }
  const unsafe = attempts.find(
    (attempt) =>
      attempt.kind === "task" &&
      attempt.abandoned !== true &&
      (w.index.state(attempt.stateId) as TaskState | undefined)?.idempotent !== true,
  );
  if (unsafe) {
    w.emit({
      type: "RunSuspended",
      reason: "outcome_unknown",
      message: `outcome unknown: ${unsafe.stateId} (attempt ${unsafe.attempt}, key ${unsafe.idempotencyKey}) started but its result was never saved (the engine stopped, or the database refused the commit) and is not idempotent${cancelDraining(s) ? "; the run was being canceled" : ""}`,
      scope: unsafe.scope,
      stateId: unsafe.stateId,
    });
    return;
  }
  for (const attempt of attempts) {
    if (attempt.kind === "task") {
      w.emit({
        type: "StepAttemptStarted",
        scope: attempt.scope,
        stateId: attempt.stateId,
        visit: attempt.visit,
        attempt: attempt.attempt,
        idempotencyKey: attempt.idempotencyKey,
        action: attempt.action,
        params: attempt.params,
        timeoutMs: attempt.timeoutMs,
        recovered: true,
        ...(afterRefusedCommit ? { afterRefusedCommit: true } : {}),
      });
    } else {
      w.emit({
        type: "CompensationStepStarted",
        ...compensationRef(attempt),
        attempt: attempt.attempt,
        idempotencyKey: attempt.idempotencyKey,
        action: attempt.action,
        params: attempt.params,
        timeoutMs: attempt.timeoutMs,
        recovered: true,
        ...(afterRefusedCommit ? { afterRefusedCommit: true } : {}),
      });
    }
  }
}

/** Records that attempts still in flight never began, so recovery may run them again whatever their effect. */
export function abandon(w: Working, trigger: Extract<Trigger, { type: "abandon" }>): void {
  for (const id of trigger.attemptIds) {
    const attempt = w.snapshot.inFlight[id];
    if (!attempt || attempt.interrupted || attempt.abandoned) continue;
    w.emit({
      type: "StepAttemptAbandoned",
      scope: attempt.scope,
      stateId: attempt.stateId,
      visit: attempt.visit,
      attempt: attempt.attempt,
      idempotencyKey: attempt.idempotencyKey,
      reason: trigger.reason,
    });
  }
}

function requireStatus(w: Working, allowed: RunSnapshot["status"][], what: string): void {
  const status = w.snapshot.status;
  if (!allowed.includes(status)) {
    throw new InvalidOperationError(
      `Run ${w.snapshot.runId} is ${status}; only a ${allowed.join(" or ")} run can ${what}`,
    );
  }
}

export function compensationRef(attempt: InFlightAttempt) {
  return {
    taskStateId: attempt.taskStateId ?? "",
    compensationStateId: attempt.stateId,
    scope: attempt.scope,
    visit: attempt.visit,
  };
}
