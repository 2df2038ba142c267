import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { invokeAction } from "../invoke";
import { createTestContext, type TestContext } from "../testing";
import { sqlExec } from "./sql-exec";
import { sqlQuery } from "./sql-query";

let root: string;
let ctx: TestContext;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "sagaflow-sql-"));
  ctx = createTestContext(root);
  const db = new Database(path.join(root, "app.db"));
  db.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, qty INTEGER, data BLOB)");
  db.exec("INSERT INTO items (name, qty) VALUES ('apple', 3), ('pear', 5)");
  db.close();
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const names = () => {
  const db = new Database(path.join(root, "app.db"), { readonly: true });
  try {
    return (db.prepare("SELECT name FROM items ORDER BY id").all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
};

type Params = Record<string, unknown>;
const exec = (params: Params) => invokeAction(sqlExec, params, ctx) as Promise<{ changes: number }>;
const query = (params: Params) => invokeAction(sqlQuery, params, ctx) as Promise<{ rows: Params[] }>;

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the action to fail");
}

describe("sql.exec", () => {
  it("runs a text of several statements and counts the changed rows", async () => {
    const sql = "INSERT INTO items (name) VALUES ('plum'); UPDATE items SET qty = 0";
    await expect(exec({ database: "app.db", sql })).resolves.toEqual({ changes: 4 });
    expect(names()).toEqual(["apple", "pear", "plum"]);
  });

  it("binds positional and named args, booleans as 1/0", async () => {
    const positional = {
      database: "app.db",
      sql: "INSERT INTO items (name, qty) VALUES (?, ?)",
      args: ["fig", true],
    };
    await expect(exec(positional)).resolves.toEqual({ changes: 1 });
    const named = {
      database: "app.db",
      sql: [
        "UPDATE items SET qty = @qty WHERE name = @name",
        "DELETE FROM items WHERE name = @name AND qty = @qty",
      ],
      args: { name: "apple", qty: 7 },
    };
    await expect(exec(named)).resolves.toEqual({ changes: 2 });
    expect(names()).toEqual(["pear", "fig"]);
    const { rows } = await query({ database: "app.db", sql: "SELECT qty FROM items WHERE name = 'fig'" });
    expect(rows).toEqual([{ qty: 1 }]);
  });

  it("runs a list in one transaction: a failing statement undoes the ones before it", async () => {
    const sql = ["INSERT INTO items (name) VALUES ('kiwi')", "INSERT INTO items (name) VALUES ('apple')"];
    const error = await failure(exec({ database: "app.db", sql }));
    expect(error.name).toBe("SqliteError");
    expect(error.message).toMatch(/UNIQUE constraint failed/);
    expect(names()).toEqual(["apple", "pear"]);
  });

  it("reports SQL errors and misuse by name", async () => {
    const syntax = await failure(exec({ database: "app.db", sql: "INSERT INTO nowhere VALUES (1)" }));
    expect(syntax.name).toBe("SqliteError");
    expect(syntax.message).toMatch(/no such table: nowhere/);
    const twoWithArgs = {
      database: "app.db",
      sql: "DELETE FROM items; DELETE FROM items WHERE id = ?",
      args: [1],
    };
    const misuse = await failure(exec(twoWithArgs));
    expect(misuse.name).toBe("SqlError");
    expect(misuse.message).toMatch(/more than one statement/);
    expect(names()).toEqual(["apple", "pear"]);
  });

  it("refuses a database outside the allowed roots before creating anything", async () => {
    const outsideFile = path.join(root, "..", `escape-${path.basename(root)}.db`);
    const error = await failure(exec({ database: outsideFile, sql: "CREATE TABLE t (x)" }));
    expect(error.name).toBe("ForbiddenPath");
    expect(existsSync(outsideFile)).toBe(false);
  });

  it("does nothing once the step is aborted", async () => {
    ctx.controller.abort(new Error("canceled"));
    const error = await failure(exec({ database: "app.db", sql: "DELETE FROM items" }));
    expect(error.message).toBe("canceled");
    expect(names()).toEqual(["apple", "pear"]);
  });
});

describe("sql.query", () => {
  it("returns rows as JSON, BLOBs as base64", async () => {
    await exec({ database: "app.db", sql: "UPDATE items SET data = x'0102' WHERE name = 'pear'" });
    const result = await query({
      database: "app.db",
      sql: "SELECT name, qty, data FROM items WHERE qty > ? ORDER BY id",
      args: [1],
    });
    expect(result).toEqual({
      rows: [
        { name: "apple", qty: 3, data: null },
        { name: "pear", qty: 5, data: "AQI=" },
      ],
    });
  });

  it("returns the rows of the last statement of a list, and PRAGMA rows", async () => {
    const result = await query({ database: "app.db", sql: ["SELECT 1", "PRAGMA foreign_key_check"] });
    expect(result).toEqual({ rows: [] });
  });

  it("opens the database read-only", async () => {
    const error = await failure(query({ database: "app.db", sql: "DELETE FROM items RETURNING id" }));
    expect(error.name).toBe("SqliteError");
    expect(error.message).toMatch(/readonly/);
    expect(names()).toEqual(["apple", "pear"]);
  });

  it("fails with FileNotFound on a missing database and creates no file", async () => {
    const error = await failure(query({ database: "missing.db", sql: "SELECT 1" }));
    expect(error.name).toBe("FileNotFound");
    expect(error.message).toContain("missing.db");
    expect(existsSync(path.join(root, "missing.db"))).toBe(false);
  });

  it("refuses a path that escapes with ..", async () => {
    const error = await failure(query({ database: "../app.db", sql: "SELECT 1" }));
    expect(error.name).toBe("ForbiddenPath");
  });
});

describe("sql.exec foreign keys", () => {
  beforeEach(async () => {
    await exec({
      database: "app.db",
      sql: [
        "CREATE TABLE orgs (id INTEGER PRIMARY KEY)",
        "CREATE TABLE members (id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES orgs(id))",
        "INSERT INTO orgs VALUES (1)",
      ],
      foreignKeys: true,
    });
  });

  it("enforces them by default", async () => {
    const insert = { database: "app.db", sql: "INSERT INTO members VALUES (1, 42)", foreignKeys: true };
    const error = await failure(exec(insert));
    expect(error.message).toMatch(/FOREIGN KEY constraint failed/);
  });

  it("can be turned off for a migration, leaving violations for PRAGMA foreign_key_check", async () => {
    const insert = {
      database: "app.db",
      sql: "INSERT INTO members VALUES (1, 42), (2, 43)",
      foreignKeys: false,
    };
    await expect(exec(insert)).resolves.toEqual({ changes: 2 });
    const { rows } = await query({ database: "app.db", sql: "PRAGMA foreign_key_check" });
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ table: "members", parent: "orgs" });
  });
});

