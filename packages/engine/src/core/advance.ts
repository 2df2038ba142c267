import {
  type ChoiceState,
  DEFINITION_DEFAULTS,
  type JsonValue,
  parseDuration,
  type RunError,
  type RunEvent,
  type RunSnapshot,
  type ScopeSnapshot,
  type State,
  type TaskState,
} from "@sagaflow/shared";
import { startCompensation, stepCompensation } from "./advance-compensation";
import { attemptsToAwait, awaitingCanceled } from "./draining";
import { type MaybePromise, whenReady } from "./expression-batch";
import { branchScopeId, idempotencyKey, iterationScopeId, signalTimerId, waitTimerId } from "./names";
import { baseTimeoutMs } from "./retry";
import { type Evaluated, toRunError, type Working } from "./working";

/**
 * Moves the run forward until every live scope waits for something outside the decision (an action, a
 * timer, a signal). Scopes are re-scanned after every step, since one step can unblock another
 * (a branch completing lets its parallel state complete).
 */
export function advance(w: Working): MaybePromise<void> {
  // Synchronous while every step is (in-thread expressions): no frame or promise kept per step; the rest
  // of the decision goes on asynchronously from the first step that awaits the isolate.
  for (let steps = 0; ; steps += 1) {
    if (steps > MAX_STEPS) throw new Error(DID_NOT_SETTLE);
    const progressed = stepOnce(w);
    if (progressed instanceof Promise) {
      return progressed.then((moved) => (moved ? advanceAsync(w, steps + 1) : undefined));
    }
    if (!progressed) return;
  }
}

const MAX_STEPS = 1_000_000;
const DID_NOT_SETTLE = "The run did not settle: a loop without any wait point?";

async function advanceAsync(w: Working, from: number): Promise<void> {
  for (let steps = from; ; steps += 1) {
    if (steps > MAX_STEPS) throw new Error(DID_NOT_SETTLE);
    if (!(await stepOnce(w))) return;
  }
}

/** One step of the first live scope that can make one (or of the compensation); whether one was made. */
function stepOnce(w: Working): MaybePromise<boolean> {
  const s = w.snapshot;
  if (s.status === "running" || s.status === "waiting") return stepScopesFrom(w, s, Object.keys(s.scopes), 0);
  if (s.status === "compensating") return stepCompensation(w);
  return false;
}

function stepScopesFrom(
  w: Working,
  s: RunSnapshot,
  ids: readonly string[],
  from: number,
): MaybePromise<boolean> {
  for (let at = from; at < ids.length; at++) {
    const scope = s.scopes[ids[at] as string];
    if (scope?.status !== "running") continue;
    const stepped = stepScope(w, scope);
    if (stepped instanceof Promise) {
      return stepped.then((moved) => moved || stepScopesFrom(w, s, ids, at + 1));
    }
    if (stepped) return true;
  }
  return false;
}

function stateOf(w: Working, stateId: string): State {
  const state = w.index.state(stateId);
  if (!state) throw new Error(`Workflow ${w.index.definition.name} has no state "${stateId}"`);
  return state;
}

function stepScope(w: Working, scope: ScopeSnapshot): MaybePromise<boolean> {
  if (scope.current === null) {
    const start =
      scope.owner === null
        ? w.index.definition.startAt
        : w.index.startOf(scope.owner.stateId, scope.owner.branch);
    if (start === undefined) throw new Error(`Scope "${scope.id}" has no start state`);
    enter(w, scope, start);
    return true;
  }
  const state = stateOf(w, scope.current);
  if (scope.phase === "failed") return false;
  if (scope.phase === "done") return transition(w, scope, state);
  return runState(w, scope, state);
}

/** A task or a choice synchronously when its expressions are evaluated in-thread (most steps). */
function runState(w: Working, scope: ScopeSnapshot, state: State): MaybePromise<boolean> {
  if (state.type === "task") return startTaskAttempt(w, scope, scope.current as string, state);
  if (state.type === "choice") return runChoice(w, scope, state);
  return runOtherState(w, scope, state);
}

function runChoice(w: Working, scope: ScopeSnapshot, state: ChoiceState): MaybePromise<boolean> {
  let found: MaybePromise<number | undefined>;
  try {
    found = w.firstTrueRule(
      state.choices.map((choice) => choice.when),
      w.bindings(scope.id),
    );
  } catch (error) {
    failState(w, scope, state, toRunError(error));
    return true;
  }
  if (!(found instanceof Promise)) return takeChoice(w, scope, state, found);
  return found.then(
    (rule) => takeChoice(w, scope, state, rule),
    (error: unknown) => {
      failState(w, scope, state, toRunError(error));
      return true;
    },
  );
}

