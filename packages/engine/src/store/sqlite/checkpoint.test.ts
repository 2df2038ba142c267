import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Definition, RunEvent, RunSnapshot } from "@sagaflow/shared";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterEach, describe, expect, it } from "vitest";
import { fold, foldHistory } from "../../core/fold";
import { simulatedBuiltins } from "../../core/pure-builtins";
import { simulate } from "../../core/simulate";
import { verifyChain } from "../../history/hash";
import { createJsonataEvaluator } from "../../runtime/jsonata-evaluator";
import { MIN_TAIL_BYTES } from "../checkpoint";
import { MIGRATIONS_FOLDER } from "./connection";
import { openSqliteStore, type SqliteRunStore } from "./sqlite-run-store";
import { makeTempDir } from "./test-fixtures";
import { rawSqlite } from "./testing";

/**
 * The checkpoint lives in its own row and is rewritten only now and then (../checkpoint.ts). These tests
 * commit a real history one event at a time, as the engine does, and check what is written and what reads
 * back; and that a database written before the snapshots table existed opens and keeps working.
 */

const evaluate = createJsonataEvaluator();

/** `tasks` distinct states in a chain, each with an output big enough to grow the snapshot. */
function chain(tasks: number): Definition {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < tasks; i++) {
    states[`t${i}`] = {
      type: "task",
      action: "transform",
      params: { value: { i, text: "x".repeat(200) } },
      ...(i + 1 < tasks ? { next: `t${i + 1}` } : { end: true }),
    };
  }
  return { name: "chain", startAt: "t0", states } as Definition;
}

async function historyOf(tasks: number): Promise<{ event: RunEvent; at: string }[]> {
  const result = await simulate({ definition: chain(tasks), evaluate, actions: simulatedBuiltins() });
  expect(result.snapshot.status).toBe("succeeded");
  return result.history;
}

const foldsOf = new WeakMap<object, RunSnapshot[]>();

/** The fold after each event: folds[i] is the snapshot as of event i + 1 (computed once per history). */
function prefixFolds(events: { event: RunEvent; at: string }[]): RunSnapshot[] {
  const known = foldsOf.get(events);
  if (known) return known;
  const folds: RunSnapshot[] = [];
  foldsOf.set(events, folds);
  let snapshot: RunSnapshot | undefined;
  for (const { event, at } of events) {
    snapshot = fold(snapshot, event, at);
    folds.push(snapshot);
  }
  return folds;
}

/** Commits events `from` to `to` (exclusive) one at a time, as the engine does, each with its fold. */
async function commitEach(
  store: SqliteRunStore,
  events: { event: RunEvent; at: string }[],
  from = 0,
  to = events.length,
): Promise<void> {
  const folds = prefixFolds(events);
  for (let i = from; i < to; i++) {
    const snapshot = folds[i] as RunSnapshot;
    await store.commit({
      runId: "r",
      expectedSeq: i,
      ...(i === 0 ? { create: { workflow: "chain", version: 1 } } : {}),
      at: events[i]?.at ?? "",
      events: [events[i]?.event as RunEvent],
      snapshot,
      status: snapshot.status,
      wakeAt: null,
    });
  }
}

let cleanup = () => {};
afterEach(() => cleanup());

function tempDir(): string {
  const temp = makeTempDir();
  cleanup = temp.cleanup;
  return temp.dir;
}

