import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  runOneTask,
  type SpawnedServer,
  serveRefusal,
  spawnServe,
  storedRun,
  withSqlite,
} from "./security-support";

/**
 * The attacks of issue 13, each against a real `sagaflow serve` with real files: refused with a clear
 * error, nothing outside the roots read or written, the engine's database unchanged (a victim run's
 * stored history and record compared byte for byte, and the files still there).
 */

const base = mkdtempSync(path.join(tmpdir(), "sagaflow-security-"));
const work = path.join(base, "work"); // the one allowed root
const elsewhere = path.join(base, "elsewhere"); // outside every root
// The engine's database inside the allowed root: protected whatever the roots.
const engineDb = path.join(work, "engine.db");
let server: SpawnedServer;
let victimRunId: string;
let victimBefore: string;
let upstream: Server;
let upstreamUrl: string;

beforeAll(async () => {
  mkdirSync(work, { recursive: true });
  mkdirSync(elsewhere, { recursive: true });
  await withSqlite(path.join(elsewhere, "secret.db"), (db) =>
    db.exec("CREATE TABLE secret (v TEXT); INSERT INTO secret VALUES ('s3cr3t')"),
  );
  await withSqlite(path.join(work, "app.db"), (db) => db.exec("CREATE TABLE t (v TEXT)"));
  for (const dir of [elsewhere, work]) {
    for (const file of readdirSync(dir)) if (/-(wal|shm)$/.test(file)) rmSync(path.join(dir, file));
  }
  upstream = createServer((request, response) => {
    if (request.url === "/huge") {
      // 50 MB announced and sent: the cap must stop it long before.
      response.writeHead(200, { "content-type": "text/plain", "content-length": String(50 * 1024 * 1024) });
      const chunk = Buffer.alloc(1024 * 1024, 120);
      let sent = 0;
      const write = () => {
        while (sent < 50) {
          sent++;
          if (!response.write(chunk)) return response.once("drain", write);
        }
        response.end();
      };
      response.on("error", () => {});
      write();
    } else if (request.url === "/proto") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"a":1,"__proto__":{"x":2},"constructor":3}');
    } else if (request.url?.startsWith("/to-self")) {
      response.writeHead(302, { location: `${server.url}/trpc/definitions.list` });
      response.end();
    } else {
      response.end("ok");
    }
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  server = await spawnServe(["--db", engineDb, "--allow-path", work]);
  victimRunId = (
    await runOneTask(server.client, "victim", { action: "transform", params: { value: { paid: 100 } } })
  ).runId;
  victimBefore = await storedRun(engineDb, victimRunId);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
  rmSync(base, { recursive: true, force: true });
});

async function expectEngineIntact(): Promise<void> {
  for (const file of [engineDb, `${engineDb}-wal`]) expect(existsSync(file)).toBe(true);
  expect(await storedRun(engineDb, victimRunId)).toBe(victimBefore);
  expect(readdirSync(elsewhere)).toEqual(["secret.db"]);
}

describe("SQL cannot reach another file", { timeout: 60_000 }, () => {
  it.each([
    [
      "sql.query",
      "read-attached",
      [`ATTACH DATABASE '${path.join(elsewhere, "secret.db")}' AS s`, "SELECT * FROM s.secret"],
    ],
    [
      "sql.exec",
      "write-attached",
      `ATTACH DATABASE '${path.join(elsewhere, "new.db")}' AS o; CREATE TABLE o.x (a)`,
    ],
    ["sql.exec", "vacuum-into", `COMMIT; VACUUM INTO '${path.join(elsewhere, "copy.db")}'; BEGIN;`],
    ["sql.exec", "vacuum-engine", `VACUUM INTO '${path.join(elsewhere, "engine-copy.db")}'`],
  ])("%s %s is refused with ForbiddenSql", async (action, name, sql) => {
    const result = await runOneTask(server.client, `sql-${name}`, {
      action,
      params: { database: path.join(work, "app.db"), sql },
    });
    expect(result.status).toBe("compensated"); // failed; nothing to undo
    expect(result.error).toMatchObject({
      error: "ForbiddenSql",
      message: expect.stringMatching(/ATTACH|VACUUM INTO|COMMIT/),
    });
    expect(JSON.stringify(result)).not.toContain("s3cr3t");
    await expectEngineIntact();
  });

  it("binds whole numbers as INTEGER: a TEXT column stores 3 as '3'", async () => {
    const result = await runOneTask(server.client, "sql-integer", {
      action: "sql.exec",
      params: { database: path.join(work, "app.db"), sql: "INSERT INTO t VALUES (?)", args: [3] },
    });
    expect(result.status).toBe("succeeded");
    const rows = await withSqlite(path.join(work, "app.db"), (db) => db.prepare("SELECT v FROM t").all());
    expect(rows).toEqual([{ v: "3" }]);
  });
});

