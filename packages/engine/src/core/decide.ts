import {
  type CompensationState,
  type Definition,
  type InFlightAttempt,
  parseDuration,
  type RunError,
  type RunEvent,
  type RunSnapshot,
  type TaskState,
} from "@sagaflow/shared";
import { InvalidOperationError } from "../errors";
import { advance, enter, failState } from "./advance";
import { failCompensation, startCompensation } from "./advance-compensation";
import { indexDefinition } from "./definition-index";
import { cancelDraining } from "./draining";
import type { MaybePromise } from "./expression-batch";
import { compensationRetryTimerId, DEADLINE_TIMER, idempotencyKey, retryTimerId } from "./names";
import {
  abandon,
  cancel,
  compensateNow,
  compensationRef,
  moveToVersion,
  recover,
  resolveStep,
  restored,
  resume,
  retryCompensation,
  signal,
  suspendCorrupt,
} from "./operator";
import { planRetry, resolveRetry, TIMEOUT_ERROR } from "./retry";
import type { DecideContext, Decision, Trigger } from "./types";
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
  return decideNow(definition, snapshot, trigger, context);
}

/**
 * `decide` for the engine's hot path: the decision itself when it needs no isolate (most steps), so the
 * run's queue does not wait a turn for it; a promise otherwise. Errors may throw at once.
 */
export function decideNow(
  definition: Definition,
  snapshot: RunSnapshot | undefined,
  trigger: Trigger,
  context: DecideContext,
): MaybePromise<Decision> {
  // A resume on another version goes on with that version's states (checked in moveToVersion).
  const moveTo = trigger.type === "resume" ? trigger.moveTo : undefined;
  const w = new Working(snapshot, indexDefinition(moveTo?.definition ?? definition), context);
  if (moveTo) moveToVersion(w, trigger.type === "resume" ? trigger.by : "", definition, moveTo.version);
  handle(w, trigger);
  if (w.started) {
    // A promise only when an expression went to the isolate: most steps are decided without a suspension.
    const advanced = advance(w);
    if (advanced instanceof Promise) return advanced.then(() => decided(w, snapshot, trigger));
  }
  return decided(w, snapshot, trigger);
}

/** The decision once the working copy is final: its events, its commands and the aborts it implies. */
function decided(w: Working, snapshot: RunSnapshot | undefined, trigger: Trigger): Decision {
  if (!w.started) return { events: [], commands: [], snapshot: snapshot as RunSnapshot };
  const finished = "attemptId" in trigger ? trigger.attemptId : undefined;
  // The input's in-flight map is as it was: the decision folded into a copy of it (clone-snapshot.ts).
  const before = snapshot?.inFlight ?? {};
  for (const id in before) {
    if (id === finished) continue;
    const now = w.snapshot.inFlight[id];
    // Dropped: aborted and forgotten. Newly canceling: aborted, but its outcome still comes back as a trigger.
    if (!now || (now.canceling && !before[id]?.canceling)) {
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

function handle(w: Working, trigger: Trigger): void {
  switch (trigger.type) {
    case "start":
      start(w, trigger);
      return;
    case "attemptSucceeded":
      attemptSucceeded(w, trigger);
      return;
    case "attemptFailed":
      attemptFailed(w, trigger.attemptId, trigger.error, false, trigger.fatal, trigger.durationMs);
      return;
    case "attemptTimedOut": {
      const attempt = w.snapshot.inFlight[trigger.attemptId];
      const message = `attempt ${attempt?.attempt ?? "?"} timed out after ${attempt?.timeoutMs ?? "?"} ms`;
      attemptFailed(w, trigger.attemptId, { error: TIMEOUT_ERROR, message }, true, false, trigger.durationMs);
      return;
    }
    case "timersDue":
      timersDue(w);
      return;
    case "signal":
      signal(w, trigger);
      return;
    case "cancel":
      cancel(w, trigger.compensate, trigger.by);
      return;
    case "resume":
      resume(w, trigger.by);
      return;
    case "retryCompensation":
      retryCompensation(w, trigger.by);
      return;
    case "resolveStep":
      resolveStep(w, trigger);
      return;
    case "compensate":
      compensateNow(w, trigger.by);
      return;
    case "recover":
      recover(w, trigger.afterRefusedCommit === true);
      return;
    case "abandon":
      abandon(w, trigger);
      return;
    case "suspendCorrupt":
      suspendCorrupt(w, trigger);
      return;
    case "restored":
      restored(w, trigger);
      return;
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
    const succeeded: Extract<RunEvent, { type: "StepSucceeded" }> = {
      type: "StepSucceeded",
      scope: attempt.scope,
      stateId: attempt.stateId,
      visit: attempt.visit,
      attempt: attempt.attempt,
      idempotencyKey: attempt.idempotencyKey,
      output: trigger.output,
      durationMs: trigger.durationMs,
    };
    // Added last, as stored events have it, rather than spread into the literal (every step succeeds).
    if (state?.compensateWith) succeeded.compensateWith = state.compensateWith;
    w.emit(succeeded);
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
  // The step's next attempt starts from this attempt's crash count (fold-records.ts, crashesBefore).
  const crashes = attempt.crashes ? { crashes: attempt.crashes } : {};

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
      ...crashes,
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
    ...crashes,
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

export { DEFAULT_CRASH_LIMIT } from "./operator";
export { idempotencyKey };