function takeChoice(w: Working, scope: ScopeSnapshot, state: ChoiceState, rule: number | undefined): boolean {
  const stateId = scope.current as string;
  const choice = rule === undefined ? undefined : state.choices[rule];
  if (choice) {
    w.emit({
      type: "ChoiceTaken",
      scope: scope.id,
      stateId,
      visit: scope.visit,
      next: choice.next,
      rule: rule as number,
      ...(choice.label === undefined ? {} : { label: choice.label }),
    });
    enter(w, scope, choice.next);
    return true;
  }
  if (state.otherwise === undefined) {
    failState(w, scope, state, { error: "NoChoiceMatched", message: `no rule of ${stateId} matched` });
    return true;
  }
  w.emit({
    type: "ChoiceTaken",
    scope: scope.id,
    stateId,
    visit: scope.visit,
    next: state.otherwise,
    rule: null,
  });
  enter(w, scope, state.otherwise);
  return true;
}

async function runOtherState(
  w: Working,
  scope: ScopeSnapshot,
  state: Exclude<State, TaskState | ChoiceState>,
): Promise<boolean> {
  const stateId = scope.current as string;
  const key = idempotencyKey(w.snapshot.runId, scope.id, stateId, scope.visit);
  switch (state.type) {
    case "compensation":
      failState(w, scope, state, {
        error: "InvalidTransition",
        message: `compensation state ${stateId} runs only through a task's compensateWith`,
      });
      return true;
    case "wait": {
      const timerId = waitTimerId(key);
      if (w.snapshot.timers[timerId]) return false;
      let fireAt = scope.waitUntil;
      if (fireAt === undefined) {
        const computed = await waitFireAt(w, scope, state);
        if (!computed.ok) {
          failState(w, scope, state, computed.error);
          return true;
        }
        fireAt = computed.fireAt;
      }
      w.emit({
        type: "TimerStarted",
        timerId,
        purpose: "wait",
        fireAt,
        scope: scope.id,
        stateId,
        visit: scope.visit,
      });
      return true;
    }
    case "signal": {
      if (w.snapshot.awaiting[scope.id]) return false;
      const timeoutAt = state.timeout === undefined ? null : w.later(parseDuration(state.timeout));
      w.emit({
        type: "SignalAwaited",
        scope: scope.id,
        stateId,
        visit: scope.visit,
        signal: state.signal,
        timeoutAt,
      });
      const timerId = signalTimerId(key);
      if (timeoutAt !== null && !w.snapshot.timers[timerId]) {
        w.emit({
          type: "TimerStarted",
          timerId,
          purpose: "signalTimeout",
          fireAt: timeoutAt,
          scope: scope.id,
          stateId,
          visit: scope.visit,
        });
      }
      const kept = w.snapshot.bufferedSignals.find((signal) => signal.signal === state.signal);
      if (kept) {
        w.emit({
          type: "SignalReceived",
          by: kept.by,
          signal: kept.signal,
          payload: kept.payload,
          delivered: { scope: scope.id, stateId, visit: scope.visit },
          fromBuffer: true,
        });
      }
      return true;
    }
    case "parallel": {
      const parallel = scope.parallel;
      if (!parallel) {
        const branches: Record<string, string> = {};
        for (const branch of Object.keys(state.branches)) {
          branches[branch] = branchScopeId(scope.id, stateId, scope.visit, branch);
        }
        w.emit({ type: "ParallelStarted", scope: scope.id, stateId, visit: scope.visit, branches });
        return true;
      }
      if (parallel.failed) {
        const branches = Object.values(parallel.branches);
        const canceled = cancelChildren(w, branches, `branch ${parallel.failed.branch} failed`);
        if (awaitingCanceled(w.snapshot, branches)) return canceled;
        failState(w, scope, state, parallel.failed.error);
        return true;
      }
      const names = Object.keys(state.branches);
      if (names.every((name) => name in parallel.done)) {
        const output: Record<string, JsonValue> = {};
        for (const name of names) output[name] = parallel.done[name] ?? null;
        w.emit({ type: "ParallelCompleted", scope: scope.id, stateId, visit: scope.visit, output });
        return true;
      }
      return false;
    }
    case "map": {
      const map = scope.map;
      if (!map) {
        const items = await w.evaluate(state.items, w.bindings(scope.id));
        if (!items.ok) {
          failState(w, scope, state, items.error);
          return true;
        }
        if (!Array.isArray(items.value)) {
          failState(w, scope, state, {
            error: "InvalidItems",
            message: `items of ${stateId} is not an array`,
          });
          return true;
        }
        const maxConcurrency = state.maxConcurrency ?? DEFINITION_DEFAULTS.mapMaxConcurrency;
        w.emit({
          type: "MapStarted",
          scope: scope.id,
          stateId,
          visit: scope.visit,
          items: items.value,
          maxConcurrency,
        });
        return true;
      }
      if (map.failed) {
        const iterations = Object.values(map.running);
        const canceled = cancelChildren(w, iterations, `iteration ${map.failed.index} failed`);
        if (awaitingCanceled(w.snapshot, iterations)) return canceled;
        failState(w, scope, state, map.failed.error);
        return true;
      }
      if (map.completed === map.items.length) {
        w.emit({ type: "MapCompleted", scope: scope.id, stateId, visit: scope.visit, output: map.results });
        return true;
      }
      if (Object.keys(map.running).length < map.maxConcurrency && map.nextIndex < map.items.length) {
        const index = map.nextIndex;
        w.emit({
          type: "IterationStarted",
          scope: scope.id,
          stateId,
          visit: scope.visit,
          index,
          iterationScope: iterationScopeId(scope.id, stateId, scope.visit, index),
        });
        return true;
      }
      return false;
    }
    case "succeed": {
      let output: JsonValue = scope.output;
      if (state.output !== undefined) {
        const evaluated = await w.evaluate(state.output, w.bindings(scope.id));
        if (!evaluated.ok) {
          failState(w, scope, state, evaluated.error);
          return true;
        }
        output = evaluated.value;
      }
      completeScope(w, scope, output);
      return true;
    }
    case "fail": {
      const error: RunError = {
        error: state.error ?? "Failed",
        message: state.message ?? `the run reached fail state ${stateId}`,
      };
      w.emit({ type: "StepFailed", scope: scope.id, stateId, visit: scope.visit, error, attempts: 0 });
      failScope(w, scope, error, state.compensate !== false);
      return true;
    }
  }
}

