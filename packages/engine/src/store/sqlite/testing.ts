import type Database from "better-sqlite3";
import { foldTail } from "../checkpoint";
import { EVENT_COLUMNS, type EventRow, toStoredEvent } from "./rows";
import type { SqliteRunStore } from "./sqlite-run-store";
import { parseStoredJson } from "./stored-json";

/** The store's raw connection, for tests that need to damage or inspect rows behind the store's back. */
export function rawSqlite(store: SqliteRunStore): Database.Database {
  return store.connection.sqlite;
}

/** Rewrites the stored JSON text of one event (e.g. with `flipByte`), leaving its hash columns as they were. */
export function tamperEvent(
  store: SqliteRunStore,
  runId: string,
  seq: number,
  edit: (json: string) => string,
): void {
  const sqlite = rawSqlite(store);
  const json = sqlite
    .prepare<[string, number], string>("SELECT event FROM events WHERE run_id = ? AND seq = ?")
    .pluck()
    .get(runId, seq);
  if (json === undefined) throw new Error(`no event ${seq} in run ${runId}`);
  sqlite.prepare("UPDATE events SET event = ? WHERE run_id = ? AND seq = ?").run(edit(json), runId, seq);
}

/**
 * Rewrites the stored JSON text of a run's snapshot: the checkpoint as of its last event. A snapshot that
 * is older (../checkpoint.ts) is first brought up to date, so the edit damages what a reader gets.
 */
export function tamperSnapshot(store: SqliteRunStore, runId: string, edit: (json: string) => string): void {
  const sqlite = rawSqlite(store);
  const row = sqlite
    .prepare<[string], { snapshot: string; seq: number; lastSeq: number }>(
      `SELECT s.snapshot AS snapshot, s.seq AS seq, r.last_seq AS lastSeq
       FROM runs r JOIN snapshots s ON s.run_id = r.id WHERE r.id = ?`,
    )
    .get(runId);
  if (row === undefined) throw new Error(`no run ${runId}`);
  let json = row.snapshot;
  if (row.seq < row.lastSeq) {
    const tail = sqlite
      .prepare<[string, number, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE run_id = ? AND seq > ? AND seq <= ? ORDER BY seq`,
      )
      .raw()
      .all(runId, row.seq, row.lastSeq);
    json = JSON.stringify(foldTail(parseStoredJson(json), tail.map(toStoredEvent)));
  }
  sqlite
    .prepare("UPDATE snapshots SET snapshot = ?, seq = ? WHERE run_id = ?")
    .run(edit(json), row.lastSeq, runId);
}

/**
 * Flips the lowest bit of one ASCII character, at `index` or the first ASCII one from the middle on.
 * Depending on the character the JSON stays valid with another value ('1' → '0') or stops parsing ('"' → '#').
 */
export function flipByte(text: string, index = Math.floor(text.length / 2)): string {
  for (let at = index; at < text.length; at += 1) {
    const code = text.charCodeAt(at);
    if (code < 128) return text.slice(0, at) + String.fromCharCode(code ^ 1) + text.slice(at + 1);
  }
  throw new Error("no ASCII character to flip");
}
