import type { CompensationAlert, RunRecord } from "@sagaflow/engine";
import type { RunSnapshot } from "@sagaflow/shared";

/**
 * A run that needs a person: a compensation exhausted its retries (SPEC §2, compensation chain). The
 * engine's `CompensationAlert` says which run and what failed; this adds the wording and the time.
 */
export interface Alert extends CompensationAlert {
  /** compensation_failed: a compensation exhausted its retries; crash_loop: a step kept killing the process. */
  kind: "compensation_failed" | "crash_loop";
  message: string;
  at: string;
}

export function alertFromCompensation(alert: CompensationAlert, at: string): Alert {
  const { runId, workflow, version, taskStateId, compensationStateId, error } = alert;
  return {
    kind: "compensation_failed",
    runId,
    workflow,
    version,
    taskStateId,
    compensationStateId,
    error,
    message:
      `Run ${runId} of ${workflow} v${version}: compensation ${compensationStateId} (undoing ${taskStateId}) ` +
      `failed with ${error.error}: ${error.message}. Retry the compensation or resolve it by hand.`,
    at,
  };
}

/**
 * A run recovery suspended because the same step was running each time the process died (a poison pill,
 * SPEC §8): `taskStateId` is that step; there is no compensation.
 */
export function alertFromCrashLoop(run: RunRecord, at: string): Alert | undefined {
  const suspension = (run.snapshot as Partial<RunSnapshot> | null)?.suspension;
  if (run.status !== "suspended" || suspension?.reason !== "crash_loop") return undefined;
  const stateId = suspension.stateId ?? "";
  return {
    kind: "crash_loop",
    runId: run.id,
    workflow: run.workflow,
    version: run.version,
    taskStateId: stateId,
    compensationStateId: "",
    error: { error: "CrashLoop", message: suspension.message },
    message: `Run ${run.id} of ${run.workflow} v${run.version}: ${suspension.message}.`,
    at,
  };
}

/** Whether a run still needs the person an alert called (so its alert stays open). */
export function needsPerson(run: RunRecord): boolean {
  return run.status === "compensation_failed" || alertFromCrashLoop(run, "") !== undefined;
}

/** The alert of a run found in `compensation_failed` (or a crash loop) at boot, from its checkpoint. */
export function alertFromRun(run: RunRecord): Alert | undefined {
  const crashLoop = alertFromCrashLoop(run, run.updatedAt);
  if (crashLoop) return crashLoop;
  const failed = (run.snapshot as Partial<RunSnapshot> | null)?.compensation?.failed;
  if (run.status !== "compensation_failed" || !failed) return undefined;
  return alertFromCompensation(
    { runId: run.id, workflow: run.workflow, version: run.version, ...failed },
    run.updatedAt,
  );
}
