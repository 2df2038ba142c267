import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore, type RunStore, type SqliteRunStore } from "@sagaflow/engine";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { groupCommits } from "./commit-window";
import { newRunCommit as newRun } from "./new-run-commit";

/**
 * Transactions are counted where they land: the commit frames of SQLite's write-ahead log (a frame whose
 * "database size after commit" field is set ends a transaction; frames from before the log was last
 * restarted carry other salts and are skipped).
 */
function walCommits(dbPath: string): number {
  let wal: Buffer;
  try {
    wal = readFileSync(`${dbPath}-wal`);
  } catch {
    return 0;
  }
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  const salt = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
  let commits = 0;
  for (let offset = 32; offset + 24 + pageSize <= wal.length; offset += 24 + pageSize) {
    if (wal.readUInt32BE(offset + 8) !== salt[0] || wal.readUInt32BE(offset + 12) !== salt[1]) break;
    if (wal.readUInt32BE(offset + 4) !== 0) commits += 1;
  }
  return commits;
}

/** Each commit made from its own macrotask, as requests arriving on separate sockets make them. */
function commitFromSeparateCallbacks(store: RunStore, runIds: string[]): Promise<unknown[]> {
  return Promise.all(
    runIds.map(
      (runId) =>
        new Promise((resolve, reject) => {
          setImmediate(() => store.commit(newRun(runId)).then(resolve, reject));
        }),
    ),
  );
}

describe("groupCommits", () => {
  let dir: string;
  let dbPath: string;
  let store: SqliteRunStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sagaflow-commit-window-"));
    dbPath = join(dir, "runs.db");
    store = openSqliteStore(dbPath);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes commits made in separate callbacks of one loop turn in one transaction", async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `grouped-${i}`);
    // Without the window each callback's commit is its own transaction: the count proves it.
    const before = walCommits(dbPath);
    await commitFromSeparateCallbacks(
      store,
      ids.map((id) => `alone-${id}`),
    );
    expect(walCommits(dbPath) - before).toBe(8);

    const grouped = groupCommits(store);
    const start = walCommits(dbPath);
    const stored = await commitFromSeparateCallbacks(grouped, ids);
    expect(walCommits(dbPath) - start).toBe(1);
    // Each commit is still its own: its own events, acknowledged only once written.
    expect(stored).toHaveLength(8);
    for (const id of ids) expect((await store.getRun(id))?.lastSeq).toBe(1);
  });

  it("writes held commits out before a run read, so the read sees them", async () => {
    const grouped = groupCommits(store);
    const committed = grouped.commit(newRun("read-after"));
    expect((await grouped.getRun("read-after"))?.status).toBe("running");
    await committed;
  });

  it("fails only the commit that is refused; the others of its transaction stand", async () => {
    const grouped = groupCommits(store);
    await grouped.commit(newRun("exists"));
    const outcomes = await Promise.allSettled([
      grouped.commit(newRun("fresh-1")),
      grouped.commit(newRun("exists")),
      grouped.commit(newRun("fresh-2")),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await store.getRun("fresh-2")).toBeDefined();
  });
});
