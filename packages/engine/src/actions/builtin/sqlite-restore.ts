import { z } from "zod";
import { throwIfAborted } from "../errors";
import { defineAction } from "../types";
import { abortablePages, databaseParam, openDatabase, requireExistingFile } from "./sqlite";

export const sqliteRestore = defineAction({
  name: "sqlite.restore",
  description:
    "Replaces a SQLite database's whole content with a backup, through SQLite's online backup so that " +
    "connections and WAL files stay consistent; the result then is checkpointed into the main file. " +
    "Running it twice gives the same database. Output: {restored: true}.",
  effect: "write",
  params: z.strictObject({
    database: databaseParam.describe("The SQLite database file to overwrite"),
    from: z.string().min(1).describe("The backup file to restore from (e.g. sqlite.backup's output path)"),
  }),
  async handler(params, ctx) {
    const target = ctx.resolvePath(params.database);
    const backup = ctx.resolvePath(params.from);
    requireExistingFile(backup, "Backup");
    throwIfAborted(ctx.signal);
    const source = openDatabase(backup, { readonly: true });
    try {
      await source.backup(target, { progress: () => abortablePages(ctx.signal) });
    } finally {
      source.close();
    }
    // In WAL mode the restored pages may sit in the -wal file: move them into the database file.
    const restored = openDatabase(target, { readonly: false });
    try {
      restored.pragma("wal_checkpoint(TRUNCATE)");
    } finally {
      restored.close();
    }
    ctx.log(`restored ${target} from ${backup}`, "info");
    return { restored: true as const };
  },
});
