import { z } from "zod";
import { throwIfAborted } from "../errors";
import { defineAction } from "../types";
import {
  argsParam,
  databaseParam,
  requireExistingFile,
  sqlParam,
  statementsOf,
  toBindable,
  toJsonRow,
  withDatabase,
} from "./sqlite";

export const sqlQuery = defineAction({
  name: "sql.query",
  description:
    "Reads a SQLite database (opened read-only). With a list of statements they run in one transaction " +
    "and the rows are those of the last one. Output: {rows}.",
  effect: "none",
  params: z.strictObject({
    database: databaseParam,
    sql: sqlParam.describe(
      "One statement returning rows, or a list (one statement each); the last returns rows",
    ),
    args: argsParam,
  }),
  async handler(params, ctx) {
    const file = ctx.resolvePath(params.database);
    requireExistingFile(file, "Database");
    throwIfAborted(ctx.signal);
    const bound = toBindable(params.args);
    const bindings = bound === undefined ? [] : [bound];
    const rows = withDatabase(file, { readonly: true }, (db) =>
      db.transaction(() => {
        let last: unknown[] = [];
        for (const text of statementsOf(params.sql)) {
          const statement = db.prepare(text);
          if (statement.reader) last = statement.all(...bindings);
          else statement.run(...bindings);
        }
        return last;
      })(),
    );
    return { rows: rows.map(toJsonRow) };
  },
});
