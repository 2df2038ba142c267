import { z } from "zod";
import { throwIfAborted } from "../errors";
import { defineAction } from "../types";
import { argsParam, databaseParam, sqlParam, statementsOf, toBindable, withDatabase } from "./sqlite";

export const sqlExec = defineAction({
  name: "sql.exec",
  description:
    "Runs SQL statements that change a SQLite database, all in one transaction: either every statement " +
    "applies or none does. Output: {changes} (rows inserted, updated or deleted).",
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
  }),
  async handler(params, ctx) {
    const file = ctx.resolvePath(params.database);
    throwIfAborted(ctx.signal);
    const bound = toBindable(params.args);
    const changes = withDatabase(file, { readonly: false }, (db) => {
      const totalChanges = () => (db.prepare("SELECT total_changes() AS n").get() as { n: number }).n;
      // Must be set outside the transaction: SQLite ignores it inside one.
      db.pragma(`foreign_keys = ${params.foreignKeys ? "ON" : "OFF"}`);
      const before = totalChanges();
      db.transaction(() => {
        for (const statement of statementsOf(params.sql)) {
          if (bound === undefined) db.exec(statement);
          else db.prepare(statement).run(bound);
        }
      })();
      return totalChanges() - before;
    });
    return { changes };
  },
});