async function waitFireAt(
  w: Working,
  scope: ScopeSnapshot,
  state: Extract<State, { type: "wait" }>,
): Promise<{ ok: true; fireAt: string } | { ok: false; error: RunError }> {
  if (state.until !== undefined) {
    const until = await w.evaluate(state.until, w.bindings(scope.id));
    if (!until.ok) return until;
    const time = typeof until.value === "string" ? Date.parse(until.value) : Number.NaN;
    if (Number.isNaN(time)) {
      return {
        ok: false,
        error: {
          error: "InvalidTimestamp",
          message: `until is not an ISO time: ${JSON.stringify(until.value)}`,
        },
      };
    }
    return { ok: true, fireAt: new Date(time).toISOString() };
  }
  return { ok: true, fireAt: w.later(parseDuration(state.duration ?? 0)) };
}

function startTaskAttempt(
  w: Working,
  scope: ScopeSnapshot,
  stateId: string,
  state: TaskState,
): MaybePromise<boolean> {
  const progress = scope.task;
  if (progress && (progress.inFlight !== null || progress.retryTimer !== null)) return false;
  // No await when the params were evaluated in-thread (most tasks): no frame kept a step.
  return whenReady(w.evaluate(state.params ?? {}, w.bindings(scope.id)), (params) =>
    attemptWith(w, scope, stateId, state, params),
  );
}

function attemptWith(
  w: Working,
  scope: ScopeSnapshot,
  stateId: string,
  state: TaskState,
  params: Evaluated,
): boolean {
  const progress = scope.task;
  if (!params.ok) {
    failState(w, scope, state, params.error, progress?.roundAttempts ?? 0);
    return true;
  }
  const timeoutMs = !progress || progress.roundAttempts === 0 ? baseTimeoutMs(state) : progress.timeoutMs;
  w.emit({
    type: "StepAttemptStarted",
    scope: scope.id,
    stateId,
    visit: scope.visit,
    attempt: (progress?.attempt ?? 0) + 1,
    idempotencyKey: idempotencyKey(w.snapshot.runId, scope.id, stateId, scope.visit),
    action: state.action,
    params: params.value,
    timeoutMs,
  });
  return true;
}

function transition(w: Working, scope: ScopeSnapshot, state: State): boolean {
  if (state.type === "choice") return false;
  if ("next" in state && state.next !== undefined) {
    enter(w, scope, state.next);
    return true;
  }
  completeScope(w, scope, scope.output);
  return true;
}

