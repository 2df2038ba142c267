import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { invokeAction } from "../invoke";
import { createTestContext, type TestContext } from "../testing";
import { sqlExec } from "./sql-exec";
import { statementsOf } from "./sql-guard";
import { sqlQuery } from "./sql-query";

let root: string;
let outside: string;
let ctx: TestContext;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "sagaflow-sqlguard-"));
  outside = mkdtempSync(path.join(tmpdir(), "sagaflow-outside-"));
  ctx = createTestContext(root);
  const secret = new Database(path.join(outside, "secret.db"));
  secret.exec("CREATE TABLE secret (v TEXT); INSERT INTO secret VALUES ('s3cr3t')");
  secret.close();
  const db = new Database(path.join(root, "app.db"));
  db.exec("CREATE TABLE t (v TEXT, n)");
  db.close();
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

type Params = Record<string, unknown>;
const exec = (params: Params) => invokeAction(sqlExec, params, ctx);
const query = (params: Params) => invokeAction(sqlQuery, params, ctx) as Promise<{ rows: Params[] }>;

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the action to fail");
}

const rows = (sql: string) => {
  const db = new Database(path.join(root, "app.db"), { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
};

describe("statements that reach another file", () => {
  // OUT stands for the directory outside the roots (made per test).
  const attach = "ATTACH DATABASE 'OUT/secret.db' AS s";
  const cases: [string, Params][] = [
    ["sql.query ATTACH then read", { sql: [attach, "SELECT * FROM s.secret"] }],
    [
      "sql.exec ATTACH then create",
      { sql: `${attach.replace("secret.db", "new.db")}; CREATE TABLE s.x (a)` },
    ],
    ["sql.exec attach in lower case with a comment", { sql: `/* hi */ attach   'OUT/new.db' as "o"` }],
    ["sql.exec DETACH", { sql: "DETACH DATABASE s" }],
    ["sql.exec VACUUM INTO", { sql: "COMMIT; VACUUM INTO 'OUT/copy.db'; BEGIN;" }],
    ["sql.exec VACUUM main INTO", { sql: "VACUUM main INTO 'OUT/copy.db'" }],
    ["sql.exec COMMIT", { sql: "INSERT INTO t VALUES ('a', 1); COMMIT" }],
  ];
  it.each(cases)("%s is refused with ForbiddenSql naming the statement", async (label, params) => {
    const action = label.startsWith("sql.query") ? query : exec;
    const sql = JSON.parse(JSON.stringify(params.sql).replaceAll("OUT", outside)) as unknown;
    const error = await failure(action({ database: "app.db", sql }));
    expect(error.name).toBe("ForbiddenSql");
    expect(error.message).toMatch(/ATTACH|DETACH|VACUUM INTO|COMMIT/);
    expect(error.message).toMatch(/"(\/\* hi \*\/ )?[A-Za-z]+/);
    expect(existsSync(path.join(outside, "new.db"))).toBe(false);
    expect(existsSync(path.join(outside, "copy.db"))).toBe(false);
    expect(rows("SELECT * FROM t")).toEqual([]);
  });

  it("refuses VACUUM INTO with the target in a bound parameter", async () => {
    const error = await failure(
      exec({ database: "app.db", sql: "VACUUM INTO ?", args: [path.join(outside, "copy.db")] }),
    );
    expect(error.name).toBe("ForbiddenSql");
    expect(existsSync(path.join(outside, "copy.db"))).toBe(false);
  });
});

describe("several statements in one text", () => {
  it("splits on the statements' own ends, not on ';' inside strings, comments or triggers", async () => {
    const sql = [
      "INSERT INTO t VALUES ('a;b', 1);",
      "-- a comment; with a semicolon",
      "INSERT INTO t VALUES ('c', 2) /* ; */;",
      "CREATE TABLE log (v TEXT);",
      "CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.v); END;",
      "INSERT INTO t VALUES ('d', 3);; INSERT INTO t VALUES ('e', 4);",
    ].join("\n");
    // Four inserts, and two more by the trigger.
    await expect(exec({ database: "app.db", sql })).resolves.toEqual({ changes: 6 });
    expect(rows("SELECT v FROM t ORDER BY n")).toEqual([{ v: "a;b" }, { v: "c" }, { v: "d" }, { v: "e" }]);
    expect(rows("SELECT v FROM log")).toEqual([{ v: "d" }, { v: "e" }]);
  });

  it("yields each statement of a text once", () => {
    const db = new Database(":memory:");
    try {
      const texts = [...statementsOf(db, "SELECT 1; SELECT ';' ; SELECT 3 -- end")];
      expect(texts.map((text) => text.trim())).toEqual(["SELECT 1;", "SELECT ';' ;", "SELECT 3 -- end"]);
    } finally {
      db.close();
    }
  });
});

describe("binding numbers", () => {
  it("binds whole numbers as INTEGER, so a TEXT column stores 3 as '3'", async () => {
    await exec({ database: "app.db", sql: "INSERT INTO t VALUES (?, ?)", args: [3, 2.5] });
    await exec({ database: "app.db", sql: "INSERT INTO t VALUES (:v, :n)", args: { v: 7, n: 4 } });
    expect(rows("SELECT v, typeof(n) AS type FROM t ORDER BY rowid")).toEqual([
      { v: "3", type: "real" },
      { v: "7", type: "integer" },
    ]);
    const result = await query({ database: "app.db", sql: "SELECT n FROM t WHERE v = ?", args: [7] });
    expect(result.rows).toEqual([{ n: 4 }]);
  });
});
