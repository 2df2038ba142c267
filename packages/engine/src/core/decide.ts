import {
  type CompensationState,
  type Definition,
  type InFlightAttempt,
  parseDuration,
  type RunError,
  type RunSnapshot,
  type TaskState,
} from "@sagaflow/shared";
import { InvalidOperationError } from "../errors";
import { advance, enter, failCompensation, failState, startCompensation } from "./advance";
import { indexDefinition } from "./definition-index";
import { attemptsToAwait, cancelDraining, canceledWithoutCompensation } from "./draining";
import { compensationRetryTimerId, DEADLINE_TIMER, idempotencyKey, retryTimerId } from "./names";
import { planRetry, resolveRetry, TIMEOUT_ERROR } from "./retry";
import type { DecideContext, Decision, Trigger } from "./types";
import { checkVersionMove, remappedCompensations, VersionMoveRefusedError } from "./version-compat";
import { Working } from "./working";

/*
 * Semantics the SPEC leaves open, as implemented here:
 * - Inside a parallel branch or a map iteration, a failure the failing state does not handle (no matching
 *   catch; onError compensate or abort) fails the branch/iteration. Its siblings are canceled (in-flight
 *   actions aborted) and the parallel/map state fails with the same error; that state's own catch/onError
 *   then applies. onError "continue" inside a branch warns and continues the branch.
 * - LoopLimitExceeded, a choice with no match, a signal timeout without onTimeout state, a wait whose
 *   `until` is not a time, and expression errors in non-task states fail their scope (compensate at the
 *   top level). Expression errors in task params fail the task (its catch/onError apply, no retries).
 * - The compensation stack is run-wide: entries pushed in completion order by loop visits, branches and
 *   iterations; a compensation sees `$steps.<task>` as that entry's output and `$item`/`$index` of its
 *   iteration. An empty stack still ends the run `compensated`.
 * - The run deadline (`timeout`) aborts in-flight work and compensates (error RunTimedOut).
 * - Cancel with compensation ends `canceled` once the compensation finished.
 * - Cancellation is cooperative and awaited (draining.ts): attempts in flight in an abandoned scope (a
 *   failed sibling, cancel with compensation, the deadline) are aborted, and the parallel/map state fails,
 *   or compensation begins, only once each has settled; a late success is recorded and compensated.
 *   Cancel without compensation awaits them too: the run stays `running` (its top scope canceled, so
 *   nothing else moves) and becomes `canceled` with the settle of the last one; a late success is recorded
 *   as done, so a redrive goes on after it and never repeats the write. After a crash an awaited attempt
 *   follows the recovery rule below (idempotent: re-run, not aborted, so its outcome is known; otherwise
 *   suspend). A person's resume or resolve of a run suspended so goes on with what was under way: the
 *   compensation, or the cancel.
 * - Timeout error name is "Timeout". A timed-out attempt first gets `retry.onTimeout.retries` extra attempts
 *   (at once, timeout × multiplier); then timeouts retry like other errors while maxAttempts allows.
 * - Recovery re-runs interrupted compensations (they are retried by nature) and idempotent tasks with the
 *   same key and attempt number; any other interrupted task suspends the run (outcome unknown). An
 *   attempt a graceful shutdown abandoned before it began (StepAttemptAbandoned) is re-run like an
 *   idempotent one: it never ran. A crash records nothing, so its attempts stay unknown.
 * - Signals sent while no state awaits them are kept and delivered to the first state that awaits them.
 * - Redrive (resume) restarts failed and canceled scopes from the state they stopped in, with a fresh
 *   retry budget; completed branches, iterations and steps are kept.
 */

/**
 * The pure heart of the engine: given the definition, the run's snapshot and what just happened, which
 * events to append and which effects to carry out. No I/O, no clock (`context.now`), no randomness of
 * its own (`context.random`); expressions go through the injected evaluator.
 */
