import type { RunSnapshot, ScopeSnapshot } from "@sagaflow/shared";
import { startNewRound } from "./fold-records";
import { isInsideScope } from "./names";

/** What the fold (fold.ts) does to whole scopes: drop, halt, revive; and the run's running/waiting status. */

export function removeInFlightOf(s: RunSnapshot, scopeId: string): void {
  for (const [id, attempt] of Object.entries(s.inFlight)) {
    if (attempt.scope === scopeId && attempt.kind === "task") delete s.inFlight[id];
  }
}

export function dropScope(s: RunSnapshot, id: string): void {
  delete s.scopes[id];
  dropChildren(s, id);
}

/** Forgets the branches and iterations of a scope's container state once it is left. */
export function dropChildren(s: RunSnapshot, id: string): void {
  for (const other of Object.keys(s.scopes)) if (isInsideScope(other, id)) delete s.scopes[other];
}

export function markScope(s: RunSnapshot, id: string, status: "failed", error: ScopeSnapshot["error"]): void {
  const scope = s.scopes[id];
  if (!scope) return;
  scope.status = status;
  scope.error = error;
}

/**
 * Stops a scope and everything inside it: running scopes become canceled, their timers and awaited signals
 * are dropped, and their in-flight task attempts are aborted by the edge. Those listed in `awaited` stay in
 * flight, marked `canceling`, until they settle (see draining.ts); the others are dropped.
 */
export function haltScope(s: RunSnapshot, id: string, awaited: readonly string[] = []): void {
  const inside = (scope: string) => scope === id || isInsideScope(scope, id);
  for (const scope of Object.values(s.scopes)) {
    if (!inside(scope.id)) continue;
    // The top level's own status is set by the event that halts it (failed, canceled).
    if (scope.status === "running" && scope.id !== "") scope.status = "canceled";
    if (scope.task) {
      scope.task.inFlight = null;
      scope.task.retryTimer = null;
    }
  }
  for (const [key, attempt] of Object.entries(s.inFlight)) {
    if (attempt.kind !== "task" || !inside(attempt.scope)) continue;
    if (awaited.includes(key)) s.inFlight[key] = { ...attempt, canceling: true };
    else delete s.inFlight[key];
  }
  for (const [key, timer] of Object.entries(s.timers)) {
    if (timer.scope !== undefined && inside(timer.scope)) delete s.timers[key];
  }
  for (const scope of Object.keys(s.awaiting)) if (inside(scope)) delete s.awaiting[scope];
}

/** A redrive: failed and canceled scopes run again from the state they stopped in. */
export function reviveScope(scope: ScopeSnapshot): void {
  if (scope.status !== "failed" && scope.status !== "canceled") return;
  scope.status = "running";
  if (scope.task) startNewRound(scope.task);
  if (scope.phase !== "failed") return;
  if (scope.parallel || scope.map) {
    scope.phase = "active";
    if (scope.parallel) scope.parallel.failed = null;
    if (scope.map) scope.map.failed = null;
  } else {
    scope.phase = "entered";
  }
  scope.error = null;
}

/** `waiting` while no attempt runs or is about to be retried and a timer or signal is awaited. */
export function refreshActiveStatus(s: RunSnapshot): void {
  if (s.status !== "running" && s.status !== "waiting") return;
  s.status = isWaiting(s) ? "waiting" : "running";
}

/** Loops rather than Object.keys/values: this runs after every event folded, and they allocate. */
function isWaiting(s: RunSnapshot): boolean {
  for (const _attempt in s.inFlight) return false;
  let waiting = false;
  for (const _signal in s.awaiting) {
    waiting = true;
    break;
  }
  for (const id in s.timers) {
    const purpose = s.timers[id]?.purpose;
    if (purpose === "retry") return false;
    if (purpose === "wait") waiting = true;
  }
  return waiting;
}