/** Enters `target`, unless that would exceed its maxVisits: then the scope fails with LoopLimitExceeded. */
export function enter(w: Working, scope: ScopeSnapshot, target: string, error?: RunError): void {
  const state = w.index.state(target);
  if (!state) {
    failScope(w, scope, { error: "InvalidTransition", message: `no state "${target}"` }, true);
    return;
  }
  const visits = scope.visits[target] ?? 0;
  const maxVisits = state.maxVisits ?? DEFINITION_DEFAULTS.maxVisits;
  if (visits >= maxVisits) {
    failScope(
      w,
      scope,
      {
        error: "LoopLimitExceeded",
        message: `${target} was entered ${visits} times (maxVisits ${maxVisits})`,
      },
      true,
    );
    return;
  }
  const entered: Extract<RunEvent, { type: "StateEntered" }> = {
    type: "StateEntered",
    scope: scope.id,
    stateId: target,
    visit: visits + 1,
    stateType: state.type,
  };
  // Added after the literal (last, as the stored events have it): a literal with a spread is slower to build.
  if (error) entered.error = error;
  w.emit(entered);
}

/** A scope reached its end with `output`: the run succeeds, or the branch/iteration reports to its parent. */
function completeScope(w: Working, scope: ScopeSnapshot, output: JsonValue): void {
  if (scope.owner === null || scope.parent === null) {
    w.emit({ type: "RunSucceeded", output });
    return;
  }
  const parent = w.scope(scope.parent);
  const common = { scope: parent.id, stateId: scope.owner.stateId, visit: parent.visit };
  if (scope.owner.branch !== undefined) {
    w.emit({ type: "BranchCompleted", ...common, branch: scope.owner.branch, branchScope: scope.id, output });
  } else {
    w.emit({
      type: "IterationCompleted",
      ...common,
      index: scope.owner.index ?? 0,
      iterationScope: scope.id,
      output,
    });
  }
}

/**
 * A state failed for good (after its retries). Tasks, parallel and map states apply their `catch`, then
 * `onError`; any other state fails its scope.
 */
export function failState(
  w: Working,
  scope: ScopeSnapshot,
  state: State,
  error: RunError,
  attempts = 0,
): void {
  const stateId = scope.current as string;
  w.emit({ type: "StepFailed", scope: scope.id, stateId, visit: scope.visit, error, attempts });
  if (state.type !== "task" && state.type !== "parallel" && state.type !== "map") {
    failScope(w, scope, error, true);
    return;
  }
  const catcher = state.catch?.find((c) => c.errors.includes("*") || c.errors.includes(error.error));
  if (catcher) {
    enter(w, scope, catcher.next, error);
    return;
  }
  const onError = state.onError ?? DEFINITION_DEFAULTS.onError;
  if (onError === "continue") {
    w.emit({ type: "StepWarned", scope: scope.id, stateId, visit: scope.visit, error });
    return;
  }
  failScope(w, scope, error, onError === "compensate");
}

/**
 * The failure leaves the scope. At the top level the run compensates (or fails at once); a branch or an
 * iteration fails, and its parallel/map state then fails with the same error and applies its own policy.
 */
function failScope(w: Working, scope: ScopeSnapshot, error: RunError, compensate: boolean): void {
  if (scope.owner === null || scope.parent === null) {
    if (compensate) startCompensation(w, "failure", error);
    else w.emit({ type: "RunFailed", error });
    return;
  }
  const parent = w.scope(scope.parent);
  const common = { scope: parent.id, stateId: scope.owner.stateId, visit: parent.visit, error };
  if (scope.owner.branch !== undefined) {
    w.emit({ type: "BranchFailed", ...common, branch: scope.owner.branch, branchScope: scope.id });
  } else {
    w.emit({ type: "IterationFailed", ...common, index: scope.owner.index ?? 0, iterationScope: scope.id });
  }
}

/**
 * Cancels the running siblings of a failed branch or iteration; their attempts in flight are aborted and
 * awaited (draining.ts). Returns whether anything was canceled.
 */
function cancelChildren(w: Working, ids: string[], reason: string): boolean {
  let canceled = false;
  for (const id of ids) {
    if (w.snapshot.scopes[id]?.status !== "running") continue;
    const awaitedAttempts = attemptsToAwait(w.snapshot, [id]);
    w.emit({ type: "ScopeCanceled", scope: id, reason, awaitedAttempts });
    canceled = true;
  }
  return canceled;
}
