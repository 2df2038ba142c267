import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import type Database from "better-sqlite3";
import { z } from "zod";
import { ActionError, throwIfAborted } from "../errors";

/** Helpers shared by the SQLite actions: param schemas, opening a file, binding values. */

export const databaseParam = z
  .string()
  .min(1)
  .describe("SQLite database file; relative paths start at the first allowed root");

export const sqlParam = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .describe("One SQL text, or a list of them run in order in one transaction");

const bindableValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const argsParam = z
  .union([z.array(bindableValue), z.record(z.string(), bindableValue)])
  .optional()
  .describe(
    "Values bound to ? (a list) or to @name/:name/$name (an object); bound to every statement. " +
      "Without args a text may hold several statements separated by ';'",
  );

export type SqlArgs = z.infer<typeof argsParam>;
type BindValue = string | number | bigint | null;

/**
 * better-sqlite3 binds no booleans (SQLite stores them as 1/0 anyway), and binds every JS number as a
 * REAL, so a TEXT column would store 3 as "3.0": whole numbers go as BigInt, which binds as INTEGER.
 */
export function toBindable(args: SqlArgs): BindValue[] | Record<string, BindValue> | undefined {
  if (args === undefined) return undefined;
  const convert = (value: string | number | boolean | null): BindValue => {
    if (typeof value === "boolean") return value ? 1n : 0n;
    if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
    return value;
  };
  if (Array.isArray(args)) return args.map(convert);
  return Object.fromEntries(Object.entries(args).map(([key, value]) => [key, convert(value)]));
}

export function textsOf(sql: string | string[]): string[] {
  return typeof sql === "string" ? [sql] : sql;
}

/** Throws a named error when the file is missing, so the action creates nothing by accident. */
export function requireExistingFile(file: string, what: string): void {
  if (!existsSync(file)) throw new ActionError("FileNotFound", `${what} "${file}" does not exist`);
  if (!statSync(file).isFile()) throw new ActionError("NotAFile", `${what} "${file}" is not a file`);
}

/** better-sqlite3 loads on the first SQL action, not with the catalog: `sagaflow validate` opens no database. */
let sqliteDriver: typeof Database | undefined;
const driver = () => (sqliteDriver ??= createRequire(import.meta.url)("better-sqlite3") as typeof Database);

export function openDatabase(
  file: string,
  options: { readonly: boolean; busyTimeoutMs?: number },
): Database.Database {
  const Driver = driver();
  return new Driver(file, {
    readonly: options.readonly,
    fileMustExist: options.readonly,
    ...(options.busyTimeoutMs === undefined ? {} : { timeout: options.busyTimeoutMs }),
  });
}

/**
 * How long a statement may wait for another process's lock: until just past the step's timeout, never
 * SQLite's default 5 s. The engine times the attempt out first (the timeout rule applies), and the worker
 * thread, blocked in SQLite meanwhile, is let go and replaced right after.
 */
export function busyTimeoutFor(context: { deadline?: number }): number | undefined {
  if (context.deadline === undefined) return undefined;
  return Math.max(0, context.deadline - Date.now()) + 50;
}

/**
 * Runs `work` on the database and closes it. Errors of better-sqlite3's own checks (TypeError,
 * RangeError: several statements with args, wrong number of values) become named `SqlError`s;
 * SQLite's errors keep their name `SqliteError` and their `code`.
 */
export function withDatabase<T>(
  file: string,
  options: { readonly: boolean; busyTimeoutMs?: number | undefined },
  work: (db: Database.Database) => T,
): T {
  const db = openDatabase(file, {
    readonly: options.readonly,
    ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
  });
  try {
    return work(db);
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      throw new ActionError("SqlError", error.message, { cause: error });
    }
    throw error;
  } finally {
    db.close();
  }
}

/** Query results must be JSON (they go into the history): BLOBs become base64 strings, big integers strings. */
export function toJsonRow(row: unknown): Record<string, unknown> {
  const entries = Object.entries(row as Record<string, unknown>).map(([column, value]) => {
    if (value instanceof Uint8Array) return [column, Buffer.from(value).toString("base64")];
    if (typeof value === "bigint") return [column, value.toString()];
    return [column, value];
  });
  return Object.fromEntries(entries);
}

/** Backup progress callback: stops the copy when the step is aborted, else copies 100 more pages. */
export function abortablePages(signal: AbortSignal): number {
  throwIfAborted(signal);
  return 100;
}
