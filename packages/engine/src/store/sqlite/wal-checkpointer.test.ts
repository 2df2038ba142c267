import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { verifyChain } from "../../history/hash";
import { openSqliteStore, type SqliteRunStore } from "./sqlite-run-store";
import { createCommit, events, growingCommit, makeTempDir } from "./test-fixtures";
import { rawSqlite } from "./testing";
import { BACKSTOP_PAGES, HINT_EVERY } from "./wal-checkpointer";

/**
 * WAL checkpoints on a worker thread (wal-checkpointer.ts), on a real file: they run while commits go on,
 * what was committed reads back whole, the log stays bounded, and a worker that dies hands the job back
 * to SQLite's own auto-checkpoint.
 */

let temp: ReturnType<typeof makeTempDir>;
let store: SqliteRunStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
  temp?.cleanup();
});

/** `count` commits of one run, each of three events with a few hundred bytes, one at a time. */
async function commitMany(target: SqliteRunStore, count: number): Promise<void> {
  await target.commit(createCommit("r1"));
  let seq = 2;
  for (let i = 0; i < count; i++) {
    await target.commit(growingCommit("r1", seq, i));
    seq += 3;
  }
}

const until = async (check: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe("WAL checkpoints off the committing thread", () => {
  it("checkpoints in a worker while commits go on, and everything committed reads back", async () => {
    temp = makeTempDir();
    const path = join(temp.dir, "runs.db");
    store = openSqliteStore(path, { synchronous: "NORMAL" });
    const checkpointer = store.checkpointer;
    expect(checkpointer).toBeDefined();
    await commitMany(store, HINT_EVERY * 20);
    await until(() => (checkpointer?.checkpoints ?? 0) > 0);
    expect(checkpointer?.failure).toBeUndefined();
    expect(checkpointer?.last?.checkpointed).toBeGreaterThan(0);
    // The committing connection's own auto-checkpoint is only a backstop now.
    expect(rawSqlite(store).pragma("wal_autocheckpoint", { simple: true })).toBe(BACKSTOP_PAGES);
    // The log never grows past the backstop (plus one commit's pages), whatever the worker manages: a
    // frame is a 4 KiB page and its 24-byte header.
    expect(statSync(`${path}-wal`).size).toBeLessThan((BACKSTOP_PAGES + 64) * (4096 + 24));

    const history = await store.getHistory("r1");
    expect(history).toHaveLength(2 + HINT_EVERY * 20 * 3);
    expect(verifyChain(history).ok).toBe(true);
    await store.close();
    store = openSqliteStore(path, { synchronous: "NORMAL" });
    expect((await store.getRun("r1"))?.lastSeq).toBe(2 + HINT_EVERY * 20 * 3);
    expect(rawSqlite(store).pragma("integrity_check", { simple: true })).toBe("ok");
  });

  it("starts no thread for a short-lived store, nor at synchronous=FULL or in memory", async () => {
    temp = makeTempDir();
    store = openSqliteStore(join(temp.dir, "short.db"), { synchronous: "NORMAL" });
    await commitMany(store, HINT_EVERY - 10);
    expect(store.checkpointer?.checkpoints).toBe(0);
    // No worker: SQLite's default auto-checkpoint as ever.
    expect(rawSqlite(store).pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    await store.close();
    store = openSqliteStore(join(temp.dir, "full.db"));
    expect(store.checkpointer).toBeUndefined();
    await store.close();
    store = openSqliteStore(":memory:", { synchronous: "NORMAL" });
    expect(store.checkpointer).toBeUndefined();
  });

  it("closes once while the worker runs: commits made meanwhile are answered, a second close is a no-op", async () => {
    temp = makeTempDir();
    const path = join(temp.dir, "closing.db");
    const closing = openSqliteStore(path, { synchronous: "NORMAL" });
    await commitMany(closing, HINT_EVERY * 2);
    const seq = (await closing.getRun("r1"))?.lastSeq ?? 0;
    const closed = closing.close();
    const late = closing.commit(
      createCommit("r1", { expectedSeq: seq, create: undefined, events: events("StepSucceeded") }),
    );
    await expect(late).resolves.toHaveLength(1);
    await Promise.all([closed, closing.close()]);
    store = openSqliteStore(path, { synchronous: "NORMAL" });
    expect((await store.getRun("r1"))?.lastSeq).toBe(seq + 1);
  });

  it("hands checkpoints back to SQLite when the worker dies, and commits go on", async () => {
    temp = makeTempDir();
    store = openSqliteStore(join(temp.dir, "runs.db"), { synchronous: "NORMAL" });
    await commitMany(store, HINT_EVERY * 2);
    const checkpointer = store.checkpointer;
    await until(() => (checkpointer?.checkpoints ?? 0) > 0);
    const worker = (checkpointer as unknown as { worker: { terminate(): Promise<number> } }).worker;
    await worker.terminate();
    await until(() => checkpointer?.failure !== undefined);
    expect(checkpointer?.failure).toMatch(/exited/);
    expect(rawSqlite(store).pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    const before = (await store.getRun("r1"))?.lastSeq ?? 0;
    await store.commit(
      createCommit("r1", { expectedSeq: before, create: undefined, events: events("StepSucceeded") }),
    );
    expect((await store.getRun("r1"))?.lastSeq).toBe(before + 1);
  });

  it("loses no acknowledged commit and no page when the process dies mid-checkpoint (SIGKILL)", async () => {
    temp = makeTempDir();
    const path = join(temp.dir, "killed.db");
    let stored = 0;
    for (let life = 0; life < 4; life++) {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", join(import.meta.dirname, "fixtures/commit-until-killed.ts"), path, "r1"],
        { cwd: join(import.meta.dirname, "../../.."), stdio: ["ignore", "pipe", "inherit"] },
      );
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      /** The child's last line: the seq it last heard committed, and the checkpoints finished by then. */
      const last = () =>
        (output.trim().split("\n").at(-1) ?? "0 0").split(" ").map(Number) as [number, number];
      const exited = new Promise((resolve) => child.once("exit", resolve));
      try {
        // The worker is checkpointing (a few done), then the kill lands at a moment that differs per life.
        await until(() => last()[1] >= 2 + life, 60_000);
        await new Promise((resolve) => setTimeout(resolve, life * 7));
      } finally {
        child.kill("SIGKILL");
        await exited;
      }
      const [acknowledged] = last();
      expect(acknowledged).toBeGreaterThan(stored);
      store = openSqliteStore(path, { synchronous: "NORMAL" });
      expect(rawSqlite(store).pragma("integrity_check", { simple: true })).toBe("ok");
      const history = await store.getHistory("r1");
      expect(verifyChain(history).ok).toBe(true);
      // Every commit the child heard back about is there (NORMAL loses nothing when only the process dies).
      stored = history.at(-1)?.seq ?? 0;
      expect(stored).toBeGreaterThanOrEqual(acknowledged);
      await store.close();
      store = undefined;
    }
  }, 120_000);
});
