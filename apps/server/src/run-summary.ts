import type { RunRecord } from "@sagaflow/engine";
import type { RunError, RunSnapshot, RunStatus } from "@sagaflow/shared";

/** A run as lists show it: everything but the snapshot, which can be large. */
export interface RunSummary {
  id: string;
  workflow: string;
  version: number;
  status: RunStatus;
  createdAt: string;
  updatedAt: string;
  /** The checkpoint number (seq of the last event). */
  lastSeq: number;
  wakeAt: string | null;
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