describe("SQLite checkpoints", () => {
  it("rewrites the snapshot only once the events since weigh as much; every read is the fold so far", async () => {
    const events = await historyOf(80);
    const store = openSqliteStore(join(tempDir(), "runs.db"));
    const sqlite = rawSqlite(store);
    const snapshotSeq = () =>
      sqlite.prepare<[], number>("SELECT seq FROM snapshots WHERE run_id = 'r'").pluck().get();
    const seqs = new Set<number>();
    const last = events.length - 1;
    const folds = prefixFolds(events);
    for (let i = 0; i < last; i++) {
      await commitEach(store, events, i, i + 1);
      const run = await store.getRun<RunSnapshot>("r");
      expect(run?.lastSeq).toBe(i + 1);
      expect(run?.snapshot).toEqual(folds[i]);
      seqs.add(snapshotSeq() ?? -1);
    }
    // Far fewer rewrites than commits, and the snapshot never lags more than its own size plus the minimum.
    expect(seqs.size).toBeGreaterThan(1);
    expect(seqs.size).toBeLessThan(last / 10);
    const stored = sqlite
      .prepare<[], { bytes: number; seq: number }>(
        "SELECT length(snapshot) AS bytes, seq FROM snapshots WHERE run_id = 'r'",
      )
      .get();
    const lag = sqlite
      .prepare<[number], number>("SELECT sum(length(event)) FROM events WHERE run_id = 'r' AND seq > ?")
      .pluck()
      .get(stored?.seq ?? 0);
    expect(lag ?? 0).toBeLessThan(Math.max(MIN_TAIL_BYTES, stored?.bytes ?? 0) + 4096);
    // The terminal commit writes it: a finished run reads with nothing to fold.
    await commitEach(store, events, last);
    expect(snapshotSeq()).toBe(events.length);
    expect((await store.getRun("r"))?.snapshot).toEqual(foldHistory(events));
    expect((await store.listRuns()).runs[0]?.snapshot).toEqual(foldHistory(events));
    await store.close();
  });

  it("a reopened store reads a run whose snapshot lags, and continues it", async () => {
    const events = await historyOf(60);
    const path = join(tempDir(), "runs.db");
    const first = openSqliteStore(path);
    const half = Math.floor(events.length / 2);
    await commitEach(first, events, 0, half);
    const lagging = rawSqlite(first)
      .prepare<[], number>("SELECT seq FROM snapshots WHERE run_id = 'r'")
      .pluck()
      .get();
    expect(lagging).toBeLessThan(half);
    await first.close();
    const second = openSqliteStore(path);
    expect((await second.getRun("r"))?.snapshot).toEqual(foldHistory(events.slice(0, half)));
    await commitEach(second, events, half);
    expect((await second.getRun("r"))?.snapshot).toEqual(foldHistory(events));
    expect(verifyChain(await second.getHistory("r")).ok).toBe(true);
    await second.close();
  });

  it("a database from before the snapshots table opens, moves each snapshot out of its run row and keeps working", async () => {
    const events = await historyOf(20);
    const dir = tempDir();
    // Today's store writes the run, then its rows are copied into a file migrated only to 0000 (the old
    // schema, with the snapshot in the runs row).
    const today = openSqliteStore(join(dir, "today.db"));
    const half = Math.floor(events.length / 2);
    await commitEach(today, events, 0, half);
    await today.close();
    const oldFolder = join(dir, "old-migrations");
    mkdirSync(join(oldFolder, "meta"), { recursive: true });
    copyFileSync(join(MIGRATIONS_FOLDER, "0000_init.sql"), join(oldFolder, "0000_init.sql"));
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta/_journal.json"), "utf8")) as {
      entries: unknown[];
    };
    writeFileSync(
      join(oldFolder, "meta/_journal.json"),
      JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }),
    );
    const oldPath = join(dir, "old.db");
    const old = new Database(oldPath);
    migrate(drizzle({ client: old }), { migrationsFolder: oldFolder });
    old.exec(`ATTACH '${join(dir, "today.db")}' AS today`);
    old.exec(`INSERT INTO runs (id, workflow, version, status, created_at, updated_at, last_seq, last_hash, snapshot, wake_at)
      SELECT r.id, r.workflow, r.version, r.status, r.created_at, r.updated_at, r.last_seq, r.last_hash, '${JSON.stringify(
        foldHistory(events.slice(0, half)),
      ).replaceAll("'", "''")}', r.wake_at FROM today.runs r`);
    old.exec("INSERT INTO events SELECT * FROM today.events");
    old.exec("DETACH today");
    old.close();

    const store = openSqliteStore(oldPath);
    const columns = rawSqlite(store)
      .prepare<[], string>("SELECT name FROM pragma_table_info('runs')")
      .pluck()
      .all();
    expect(columns).not.toContain("snapshot");
    expect((await store.getRun("r"))?.snapshot).toEqual(foldHistory(events.slice(0, half)));
    await commitEach(store, events, half);
    expect((await store.getRun("r"))?.snapshot).toEqual(foldHistory(events));
    expect(verifyChain(await store.getHistory("r")).ok).toBe(true);
    await store.close();
  });
});
