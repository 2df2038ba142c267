import { isTerminalStatus, runStatusSchema } from "@sagaflow/shared";
import type Database from "better-sqlite3";
import { EVENT_COLUMNS, type EventRow, RUN_COLUMNS, type RunRow } from "./rows";

/** Statuses an engine keeps driving by itself: the ones recovery picks up. */
export const UNFINISHED_STATUSES = runStatusSchema.options.filter((status) => !isTerminalStatus(status));

/** Every statement of the run hot paths, prepared once per connection (plain better-sqlite3 for speed). */
export function prepareRunStatements(sqlite: Database.Database) {
  const unfinished = UNFINISHED_STATUSES.map((status) => `'${status}'`).join(", ");
  return {
    head: sqlite.prepare<
      [string],
      { lastSeq: number; lastHash: string; status: string; wakeAt: string | null }
    >("SELECT last_seq AS lastSeq, last_hash AS lastHash, status, wake_at AS wakeAt FROM runs WHERE id = ?"),
    insertRun: sqlite.prepare<
      [string, string, number, string, string, string, number, string, string, string | null]
    >(
      `INSERT INTO runs (id, workflow, version, status, created_at, updated_at, last_seq, last_hash, snapshot, wake_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
    ),
    /** The optimistic check and the checkpoint in one statement: 0 changes means someone else moved on. */
    advanceRun: sqlite.prepare<
      [string, string, string | null, number, string, string, string, number, string]
    >(
      `UPDATE runs SET status = ?, snapshot = ?, wake_at = ?, last_seq = ?, last_hash = ?, updated_at = ?
       WHERE id = ? AND last_seq = ? AND last_hash = ?`,
    ),
    /**
     * The same when status and wake time stay as they are (most steps): columns left out of SET leave their
     * indexes (runs_status_created, runs_wake_at) untouched, one or two pages fewer per commit.
     */
    advanceRunSnapshot: sqlite.prepare<[string, number, string, string, string, number, string]>(
      `UPDATE runs SET snapshot = ?, last_seq = ?, last_hash = ?, updated_at = ?
       WHERE id = ? AND last_seq = ? AND last_hash = ?`,
    ),
    insertEvent: sqlite.prepare<[string, number, string, string, string, string, string]>(
      "INSERT INTO events (run_id, seq, type, at, event, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ),
    deleteEventsAfter: sqlite.prepare<[string, number]>("DELETE FROM events WHERE run_id = ? AND seq > ?"),
    eventHash: sqlite
      .prepare<[string, number], string>("SELECT hash FROM events WHERE run_id = ? AND seq = ?")
      .pluck(),
    getRun: sqlite.prepare<[string], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`),
    history: sqlite
      .prepare<[string, number, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
      )
      .raw(),
    unfinishedIds: sqlite
      .prepare<[], string>(`SELECT id FROM runs WHERE status IN (${unfinished}) ORDER BY created_at, id`)
      .pluck(),
    claim: sqlite.prepare<[string, string, string, string, string]>(
      `UPDATE runs SET lease_owner = ?, lease_until = ?
       WHERE id = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_until IS NULL OR lease_until <= ?)`,
    ),
    release: sqlite.prepare<[string, string]>(
      "UPDATE runs SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?",
    ),
  };
}

export type RunStatements = ReturnType<typeof prepareRunStatements>;
