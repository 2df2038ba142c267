import { sql } from "drizzle-orm";
import {
  boolean,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/**
 * The PostgreSQL tables, the twins of ../sqlite/schema.ts (drizzle has no schema shared by both dialects).
 * Times are ISO-8601 text and JSON is text, as on SQLite: the hash chain covers the exact JSON text, and a
 * damaged row still reads back. Every text column sorts byte-wise (COLLATE "C") whatever the database's
 * locale, so run lists, cursors and id-prefix ranges order exactly as on SQLite.
 */
const text = customType<{ data: string; driverData: string }>({
  dataType: () => 'text COLLATE "C"',
});

export const definitions = pgTable(
  "definitions",
  {
    id: serial("id").primaryKey(),
    name: text("name").notNull(),
    version: integer("version").notNull(),
    json: text("json").notNull(),
    createdAt: text("created_at").notNull(),
    archived: boolean("archived").notNull().default(false),
  },
  (table) => [uniqueIndex("definitions_name_version").on(table.name, table.version)],
);

export const runs = pgTable(
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
    snapshot: text("snapshot").notNull(),
    /**
     * The seq whose fold `snapshot` is, when it is older than `last_seq` (checkpoint.ts): a read folds the
     * events after it. NULL: the snapshot is at last_seq (every row written before this column was).
     */
    snapshotSeq: integer("snapshot_seq"),
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
    // A worker's heartbeat renews its own leases.
    index("runs_lease_owner").on(table.leaseOwner).where(sql`${table.leaseOwner} IS NOT NULL`),
  ],
);

export const events = pgTable(
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
