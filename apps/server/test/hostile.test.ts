import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RunSnapshot } from "@sagaflow/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createClient } from "./helpers";

/**
 * User work never freezes or kills the server (issue 12): each attack of the issue against a real
 * `sagaflow serve` on a real SQLite file, while a concurrent `runs.list` keeps answering.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const serverDir = path.resolve(here, "..");
const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-hostile-"));
const dbPath = path.join(dir, "sagaflow.db");
const actionsModule = path.join(here, "fixtures/hostile-actions.ts");
const children: ChildProcess[] = [];

interface Serve {
  child: ChildProcess;
  url: string;
  client: Client;
  exited: Promise<number | null>;
}

function serve(extra: string[] = []): Promise<Serve> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/cli/main.ts",
      "serve",
      "--port",
      "0",
      "--db",
      dbPath,
      "--actions",
      actionsModule,
      "--allow-path",
      dir,
      ...extra,
    ],
    { cwd: serverDir, env: { ...process.env, SAGAFLOW_TOKEN: "" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
      const match = /Sagaflow is running at (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolve({ child, url: match[1], client: createClient(match[1]), exited });
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
}

let server: Serve;
let upstream: Server;
let upstreamUrl: string;

beforeAll(async () => {
  // A service whose answer is 20 KB of JSON nested 10,000 deep.
  upstream = createServer((_request, response) => {
    response.setHeader("content-type", "application/json");
    response.end(`${"[".repeat(10_000)}${"]".repeat(10_000)}`);
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const address = upstream.address();
  upstreamUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/deep`;
  server = await serve();
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** Calls runs.list over and over while `work` runs; returns the latencies (ms). */
async function listLatencies<T>(
  client: Client,
  work: Promise<T>,
): Promise<{ result: T; latencies: number[] }> {
  const latencies: number[] = [];
  let done = false;
  const poller = (async () => {
    while (!done) {
      const started = performance.now();
      await client.runs.list.query({ limit: 10 });
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const result = await work.finally(() => {
    done = true;
  });
  await poller;
  return { result, latencies };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function settle(client: Client, runId: string) {
  for (;;) {
    const { run } = await client.runs.get.query({ runId });
    if (!["running", "waiting", "compensating"].includes(run.status)) return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function runOne(client: Client, name: string, states: Record<string, unknown>, startAt = "go") {
  await client.definitions.save.mutate({ definition: { name, startAt, states } });
  const { runId } = await client.runs.start.mutate({ name });
  return runId;
}

const task = (action: string, params: unknown) => ({
  type: "task",
  action,
  params,
  idempotent: true,
  end: true,
});

describe("a hostile definition hurts only its own run", () => {
  it("a catastrophic regex in an expression: the run fails naming the time limit, the API stays quick", async () => {
    const work = (async () => {
      const runId = await runOne(server.client, "regex-bomb", {
        go: task("transform", {
          value: "{% $contains('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', /^(a+)+$/) %}",
        }),
      });
      return settle(server.client, runId);
    })();
    const { result: run, latencies } = await listLatencies(server.client, work);
    expect(["failed", "compensated"]).toContain(run.status);
    expect(JSON.stringify((run.snapshot as RunSnapshot).error)).toMatch(/time limit/);
    expect(median(latencies)).toBeLessThan(100);
  }, 60_000);

  it("a catastrophic inputSchema pattern: runs.start answers 400 naming the pattern, quickly", async () => {
    await server.client.definitions.save.mutate({
      definition: {
        name: "pattern-bomb",
        inputSchema: { type: "object", properties: { name: { type: "string", pattern: "^(a+)+$" } } },
        startAt: "go",
        states: { go: { type: "succeed" } },
      },
    });
    const started = performance.now();
    const failure = await server.client.runs.start
      .mutate({ name: "pattern-bomb", input: { name: `${"a".repeat(31)}!` } })
      .catch((error: unknown) => error as Error & { data?: { httpStatus?: number } });
    expect(performance.now() - started).toBeLessThan(2000);
    expect((failure as { data?: { httpStatus?: number } }).data?.httpStatus).toBe(400);
    expect((failure as Error).message).toMatch(/pattern \^\(a\+\)\+\$ took longer than 50 ms/);
  }, 60_000);

  it("$pad('x', 300000000): the run fails with a memory error; the server lives", async () => {
    const runId = await runOne(server.client, "pad-bomb", {
      go: task("transform", { value: "{% $length($pad('x', 300000000)) %}" }),
    });
    const run = await settle(server.client, runId);
    expect(["failed", "compensated"]).toContain(run.status);
    expect(JSON.stringify((run.snapshot as RunSnapshot).error)).toMatch(
      /more than \d+ MB|time limit|payload/,
    );
    expect((await server.client.runs.list.query({ limit: 1 })).runs.length).toBe(1);
  }, 60_000);

  it("an http.request answer nested 10,000 deep fails its step with the depth limit, in a worker", async () => {
    const runId = await runOne(server.client, "deep-json", {
      go: task("http.request", { url: upstreamUrl, method: "GET" }),
    });
    const run = await settle(server.client, runId);
    expect(["failed", "compensated"]).toContain(run.status);
    expect(JSON.stringify((run.snapshot as RunSnapshot).error)).toMatch(/deeper than 64 levels/);
  }, 60_000);

  it("custom actions answering a BigInt or a cycle fail their step: not plain JSON", async () => {
    for (const [action, what] of [
      ["hostile.bigint", /a BigInt at \$\.n/],
      ["hostile.circular", /a cycle at \$\.self/],
    ] as const) {
      const runId = await runOne(server.client, action.replace(".", "-"), { go: task(action, {}) });
      const run = await settle(server.client, runId);
      expect(JSON.stringify((run.snapshot as RunSnapshot).error)).toMatch(what);
    }
  }, 60_000);

  it("a run of 10,000 quick steps leaves the API answering", async () => {
    const work = (async () => {
      const runId = await runOne(
        server.client,
        "hot-loop",
        {
          count: {
            type: "task",
            action: "transform",
            params: { value: "{% ($steps.count ? $steps.count : 0) + 1 %}" },
            maxVisits: 6000,
            next: "again",
          },
          again: {
            type: "choice",
            choices: [{ when: "{% $steps.count < 5000 %}", next: "count" }],
            otherwise: "done",
            maxVisits: 6000,
          },
          done: { type: "succeed" },
        },
        "count",
      );
      return settle(server.client, runId);
    })();
    const { result: run, latencies } = await listLatencies(server.client, work);
    expect(run.status).toBe("succeeded");
    expect(latencies.length).toBeGreaterThan(10);
    expect(median(latencies)).toBeLessThan(100);
  }, 300_000);

  it("a SQLite file locked by another process: attempts cut at 200 and 400 ms, then compensation; a parallel delay is not held up", async () => {
    // The same write on a free file succeeds: the path is allowed and a worker thread is warm, so what
    // follows is the lock, not a cold start.
    const free = await runOne(server.client, "free-db", {
      go: task("sql.exec", { database: path.join(dir, "free.db"), sql: "CREATE TABLE IF NOT EXISTS t (n)" }),
    });
    expect((await settle(server.client, free)).status).toBe("succeeded");
    const locked = path.join(dir, "locked.db");
    // Another process creates the file, takes its write lock and keeps it for 8 s.
    const locker = spawn(
      process.execPath,
      [
        "-e",
        `const Database = require("better-sqlite3"); const db = new Database(${JSON.stringify(locked)});
         db.exec("CREATE TABLE IF NOT EXISTS t (n INTEGER)"); db.exec("BEGIN EXCLUSIVE");
         console.log("locked"); setTimeout(() => db.close(), 8000);`,
      ],
      { cwd: path.resolve(serverDir, "../../packages/engine"), stdio: ["ignore", "pipe", "inherit"] },
    );
    children.push(locker);
    await new Promise<void>((resolve) => locker.stdout?.once("data", () => resolve()));
    const runId = await runOne(
      server.client,
      "locked-db",
      {
        reserve: {
          type: "task",
          action: "transform",
          params: { value: "reserved" },
          compensateWith: "unreserve",
          next: "both",
        },
        both: {
          type: "parallel",
          branches: {
            write: {
              startAt: "insert",
              states: {
                insert: {
                  type: "task",
                  action: "sql.exec",
                  params: { database: locked, sql: "INSERT INTO t VALUES (1)" },
                  timeout: "200ms",
                  compensateWith: null,
                  end: true,
                },
              },
            },
            pause: {
              startAt: "nap",
              states: { nap: { type: "task", action: "delay", params: { duration: "300ms" }, end: true } },
            },
          },
          end: true,
        },
        unreserve: { type: "compensation", action: "transform", params: { value: "released" } },
      },
      "reserve",
    );
    const run = await settle(server.client, runId);
    expect(run.status).toBe("compensated");
    const { events } = await server.client.runs.history.query({ runId, limit: 1000 });
    const at = (seq: number) => Date.parse(events.find((e) => e.seq === seq)?.at ?? "");
    const started = events.filter(
      (e) => e.event.type === "StepAttemptStarted" && e.event.stateId === "insert",
    );
    const timedOut = events.filter((e) => e.event.type === "StepTimedOut" && e.event.stateId === "insert");
    const story = JSON.stringify(events.map((e) => [e.event.type, e.event.stateId, e.event.error ?? null]));
    expect(
      started.map((e) => (e.event as unknown as { timeoutMs: number }).timeoutMs),
      story,
    ).toEqual([200, 400]);
    const cut = timedOut.map((e, i) => at(e.seq) - at(started[i]?.seq ?? 0));
    expect(cut[0]).toBeGreaterThanOrEqual(190);
    expect(cut[0]).toBeLessThan(1000);
    expect(cut[1]).toBeGreaterThanOrEqual(390);
    expect(cut[1]).toBeLessThan(1500);
    const nap = events.find((e) => e.event.type === "StepSucceeded" && e.event.stateId === "nap");
    expect((nap?.event as { durationMs?: number } | undefined)?.durationMs).toBeLessThan(1000);
    expect(events.some((e) => e.event.type === "CompensationStepSucceeded")).toBe(true);
  }, 60_000);

  it("a step that kills the process each time: suspended after 3 deaths, with an alert, no crash loop", async () => {
    const runId = await runOne(server.client, "poison", { go: task("hostile.abort", {}) });
    let deaths = 0;
    for (;;) {
      expect(await server.exited).not.toBe(0);
      deaths += 1;
      expect(deaths).toBeLessThanOrEqual(3);
      server = await serve();
      // Either recovery runs the step again (and the process dies again) or it stops the loop.
      const outcome = await Promise.race([
        server.exited.then(() => "died" as const),
        settle(server.client, runId).catch(async () => {
          // The connection broke: the process is dying.
          await server.exited;
          return "died" as const;
        }),
      ]);
      if (outcome === "died") continue;
      expect(outcome.status).toBe("suspended");
      expect((outcome.snapshot as RunSnapshot).suspension).toMatchObject({
        reason: "crash_loop",
        message: expect.stringMatching(/^crashed the engine 3 times at go/),
      });
      break;
    }
    expect(deaths).toBe(3);
    const alerts = await server.client.alerts.list.query();
    expect(alerts).toContainEqual(expect.objectContaining({ runId, kind: "crash_loop" }));
  }, 300_000);
});
