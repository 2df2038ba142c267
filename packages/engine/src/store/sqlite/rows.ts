import type { RunStatus } from "@sagaflow/shared";
import type { EventRecord, RunRecord, StoredEvent } from "../types";
import { corruptJson, isCorruptJson, parseStoredJson } from "./stored-json";

/** A runs row as read by this store (column names aliased to camelCase). */
export interface RunRow {
  id: string;
  workflow: string;
  version: number;
  status: string;
  createdAt: string;
  updatedAt: string;
  lastSeq: number;
  lastHash: string;
  /** The checkpoint's JSON (from the snapshots table; null if its row is missing: damage). */
  snapshot: string | null;
  /** The seq the snapshot is the fold of: lastSeq, or older (../checkpoint.ts). */
  snapshotSeq: number | null;
  wakeAt: string | null;
}

/** An events row as a tuple: long histories load without building an object per row twice. */
export type EventRow = [
  runId: string,
  seq: number,
  type: string,
  at: string,
  event: string,
  prevHash: string,
  hash: string,
];

/** A run row with its checkpoint: select RUN_COLUMNS FROM RUN_WITH_SNAPSHOT. */
export const RUN_COLUMNS =
  "r.id AS id, r.workflow AS workflow, r.version AS version, r.status AS status, " +
  "r.created_at AS createdAt, r.updated_at AS updatedAt, r.last_seq AS lastSeq, r.last_hash AS lastHash, " +
  "s.snapshot AS snapshot, s.seq AS snapshotSeq, r.wake_at AS wakeAt";
export const RUN_WITH_SNAPSHOT = "runs r LEFT JOIN snapshots s ON s.run_id = r.id";

export const EVENT_COLUMNS = "run_id, seq, type, at, event, prev_hash, hash";

export function toRunRecord<S>(row: RunRow): RunRecord<S> {
  return {
    id: row.id,
    workflow: row.workflow,
    version: row.version,
    status: row.status as RunStatus,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    lastSeq: row.lastSeq,
    lastHash: row.lastHash,
    snapshot: (row.snapshot === null
      ? corruptJson("", new Error("the run has no snapshot row"))
      : parseStoredJson(row.snapshot)) as S,
    wakeAt: row.wakeAt,
  };
}

export function toStoredEvent([runId, seq, type, at, event, prevHash, hash]: EventRow): StoredEvent {
  return { runId, seq, at, event: toEventRecord(type, event), prevHash, hash };
}

/** Keeps the `type` column so a corrupt event still says what it was; its hash will no longer match. */
function toEventRecord(type: string, text: string): EventRecord {
  const parsed = parseStoredJson(text);
  if (isCorruptJson(parsed)) return { type, ...parsed };
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { type, ...corruptJson(text, new Error("event is not a JSON object")) };
  }
  return parsed as EventRecord;
}
