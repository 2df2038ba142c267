import { rmSync } from "node:fs";
import path from "node:path";
import { FakeClock, openSqliteStore, type SqliteRunStore, verifyHistory } from "@sagaflow/engine";
import { rawSqlite } from "@sagaflow/engine/testing";
import type { RunSnapshot } from "@sagaflow/shared";
import { afterEach, describe, expect, it } from "vitest";
import { createLedger, LEDGER_FILE, readLedger } from "../ledger";
import { definitionOf } from "../mix";
import { engineIn, scratchDir, settle } from "./fault-kit";

/**
 * The engine's database stops taking writes in the middle of runs: the disk is full (SQLite's own
 * SQLITE_FULL, through max_page_count) or the file became read-only (SQLITE_READONLY, through query_only;
 * chmod does not bite as root). The engine must stop those runs cleanly with nothing half-written, and once
 * the database takes writes again, the engine must finish them by itself, exactly as if nothing had happened.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type Fault = "full" | "readonly";

function breakStore(store: SqliteRunStore, fault: Fault): void {
  const sqlite = rawSqlite(store);
  if (fault === "readonly") {
    sqlite.pragma("query_only = ON");
    return;
  }
  sqlite.exec("CREATE TABLE IF NOT EXISTS filler (blob BLOB)");
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.pragma(`max_page_count = ${sqlite.pragma("page_count", { simple: true }) as number}`);
  // Fill the last free pages (big rows, then small ones for the gaps), so the next commit needs a page
  // the disk does not have.
  for (const size of [2048, 256, 16, 1]) {
    try {
      for (;;) sqlite.prepare("INSERT INTO filler VALUES (randomblob(?))").run(size);
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_FULL") throw error;
    }
  }
}

/** The store as the engine sees it, whose database breaks just before its `n`th commit. */
function breakingBeforeCommit(store: SqliteRunStore, n: number, fault: Fault): SqliteRunStore {
  let commits = 0;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== "commit") {
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (commit: Parameters<SqliteRunStore["commit"]>[0]) => {
        commits += 1;
        if (commits === n) breakStore(target, fault);
        return target.commit(commit);
      };
    },
  });
}

function healStore(store: SqliteRunStore, fault: Fault): void {
  const sqlite = rawSqlite(store);
  if (fault === "readonly") sqlite.pragma("query_only = OFF");
  else {
    sqlite.exec("DROP TABLE filler");
    sqlite.pragma("max_page_count = 1073741823");
  }
}

async function sagaRun(fault: Fault, breakAtCommit: number) {
  const dir = scratchDir();
  dirs.push(dir);
  createLedger(path.join(dir, LEDGER_FILE));
  const store = openSqliteStore(path.join(dir, "runs.db"));
  const clock = new FakeClock();
  const engine = engineIn(dir, { store: breakingBeforeCommit(store, breakAtCommit, fault), clock });
  const definition = definitionOf("torture-saga") as Parameters<typeof engine.start>[0];
  const runId = await engine.start(definition, { tag: "x", fails: 1, amount: 7, ok: false });
  const refused = engine.waitFor(runId).then(
    () => "ended",
    (error: Error) => error.message,
  );
  // A few rounds while the database refuses: the engine keeps trying (with backoff) and keeps failing.
  await settle(engine, clock, 12);
  return { dir, store, clock, engine, runId, refused };
}

describe.each<Fault>(["full", "readonly"])("the engine's database becomes %s mid-run", (fault) => {
  // Commit 1 starts the run; 2–9 are its steps, its failure and its compensations. (A commit that fits
  // in pages the file already has succeeds on a full disk, as it would on a real one.)
  it.each([2, 3, 5, 7])("stops cleanly at commit %i and finishes after recovery", async (breakAt) => {
    const { dir, store, clock, engine, runId, refused } = await sagaRun(fault, breakAt);
    const stuck = await store.getRun<RunSnapshot>(runId);
    // Nothing half-written: the refused commit left the run exactly at a checkpoint that verifies.
    expect(stuck).toBeDefined();
    expect(verifyHistory(stuck as NonNullable<typeof stuck>, await store.getHistory(runId))).toMatchObject({
      ok: true,
    });
    expect(stuck?.status).not.toBe("compensated");
    expect(await refused).toMatch(fault === "full" ? /full/i : /readonly/i);
    // What the engine reports is what is stored: no half state in memory.
    expect((await engine.getRun(runId))?.lastSeq).toBe(stuck?.lastSeq);

    healStore(store, fault);
    // No restart and no operator: the engine's own retry finds the database writable again.
    await settle(engine, clock);
    const run = await store.getRun<RunSnapshot>(runId);
    expect(run?.status).toBe("compensated");
    expect(verifyHistory(run as NonNullable<typeof run>, await store.getHistory(runId))).toMatchObject({
      ok: true,
    });
    // Every write the run made was undone exactly once.
    const rows = readLedger(path.join(dir, LEDGER_FILE)).get(runId) ?? [];
    expect(rows.map((row) => row.state).sort()).toEqual(["w1", "w2"]);
    expect(rows.every((row) => row.comp_seq !== null)).toBe(true);
    expect(rows.map((row) => [row.state, row.comp_seq])).toEqual([
      ["w1", 2],
      ["w2", 1],
    ]);
    await engine.close();
    await store.close();
  });
});
