import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Definition, RunEvent, RunSnapshot } from "@sagaflow/shared";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fold } from "../../core/fold";
import { createJsonataEvaluator } from "../../core/jsonata-evaluator";
import { simulatedBuiltins } from "../../core/pure-builtins";
import { simulate } from "../../core/simulate";
import { verifyChain } from "../../history/hash";
import { PG_MIGRATIONS_FOLDER, quoteIdentifier } from "./connection";
import { openPostgresStore, type PostgresRunStore } from "./postgres-run-store";
import { createTestDatabase, stopTestPostgres } from "./test-postgres";

/**
 * A database made before `snapshot_seq` existed (migrated to 0000 only, every snapshot at its run's last
 * event) opens with today's store, which migrates it and carries its runs on (../checkpoint.ts).
 */

let url = "";
const scratch = mkdtempSync(join(tmpdir(), "sagaflow-pg-migration-"));
beforeAll(async () => {
  url = await createTestDatabase();
}, 120_000);
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await stopTestPostgres();
}, 60_000);

async function history(): Promise<{ event: RunEvent; at: string }[]> {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < 30; i++) {
    states[`t${i}`] = {
      type: "task",
      action: "transform",
      params: { value: { i, text: "z".repeat(300) } },
      ...(i + 1 < 30 ? { next: `t${i + 1}` } : { end: true }),
    };
  }
  const result = await simulate({
    definition: { name: "old", startAt: "t0", states } as Definition,
    evaluate: createJsonataEvaluator(),
    actions: simulatedBuiltins(),
    runId: "r",
  });
  return result.history;
}

async function commitEach(
  store: PostgresRunStore,
  events: { event: RunEvent; at: string }[],
  folds: RunSnapshot[],
  from: number,
  to: number,
): Promise<void> {
  for (let i = from; i < to; i++) {
    const snapshot = folds[i] as RunSnapshot;
    await store.commit({
      runId: "r",
      expectedSeq: i,
      ...(i === 0 ? { create: { workflow: "old", version: 1 } } : {}),
      at: events[i]?.at ?? "",
      events: [events[i]?.event as RunEvent],
      snapshot,
      status: snapshot.status,
      wakeAt: null,
    });
  }
}

describe("Postgres databases from before snapshot_seq", () => {
  it("open, migrate and carry their runs on", { timeout: 60_000 }, async () => {
    const events = await history();
    const folds: RunSnapshot[] = [];
    let snapshot: RunSnapshot | undefined;
    for (const { event, at } of events) {
      snapshot = fold(snapshot, event, at);
      folds.push(snapshot);
    }
    const half = Math.floor(events.length / 2);
    // Today's store writes the first half of the run in a schema of its own ...
    const today = openPostgresStore(url, { schema: "today" });
    await commitEach(today, events, folds, 0, half);
    await today.close();
    // ... and its rows are copied into a schema migrated only to 0000, the snapshot in the run's row.
    const oldFolder = join(scratch, "drizzle-pg");
    mkdirSync(join(oldFolder, "meta"), { recursive: true });
    copyFileSync(join(PG_MIGRATIONS_FOLDER, "0000_init.sql"), join(oldFolder, "0000_init.sql"));
    const journal = JSON.parse(readFileSync(join(PG_MIGRATIONS_FOLDER, "meta/_journal.json"), "utf8")) as {
      entries: unknown[];
    };
    writeFileSync(
      join(oldFolder, "meta/_journal.json"),
      JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }),
    );
    const client = new pg.Client({ connectionString: url, options: "-c search_path=old" });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${quoteIdentifier("old")}`);
      await migrate(drizzle({ client }), { migrationsFolder: oldFolder, migrationsSchema: "old" });
      await client.query(
        `INSERT INTO old.runs (id, workflow, version, status, created_at, updated_at, last_seq, last_hash, snapshot, wake_at)
         SELECT id, workflow, version, status, created_at, updated_at, last_seq, last_hash, $1, wake_at FROM today.runs`,
        [JSON.stringify(folds[half - 1])],
      );
      await client.query("INSERT INTO old.events SELECT * FROM today.events");
    } finally {
      await client.end();
    }

    const store = openPostgresStore(url, { schema: "old" });
    try {
      expect((await store.getRun("r"))?.snapshot).toEqual(folds[half - 1]);
      await commitEach(store, events, folds, half, events.length);
      expect(await store.getRun("r")).toMatchObject({ status: "succeeded", snapshot: folds.at(-1) });
      expect(verifyChain(await store.getHistory("r")).ok).toBe(true);
    } finally {
      await store.close();
    }
  });
});
