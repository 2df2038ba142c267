import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The durable tables of the engine. Times are ISO-8601 text (they sort as strings); JSON is text so a
 * corrupt row can still be read back and reported, never crash the reader.
 */

export const definitions = sqliteTable(
  "definitions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    version: integer("version").notNull(),
    json: text("json").notNull(),
    createdAt: text("created_at").notNull(),
    archived: integer("archived", { mode: "boolean" }).notNull().default(false),
  },
  (table) => [uniqueIndex("definitions_name_version").on(table.name, table.version)],
);

export const runs = sqliteTable(
  "runs",
  {
    id: text("id").primaryKey(),
    workflow: text("workflow").notNull(),
    version: integer("version").notNull(),
    status: text("status").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    lastSeq: integer("last_seq").notNull().default(0),
    lastHash: text("last_hash").notNull().default(""),
    wakeAt: text("wake_at"),
    leaseOwner: text("lease_owner"),
    leaseUntil: text("lease_until"),
  },
  (table) => [
    // Listing is newest first with (created_at, id) as the cursor; filters narrow by status or workflow.
    index("runs_created").on(table.createdAt, table.id),
    index("runs_status_created").on(table.status, table.createdAt, table.id),
    index("runs_workflow_created").on(table.workflow, table.createdAt, table.id),
    // Only runs that will wake by themselves are worth indexing for the timer scan.
    index("runs_wake_at").on(table.wakeAt).where(sql`${table.wakeAt} IS NOT NULL`),
  ],
);

export const events = sqliteTable(
  "events",
  {
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    at: text("at").notNull(),
    event: text("event").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (table) => [primaryKey({ columns: [table.runId, table.seq] })],
);

/**
 * A run's checkpoint, in its own row: rewritten only now and then (../checkpoint.ts), while the run's row
 * is updated at every commit. SQLite rewrites a whole record on any update, so a snapshot kept in the runs
 * row would be copied by every commit even when unchanged. `seq` is the event whose fold it is; a read
 * folds the events after it, up to the run's last_seq.
 */
export const snapshots = sqliteTable("snapshots", {
  runId: text("run_id")
    .primaryKey()
    .references(() => runs.id, { onDelete: "cascade" }),
  seq: integer("seq").notNull(),
  snapshot: text("snapshot").notNull(),
});
