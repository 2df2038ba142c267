import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT } from "../src/cli/exit-codes";
import { runTraceId } from "../src/observability/trace-ids";
import { createClient, eventually } from "./helpers";

/**
 * `sagaflow serve --log-format json`: every line it prints, on stdout and stderr, is one JSON object, and
 * each line about a run carries the run's id and its trace id (the caller's, or the one derived from the id).
 */

const serverDir = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-json-logs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CALLER_TRACE = "5c1e6f2a9b0d4e3f8a7b6c5d4e3f2a1b";

interface LogLine {
  level: string;
  time: string;
  msg: string;
  runId?: string;
  traceId?: string;
  [field: string]: unknown;
}

/** `sagaflow serve` on a free port with `args`, SAGAFLOW_TOKEN and the log settings unset; its output kept. */
function serve(...args: string[]) {
  const {
    SAGAFLOW_TOKEN: _token,
    SAGAFLOW_LOG_FORMAT: _format,
    SAGAFLOW_LOG_LEVEL: _level,
    ...env
  } = process.env;
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "serve", "--port", "0", ...args],
    {
      cwd: serverDir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk) => (output.stdout += chunk));
  child.stderr.on("data", (chunk) => (output.stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  /** The server's address once it printed it; undefined if it exited first. */
  const url = () =>
    eventually(
      async () => /Sagaflow is running at (http:\/\/[0-9.:]+)/.exec(output.stdout)?.[1],
      (found) => found !== undefined || child.exitCode !== null,
    );
  return { child, output, exited, url };
}

describe("--log-format json", () => {
  it("prints one JSON object per line, each about a run carrying its run id and trace id", async () => {
    const server = serve("--db", path.join(dir, "sagaflow.db"), "--log-format", "json");
    const url = await server.url();
    const client = createClient(url as string);

    const order = { orderId: "o-7", sku: "sku", quantity: 1, amount: 3 };
    const traced = await client.runs.start.mutate({
      name: "order-saga",
      input: { ...order, failAt: "ship_order" },
      traceparent: `00-${CALLER_TRACE}-a1b2c3d4e5f60718-01`,
    });
    const plain = await client.runs.start.mutate({ name: "order-saga", input: order });
    for (const [runId, status] of [
      [traced.runId, "compensated"],
      [plain.runId, "succeeded"],
    ] as const) {
      await eventually(
        () => client.runs.get.query({ runId }),
        (view) => view.run.status === status,
      );
    }
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);

    const lines = [...server.output.stdout.split("\n"), ...server.output.stderr.split("\n")].filter(
      (line) => line.trim() !== "",
    );
    const entries = lines.map((line) => JSON.parse(line) as LogLine);
    for (const entry of entries) {
      expect(typeof entry.msg).toBe("string");
      expect(["info", "warn", "error"]).toContain(entry.level);
      expect(Number.isNaN(Date.parse(entry.time))).toBe(false);
    }
    expect(entries.map((entry) => entry.msg)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Sagaflow is running at http/),
        expect.stringMatching(/SIGTERM/),
      ]),
    );

    const about = (runId: string) => entries.filter((entry) => entry.runId === runId);
    // The compensations' `log` actions, the start and the end of each run: each line names its run.
    expect(about(traced.runId).map((entry) => entry.msg)).toEqual(
      expect.arrayContaining([
        "run started",
        expect.stringMatching(/^Refunded 3 \(payment P-o-7\)$/),
        expect.stringMatching(/^Released reservation R-o-7/),
        "run compensated",
      ]),
    );
    expect(about(plain.runId).map((entry) => entry.msg)).toEqual(["run started", "run succeeded"]);
    for (const entry of about(traced.runId)) expect(entry.traceId).toBe(CALLER_TRACE);
    for (const entry of about(plain.runId)) expect(entry.traceId).toBe(runTraceId(plain.runId, undefined));
    // No line talks about a run without naming it.
    for (const entry of entries.filter((e) => /^(run |Refunded|Released)/.test(e.msg))) {
      expect(entry.runId, entry.msg).toBeDefined();
    }
  }, 60_000);
});

describe("--log-level", () => {
  it("warn drops the runs' info lines; the run still runs and the server still speaks", async () => {
    const server = serve("--db", path.join(dir, "quiet.db"), "--log-level", "warn");
    const client = createClient((await server.url()) as string);
    const order = { orderId: "o-8", sku: "sku", quantity: 1, amount: 3 };
    const { runId } = await client.runs.start.mutate({ name: "order-saga", input: order });
    await eventually(
      () => client.runs.get.query({ runId }),
      (view) => view.run.status === "succeeded",
    );
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.output.stderr).toMatch(/SIGTERM, shutting down/);
    expect(server.output.stderr).not.toMatch(/ INFO /);
    expect(server.output.stderr).not.toContain(runId);
  }, 60_000);

  it("refuses a level it does not know, naming the levels", async () => {
    const server = serve("--db", path.join(dir, "refused.db"), "--log-level", "loud");
    expect(await server.exited).toBe(EXIT.usage);
    expect(server.output.stderr).toContain('--log-level must be info, warn or error, got "loud"');
  }, 60_000);
});