describe("no action reaches the engine's own database", { timeout: 60_000 }, () => {
  it.each([
    ["sql.exec rewriting history", "sql.exec", { database: engineDb, sql: "UPDATE events SET event = '{}'" }],
    ["file.delete of the database", "file.delete", { path: engineDb }],
    ["file.delete of its -wal", "file.delete", { path: `${engineDb}-wal` }],
    ["sqlite.backup of it", "sqlite.backup", { database: engineDb, to: path.join(work, "stolen.db") }],
    ["sqlite.restore over it", "sqlite.restore", { database: engineDb, from: path.join(work, "app.db") }],
  ])("%s is refused with ForbiddenPath", async (_label, action, params) => {
    const result = await runOneTask(server.client, `own-${action.replace(".", "-")}`, { action, params });
    expect(result.error).toMatchObject({
      error: "ForbiddenPath",
      message: expect.stringContaining("engine's own database"),
    });
    expect(existsSync(path.join(work, "stolen.db"))).toBe(false);
    await expectEngineIntact();
  });

  it("prints the allowed roots at start", () => {
    expect(server.stdout).toContain(`Action file paths allowed under: `);
    expect(server.stdout).toContain(work);
  });

  it("--db in a folder does not open that folder to actions", async () => {
    const checkout = path.join(base, "checkout");
    mkdirSync(checkout);
    writeFileSync(path.join(checkout, "README.md"), "keep me");
    const other = await spawnServe(["--db", path.join(checkout, "x.db")]);
    try {
      expect(other.stdout).not.toMatch(new RegExp(`allowed under:.*${checkout}(,|\\s)`));
      const result = await runOneTask(other.client, "delete-readme", {
        action: "file.delete",
        params: { path: path.join(checkout, "README.md") },
      });
      expect(result.error).toMatchObject({ error: "ForbiddenPath" });
      expect(existsSync(path.join(checkout, "README.md"))).toBe(true);
    } finally {
      await other.stop();
    }
  });
});

describe("DNS rebinding: only the server's own Host names are served", { timeout: 30_000 }, () => {
  it("refuses Host: evil.example with a matching Origin before any routing, with 421", async () => {
    for (const [method, pathname, body] of [
      ["GET", "/trpc/definitions.list", undefined],
      ["POST", "/trpc/runs.start", JSON.stringify({ name: "victim" })],
      ["GET", "/", undefined],
    ] as const) {
      const answer = await rawRequest(
        server.port,
        method,
        pathname,
        {
          host: `evil.example:${server.port}`,
          origin: `http://evil.example:${server.port}`,
          "content-type": "application/json",
        },
        body,
      );
      expect(answer.status).toBe(421);
      expect(answer.body).toContain("is not one of this server's names");
      expect(answer.body).not.toContain("victim");
    }
    await expectEngineIntact();
  });
});

