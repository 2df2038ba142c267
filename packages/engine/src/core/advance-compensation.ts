import type { CompensationCause, RunError } from "@sagaflow/shared";
import { attemptsToAwait, awaitingCanceled } from "./draining";
import { compensationKey } from "./names";
import { baseTimeoutMs } from "./retry";
import type { Working } from "./working";

/*
 * The compensation half of advancing a run: once a run compensates, its stack of undos runs top first,
 * one at a time, each with its own attempts and retries like a task.
 */

/** The run stops and compensates; attempts still in flight are aborted and awaited before the first undo. */
export function startCompensation(
  w: Working,
  cause: CompensationCause,
  error: RunError | null,
  by?: string,
): void {
  w.emit({
    type: "CompensationStarted",
    cause,
    error,
    entries: w.snapshot.compensationStack.length,
    awaitedAttempts: attemptsToAwait(w.snapshot, [""]),
    ...(by === undefined ? {} : { by }),
  });
}

/** Runs the top of the compensation stack, or ends the run when it is empty. */
export async function stepCompensation(w: Working): Promise<boolean> {
  const s = w.snapshot;
  const compensation = s.compensation;
  if (!compensation || compensation.failed) return false;
  // Aborted task attempts settle first: a late success joins the stack before the first undo.
  if (awaitingCanceled(s, [""])) return false;
  const exec = compensation.exec;
  if (exec && (exec.inFlight !== null || exec.retryTimer !== null)) return false;
  const entry = s.compensationStack[s.compensationStack.length - 1];
  if (!entry) {
    w.emit({ type: "RunCompensated", error: compensation.error, canceled: compensation.cause === "cancel" });
    return true;
  }
  const ref = {
    taskStateId: entry.taskStateId,
    compensationStateId: entry.compensationStateId,
    scope: entry.scope,
    visit: entry.visit,
  };
  const state = w.index.state(entry.compensationStateId);
  if (state?.type !== "compensation") {
    const error = {
      error: "InvalidTransition",
      message: `${entry.compensationStateId} is not a compensation state`,
    };
    failCompensation(w, ref, error);
    return true;
  }
  const bindings = w.bindings("", {
    steps: { ...s.steps, [entry.taskStateId]: entry.output },
    error: compensation.error,
    ...(entry.index === undefined ? {} : { index: entry.index, item: entry.item ?? null }),
  });
  const params = await w.evaluate(state.params ?? {}, bindings);
  if (!params.ok) {
    failCompensation(w, ref, params.error);
    return true;
  }
  w.emit({
    type: "CompensationStepStarted",
    ...ref,
    attempt: (exec?.attempt ?? 0) + 1,
    idempotencyKey: compensationKey(s.runId, entry),
    action: state.action,
    params: params.value,
    timeoutMs: !exec || exec.roundAttempts === 0 ? baseTimeoutMs(state) : exec.timeoutMs,
  });
  return true;
}

/** A compensation exhausted its retries: the run needs a person, and the alert hook hears of it at once. */
export function failCompensation(
  w: Working,
  ref: { taskStateId: string; compensationStateId: string; scope: string; visit: number },
  error: RunError,
): void {
  const s = w.snapshot;
  w.emit({ type: "CompensationFailed", ...ref, error });
  w.command({
    type: "alert",
    alert: {
      runId: s.runId,
      workflow: s.workflow,
      version: s.version,
      taskStateId: ref.taskStateId,
      compensationStateId: ref.compensationStateId,
      error,
    },
  });
}
