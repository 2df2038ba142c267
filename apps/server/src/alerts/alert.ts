import type { CompensationAlert, RunRecord } from "@sagaflow/engine";
import type { RunSnapshot } from "@sagaflow/shared";

/**
 * A run that needs a person: a compensation exhausted its retries (SPEC §2, compensation chain). The
 * engine's `CompensationAlert` says which run and what failed; this adds the wording and the time.
 */
export interface Alert extends CompensationAlert {
  kind: "compensation_failed";
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

/** The alert of a run found in `compensation_failed` at boot, from its checkpoint. */
export function alertFromRun(run: RunRecord): Alert | undefined {
  const failed = (run.snapshot as Partial<RunSnapshot> | null)?.compensation?.failed;
  if (run.status !== "compensation_failed" || !failed) return undefined;
  return alertFromCompensation(
    { runId: run.id, workflow: run.workflow, version: run.version, ...failed },
    run.updatedAt,
  );
}
