import type { RunRecord } from "@sagaflow/engine";
import type { RunError, RunSnapshot } from "@sagaflow/shared";

/**
 * A run as lists show it: the stored record's own fields (not its snapshot, which can be large, nor its
 * storage details), plus the two things a list shows from the snapshot.
 */
export interface RunSummary
  extends Pick<
    RunRecord,
    "id" | "workflow" | "version" | "status" | "createdAt" | "updatedAt" | "lastSeq" | "wakeAt"
  > {
  /** The top-level state the run is in (or ended in), when known. */
  currentState: string | null;
  error: RunError | null;
}

export function toRunSummary(run: RunRecord): RunSummary {
  // A corrupt snapshot reads back as a marker object: show the run anyway, without its details.
  const snapshot = run.snapshot as Partial<RunSnapshot> | null;
  return {
    id: run.id,
    workflow: run.workflow,
    version: run.version,
    status: run.status,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    lastSeq: run.lastSeq,
    wakeAt: run.wakeAt,
    currentState: snapshot?.scopes?.[""]?.current ?? null,
    error: snapshot?.error ?? null,
  };
}