describe("http.request follows the outbound policy", { timeout: 60_000 }, () => {
  it.each([
    ["the server's own API", () => `${server.url}/trpc/definitions.list`, /own address and port/],
    [
      "the server via IPv4-mapped IPv6",
      () => `http://[::ffff:127.0.0.1]:${server.port}/`,
      /own address and port/,
    ],
    ["the server via localhost", () => `http://localhost:${server.port}/`, /own address and port/],
    ["the server via a redirect", () => `${upstreamUrl}/to-self`, /own address and port/],
    ["the cloud metadata address", () => "http://169.254.169.254/latest/meta-data/", /link-local/],
  ])("refuses %s with ForbiddenUrl", async (_label, url, why) => {
    const result = await runOneTask(server.client, "ssrf", {
      action: "http.request",
      params: { url: url(), method: "GET" },
    });
    expect(result.error).toMatchObject({ error: "ForbiddenUrl", message: expect.stringMatching(why) });
  });

  it("fails a 50 MB answer at the 1 MiB cap, and the database stays small", async () => {
    const result = await runOneTask(server.client, "huge", {
      action: "http.request",
      params: { url: `${upstreamUrl}/huge`, method: "GET" },
    });
    expect(result.error).toMatchObject({
      error: "ResponseTooLarge",
      message: expect.stringContaining("1 MiB limit (--http-max-response)"),
    });
    const bytes = statSync(engineDb).size + statSync(`${engineDb}-wal`).size;
    expect(bytes).toBeLessThan(10 * 1024 * 1024);
  });
});

describe("reserved keys are refused by name", { timeout: 30_000 }, () => {
  it("a parallel branch named __proto__ is refused at save with a reserved-key diagnostic", async () => {
    const text =
      '{"definition":{"name":"proto-branch","startAt":"par","states":{"par":{"type":"parallel","next":"done","branches":{' +
      '"__proto__":{"startAt":"charge","states":{"charge":{"type":"succeed"}}},' +
      '"b":{"startAt":"b1","states":{"b1":{"type":"succeed"}}}}},"done":{"type":"succeed"}}}}';
    const answer = await rawRequest(server.port, "POST", "/trpc/definitions.save", json(), text);
    expect(answer.status).toBe(400);
    expect(answer.body).toContain("reserved-key");
    expect(answer.body).toContain("$.states.par.branches.__proto__");
  });

  it("a state id __proto__ gets the reserved-key diagnostic", async () => {
    const text =
      '{"definition":{"name":"proto-state","startAt":"__proto__","states":{"__proto__":{"type":"succeed"}}}}';
    const answer = await rawRequest(server.port, "POST", "/trpc/definitions.save", json(), text);
    expect(answer.status).toBe(400);
    expect(answer.body).toContain("reserved-key");
  });

  it("an action's answer keeps them as data, end to end", async () => {
    const result = await runOneTask(server.client, "proto-answer", {
      action: "http.request",
      params: { url: `${upstreamUrl}/proto`, method: "GET" },
    });
    expect(result.status).toBe("succeeded");
    const body = JSON.stringify((result.output as { body: unknown }).body);
    expect(body).toBe('{"a":1,"__proto__":{"x":2},"constructor":3}');
  });

  it("__proto__ in run input is refused, naming the key", async () => {
    const text = '{"name":"victim","input":{"order":{"__proto__":{"admin":true}}}}';
    const answer = await rawRequest(server.port, "POST", "/trpc/runs.start", json(), text);
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('the key \\"__proto__\\" is reserved');
  });
});

describe("clear errors", { timeout: 30_000 }, () => {
  it("a JSONata timeout names its limit", async () => {
    const result = await runOneTask(server.client, "endless", {
      action: "transform",
      params: { value: "{% ($loop := function($i) { $loop($i + 1) }; $loop(0)) %}" },
    });
    expect(result.status).toBe("compensated"); // failed; nothing to undo
    expect(result.error?.message).toMatch(
      /(ran longer than its \d+ ms time limit|timeout after \d+ milliseconds)/,
    );
    expect(result.error?.message).not.toContain("[object Object]");
  });
});

describe("the token", { timeout: 60_000 }, () => {
  it("a 1-character token is refused off loopback, and a generated one is suggested", async () => {
    const refusal = await serveRefusal(["--host", "0.0.0.0", "--db", path.join(base, "public", "x.db")], {
      SAGAFLOW_TOKEN: "x",
    });
    expect(refusal.code).toBe(1);
    expect(refusal.stderr).toMatch(/at least 16 are needed off loopback.*SAGAFLOW_TOKEN=[\w-]{43}/);
    expect(existsSync(path.join(base, "public", "x.db"))).toBe(false);
  });
});

const json = () => ({ host: `127.0.0.1:${server.port}`, "content-type": "application/json" });

/** A request with exactly these headers (fetch would set Host itself). */
async function rawRequest(
  port: number,
  method: string,
  pathname: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method, path: pathname, headers, setHost: false },
      (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
