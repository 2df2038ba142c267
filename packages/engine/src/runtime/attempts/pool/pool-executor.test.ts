import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { AttemptRequest } from "../attempt-executor";
import { createPoolExecutor } from "./pool-executor";

// A new worker thread loads TypeScript (tsx) before its first task: seconds on a loaded machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const lines: string[] = [];
const pool = createPoolExecutor({
  setup: () => ({
    actionsModule: path.join(import.meta.dirname, "fixtures/hostile-actions.ts"),
    roots: [],
    protectedFiles: [],
    workingDir: process.cwd(),
    http: { allow: [], deny: [] },
  }),
  logger: { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) },
  memoryMb: 64,
  threads: 2,
});
afterAll(() => pool.close());

const request = (action: string, params: unknown = {}): AttemptRequest => ({
  runId: "r",
  stateId: "s",
  attempt: 1,
  idempotencyKey: "r:s:1",
  action,
  params: params as AttemptRequest["params"],
  timeoutMs: 1000,
});

const timeoutAfter = (ms: number) => {
  const controller = new AbortController();
  setTimeout(
    () => controller.abort(Object.assign(new Error(`timed out after ${ms} ms`), { name: "Timeout" })),
    ms,
  );
  return controller.signal;
};

describe("the worker pool executor", () => {
  it("runs built-in actions in a worker and returns their output as data", async () => {
    expect(
      await pool.execute(request("transform", { value: { a: [1, 2] } }), new AbortController().signal),
    ).toEqual({
      ok: true,
      output: { a: [1, 2] },
    });
  });

  it("terminates a thread that never yields at its timeout, while this thread stays free", async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 10);
    const started = Date.now();
    const outcome = await pool.execute(request("test.spin"), timeoutAfter(200));
    clearInterval(timer);
    expect(outcome.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(ticks).toBeGreaterThan(5);
    // The pool replaced the thread.
    expect((await pool.execute(request("transform", { value: 1 }), new AbortController().signal)).ok).toBe(
      true,
    );
  });

  it("fails a step that exhausts its heap with ResourceExhausted, naming the limit", async () => {
    const outcome = await pool.execute(request("test.hog"), new AbortController().signal);
    expect(outcome).toMatchObject({
      ok: false,
      error: { name: "ResourceExhausted", code: "RESOURCE_EXHAUSTED", fatal: false },
    });
    expect(outcome.ok || outcome.error.message).toMatch(/more than 64 MB/);
  });

  it("refuses outputs that are too deep or not JSON before they cross", async () => {
    const deep = await pool.execute(request("test.deep"), new AbortController().signal);
    expect(deep).toMatchObject({ ok: false, error: { name: "PayloadLimitExceeded" } });
    expect(deep.ok || deep.error.message).toMatch(/deeper than 64 levels/);
    const big = await pool.execute(request("test.bigint"), new AbortController().signal);
    expect(big.ok || big.error.message).toMatch(/a BigInt at \$\.n/);
  });

  it("passes a cancel to the action's signal and still returns its outcome; forwards its log", async () => {
    const controller = new AbortController();
    setTimeout(
      () => controller.abort(Object.assign(new Error("canceled by ops"), { name: "AbortError" })),
      100,
    );
    const outcome = await pool.execute(request("test.wait"), controller.signal);
    expect(outcome).toEqual({
      ok: false,
      error: { name: "Stopped", message: "stopped: canceled by ops", fatal: false },
    });
    expect(lines).toContain("waiting");
  });

  it("a timeout while SQLite waits for another process's lock: the thread gets control back, nothing aborts", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-lock-"));
    const file = path.join(dir, "locked.db");
    const locker = spawn(
      process.execPath,
      [
        "-e",
        `const D = require("better-sqlite3"); const db = new D(${JSON.stringify(file)});
         db.exec("CREATE TABLE t (n)"); db.exec("BEGIN EXCLUSIVE"); console.log("locked");
         setTimeout(() => db.close(), 4000);`,
      ],
      { cwd: path.resolve(import.meta.dirname, "../../../.."), stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise((resolve) => locker.stdout?.once("data", resolve));
    const lockedPool = createPoolExecutor({
      setup: () => ({ roots: [dir], protectedFiles: [], workingDir: dir, http: { allow: [], deny: [] } }),
      logger: { info() {}, warn() {}, error() {} },
      threads: 1,
    });
    try {
      const write = {
        ...request("sql.exec", { database: file, sql: "INSERT INTO t VALUES (1)" }),
        timeoutMs: 200,
      };
      const outcome = await lockedPool.execute({ ...write, deadline: Date.now() + 200 }, timeoutAfter(200));
      expect(outcome.ok).toBe(false);
      // This process is alive, and the same thread takes the next task.
      expect(
        await lockedPool.execute(request("transform", { value: 2 }), new AbortController().signal),
      ).toEqual({
        ok: true,
        output: 2,
      });
    } finally {
      locker.kill();
      await lockedPool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps FatalError fatal across the thread boundary", async () => {
    const outcome = await pool.execute(
      request("sql.query", { database: "/nope.db", sql: "SELECT 1" }),
      new AbortController().signal,
    );
    expect(outcome).toMatchObject({ ok: false, error: { fatal: true } });
  });
});
