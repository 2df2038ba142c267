import type { Logger, RunRecord, StoredEvent } from "@sagaflow/engine";
import { isTerminalStatus, type RunEvent, type RunSnapshot } from "@sagaflow/shared";

/** A log line when a run starts and when it ends or stops for a person, each with its run id. */
export function logRunLifecycle(logger: Logger) {
  /** EngineOptions.onCommit: a run's first commit starts with RunStarted; the run is as of the last event. */
  return (events: StoredEvent<RunEvent>[], run: RunRecord<RunSnapshot>): void => {
    const fields = { runId: run.id, workflow: run.workflow, version: run.version };
    if (events[0]?.event.type === "RunStarted") logger.info("run started", fields);
    const last = events[events.length - 1];
    if (!last) return;
    const error = run.snapshot.error
      ? { error: `${run.snapshot.error.error}: ${run.snapshot.error.message}` }
      : {};
    if (isTerminalStatus(run.status))
      logger.info(`run ${run.status}`, { ...fields, status: run.status, ...error });
    else if (run.status === "suspended" && last.event.type === "RunSuspended")
      logger.warn("run suspended", { ...fields, status: run.status, reason: last.event.message });
  };
}
