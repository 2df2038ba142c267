import type { Logger, RunRecord, StoredEvent } from "@sagaflow/engine";
import { isTerminalStatus, type RunEvent, type RunSnapshot } from "@sagaflow/shared";

/** A log line when a run starts and when it ends or stops for a person, each with its run id. */
export function logRunLifecycle(logger: Logger) {
  /** EngineOptions.onCommit: a run's first commit starts with RunStarted; the run is as of the last event. */
  return (events: StoredEvent<RunEvent>[], run: RunRecord<RunSnapshot>): void => {
    const { id: runId, workflow, version, status } = run;
    if (events[0]?.event.type === "RunStarted") logger.info("run started", { runId, workflow, version });
    const last = events[events.length - 1];
    if (!last) return;
    if (isTerminalStatus(status)) {
      const failure = run.snapshot.error;
      const error = failure ? `${failure.error}: ${failure.message}` : undefined;
      logger.info(
        `run ${status}`,
        error ? { runId, workflow, version, status, error } : { runId, workflow, version, status },
      );
    } else if (status === "suspended" && last.event.type === "RunSuspended") {
      logger.warn("run suspended", { runId, workflow, version, status, reason: last.event.message });
    }
  };
}