export async function decide(
  definition: Definition,
  snapshot: RunSnapshot | undefined,
  trigger: Trigger,
  context: DecideContext,
): Promise<Decision> {
  // A resume on another version goes on with that version's states (checked in moveToVersion).
  const moveTo = trigger.type === "resume" ? trigger.moveTo : undefined;
  const w = new Working(snapshot, indexDefinition(moveTo?.definition ?? definition), context);
  const before = snapshot ? Object.values(snapshot.inFlight) : [];
  if (moveTo) moveToVersion(w, trigger.type === "resume" ? trigger.by : "", definition, moveTo.version);
  await handle(w, trigger);
  if (w.started) await advance(w);
  if (!w.started) return { events: [], commands: [], snapshot: snapshot as RunSnapshot };
  const finished = "attemptId" in trigger ? trigger.attemptId : undefined;
  for (const { id, canceling } of before) {
    if (id === finished) continue;
    const now = w.snapshot.inFlight[id];
    // Dropped: aborted and forgotten. Newly canceling: aborted, but its outcome still comes back as a trigger.
    if (!now || (now.canceling && !canceling)) {
      w.command({ type: "cancelAttempt", attemptId: id, reason: cancelReason(w), awaitOutcome: !!now });
    }
  }
  return { events: w.events, commands: w.commands, snapshot: w.snapshot };
}

function cancelReason(w: Working): string {
  const s = w.snapshot;
  if (s.status === "canceled" || cancelDraining(s) || s.compensation?.cause === "cancel")
    return "the run was canceled";
  if (s.compensation?.cause === "deadline") return "the run's deadline passed";
  return "the step is no longer needed";
}

async function handle(w: Working, trigger: Trigger): Promise<void> {
  switch (trigger.type) {
    case "start":
      return start(w, trigger);
    case "attemptSucceeded":
      return attemptSucceeded(w, trigger);
    case "attemptFailed":
      return attemptFailed(w, trigger.attemptId, trigger.error, false, trigger.fatal, trigger.durationMs);
    case "attemptTimedOut": {
      const attempt = w.snapshot.inFlight[trigger.attemptId];
      const message = `attempt ${attempt?.attempt ?? "?"} timed out after ${attempt?.timeoutMs ?? "?"} ms`;
      return attemptFailed(
        w,
        trigger.attemptId,
        { error: TIMEOUT_ERROR, message },
        true,
        false,
        trigger.durationMs,
      );
    }
    case "timersDue":
      return timersDue(w);
    case "signal":
      return signal(w, trigger);
    case "cancel":
      return cancel(w, trigger.compensate, trigger.by);
    case "resume":
      return resume(w, trigger.by);
    case "retryCompensation": {
      requireStatus(w, ["compensation_failed"], "retry its compensation");
      w.emit({ type: "CompensationRetried", by: trigger.by });
      return;
    }
    case "resolveStep":
      return resolveStep(w, trigger);
    case "compensate":
      return compensateNow(w, trigger.by);
    case "recover":
      return recover(w, trigger.afterRefusedCommit === true);
    case "abandon":
      return abandon(w, trigger);
    case "suspendCorrupt":
      w.emit({
        type: "RunSuspended",
        reason: "corrupt_history",
        message: trigger.message,
        lastGoodSeq: trigger.lastGoodSeq,
      });
      return;
    case "restored":
      w.emit({ type: "HistoryRestored", by: trigger.by, keepThroughSeq: trigger.keepThroughSeq });
      return recover(w);
  }
}

function start(w: Working, trigger: Extract<Trigger, { type: "start" }>): void {
  if (w.started) throw new InvalidOperationError(`Run ${trigger.runId} has already started`);
  const timeout = w.index.definition.timeout;
  const deadlineAt = timeout === undefined ? null : w.later(parseDuration(timeout));
  w.emit({
    type: "RunStarted",
    runId: trigger.runId,
    workflow: trigger.workflow,
    version: trigger.version,
    input: trigger.input,
    deadlineAt,
    ...(trigger.traceparent === undefined ? {} : { traceparent: trigger.traceparent }),
  });
  if (deadlineAt !== null) {
    w.emit({ type: "TimerStarted", timerId: DEADLINE_TIMER, purpose: "deadline", fireAt: deadlineAt });
  }
}

