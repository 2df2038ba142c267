import { renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { throwIfAborted } from "../errors";
import { defineAction } from "../types";
import { abortablePages, databaseParam, openDatabase, requireExistingFile } from "./sqlite";

/** Retries of one step share the idempotency key, so they overwrite the same backup file. */
export function defaultBackupPath(database: string, idempotencyKey: string): string {
  const slug = idempotencyKey.replace(/[^A-Za-z0-9_-]+/g, "-");
  return path.join(path.dirname(database), `${path.basename(database)}.${slug}.backup`);
}

/** Removes a database file's journal companions, which would otherwise be replayed into a new file. */
export function removeSidecars(file: string): void {
  for (const suffix of ["-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
}

export const sqliteBackup = defineAction({
  name: "sqlite.backup",
  description:
    "Copies a SQLite database with SQLite's online backup (safe while others use it, WAL included). " +
    "Without `to` the copy goes next to the database, named after the step's idempotency key, so a retry " +
    "overwrites it. Output: {path, bytes}.",
  effect: "write",
  params: z.strictObject({
    database: databaseParam.describe("The SQLite database file to back up"),
    to: z
      .string()
      .min(1)
      .optional()
      .describe("Backup file to write (replaced if present); default: next to the database"),
  }),
  async handler(params, ctx) {
    const source = ctx.resolvePath(params.database);
    const target = ctx.resolvePath(params.to ?? defaultBackupPath(source, ctx.idempotencyKey));
    requireExistingFile(source, "Database");
    throwIfAborted(ctx.signal);
    // Written beside the target and renamed into place: a crash never leaves a half backup at `target`.
    const partial = `${target}.partial`;
    rmSync(partial, { force: true });
    removeSidecars(partial);
    const db = openDatabase(source, { readonly: true });
    try {
      await db.backup(partial, { progress: () => abortablePages(ctx.signal) });
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    } finally {
      db.close();
    }
    removeSidecars(target);
    renameSync(partial, target);
    ctx.log(`backed up ${source} to ${target}`, "info");
    return { path: target, bytes: statSync(target).size };
  },
});
