import type Database from "better-sqlite3";
import { z } from "zod";
import { throwIfAborted } from "../errors";
import { defineAction } from "../types";
import { prepareChecked, statementsOf } from "./sql-guard";
import {
  argsParam,
  busyTimeoutFor,
  databaseParam,
  sqlParam,
  textsOf,
  toBindable,
  withDatabase,
} from "./sqlite";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The changes a step recorded in its ledger table, if it already committed (same idempotency key). */
function recordedChanges(db: Database.Database, table: string, key: string): number | undefined {
  db.exec(
    `CREATE TABLE IF NOT EXISTS "${table}" (idempotency_key TEXT PRIMARY KEY, changes INTEGER NOT NULL, applied_at TEXT NOT NULL)`,
  );
  const row = db.prepare(`SELECT changes FROM "${table}" WHERE idempotency_key = ?`).get(key) as
    | { changes: number }
    | undefined;
  return row?.changes;
}

export const sqlExec = defineAction({
  name: "sql.exec",
  description:
    "Runs SQL statements that change a SQLite database, all in one transaction: either every statement " +
    "applies or none does. With idempotencyTable it runs at most once per step, even across crashes. " +
    "Output: {changes} (rows inserted, updated or deleted).",
  effect: "write",
  params: z.strictObject({
    database: databaseParam,
    sql: sqlParam,
    args: argsParam,
    foreignKeys: z
      .boolean()
      .default(true)
      .describe(
        "Enforce foreign keys while the statements run. Migrations that rebuild tables turn this off and " +
          "check with PRAGMA foreign_key_check afterwards, as SQLite's documentation advises",
      ),
    idempotencyTable: z
      .string()
      .regex(IDENTIFIER, "a table name: letters, digits and '_'")
      .optional()
      .describe(
        "A table (created if needed) where the step's idempotency key is recorded in the same transaction; " +
          "a retry after a commit then returns the recorded result without running again. Lets the task be " +
          '"idempotent": true, like a migration tool\'s table of applied migrations',
      ),
  }),
  async handler(params, ctx) {
    const file = ctx.resolvePath(params.database);
    throwIfAborted(ctx.signal);
    const bound = toBindable(params.args);
    const ledger = params.idempotencyTable;
    const result = withDatabase(file, { readonly: false, busyTimeoutMs: busyTimeoutFor(ctx) }, (db) => {
      const totalChanges = () => (db.prepare("SELECT total_changes() AS n").get() as { n: number }).n;
      // Must be set outside the transaction: SQLite ignores it inside one.
      db.pragma(`foreign_keys = ${params.foreignKeys ? "ON" : "OFF"}`);
      // IMMEDIATE: the ledger check and the statements see the same database, with no writer in between.
      return db
        .transaction(() => {
          const recorded = ledger === undefined ? undefined : recordedChanges(db, ledger, ctx.idempotencyKey);
          if (recorded !== undefined) return { changes: recorded, replayed: true };
          const before = totalChanges();
          for (const text of textsOf(params.sql)) {
            // Without args a text may hold several statements; each is checked before it runs.
            const statements = bound === undefined ? statementsOf(db, text) : [text];
            for (const statement of statements) {
              const bindings = bound === undefined ? [] : [bound];
              const prepared = prepareChecked(db, statement, bindings);
              if (prepared.reader) prepared.all(...bindings);
              else prepared.run(...bindings);
            }
          }
          const changes = totalChanges() - before;
          if (ledger !== undefined) {
            db.prepare(`INSERT INTO "${ledger}" (idempotency_key, changes, applied_at) VALUES (?, ?, ?)`).run(
              ctx.idempotencyKey,
              changes,
              new Date().toISOString(),
            );
          }
          return { changes, replayed: false };
        })
        .immediate();
    });
    if (result.replayed) ctx.log(`already applied under key ${ctx.idempotencyKey}: not run again`, "info");
    return { changes: result.changes };
  },
});
