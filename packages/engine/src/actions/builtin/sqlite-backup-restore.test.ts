import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { invokeAction } from "../invoke";
import { createTestContext, type TestContext } from "../testing";
import { defaultBackupPath, sqliteBackup } from "./sqlite-backup";
import { sqliteRestore } from "./sqlite-restore";

let root: string;
let ctx: TestContext;
let dbFile: string;

/** Schema and every row of every table: two databases with equal dumps hold the same data. */
function dump(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const schema = db.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").all() as {
      type: string;
      name: string;
    }[];
    const tables = schema.filter((entry) => entry.type === "table").map((entry) => entry.name);
    const rows = tables.map((table) => [table, db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all()]);
    return JSON.stringify({ schema, rows });
  } finally {
    db.close();
  }
}

function withDb(work: (db: Database.Database) => void, file = dbFile): void {
  const db = new Database(file);
  try {
    work(db);
  } finally {
    db.close();
  }
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "sagaflow-backup-"));
  ctx = createTestContext(root, { idempotencyKey: "run-7:backup_database:1" });
  dbFile = path.join(root, "app.db");
  withDb((db) => {
    db.exec("CREATE TABLE orgs (id INTEGER PRIMARY KEY, name TEXT)");
    db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, org_id INTEGER REFERENCES orgs(id), email TEXT)");
    db.exec("INSERT INTO orgs VALUES (1, 'acme'); INSERT INTO users VALUES (1, 1, 'a@acme.test')");
  });
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const migrate = () =>
  withDb((db) => {
    db.pragma("foreign_keys = OFF");
    db.exec("ALTER TABLE users ADD COLUMN name TEXT; CREATE INDEX users_email ON users(email)");
    db.exec("INSERT INTO users VALUES (2, 99, 'b@nowhere.test', 'B'); DELETE FROM orgs WHERE id = 1");
  });

describe("sqlite.backup", () => {
  it("writes next to the database, named by the idempotency key, and reports its size", async () => {
    const output = (await invokeAction(sqliteBackup, { database: "app.db" }, ctx)) as {
      path: string;
      bytes: number;
    };
    expect(output.path).toBe(defaultBackupPath(dbFile, "run-7:backup_database:1"));
    expect(path.dirname(output.path)).toBe(root);
    expect(path.basename(output.path)).toBe("app.db.run-7-backup_database-1.backup");
    expect(output.bytes).toBe(statSync(output.path).size);
    expect(output.bytes).toBeGreaterThan(0);
    expect(dump(output.path)).toBe(dump(dbFile));
  });

  it("overwrites the same file on a retry, leaving no partial file", async () => {
    const first = (await invokeAction(sqliteBackup, { database: "app.db" }, ctx)) as { path: string };
    withDb((db) => db.exec("INSERT INTO orgs VALUES (2, 'globex')"));
    const retry = (await invokeAction(sqliteBackup, { database: "app.db" }, { ...ctx, attempt: 2 })) as {
      path: string;
    };
    expect(retry.path).toBe(first.path);
    expect(dump(retry.path)).toBe(dump(dbFile));
    expect(readdirSync(root).sort()).toEqual(["app.db", path.basename(first.path)]);
  });

  it("writes to `to` when given, replacing what was there", async () => {
    writeFileSync(path.join(root, "old.bak"), "not a database");
    const output = await invokeAction(sqliteBackup, { database: "app.db", to: "old.bak" }, ctx);
    expect(output).toMatchObject({ path: path.join(root, "old.bak") });
    expect(dump(path.join(root, "old.bak"))).toBe(dump(dbFile));
  });

  it("copies committed data still in a WAL file", async () => {
    const writer = new Database(dbFile);
    try {
      writer.pragma("journal_mode = WAL");
      writer.pragma("wal_autocheckpoint = 0");
      writer.exec("INSERT INTO orgs VALUES (3, 'initech')");
      expect(statSync(`${dbFile}-wal`).size).toBeGreaterThan(0);
      const output = (await invokeAction(sqliteBackup, { database: "app.db" }, ctx)) as { path: string };
      expect(dump(output.path)).toContain("initech");
    } finally {
      writer.close();
    }
  });

  it("fails with FileNotFound for a missing database, ForbiddenPath for a target outside", async () => {
    await expect(invokeAction(sqliteBackup, { database: "nope.db" }, ctx)).rejects.toMatchObject({
      name: "FileNotFound",
    });
    await expect(
      invokeAction(sqliteBackup, { database: "app.db", to: "../x.bak" }, ctx),
    ).rejects.toMatchObject({
      name: "ForbiddenPath",
    });
    expect(existsSync(path.join(root, "..", "x.bak"))).toBe(false);
  });

  it("stops when the step is aborted", async () => {
    ctx.controller.abort(new Error("timed out"));
    await expect(invokeAction(sqliteBackup, { database: "app.db" }, ctx)).rejects.toThrow("timed out");
    expect(readdirSync(root)).toEqual(["app.db"]);
  });
});

describe("sqlite.restore", () => {
  it("brings back exactly the backed-up schema and rows", async () => {
    const before = dump(dbFile);
    const { path: backup } = (await invokeAction(sqliteBackup, { database: "app.db" }, ctx)) as {
      path: string;
    };
    migrate();
    expect(dump(dbFile)).not.toBe(before);
    await expect(invokeAction(sqliteRestore, { database: "app.db", from: backup }, ctx)).resolves.toEqual({
      restored: true,
    });
    expect(dump(dbFile)).toBe(before);
    withDb((db) => expect(db.pragma("integrity_check", { simple: true })).toBe("ok"));
  });

  it("restores a WAL database that others keep open, and can run twice", async () => {
    withDb((db) => db.pragma("journal_mode = WAL"));
    const before = dump(dbFile);
    const { path: backup } = (await invokeAction(sqliteBackup, { database: "app.db" }, ctx)) as {
      path: string;
    };
    const reader = new Database(dbFile, { readonly: true });
    try {
      migrate();
      await invokeAction(sqliteRestore, { database: "app.db", from: backup }, ctx);
      await invokeAction(sqliteRestore, { database: "app.db", from: backup }, { ...ctx, attempt: 2 });
      expect(reader.prepare("SELECT count(*) AS n FROM users").get()).toEqual({ n: 1 });
    } finally {
      reader.close();
    }
    expect(dump(dbFile)).toBe(before);
    expect(existsSync(`${dbFile}-wal`) ? statSync(`${dbFile}-wal`).size : 0).toBe(0);
  });

  it("fails with FileNotFound when the backup is gone, leaving the database alone", async () => {
    migrate();
    const migrated = dump(dbFile);
    await expect(
      invokeAction(sqliteRestore, { database: "app.db", from: "gone.backup" }, ctx),
    ).rejects.toMatchObject({
      name: "FileNotFound",
      message: expect.stringContaining("gone.backup"),
    });
    expect(dump(dbFile)).toBe(migrated);
  });

  it("refuses a backup outside the allowed roots", async () => {
    await expect(
      invokeAction(sqliteRestore, { database: "app.db", from: "/etc/passwd" }, ctx),
    ).rejects.toMatchObject({
      name: "ForbiddenPath",
    });
  });
});
