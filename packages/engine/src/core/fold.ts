import type { InFlightAttempt, RunEvent, RunSnapshot } from "@sagaflow/shared";
import { assertNever } from "./assert-never";
import { cloneSnapshot } from "./clone-snapshot";
import { awaitingCanceled, cancelSettled } from "./draining";
import {
  beginAttempt,
  completeState,
  crashesBefore,
  endStateRun,
  iterationOf,
  keepCrashes,
  newProgress,
  newScope,
  popCompensation,
  scopeOf,
  startNewRound,
  startSnapshot,
  stateRun,
} from "./fold-records";
import {
  dropChildren,
  dropScope,
  haltScope,
  markScope,
  refreshActiveStatus,
  removeInFlightOf,
  reviveScope,
} from "./fold-scopes";
import { attemptId, idempotencyKey, signalTimerId } from "./names";
import { writeEntry } from "./shared-maps";

export { newProgress } from "./fold-records";

/**
 * The snapshot is the fold of the history: `fold(fold(undefined, e1), e2)…`. It needs no definition and no
 * clock (the commit time of each event is passed in), so anyone holding the events can rebuild it, and
 * recovery can check a stored snapshot against it.
 */
export function fold(snapshot: RunSnapshot | undefined, event: RunEvent, at: string): RunSnapshot {
  // A working copy that shares what the event does not change: its cost does not grow with the run.
  const next = snapshot === undefined ? undefined : cloneSnapshot(snapshot);
  return applyEvent(next, event, at);
}

/** The fold of a whole history, in linear time (one working copy, updated in place). */
export function foldHistory(events: Iterable<{ event: RunEvent; at: string }>): RunSnapshot | undefined {
  let snapshot: RunSnapshot | undefined;
  for (const { event, at } of events) snapshot = applyEvent(snapshot, event, at);
  return snapshot;
}

const TRAIL_LENGTH = 50;

/**
 * Applies one event to `snapshot` in place (the working copy of fold/decide) and returns it.
 * Values taken from events are never mutated afterwards, only replaced.
 */
