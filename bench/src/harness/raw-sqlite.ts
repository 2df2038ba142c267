import Database from "better-sqlite3";
import { type Spent, startClock } from "./stats";

/**
 * The physical limit the engine is judged against: plain better-sqlite3 doing the same commits (one
 * IMMEDIATE transaction updating a run's checkpoint row and appending its event rows, WAL, the same
 * `synchronous`), with payloads of the sizes the engine wrote, prepared before the clock starts.
 */

export type Synchronous = "NORMAL" | "FULL";

export interface CommitShape {
  /** Distinct run rows, written round-robin. */
  runs: number;
  commits: number;
  eventsPerCommit: number;
  /** Average JSON length of one event. */
  eventBytes: number;
  /** Average JSON length of one snapshot. */
  snapshotBytes: number;
}

const SCHEMA = `
  CREATE TABLE runs (id TEXT PRIMARY KEY, status TEXT NOT NULL, snapshot TEXT NOT NULL,
    last_seq INTEGER NOT NULL, last_hash TEXT NOT NULL, updated_at TEXT NOT NULL);
  CREATE TABLE events (run_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, at TEXT NOT NULL,
    event TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (run_id, seq));`;

const HASH = "f".repeat(64);

export function openRawDatabase(path: string, synchronous: Synchronous): Database.Database {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${synchronous}`);
  return db;
}

/** Prepares the tables and one commit function; `commit(i)` writes the i-th commit of the shape. */
function prepareCommits(db: Database.Database, shape: CommitShape): (i: number) => void {
  db.exec(SCHEMA);
  const runIds = Array.from({ length: shape.runs }, (_, i) => `run-${i}`);
  const at = new Date().toISOString();
  const insertRun = db.prepare("INSERT INTO runs VALUES (?, 'running', '{}', 0, '', ?)");
  db.transaction(() => {
    for (const id of runIds) insertRun.run(id, at);
  })();
  const snapshot = "s".repeat(Math.max(2, Math.round(shape.snapshotBytes)));
  const event = "e".repeat(Math.max(2, Math.round(shape.eventBytes)));
  const perCommit = Math.max(1, Math.round(shape.eventsPerCommit));
  const seqs = new Array<number>(shape.runs).fill(0);
  const advance = db.prepare(
    `UPDATE runs SET status = 'running', snapshot = ?, last_seq = ?, last_hash = ?, updated_at = ?
     WHERE id = ? AND last_seq = ?`,
  );
  const append = db.prepare("INSERT INTO events VALUES (?, ?, 'StepSucceeded', ?, ?, ?, ?)");
  const write = db.transaction((runIndex: number) => {
    const runId = runIds[runIndex] as string;
    const seq = seqs[runIndex] as number;
    advance.run(snapshot, seq + perCommit, HASH, at, runId, seq);
    for (let k = 1; k <= perCommit; k++) append.run(runId, seq + k, at, event, HASH, HASH);
    seqs[runIndex] = seq + perCommit;
  }).immediate;
  return (i) => write(i % shape.runs);
}

/** Wall and CPU time of `shape.commits` raw commits, in ms. */
export function rawCommitTime(path: string, synchronous: Synchronous, shape: CommitShape): Spent {
  const db = openRawDatabase(path, synchronous);
  try {
    const commit = prepareCommits(db, shape);
    const started = startClock();
    for (let i = 0; i < shape.commits; i++) commit(i);
    return started.stop();
  } finally {
    db.close();
  }
}

/** The latency of each of `shape.commits` raw commits, in ms. */
export function rawCommitLatencies(path: string, synchronous: Synchronous, shape: CommitShape): number[] {
  const db = openRawDatabase(path, synchronous);
  try {
    const commit = prepareCommits(db, shape);
    const latencies: number[] = [];
    for (let i = 0; i < shape.commits; i++) {
      const started = performance.now();
      commit(i);
      latencies.push(performance.now() - started);
    }
    return latencies;
  } finally {
    db.close();
  }
}

/** Reads one run's events from an engine database and parses them: the least a history load can do. */
export function rawHistoryRead(path: string, runId: string): number {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db
      .prepare<[string], string>("SELECT event FROM events WHERE run_id = ? ORDER BY seq")
      .pluck()
      .all(runId);
    let parsed = 0;
    for (const row of rows) if (JSON.parse(row) !== null) parsed += 1;
    return parsed;
  } finally {
    db.close();
  }
}

/**
 * What recovering runs costs at the least: read each run's row and events from the engine database and
 * parse them, then commit one event and a checkpoint of the same size (to a scratch copy of the tables,
 * so the engine's data stays as it was).
 */
export function rawRecoveryPass(path: string, runIds: readonly string[], synchronous: Synchronous): number {
  const db = openRawDatabase(path, synchronous);
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS bench_runs (id TEXT PRIMARY KEY, snapshot TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS bench_events (run_id TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL,
        PRIMARY KEY (run_id, seq));`);
    const readRun = db.prepare<[string], { snapshot: string; lastSeq: number }>(
      // The engine keeps each run's checkpoint in its own row (store/checkpoint.ts).
      "SELECT s.snapshot AS snapshot, r.last_seq AS lastSeq FROM runs r JOIN snapshots s ON s.run_id = r.id WHERE r.id = ?",
    );
    const readEvents = db
      .prepare<[string], string>("SELECT event FROM events WHERE run_id = ? ORDER BY seq")
      .pluck();
    const upsertRun = db.prepare(
      "INSERT INTO bench_runs VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET snapshot = excluded.snapshot",
    );
    const appendEvent = db.prepare("INSERT OR REPLACE INTO bench_events VALUES (?, ?, ?)");
    const write = db.transaction((runId: string, seq: number, snapshot: string, event: string) => {
      upsertRun.run(runId, snapshot);
      appendEvent.run(runId, seq, event);
    }).immediate;
    const started = performance.now();
    for (const runId of runIds) {
      const run = readRun.get(runId);
      if (!run) throw new Error(`no run ${runId}`);
      JSON.parse(run.snapshot);
      const events = readEvents.all(runId);
      for (const event of events) JSON.parse(event);
      write(runId, run.lastSeq + 1, run.snapshot, events[events.length - 1] ?? "{}");
    }
    return performance.now() - started;
  } finally {
    db.close();
  }
}
