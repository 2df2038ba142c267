import type Database from "better-sqlite3";
import type { SqliteRunStore } from "./sqlite-run-store";

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

/** Rewrites the stored JSON text of a run's snapshot. */
export function tamperSnapshot(store: SqliteRunStore, runId: string, edit: (json: string) => string): void {
  const sqlite = rawSqlite(store);
  const json = sqlite.prepare<[string], string>("SELECT snapshot FROM runs WHERE id = ?").pluck().get(runId);
  if (json === undefined) throw new Error(`no run ${runId}`);
  sqlite.prepare("UPDATE runs SET snapshot = ? WHERE id = ?").run(edit(json), runId);
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
