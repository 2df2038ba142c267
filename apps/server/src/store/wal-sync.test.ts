import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore, type RunStore, type SqliteRunStore } from "@sagaflow/engine";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { groupCommits } from "./commit-window";
import { newRunCommit as newRun } from "./new-run-commit";
import { openServedStore } from "./served-store";
import { type DataSync, syncWalOffThread } from "./wal-sync";

/** A disk whose syncs finish when the test says so (each is still a real fdatasync-shaped call on the WAL's fd). */
function heldDisk() {
  const calls: { fd: number; done: (error: Error | null) => void }[] = [];
  const datasync: DataSync = (fd, done) => calls.push({ fd, done });
  return {
    datasync,
    calls,
    finish: (index: number, error: Error | null = null) => calls[index]?.done(error),
  };
}

/** Lets the store's transaction (nextTick) and a few loop turns pass. */
const turns = async (count = 3) => {
  for (let i = 0; i < count; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

/** Whether a promise has settled, without waiting for it. */
function tracked<T>(promise: Promise<T>) {
  const state = { settled: false, failed: undefined as unknown };
  promise.then(
    () => {
      state.settled = true;
    },
    (error: unknown) => {
      state.settled = true;
      state.failed = error;
    },
  );
  return state;
}

describe("syncWalOffThread", () => {
  let dir: string;
  let dbPath: string;
  let raw: SqliteRunStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sagaflow-wal-sync-"));
    dbPath = join(dir, "runs.db");
    raw = openSqliteStore(dbPath, { synchronous: "NORMAL" });
  });

  afterEach(async () => {
    await raw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("acknowledges a commit only after a sync of the WAL that began once it was written", async () => {
    const disk = heldDisk();
    const { store } = syncWalOffThread(raw, dbPath, { datasync: disk.datasync });
    const commit = tracked(store.commit(newRun("a")));
    await turns();
    // Written (SQLite has it), synced not yet: not acknowledged.
    expect((await raw.getRun("a"))?.lastSeq).toBe(1);
    expect(disk.calls).toHaveLength(1);
    expect(commit.settled).toBe(false);
    disk.finish(0);
    await turns();
    expect(commit.settled).toBe(true);
    expect(commit.failed).toBeUndefined();
  });

  it("makes commits written while the syncs in flight run wait for the next one, which they all share", async () => {
    const disk = heldDisk();
    const { store, syncs } = syncWalOffThread(raw, dbPath, { datasync: disk.datasync, maxInFlight: 1 });
    const first = tracked(store.commit(newRun("first")));
    await turns();
    const later = ["b", "c", "d"].map((id) => tracked(store.commit(newRun(id))));
    await turns();
    expect(disk.calls).toHaveLength(1);
    disk.finish(0);
    await turns();
    // The running sync may have begun before their frames were written: it does not count for them.
    expect(first.settled).toBe(true);
    expect(later.map((commit) => commit.settled)).toEqual([false, false, false]);
    expect(disk.calls).toHaveLength(2);
    disk.finish(1);
    await turns();
    expect(later.map((commit) => commit.settled)).toEqual([true, true, true]);
    expect(syncs()).toBe(2);
  });

  it("begins a sync at once for a commit written during another, below the limit of syncs in flight", async () => {
    const disk = heldDisk();
    const { store } = syncWalOffThread(raw, dbPath, { datasync: disk.datasync, maxInFlight: 2 });
    const first = tracked(store.commit(newRun("first")));
    await turns();
    const second = tracked(store.commit(newRun("second")));
    const third = tracked(store.commit(newRun("third")));
    await turns();
    // Both later commits share the second sync; a third sync waits for a free place.
    expect(disk.calls).toHaveLength(2);
    disk.finish(1);
    await turns();
    expect([first.settled, second.settled, third.settled]).toEqual([false, true, true]);
    disk.finish(0);
    await turns();
    expect(first.settled).toBe(true);
  });

  it("holds a run read back while a commit it may see is not on disk; definition reads do not wait for it", async () => {
    const disk = heldDisk();
    const { store } = syncWalOffThread(raw, dbPath, { datasync: disk.datasync, maxInFlight: 1 });
    await raw.saveDefinition(
      { name: "w", startAt: "done", states: { done: { type: "succeed" } } },
      "2026-01-01",
    );
    const commit = store.commit(newRun("seen"));
    await turns();
    const read = tracked(store.getRun("seen"));
    const definition = tracked(store.getDefinition("w"));
    await turns();
    expect(definition.settled).toBe(true);
    expect(read.settled).toBe(false);
    disk.finish(0);
    await commit;
    await turns();
    // The read may have begun after that sync did: it waits for the next.
    expect(read.settled).toBe(false);
    disk.finish(1);
    await turns();
    expect(read.settled).toBe(true);
  });

  it("fails the writes waiting on a failed sync, and every write after it", async () => {
    const disk = heldDisk();
    const { store } = syncWalOffThread(raw, dbPath, { datasync: disk.datasync });
    const commit = store.commit(newRun("lost"));
    await turns();
    disk.finish(0, Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" }));
    await expect(commit).rejects.toThrow(/Could not sync the database's write-ahead log/);
    await expect(store.commit(newRun("after"))).rejects.toThrow(/write-ahead log/);
  });

  it("with the real fdatasync, commits from separate callbacks share syncs and survive a reopen", async () => {
    const synced = syncWalOffThread(raw, dbPath);
    const store: RunStore = groupCommits(synced.store);
    const ids = Array.from({ length: 20 }, (_, i) => `real-${i}`);
    await Promise.all(
      ids.map(
        (id) =>
          new Promise((resolve, reject) => {
            setImmediate(() => store.commit(newRun(id)).then(resolve, reject));
          }),
      ),
    );
    expect(synced.syncs()).toBeGreaterThan(0);
    expect(synced.syncs()).toBeLessThan(ids.length);
    await store.close();
    const reopened = openServedStore(dbPath);
    try {
      for (const id of ids) expect((await reopened.getRun(id))?.lastSeq).toBe(1);
      // The served store writes and reads as any store does.
      await reopened.commit(newRun("served"));
      expect((await reopened.getRun("served"))?.status).toBe("running");
    } finally {
      await reopened.close();
    }
  });

  it("acknowledges commits the store's close writes out", async () => {
    const { store } = syncWalOffThread(raw, dbPath);
    const commit = store.commit(newRun("at-close"));
    await store.close();
    await expect(commit).resolves.toHaveLength(1);
    const reopened = openSqliteStore(dbPath);
    try {
      expect((await reopened.getRun("at-close"))?.lastSeq).toBe(1);
    } finally {
      await reopened.close();
    }
  });
});
