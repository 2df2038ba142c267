import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CorruptDatabaseError } from "../../errors";
import { verifyChain } from "../../history/hash";
import { MIGRATIONS_FOLDER } from "./connection";
import { openSqliteStore } from "./sqlite-run-store";
import { at, createCommit, events, makeTempDir } from "./test-fixtures";
import { rawSqlite } from "./testing";

describe("opening a SQLite store", () => {
  let dir: string;
  let cleanup: () => void;

  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir());
  });
  afterEach(() => cleanup());

  it("finds the generated migrations next to the package, whatever the working directory", () => {
    expect(readdirSync(MIGRATIONS_FOLDER).filter((file) => file.endsWith(".sql")).length).toBeGreaterThan(0);
  });

  it("migrates a fresh file, with WAL, foreign keys and the chosen synchronous level", async () => {
    const store = openSqliteStore(join(dir, "nested", "fresh.db"), { synchronous: "NORMAL" });
    const sqlite = rawSqlite(store);
    const tables = sqlite
      .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual(expect.arrayContaining(["definitions", "events", "runs", "__drizzle_migrations"]));
    expect(sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(sqlite.pragma("synchronous", { simple: true })).toBe(1); // NORMAL
    expect(sqlite.pragma("busy_timeout", { simple: true })).toBe(5000);
    await store.close();
    const durable = openSqliteStore(join(dir, "durable.db"));
    expect(rawSqlite(durable).pragma("synchronous", { simple: true })).toBe(2); // FULL by default
    await durable.close();
  });

  it("applies migrations once: reopening neither fails nor re-runs them", async () => {
    const path = join(dir, "twice.db");
    await openSqliteStore(path).close();
    const store = openSqliteStore(path);
    const applied = rawSqlite(store).prepare("SELECT count(*) FROM __drizzle_migrations").pluck().get();
    const files = readdirSync(MIGRATIONS_FOLDER).filter((file) => file.endsWith(".sql")).length;
    expect(applied).toBe(files);
    await store.close();
  });

  it("keeps runs, events, leases and definitions across close and reopen", async () => {
    const path = join(dir, "keep.db");
    const first = openSqliteStore(path);
    await first.saveDefinition({ name: "keep", startAt: "a", states: { a: { type: "succeed" } } }, at(0));
    await first.commit(createCommit("r1"));
    await first.commit({ ...createCommit("r1"), expectedSeq: 2, events: events("X"), status: "waiting" });
    await first.claimRun("r1", "worker-a", at(30), at(0));
    await first.close();

    const second = openSqliteStore(path);
    expect(await second.getRun("r1")).toMatchObject({ lastSeq: 3, status: "waiting" });
    expect(verifyChain(await second.getHistory("r1"))).toEqual({ ok: true, lastSeq: 3 });
    expect((await second.getDefinition("keep"))?.version).toBe(1);
    expect(await second.claimRun("r1", "worker-b", at(40), at(10))).toBe(false);
    // A new connection has no cached head and still appends correctly.
    await second.commit({ ...createCommit("r1"), expectedSeq: 3, events: events("Y") });
    expect(verifyChain(await second.getHistory("r1"))).toEqual({ ok: true, lastSeq: 4 });
    await second.close();
  });

  it("sees commits made through another connection to the same file", async () => {
    const path = join(dir, "shared.db");
    const a = openSqliteStore(path);
    const b = openSqliteStore(path);
    await a.commit(createCommit("r1"));
    await b.commit({ ...createCommit("r1"), expectedSeq: 2, events: events("FromB") });
    await expect(
      a.commit({ ...createCommit("r1"), expectedSeq: 2, events: events("FromA") }),
    ).rejects.toThrow("checkpoint");
    await a.commit({ ...createCommit("r1"), expectedSeq: 3, events: events("FromA") });
    expect((await b.getHistory("r1")).map((event) => event.event.type)).toEqual([
      "RunStarted",
      "StateEntered",
      "FromB",
      "FromA",
    ]);
    expect(verifyChain(await a.getHistory("r1")).ok).toBe(true);
    await a.close();
    await b.close();
  });

  it("names the file when it is not a SQLite database", () => {
    const path = join(dir, "notes.db");
    writeFileSync(path, "these are my notes, not a database\n".repeat(200));
    let thrown: unknown;
    try {
      openSqliteStore(path);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CorruptDatabaseError);
    expect((thrown as CorruptDatabaseError).path).toBe(path);
    expect((thrown as Error).message).toContain(path);
    expect((thrown as Error).message).toContain("not a SQLite database");
  });

  it("migrates an existing SQLite file that holds other tables", async () => {
    const path = join(dir, "other.db");
    const other = new Database(path);
    other.exec("CREATE TABLE notes (body TEXT)");
    other.close();
    const store = openSqliteStore(path);
    await store.commit(createCommit("r1"));
    expect(rawSqlite(store).prepare("SELECT count(*) FROM notes").pluck().get()).toBe(0);
    await store.close();
  });

  it("closes twice without error", async () => {
    const store = openSqliteStore(":memory:");
    await store.close();
    await store.close();
  });
});
