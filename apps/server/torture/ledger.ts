import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The real side effects of the torture runs: a SQLite file outside the engine's database. Every write task
 * inserts one row with `sql.exec` and `idempotencyTable: "applied"`; its compensation marks that row with
 * the next compensation number of the run. A trigger on `applied` copies the idempotency key that sql.exec
 * records into the rows the same transaction wrote, so each effect can be traced to the exact step (and
 * compensation) execution that made it.
 */

export const LEDGER_FILE = "ledger.db";

const SETUP = `
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS ledger (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run TEXT NOT NULL,
  state TEXT NOT NULL,
  tag TEXT NOT NULL,
  key TEXT,
  comp_seq INTEGER,
  comp_key TEXT
);
CREATE TABLE IF NOT EXISTS applied (
  idempotency_key TEXT PRIMARY KEY,
  changes INTEGER NOT NULL,
  applied_at TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS link_keys AFTER INSERT ON applied BEGIN
  UPDATE ledger SET key = NEW.idempotency_key WHERE key IS NULL;
  UPDATE ledger SET comp_key = NEW.idempotency_key WHERE comp_seq IS NOT NULL AND comp_key IS NULL;
END;
`;

export interface LedgerRow {
  id: number;
  run: string;
  state: string;
  tag: string;
  key: string | null;
  comp_seq: number | null;
  comp_key: string | null;
}

interface SqliteDatabase {
  exec(sql: string): void;
  prepare(sql: string): { all(...args: unknown[]): unknown[]; run(...args: unknown[]): unknown };
  close(): void;
}
type DatabaseConstructor = new (file: string, options?: { readonly?: boolean }) => SqliteDatabase;

// better-sqlite3 is the engine's dependency; the harness borrows it rather than adding its own.
const here = path.dirname(fileURLToPath(import.meta.url));
const requireFromEngine = createRequire(path.resolve(here, "../../../packages/engine/package.json"));
const Database = requireFromEngine("better-sqlite3") as DatabaseConstructor;

export function createLedger(file: string): void {
  const db = new Database(file);
  try {
    db.exec(SETUP);
  } finally {
    db.close();
  }
}

/**
 * One effect written straight into the ledger with its step's idempotency key, deduplicated by nothing:
 * written twice, it shows twice (the torture's late write, see actions.ts).
 */
export function insertLedgerRow(file: string, row: { run: string; state: string; key: string }): void {
  const db = new Database(file);
  try {
    db.prepare("INSERT INTO ledger (run, state, tag, key) VALUES (?, ?, '-', ?)").run(
      row.run,
      row.state,
      row.key,
    );
  } finally {
    db.close();
  }
}

/** Whether a row of `state` exists for `run`: what a person checks before saying a write happened. */
export function ledgerHas(file: string, run: string, state: string): boolean {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT 1 FROM ledger WHERE run = ? AND state = ?").all(run, state).length > 0;
  } finally {
    db.close();
  }
}

/** Every ledger row, grouped by run id. */
export function readLedger(file: string): Map<string, LedgerRow[]> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare("SELECT * FROM ledger ORDER BY id").all() as LedgerRow[];
    const byRun = new Map<string, LedgerRow[]>();
    for (const row of rows) byRun.set(row.run, [...(byRun.get(row.run) ?? []), row]);
    return byRun;
  } finally {
    db.close();
  }
}

/** SQLITE_BUSY under load is retried; it is not one of the failures the mix plans. */
const busyRetry = { maxAttempts: 5, backoff: "fixed", initialDelay: "25ms", retryOn: ["SqliteError"] };

type Transition = { next: string } | { end: true };

/** A task that records one effect, compensated by `undo_<state>`. `tag` tells iterations apart. */
export function ledgerWrite(state: string, transition: Transition, tag = "-") {
  return {
    type: "task",
    action: "sql.exec",
    params: {
      database: LEDGER_FILE,
      sql: "INSERT INTO ledger (run, state, tag) VALUES (@run, @state, @tag)",
      args: { run: "{% $run.id %}", state, tag },
      idempotencyTable: "applied",
    },
    idempotent: true,
    retry: busyRetry,
    compensateWith: `undo_${state}`,
    ...transition,
  };
}

/**
 * Undoes the newest not yet compensated row of `state` (and `tag`; "*" for any tag, as in loops, whose
 * compensations cannot name their visit). The order check compares these marks with the history.
 */
export function ledgerUndo(state: string, tag = "-") {
  return {
    type: "compensation",
    action: "sql.exec",
    params: {
      database: LEDGER_FILE,
      sql:
        "UPDATE ledger SET comp_seq = (SELECT coalesce(max(comp_seq), 0) + 1 FROM ledger WHERE run = @run) " +
        "WHERE id = (SELECT max(id) FROM ledger WHERE run = @run AND state = @state " +
        "AND (@tag = '*' OR tag = @tag) AND comp_seq IS NULL)",
      args: { run: "{% $run.id %}", state, tag },
      idempotencyTable: "applied",
    },
    retry: { maxAttempts: 5, backoff: "fixed", initialDelay: "25ms" },
  };
}

/** A write task and its compensation, as definition states. */
export function compensatedWrite(state: string, transition: Transition, tag = "-", undoTag = tag) {
  return { [state]: ledgerWrite(state, transition, tag), [`undo_${state}`]: ledgerUndo(state, undoTag) };
}
