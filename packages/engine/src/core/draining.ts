import type { RunSnapshot } from "@sagaflow/shared";
import { isInsideScope } from "./names";

/*
 * Cancellation is cooperative and awaited (as in Temporal or Step Functions): when a scope is abandoned
 * (a sibling branch or iteration failed, an operator cancel with or without compensation, the run
 * deadline), its task attempts in flight are aborted through their AbortSignal and the run waits until
 * each has settled. An action that ignores or outraces the abort may already have written; its success is
 * then recorded and, if its task has compensateWith, pushed on the compensation stack, so it is compensated
 * like any other, and a later redrive never runs it again.
 */

const inside = (scope: string, container: string) => scope === container || isInsideScope(scope, container);

/**
 * The attempt ids to await when `scopeIds` are abandoned: task attempts in flight inside them that can
 * still settle in this process (not interrupted by a crash, not abandoned by a shutdown before they began).
 */
export function attemptsToAwait(snapshot: RunSnapshot, scopeIds: readonly string[]): string[] {
  return Object.values(snapshot.inFlight)
    .filter(
      (attempt) =>
        attempt.kind === "task" &&
        !attempt.interrupted &&
        !attempt.abandoned &&
        scopeIds.some((id) => inside(attempt.scope, id)),
    )
    .map((attempt) => attempt.id);
}

/** Whether an aborted attempt inside `scopeIds` has not settled yet. */
export function awaitingCanceled(snapshot: RunSnapshot, scopeIds: readonly string[]): boolean {
  return Object.values(snapshot.inFlight).some(
    (attempt) => attempt.canceling === true && scopeIds.some((id) => inside(attempt.scope, id)),
  );
}

/**
 * Whether the run was canceled without compensation and still awaits attempts it aborted: it is not
 * `canceled` yet, so nothing can redrive it while a write may still land. Its top scope is canceled, so
 * nothing else moves; the settle of its last aborted attempt ends it (see `cancelSettled`).
 */
export function cancelDraining(snapshot: RunSnapshot): boolean {
  const live = snapshot.status === "running" || snapshot.status === "waiting";
  return live && canceledWithoutCompensation(snapshot);
}

/** A cancel without compensation that has nothing left to await: the run is `canceled` from here on. */
export function cancelSettled(snapshot: RunSnapshot): boolean {
  return cancelDraining(snapshot) && !awaitingCanceled(snapshot, [""]);
}

/**
 * The top level was canceled and nothing compensates: a cancel without compensation, draining, or
 * suspended while draining (a crash made an awaited attempt's outcome unknown), or ended.
 */
export function canceledWithoutCompensation(snapshot: RunSnapshot): boolean {
  return snapshot.compensation === null && snapshot.scopes[""]?.status === "canceled";
}
