import type { PostgresRunStore } from "./postgres-run-store";

/** Test helpers for real PostgreSQL (`@sagaflow/engine/postgres-testing`): the server, and row damage. */
export { createTestDatabase, stopTestPostgres, testPostgres } from "./test-postgres";
export { openTestPostgresStore } from "./test-store";

/** Rewrites the stored JSON text of one event (e.g. with `flipByte`), leaving its hash columns as they were. */
export async function tamperPostgresEvent(
  store: PostgresRunStore,
  runId: string,
  seq: number,
  edit: (json: string) => string,
): Promise<void> {
  const pool = await store.rawPool();
  const found = await pool.query<{ event: string }>(
    "SELECT event FROM events WHERE run_id = $1 AND seq = $2",
    [runId, seq],
  );
  const json = found.rows[0]?.event;
  if (json === undefined) throw new Error(`no event ${seq} in run ${runId}`);
  await pool.query("UPDATE events SET event = $1 WHERE run_id = $2 AND seq = $3", [edit(json), runId, seq]);
}

/** Rewrites the stored JSON text of a run's snapshot. */
export async function tamperPostgresSnapshot(
  store: PostgresRunStore,
  runId: string,
  edit: (json: string) => string,
): Promise<void> {
  const pool = await store.rawPool();
  // The checkpoint as of the last event: a row whose snapshot is older (../checkpoint.ts) is brought up to
  // date first, so the edit damages what a reader gets.
  const run = await store.getRun(runId);
  if (run === undefined) throw new Error(`no run ${runId}`);
  await pool.query("UPDATE runs SET snapshot = $1, snapshot_seq = NULL WHERE id = $2", [
    edit(JSON.stringify(run.snapshot)),
    runId,
  ]);
}