export function applyEvent(snapshot: RunSnapshot | undefined, event: RunEvent, at: string): RunSnapshot {
  if (event.type === "RunStarted") return startSnapshot(event, at);
  if (snapshot === undefined) throw new Error(`History must begin with RunStarted, not ${event.type}`);
  const s = snapshot;
  switch (event.type) {
    case "StateEntered": {
      const scope = scopeOf(s, event.scope);
      dropChildren(s, scope.id);
      scope.current = event.stateId;
      scope.visit = event.visit;
      writeEntry(scope.visits, event.stateId, event.visit);
      scope.phase = "entered";
      scope.enteredAt = at;
      scope.error = event.error ?? null;
      scope.task = event.stateType === "task" ? newProgress() : null;
      scope.parallel = null;
      scope.map = null;
      delete scope.waitUntil;
      const run = stateRun(s, event.stateId, at);
      run.status = "running";
      run.visits += 1;
      s.trail.push(event.stateId);
      // One over (every entry of a long run): shift, which makes no array of the removed entries.
      if (s.trail.length === TRAIL_LENGTH + 1) s.trail.shift();
      else if (s.trail.length > TRAIL_LENGTH) s.trail.splice(0, s.trail.length - TRAIL_LENGTH);
      break;
    }
    case "StepAttemptStarted": {
      const scope = scopeOf(s, event.scope);
      const id = attemptId(event.idempotencyKey, event.attempt);
      // A re-run after a crash of an attempt whose scope was being canceled is still awaited.
      const canceling = event.recovered === true && s.inFlight[id]?.canceling === true;
      const crashes = crashesBefore(s.inFlight[id], event, scope.task);
      const attempt: InFlightAttempt = {
        id,
        kind: "task",
        scope: event.scope,
        stateId: event.stateId,
        visit: event.visit,
        attempt: event.attempt,
        idempotencyKey: event.idempotencyKey,
        action: event.action,
        params: event.params,
        timeoutMs: event.timeoutMs,
        startedAt: at,
      };
      // Set after the literal, in this order, rather than spread into it: a literal with spreads is built
      // key by key (every step starts an attempt), and the keys keep the order stored snapshots have.
      if (canceling) attempt.canceling = true;
      if (crashes > 0) attempt.crashes = crashes;
      s.inFlight[id] = attempt;
      scope.task = beginAttempt(scope.task, id, event);
      scope.phase = "active";
      const run = stateRun(s, event.stateId, at);
      run.status = "running";
      if (!event.recovered) run.attempts += 1;
      run.idempotencyKey = event.idempotencyKey;
      break;
    }
    case "StepAttemptAbandoned": {
      const attempt = s.inFlight[attemptId(event.idempotencyKey, event.attempt)];
      if (attempt) s.inFlight[attempt.id] = { ...attempt, abandoned: true };
      break;
    }
    case "StepAttemptFailed":
    case "StepTimedOut": {
      const scope = scopeOf(s, event.scope);
      const id = attemptId(event.idempotencyKey, event.attempt);
      const canceled = s.inFlight[id]?.canceling === true;
      delete s.inFlight[id];
      const error =
        event.type === "StepAttemptFailed"
          ? event.error
          : { error: "Timeout", message: `attempt ${event.attempt} timed out after ${event.timeoutMs} ms` };
      if (scope.task) {
        scope.task.inFlight = null;
        scope.task.lastError = error;
        keepCrashes(scope.task, event.crashes);
        if (event.type === "StepTimedOut") {
          scope.task.timeoutMs = event.nextTimeoutMs;
          if (event.extended) scope.task.timeoutRetries += 1;
        }
      }
      const run = canceled ? endStateRun(s, event.stateId, "canceled", at) : stateRun(s, event.stateId, at);
      run.lastError = error;
      break;
    }
    case "StepSucceeded":
    case "StepResolved": {
      const scope = scopeOf(s, event.scope);
      if (event.type === "StepSucceeded") delete s.inFlight[attemptId(event.idempotencyKey, event.attempt)];
      else removeInFlightOf(s, event.scope);
      completeState(s, scope, event.stateId, event.output, at);
      scope.task = null;
      if (event.compensateWith) {
        s.compensationStack.push({
          taskStateId: event.stateId,
          compensationStateId: event.compensateWith,
          scope: event.scope,
          visit: event.visit,
          output: event.output,
          ...iterationOf(s, scope),
        });
      }
      break;
    }
    case "StepFailed": {
      const scope = scopeOf(s, event.scope);
      scope.phase = "failed";
      scope.error = event.error;
      if (scope.task) scope.task.lastError = event.error;
      const run = stateRun(s, event.stateId, at);
      run.status = "failed";
      run.lastEndedAt = at;
      run.lastError = event.error;
      break;
    }
    case "StepWarned": {
      const scope = scopeOf(s, event.scope);
      completeState(s, scope, event.stateId, null, at);
      scope.task = null;
      stateRun(s, event.stateId, at).status = "warned";
      break;
    }
    case "ChoiceTaken": {
      const scope = scopeOf(s, event.scope);
      scope.phase = "done";
      endStateRun(s, event.stateId, "succeeded", at);
      break;
    }
    case "TimerStarted": {
      s.timers[event.timerId] = {
        id: event.timerId,
        purpose: event.purpose,
        fireAt: event.fireAt,
        ...(event.scope === undefined ? {} : { scope: event.scope }),
        ...(event.stateId === undefined ? {} : { stateId: event.stateId }),
        ...(event.visit === undefined ? {} : { visit: event.visit }),
      };
      if (event.purpose === "wait" && event.scope !== undefined) {
        const scope = scopeOf(s, event.scope);
        scope.waitUntil = event.fireAt;
        scope.phase = "active";
        if (event.stateId) stateRun(s, event.stateId, at).status = "waiting";
      }
      if (event.purpose === "retry" && event.scope !== undefined) {
        const task = scopeOf(s, event.scope).task;
        if (task) task.retryTimer = event.timerId;
      }
      if (event.purpose === "compensationRetry" && s.compensation?.exec) {
        s.compensation.exec.retryTimer = event.timerId;
      }
      break;
    }
    case "TimerFired": {
      const timer = s.timers[event.timerId];
      delete s.timers[event.timerId];
      if (!timer) break;
      const scope = timer.scope === undefined ? undefined : s.scopes[timer.scope];
      if (timer.purpose === "wait" && scope && timer.stateId) {
        completeState(s, scope, timer.stateId, undefined, at);
      }
      if (timer.purpose === "retry" && scope?.task) scope.task.retryTimer = null;
      if (timer.purpose === "compensationRetry" && s.compensation?.exec)
        s.compensation.exec.retryTimer = null;
      if (timer.purpose === "signalTimeout" && timer.scope !== undefined) {
        delete s.awaiting[timer.scope];
        if (timer.stateId) stateRun(s, timer.stateId, at).lastEndedAt = at;
      }
      break;
    }
    case "SignalAwaited": {
      const scope = scopeOf(s, event.scope);
      s.awaiting[event.scope] = {
        scope: event.scope,
        stateId: event.stateId,
        visit: event.visit,
        signal: event.signal,
        timeoutAt: event.timeoutAt,
      };
      scope.phase = "active";
      stateRun(s, event.stateId, at).status = "waiting";
      break;
    }
    case "SignalReceived": {
      if (event.fromBuffer) {
        const index = s.bufferedSignals.findIndex((kept) => kept.signal === event.signal);
        if (index >= 0) s.bufferedSignals.splice(index, 1);
      }
      const target = event.delivered;
      if (!target) {
        s.bufferedSignals.push({ signal: event.signal, payload: event.payload, by: event.by });
        break;
      }
      delete s.awaiting[target.scope];
      delete s.timers[signalTimerId(idempotencyKey(s.runId, target.scope, target.stateId, target.visit))];
      completeState(s, scopeOf(s, target.scope), target.stateId, event.payload, at);
      break;
    }
    case "ParallelStarted": {
      const scope = scopeOf(s, event.scope);
      dropChildren(s, scope.id);
      scope.parallel = { branches: event.branches, done: {}, failed: null };
      scope.phase = "active";
      for (const [branch, id] of Object.entries(event.branches)) {
        s.scopes[id] = newScope(id, scope.id, { stateId: event.stateId, branch }, at);
      }
      break;
    }
    case "BranchCompleted": {
      const parallel = scopeOf(s, event.scope).parallel;
      if (parallel) parallel.done[event.branch] = event.output;
      dropScope(s, event.branchScope);
      break;
    }
    case "BranchFailed": {
      const parallel = scopeOf(s, event.scope).parallel;
      if (parallel) parallel.failed = { branch: event.branch, error: event.error };
      markScope(s, event.branchScope, "failed", event.error);
      break;
    }
    case "ParallelCompleted":
    case "MapCompleted": {
      const scope = scopeOf(s, event.scope);
      dropChildren(s, scope.id);
      completeState(s, scope, event.stateId, event.output, at);
      scope.parallel = null;
      scope.map = null;
      break;
    }
    case "MapStarted": {
      const scope = scopeOf(s, event.scope);
      dropChildren(s, scope.id);
      scope.map = {
        items: event.items,
        maxConcurrency: event.maxConcurrency,
        nextIndex: 0,
        running: {},
        results: event.items.map(() => null),
        completed: 0,
        failed: null,
      };
      scope.phase = "active";
      break;
    }
    case "IterationStarted": {
      const scope = scopeOf(s, event.scope);
      const map = scope.map;
      if (!map) break;
      map.running[String(event.index)] = event.iterationScope;
      map.nextIndex = Math.max(map.nextIndex, event.index + 1);
      const child = newScope(
        event.iterationScope,
        scope.id,
        { stateId: event.stateId, index: event.index },
        at,
      );
      child.item = map.items[event.index] ?? null;
      child.index = event.index;
      s.scopes[child.id] = child;
      break;
    }
    case "IterationCompleted": {
      const map = scopeOf(s, event.scope).map;
      if (map) {
        map.results[event.index] = event.output;
        delete map.running[String(event.index)];
        map.completed += 1;
      }
      dropScope(s, event.iterationScope);
      break;
    }
    case "IterationFailed": {
      const map = scopeOf(s, event.scope).map;
      if (map) map.failed = { index: event.index, error: event.error };
      markScope(s, event.iterationScope, "failed", event.error);
      break;
    }
    case "ScopeCanceled": {
      haltScope(s, event.scope, event.awaitedAttempts);
      break;
    }
    case "CompensationStarted": {
      const top = s.scopes[""];
      if (top && top.status === "running") top.status = event.cause === "failure" ? "failed" : "canceled";
      haltScope(s, "", event.awaitedAttempts);
      for (const [id, timer] of Object.entries(s.timers))
        if (timer.purpose !== "compensationRetry") delete s.timers[id];
      s.status = "compensating";
      s.error = event.error;
      s.compensation = { cause: event.cause, error: event.error, exec: null, failed: null };
      break;
    }
    case "CompensationStepStarted": {
      const compensation = s.compensation;
      if (!compensation) break;
      const id = attemptId(event.idempotencyKey, event.attempt);
      const crashes = crashesBefore(s.inFlight[id], event, compensation.exec);
      s.inFlight[id] = {
        id,
        kind: "compensation",
        scope: event.scope,
        stateId: event.compensationStateId,
        taskStateId: event.taskStateId,
        visit: event.visit,
        attempt: event.attempt,
        idempotencyKey: event.idempotencyKey,
        action: event.action,
        params: event.params,
        timeoutMs: event.timeoutMs,
        startedAt: at,
        ...(crashes > 0 ? { crashes } : {}),
      };
      compensation.exec = beginAttempt(compensation.exec, id, event);
      const run = stateRun(s, event.compensationStateId, at);
      run.status = "running";
      if (!event.recovered) run.attempts += 1;
      run.idempotencyKey = event.idempotencyKey;
      stateRun(s, event.taskStateId, at).status = "compensating";
      break;
    }
    case "CompensationStepFailed": {
      delete s.inFlight[attemptId(event.idempotencyKey, event.attempt)];
      const exec = s.compensation?.exec;
      if (exec) {
        exec.inFlight = null;
        exec.lastError = event.error;
        keepCrashes(exec, event.crashes);
        if (event.timedOut) {
          exec.timeoutMs = event.nextTimeoutMs;
          if (event.extended) exec.timeoutRetries += 1;
        }
      }
      stateRun(s, event.compensationStateId, at).lastError = event.error;
      break;
    }
    case "CompensationStepSucceeded":
    case "CompensationStepResolved": {
      if (event.type === "CompensationStepSucceeded") {
        delete s.inFlight[attemptId(event.idempotencyKey, event.attempt)];
      }
      popCompensation(s, event);
      s.compensated.push({
        taskStateId: event.taskStateId,
        compensationStateId: event.compensationStateId,
        scope: event.scope,
        visit: event.visit,
        ...(event.type === "CompensationStepResolved" ? { resolvedBy: event.by } : {}),
      });
      writeEntry(s.steps, event.compensationStateId, event.output);
      if (s.compensation) {
        s.compensation.exec = null;
        s.compensation.failed = null;
      }
      if (s.status === "compensation_failed") s.status = "compensating";
      endStateRun(s, event.compensationStateId, "succeeded", at);
      stateRun(s, event.taskStateId, at).status = "compensated";
      break;
    }
    case "CompensationFailed": {
      if (s.compensation) {
        s.compensation.failed = {
          taskStateId: event.taskStateId,
          compensationStateId: event.compensationStateId,
          error: event.error,
        };
      }
      s.status = "compensation_failed";
      s.endedAt = at;
      endStateRun(s, event.compensationStateId, "failed", at).lastError = event.error;
      break;
    }
    case "CompensationRetried": {
      const compensation = s.compensation;
      if (compensation) {
        compensation.failed = null;
        if (compensation.exec) startNewRound(compensation.exec);
      }
      s.status = "compensating";
      s.endedAt = null;
      break;
    }
    case "RunSucceeded": {
      s.status = "succeeded";
      s.output = event.output;
      s.endedAt = at;
      const top = s.scopes[""];
      if (top) top.status = "succeeded";
      s.timers = {};
      break;
    }
    case "RunFailed": {
      const top = s.scopes[""];
      if (top && top.status === "running") top.status = "failed";
      haltScope(s, "");
      s.timers = {};
      s.status = "failed";
      s.error = event.error;
      s.endedAt = at;
      break;
    }
    case "RunCompensated": {
      s.status = event.canceled ? "canceled" : "compensated";
      s.endedAt = at;
      s.timers = {};
      break;
    }
    case "RunSuspended": {
      s.status = "suspended";
      s.suspension = {
        reason: event.reason,
        message: event.message,
        ...(event.scope === undefined ? {} : { scope: event.scope }),
        ...(event.stateId === undefined ? {} : { stateId: event.stateId }),
        ...(event.lastGoodSeq === undefined ? {} : { lastGoodSeq: event.lastGoodSeq }),
      };
      // Replaced, not edited: in-flight records are shared with the snapshot this one was copied from.
      for (const [id, attempt] of Object.entries(s.inFlight))
        s.inFlight[id] = { ...attempt, interrupted: true };
      break;
    }
    case "RunResumed": {
      // A person looked (after a crash loop: fixed the step): every step gets the full crash limit again.
      for (const scope of Object.values(s.scopes)) if (scope.task) delete scope.task.crashes;
      if (s.compensation?.exec) delete s.compensation.exec.crashes;
      for (const [id, attempt] of Object.entries(s.inFlight)) {
        if (!attempt.interrupted) continue;
        delete s.inFlight[id];
        const task = s.scopes[attempt.scope]?.task;
        if (task?.inFlight === id) task.inFlight = null;
        const exec = s.compensation?.exec;
        if (event.compensating && exec?.inFlight === id) exec.inFlight = null;
      }
      if (event.compensating) {
        s.status = "compensating";
        s.suspension = null;
        s.endedAt = null;
        break;
      }
      for (const scope of Object.values(s.scopes)) reviveScope(scope);
      s.status = "running";
      s.suspension = null;
      s.error = null;
      s.output = null;
      s.endedAt = null;
      s.compensation = null;
      break;
    }
    case "RunCanceled": {
      haltScope(s, "", event.awaitedAttempts);
      const top = s.scopes[""];
      if (top && top.status === "running") top.status = "canceled";
      s.timers = {};
      s.awaiting = {};
      for (const [id, attempt] of Object.entries(s.inFlight)) if (!attempt.canceling) delete s.inFlight[id];
      s.suspension = null;
      const error = { error: "Canceled", message: `canceled by ${event.by}` };
      s.error = error;
      if (event.compensate) {
        s.status = "compensating";
        s.compensation = { cause: "cancel", error, exec: null, failed: null };
      } else if (awaitingCanceled(s, [""])) {
        // Canceled once the attempts it aborted have settled (see cancelSettled below).
        s.status = "running";
      } else {
        s.status = "canceled";
        s.endedAt = at;
      }
      break;
    }
    case "HistoryRestored": {
      s.suspension = null;
      break;
    }
    case "RunMovedToVersion": {
      // What follows runs on the new version; completed work and its outputs stay as they are.
      s.version = event.to;
      // Stack records are shared with earlier snapshots (clone-snapshot.ts): replaced, never edited.
      for (const remap of event.compensations ?? []) {
        s.compensationStack = s.compensationStack.map((entry) =>
          entry.taskStateId === remap.taskStateId && entry.compensationStateId === remap.from
            ? { ...entry, compensationStateId: remap.to }
            : entry,
        );
      }
      break;
    }
    default:
      assertNever(event, "run event");
  }
  // A cancel without compensation ends with the settle of the last attempt it awaited (draining.ts).
  if (cancelSettled(s)) {
    s.status = "canceled";
    s.endedAt = at;
  }
  refreshActiveStatus(s);
  return s;
}
