import type { RunSnapshot } from "@sagaflow/shared";
import { isInsideScope } from "./names";

/*
 * Cancellation is cooperative and awaited (as in Temporal or Step Functions): when a scope is abandoned
 * (a sibling branch or iteration failed, an operator cancel with compensation, the run deadline), its task
 * attempts in flight are aborted through their AbortSignal and the run waits until each has settled. An
 * action that ignores or outraces the abort may already have written; its success is then recorded and, if
 * its task has compensateWith, pushed on the compensation stack, so it is compensated like any other.
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
