import type { RunStatus } from "@sagaflow/shared";
import { corruptJson, isCorruptJson, parseStoredJson } from "../sqlite/stored-json";
import type { EventRecord, RunRecord, StoredEvent } from "../types";

/** A runs row as selected by this store (RUN_COLUMNS). */
export interface RunRow {
  id: string;
  workflow: string;
  version: number;
  status: string;
  created_at: string;
  updated_at: string;
  last_seq: number;
  last_hash: string;
  snapshot: string;
  /** The seq `snapshot` is the fold of when older than last_seq (../checkpoint.ts); NULL: at last_seq. */
  snapshot_seq: number | null;
  wake_at: string | null;
}

export interface EventRow {
  run_id: string;
  seq: number;
  type: string;
  at: string;
  event: string;
  prev_hash: string;
  hash: string;
}

export const RUN_COLUMNS =
  "id, workflow, version, status, created_at, updated_at, last_seq, last_hash, snapshot, snapshot_seq, wake_at";
export const EVENT_COLUMNS = "run_id, seq, type, at, event, prev_hash, hash";

export function toRunRecord<S>(row: RunRow): RunRecord<S> {
  return {
    id: row.id,
    workflow: row.workflow,
    version: row.version,
    status: row.status as RunStatus,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastSeq: row.last_seq,
    lastHash: row.last_hash,
    snapshot: parseStoredJson(row.snapshot) as S,
    wakeAt: row.wake_at,
  };
}

/** Keeps the `type` column so a corrupt event still says what it was; its hash will no longer match. */
export function toStoredEvent(row: EventRow): StoredEvent {
  const parsed = parseStoredJson(row.event);
  let event: EventRecord;
  if (isCorruptJson(parsed)) event = { type: row.type, ...parsed };
  else if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    event = { type: row.type, ...corruptJson(row.event, new Error("event is not a JSON object")) };
  } else event = parsed as EventRecord;
  return { runId: row.run_id, seq: row.seq, at: row.at, event, prevHash: row.prev_hash, hash: row.hash };
}