/**
 * The attempt's result still counts: it is in flight, not interrupted, and the run still wants it or
 * awaits it (an aborted attempt of an abandoned scope: see draining.ts).
 */
function liveAttempt(w: Working, attemptId: string): InFlightAttempt | undefined {
  const attempt = w.snapshot.inFlight[attemptId];
  if (!attempt || attempt.interrupted) return undefined;
  if (attempt.canceling) return attempt;
  const status = w.snapshot.status;
  const live =
    attempt.kind === "task" ? status === "running" || status === "waiting" : status === "compensating";
  return live ? attempt : undefined;
}

function attemptSucceeded(w: Working, trigger: Extract<Trigger, { type: "attemptSucceeded" }>): void {
  const attempt = liveAttempt(w, trigger.attemptId);
  if (!attempt) return;
  if (attempt.kind === "task") {
    const state = w.index.state(attempt.stateId) as TaskState | undefined;
    w.emit({
      type: "StepSucceeded",
      scope: attempt.scope,
      stateId: attempt.stateId,
      visit: attempt.visit,
      attempt: attempt.attempt,
      idempotencyKey: attempt.idempotencyKey,
      output: trigger.output,
      durationMs: trigger.durationMs,
      ...(state?.compensateWith ? { compensateWith: state.compensateWith } : {}),
    });
    return;
  }
  w.emit({
    type: "CompensationStepSucceeded",
    ...compensationRef(attempt),
    attempt: attempt.attempt,
    idempotencyKey: attempt.idempotencyKey,
    output: trigger.output,
    durationMs: trigger.durationMs,
  });
}

function compensationRef(attempt: InFlightAttempt) {
  return {
    taskStateId: attempt.taskStateId ?? "",
    compensationStateId: attempt.stateId,
    scope: attempt.scope,
    visit: attempt.visit,
  };
}

function attemptFailed(
  w: Working,
  attemptId: string,
  error: RunError,
  timedOut: boolean,
  fatal: boolean,
  durationMs: number,
): void {
  const attempt = liveAttempt(w, attemptId);
  if (!attempt) return;
  if (attempt.canceling) {
    canceledAttemptFailed(w, attempt, error, timedOut, durationMs);
    return;
  }
  const state = w.index.state(attempt.stateId) as TaskState | CompensationState | undefined;
  if (!state) throw new Error(`No state ${attempt.stateId}`);
  const s = w.snapshot;
  const progress = attempt.kind === "task" ? s.scopes[attempt.scope]?.task : s.compensation?.exec;
  if (!progress) throw new Error(`No attempt progress for ${attemptId}`);
  const plan = planRetry(resolveRetry(state), progress, { error, timedOut, fatal }, w.context.random);
  const willRetry = plan.retry;
  const delayMs = plan.retry ? plan.delayMs : 0;
  const retryAt = willRetry && delayMs > 0 ? w.later(delayMs) : null;
  const nextTimeoutMs = plan.retry ? plan.nextTimeoutMs : attempt.timeoutMs;
  const extended = plan.retry && plan.extended;
  const nextAttempt = attempt.attempt + 1;

  if (attempt.kind === "compensation") {
    const ref = compensationRef(attempt);
    w.emit({
      type: "CompensationStepFailed",
      ...ref,
      attempt: attempt.attempt,
      idempotencyKey: attempt.idempotencyKey,
      error,
      durationMs,
      timedOut,
      willRetry,
      retryAt,
      nextTimeoutMs,
      extended,
    });
    if (retryAt !== null) {
      const timerId = compensationRetryTimerId(attempt.idempotencyKey, nextAttempt);
      w.emit({ type: "TimerStarted", timerId, purpose: "compensationRetry", fireAt: retryAt });
    }
    if (!willRetry) failCompensation(w, ref, error);
    return;
  }

  const common = {
    scope: attempt.scope,
    stateId: attempt.stateId,
    visit: attempt.visit,
    attempt: attempt.attempt,
    idempotencyKey: attempt.idempotencyKey,
    willRetry,
    retryAt,
  };
  if (timedOut) {
    w.emit({ type: "StepTimedOut", ...common, timeoutMs: attempt.timeoutMs, nextTimeoutMs, extended });
  } else {
    w.emit({ type: "StepAttemptFailed", ...common, error, durationMs });
  }
  if (retryAt !== null) {
    w.emit({
      type: "TimerStarted",
      timerId: retryTimerId(attempt.idempotencyKey, nextAttempt),
      purpose: "retry",
      fireAt: retryAt,
      scope: attempt.scope,
      stateId: attempt.stateId,
      visit: attempt.visit,
    });
  }
  if (!willRetry) {
    const scope = w.scope(attempt.scope);
    failState(w, scope, state, error, scope.task?.roundAttempts ?? attempt.attempt);
  }
}

