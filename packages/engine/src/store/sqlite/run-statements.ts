import { isTerminalStatus, runStatusSchema } from "@sagaflow/shared";
import type Database from "better-sqlite3";
import { EVENT_COLUMNS, type EventRow, RUN_COLUMNS, RUN_WITH_SNAPSHOT, type RunRow } from "./rows";

/** Statuses an engine keeps driving by itself: the ones recovery picks up. */
export const UNFINISHED_STATUSES = runStatusSchema.options.filter((status) => !isTerminalStatus(status));

/** SET lease_owner, lease_until: the commit's lease, or (both NULL) the row's as it is. */
const LEASE_SET = "lease_owner = coalesce(?, lease_owner), lease_until = coalesce(?, lease_until)";
type LeaseParams = [owner: string | null, until: string | null];
/** The writer may commit: it brings no lease, or the lease is free, its own, or expired at the commit time. */
const LEASE_FREE =
  "(? IS NULL OR lease_owner IS NULL OR lease_owner = ? OR lease_until IS NULL OR lease_until <= ?)";
type LeaseCheck = [owner: string | null, owner: string | null, now: string];

/** Every statement of the run hot paths, prepared once per connection (plain better-sqlite3 for speed). */
export function prepareRunStatements(sqlite: Database.Database) {
  const unfinished = UNFINISHED_STATUSES.map((status) => `'${status}'`).join(", ");
  return {
    head: sqlite.prepare<
      [string],
      { lastSeq: number; lastHash: string; status: string; wakeAt: string | null }
    >("SELECT last_seq AS lastSeq, last_hash AS lastHash, status, wake_at AS wakeAt FROM runs WHERE id = ?"),
    insertRun: sqlite.prepare<
      [
        string,
        string,
        number,
        string,
        string,
        string,
        number,
        string,
        string | null,
        string | null,
        string | null,
      ]
    >(
      `INSERT INTO runs (id, workflow, version, status, created_at, updated_at, last_seq, last_hash, wake_at, lease_owner, lease_until)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
    ),
    /**
     * The optimistic check, the lease check and the run's new head in one statement: 0 changes means someone
     * else moved on or holds the lease. The lease rides in the commit (claimed or renewed, no fsync of its
     * own); a commit without one leaves the lease columns as they are. The snapshot is written apart
     * (`writeSnapshot`), only by the commits that rewrite it.
     */
    advanceRun: sqlite.prepare<
      [string, string | null, number, string, string, ...LeaseParams, string, number, string, ...LeaseCheck]
    >(
      `UPDATE runs SET status = ?, wake_at = ?, last_seq = ?, last_hash = ?, updated_at = ?,
       ${LEASE_SET} WHERE id = ? AND last_seq = ? AND last_hash = ? AND ${LEASE_FREE}`,
    ),
    /**
     * The same when status and wake time stay as they are (most steps): columns left out of SET leave their
     * indexes (runs_status_created, runs_wake_at) untouched, one or two pages fewer per commit.
     */
    advanceRunHead: sqlite.prepare<
      [number, string, string, ...LeaseParams, string, number, string, ...LeaseCheck]
    >(
      `UPDATE runs SET last_seq = ?, last_hash = ?, updated_at = ?,
       ${LEASE_SET} WHERE id = ? AND last_seq = ? AND last_hash = ? AND ${LEASE_FREE}`,
    ),
    /** A run's checkpoint as of event `seq` (../checkpoint.ts says when a commit rewrites it). */
    writeSnapshot: sqlite.prepare<[string, number, string]>(
      `INSERT INTO snapshots (run_id, seq, snapshot) VALUES (?, ?, ?)
       ON CONFLICT(run_id) DO UPDATE SET seq = excluded.seq, snapshot = excluded.snapshot`,
    ),
    /** A move to another version (RunMovedToVersion), in the transaction of its commit. */
    setVersion: sqlite.prepare<[number, string]>("UPDATE runs SET version = ? WHERE id = ?"),
    lease: sqlite.prepare<[string], { owner: string | null; until: string | null }>(
      "SELECT lease_owner AS owner, lease_until AS until FROM runs WHERE id = ?",
    ),
    /** Renews every lease of one owner at once: idle runs (long timers, slow attempts) stay claimed. */
    renewLeases: sqlite.prepare<[string, string]>(
      `UPDATE runs SET lease_until = ? WHERE lease_owner = ? AND status IN (${unfinished})`,
    ),
    insertEvents: eventInserts(sqlite),
    deleteEventsAfter: sqlite.prepare<[string, number]>("DELETE FROM events WHERE run_id = ? AND seq > ?"),
    eventHash: sqlite
      .prepare<[string, number], string>("SELECT hash FROM events WHERE run_id = ? AND seq = ?")
      .pluck(),
    getRun: sqlite.prepare<[string], RunRow>(
      `SELECT ${RUN_COLUMNS} FROM ${RUN_WITH_SNAPSHOT} WHERE r.id = ?`,
    ),
    /** The events a stored snapshot is behind by: seq in (snapshot_seq, last_seq]. */
    tail: sqlite
      .prepare<[string, number, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE run_id = ? AND seq > ? AND seq <= ? ORDER BY seq`,
      )
      .raw(),
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

/** The most rows one events INSERT carries; a longer commit is written in chunks of this many. */
export const MAX_EVENTS_PER_INSERT = 16;

/** The seven columns of each events row, one row after another, in INSERT order (better-sqlite3 binds an array as its items). */
export type EventParams = (string | number)[];

/**
 * One multi-row events INSERT per commit instead of one statement per event: a commit's events cross into
 * SQLite in a single call. Prepared lazily once per row count (1..MAX_EVENTS_PER_INSERT) and kept.
 */
function eventInserts(sqlite: Database.Database): (count: number) => Database.Statement<[EventParams]> {
  const prepared: Database.Statement<[EventParams]>[] = [];
  return (count) => {
    let statement = prepared[count];
    if (!statement) {
      const values = Array.from({ length: count }, () => "(?, ?, ?, ?, ?, ?, ?)").join(", ");
      statement = sqlite.prepare<[EventParams]>(
        `INSERT INTO events (run_id, seq, type, at, event, prev_hash, hash) VALUES ${values}`,
      );
      prepared[count] = statement;
    }
    return statement;
  };
}
