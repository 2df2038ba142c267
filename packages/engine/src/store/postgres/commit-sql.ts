/**
 * The SQL of a commit: the optimistic check, the lease check, the checkpoint and the appended events in ONE
 * statement, so a commit is one round trip and atomic without an explicit transaction. The events insert
 * runs only if the run row was written (EXISTS on the first CTE); `written` says whether it was.
 */

/** The events of a commit as five parallel arrays, for unnest(). Every event shares the commit's `at`. */
const APPEND_EVENTS = `
  appended AS (
    INSERT INTO events (run_id, seq, type, at, event, prev_hash, hash)
    SELECT $1, e.seq, e.type, $5, e.event, e.prev_hash, e.hash
    FROM unnest($12::int[], $13::text[], $14::text[], $15::text[], $16::text[]) AS e(seq, type, event, prev_hash, hash)
    WHERE EXISTS (SELECT 1 FROM written)
    RETURNING 1
  )
  SELECT (SELECT count(*)::int FROM written) AS written`;

/** The NOTIFY channel's prefix; the schema's name completes it, so stores in two schemas do not mix. */
export const COMMITS_CHANNEL = "sagaflow_commits";

/**
 * $1 id, $2 workflow, $3 version, $4 status, $5 at, $6 snapshot, $7 wake_at, $8 last_seq, $9 last_hash,
 * $10 lease_owner, $11 lease_until, $12..$16 the events.
 */
export const CREATE_RUN = `
  WITH written AS (
    INSERT INTO runs (id, workflow, version, status, created_at, updated_at, last_seq, last_hash, snapshot, wake_at, lease_owner, lease_until)
    VALUES ($1, $2, $3, $4, $5, $5, $8, $9, $6, $7, $10, $11)
    ON CONFLICT (id) DO NOTHING
    RETURNING 1
  ),${APPEND_EVENTS}`;

/**
 * $1 id, $2 expected last_seq, $3 expected last_hash, $4 status, $5 at, $6 snapshot, $7 wake_at, $8 new
 * last_seq, $9 new last_hash, $10 lease_owner, $11 lease_until, $12..$16 the events, $17 the new pinned
 * version of a move (RunMovedToVersion) or NULL. The lease rides in the
 * commit: a writer with a lease may write while the lease is free, its own, or expired at the commit time;
 * without one ($10 NULL) the lease columns stay as they are.
 */
export const ADVANCE_RUN = advance("snapshot = $6, snapshot_seq = NULL");

/**
 * The same for a commit that keeps the stored snapshot (../checkpoint.ts), $6 NULL: the column is left out
 * of SET, so its (TOASTed) value is not touched, and the row remembers the seq the snapshot is the fold of
 * (SET reads the old last_seq).
 */
export const ADVANCE_RUN_KEEP_SNAPSHOT = advance(
  "snapshot_seq = coalesce(snapshot_seq, last_seq)",
  "AND $6::text IS NULL",
);

function advance(snapshot: string, check = ""): string {
  return `
  WITH written AS (
    UPDATE runs SET status = $4, wake_at = $7, last_seq = $8, last_hash = $9, updated_at = $5, ${snapshot},
      lease_owner = coalesce($10::text, lease_owner), lease_until = coalesce($11::text, lease_until),
      version = coalesce($17::int, version)
    WHERE id = $1 AND last_seq = $2 AND last_hash = $3 ${check}
      AND ($10::text IS NULL OR lease_owner IS NULL OR lease_owner = $10::text
           OR lease_until IS NULL OR lease_until <= $5)
    RETURNING 1
  ),${APPEND_EVENTS}`;
}
