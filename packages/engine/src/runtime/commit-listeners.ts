import type { RunEvent, RunSnapshot } from "@sagaflow/shared";
import type { RunRecord, StoredEvent } from "../store/types";
import type { Logger } from "./logger";

/** The engine's listeners of its own commits (EngineOptions). */
export interface CommitListeners {
  /** Every committed event, in order, with the run as it stands after its commit. */
  onEvent?: ((event: StoredEvent<RunEvent>, run: RunRecord<RunSnapshot>) => void) | undefined;
  /**
   * Every commit once: its events (one or more, in order) and the run as it stands after it. For work
   * that is per commit, not per event (a log line, a summary, a lease note): a server pays it once per
   * step instead of once for each of the step's events.
   */
  onCommit?: ((events: StoredEvent<RunEvent>[], run: RunRecord<RunSnapshot>) => void) | undefined;
}

/** Tells the listeners of a commit; a listener that throws is logged and the run goes on. */
export function notifyCommit(
  listeners: CommitListeners,
  events: StoredEvent[],
  run: RunRecord<RunSnapshot>,
  logger: Logger,
): void {
  const { onCommit, onEvent } = listeners;
  const runEvents = events as StoredEvent<RunEvent>[];
  if (onCommit) {
    try {
      onCommit(runEvents, run);
    } catch (error) {
      logger.warn("onCommit listener failed", { error: String(error) });
    }
  }
  if (onEvent) {
    for (const event of runEvents) {
      try {
        onEvent(event, run);
      } catch (error) {
        logger.warn("onEvent listener failed", { error: String(error) });
      }
    }
  }
}