describe("sql.query expectRows", () => {
  it("passes when the count matches and fails with the named error otherwise", async () => {
    const check = { database: "app.db", sql: "SELECT * FROM items WHERE qty > ?", args: [0] };
    await expect(query({ ...check, expectRows: 2 })).resolves.toMatchObject({
      rows: [{ name: "apple" }, {}],
    });
    await expect(query({ ...check, expectRows: 0 })).rejects.toMatchObject({
      name: "UnexpectedRows",
      message: "expected 0 rows, got 2",
    });
    const named = {
      ...check,
      expectRows: 0,
      error: "ValidationError",
      message: "{count} foreign key violations",
    };
    await expect(query(named)).rejects.toMatchObject({
      name: "ValidationError",
      message: "2 foreign key violations",
    });
  });
});

describe("sql.exec idempotencyTable", () => {
  const insertOnce = {
    database: "app.db",
    sql: "INSERT INTO items (name) VALUES ('once')",
    idempotencyTable: "applied_steps",
  };

  it("runs once per idempotency key and replays the recorded result", async () => {
    await expect(exec(insertOnce)).resolves.toEqual({ changes: 1 });
    await expect(exec(insertOnce)).resolves.toEqual({ changes: 1 });
    expect(names()).toEqual(["apple", "pear", "once"]);
    expect(ctx.logs.at(-1)?.message).toMatch(/already applied under key run-1:step:1/);
    const { rows } = await query({
      database: "app.db",
      sql: "SELECT idempotency_key, changes FROM applied_steps",
    });
    expect(rows).toEqual([{ idempotency_key: "run-1:step:1", changes: 1 }]);
  });

  it("runs again for another step execution (another key)", async () => {
    await exec({ ...insertOnce, sql: "INSERT INTO items (name) VALUES ('first')" });
    ctx = { ...ctx, idempotencyKey: "run-1:step:2" };
    await exec({ ...insertOnce, sql: "INSERT INTO items (name) VALUES ('second')" });
    expect(names()).toEqual(["apple", "pear", "first", "second"]);
  });

  it("records nothing when the statements fail", async () => {
    const failing = {
      ...insertOnce,
      sql: ["INSERT INTO items (name) VALUES ('x')", "INSERT INTO nowhere VALUES (1)"],
    };
    await expect(exec(failing)).rejects.toMatchObject({ name: "SqliteError" });
    await expect(exec(insertOnce)).resolves.toEqual({ changes: 1 });
    expect(names()).toEqual(["apple", "pear", "once"]);
  });

  it("refuses a table name that is not an identifier", async () => {
    await expect(exec({ ...insertOnce, idempotencyTable: 'x"; DROP TABLE items; --' })).rejects.toMatchObject(
      {
        name: "InvalidParams",
      },
    );
    expect(names()).toEqual(["apple", "pear"]);
  });
});
