import { z } from "zod";
import { ActionError, throwIfAborted } from "../errors";
import { defineAction } from "../types";
import { prepareChecked } from "./sql-guard";
import {
  argsParam,
  busyTimeoutFor,
  databaseParam,
  requireExistingFile,
  sqlParam,
  textsOf,
  toBindable,
  toJsonRow,
  withDatabase,
} from "./sqlite";

export const sqlQuery = defineAction({
  name: "sql.query",
  description:
    "Reads a SQLite database (opened read-only). With a list of statements they run in one transaction " +
    "and the rows are those of the last one. With expectRows it is also a check, e.g. PRAGMA " +
    "foreign_key_check expecting 0 rows. Output: {rows}.",
  effect: "none",
  params: z.strictObject({
    database: databaseParam,
    sql: sqlParam.describe(
      "One statement returning rows, or a list (one statement each); the last returns rows",
    ),
    args: argsParam,
    expectRows: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("Fail unless the query returns exactly this many rows (0: a check that must find nothing)"),
    error: z
      .string()
      .min(1)
      .default("UnexpectedRows")
      .describe("Name of the error when expectRows does not hold: what catch and retryOn match"),
    message: z
      .string()
      .default("expected {expected} rows, got {count}")
      .describe("Message of that error; {count} and {expected} are replaced by the numbers"),
  }),
  async handler(params, ctx) {
    const file = ctx.resolvePath(params.database);
    requireExistingFile(file, "Database");
    throwIfAborted(ctx.signal);
    const bound = toBindable(params.args);
    const bindings = bound === undefined ? [] : [bound];
    const rows = withDatabase(file, { readonly: true, busyTimeoutMs: busyTimeoutFor(ctx) }, (db) =>
      db.transaction(() => {
        let last: unknown[] = [];
        for (const text of textsOf(params.sql)) {
          const statement = prepareChecked(db, text, bindings);
          if (statement.reader) last = statement.all(...bindings);
          else statement.run(...bindings);
        }
        return last;
      })(),
    );
    if (params.expectRows !== undefined && rows.length !== params.expectRows) {
      const message = params.message
        .replaceAll("{count}", String(rows.length))
        .replaceAll("{expected}", String(params.expectRows));
      throw new ActionError(params.error, message);
    }
    return { rows: rows.map(toJsonRow) };
  },
});