/** An awaited attempt of an abandoned scope ended without success: recorded, never retried, nothing to undo. */
function canceledAttemptFailed(
  w: Working,
  attempt: InFlightAttempt,
  error: RunError,
  timedOut: boolean,
  durationMs: number,
): void {
  const common = {
    scope: attempt.scope,
    stateId: attempt.stateId,
    visit: attempt.visit,
    attempt: attempt.attempt,
    idempotencyKey: attempt.idempotencyKey,
    willRetry: false,
    retryAt: null,
  };
  if (timedOut) {
    const timeoutMs = attempt.timeoutMs;
    w.emit({ type: "StepTimedOut", ...common, timeoutMs, nextTimeoutMs: timeoutMs, extended: false });
  } else {
    w.emit({ type: "StepAttemptFailed", ...common, error, durationMs });
  }
}

function timersDue(w: Working): void {
  const s = w.snapshot;
  const live = s.status === "running" || s.status === "waiting" || s.status === "compensating";
  if (!live) return;
  const due = Object.values(s.timers)
    .filter((timer) => Date.parse(timer.fireAt) <= w.context.now)
    .sort((a, b) => a.fireAt.localeCompare(b.fireAt) || a.id.localeCompare(b.id));
  for (const timer of due) {
    if (!w.snapshot.timers[timer.id]) continue; // an earlier timer's effect removed it
    w.emit({ type: "TimerFired", timerId: timer.id, purpose: timer.purpose });
    if (timer.purpose === "deadline") {
      const status = w.snapshot.status;
      if (status === "running" || status === "waiting") {
        startCompensation(w, "deadline", {
          error: "RunTimedOut",
          message: `the run's deadline ${timer.fireAt} passed`,
        });
      }
    }
    if (timer.purpose === "signalTimeout" && timer.scope !== undefined && timer.stateId !== undefined) {
      const scope = w.snapshot.scopes[timer.scope];
      const state = w.index.state(timer.stateId);
      if (scope?.status !== "running" || state?.type !== "signal") continue;
      if (state.onTimeout !== undefined && state.onTimeout !== "fail") {
        enter(w, scope, state.onTimeout);
      } else {
        failState(w, scope, state, {
          error: "SignalTimeout",
          message: `no "${state.signal}" signal arrived within ${state.timeout}`,
        });
      }
    }
  }
}

function signal(w: Working, trigger: Extract<Trigger, { type: "signal" }>): void {
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
function cancel(w: Working, compensate: boolean, by: string): void {
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
function compensateNow(w: Working, by: string): void {
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
function moveToVersion(w: Working, by: string, from: Definition, version: number): void {
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

function resume(w: Working, by: string): void {
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
function resolveStep(w: Working, trigger: Extract<Trigger, { type: "resolveStep" }>): void {
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
function recover(w: Working, afterRefusedCommit = false): void {
  const s = w.snapshot;
  if (s.status !== "running" && s.status !== "waiting" && s.status !== "compensating") return;
  const attempts = Object.values(s.inFlight).filter((attempt) => !attempt.interrupted);
  // A step that kept killing the process (a memory bomb, a native crash) is not run again: a person
  // looks at it first. Counted per attempt across restarts (InFlightAttempt.crashes).
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
function abandon(w: Working, trigger: Extract<Trigger, { type: "abandon" }>): void {
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

export { idempotencyKey };
