import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createClient, eventually } from "./helpers";

/**
 * Crash safety of the server: SIGKILL while 50 runs are in flight, restart on the same database, and
 * every run ends with no step lost and none repeated, except idempotent steps re-run with the same key.
 */

const serverDir = fileURLToPath(new URL("..", import.meta.url));
const actionsModule = fileURLToPath(new URL("./fixtures/recording-actions.ts", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-restart-"));
const dbPath = path.join(dir, "data", "sagaflow.db");
const callsLog = path.join(dir, "data", "calls.log");
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function serve(): Promise<{ child: ChildProcess; url: string }> {
  const { SAGAFLOW_TOKEN: _ignored, ...env } = process.env;
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
      // The calls log sits beside the database: its folder is open to actions only when named.
      "--allow-path",
      path.dirname(dbPath),
    ],
    { cwd: serverDir, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
      const match = /Sagaflow is running at (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolve({ child, url: match[1] });
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
}

const step = (ms: number, next: string, idempotent: boolean) => ({
  type: "task",
  action: "test.record",
  params: { file: callsLog, ms },
  idempotent,
  next,
});

const definition = {
  name: "crashy",
  startAt: "a",
  states: {
    a: step(150, "b", true),
    b: step(200, "c", true),
    // Not idempotent: a kill during it must suspend the run ("outcome unknown"), never re-run it.
    c: step(0, "d", false),
    d: step(150, "done", true),
    done: { type: "succeed" },
  },
};

function recordedCalls(): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(callsLog)) return counts;
  for (const line of readFileSync(callsLog, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const { key } = JSON.parse(line) as { key: string };
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe("SIGKILL with 50 runs in flight", () => {
  it("after a restart every run reaches its end, no step lost or repeated", async () => {
    const first = await serve();
    const client = createClient(first.url);
    await client.definitions.save.mutate({ definition });
    const started = await Promise.all(
      Array.from({ length: 50 }, () => client.runs.start.mutate({ name: "crashy" })),
    );
    const runIds = started.map((s) => s.runId);
    // Kill while steps are running: some runs in a, most in b.
    await eventually(
      async () => recordedCalls().size,
      (size) => size >= 60,
    );
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));
    const callsAtKill = recordedCalls();

    const second = await serve();
    const after = createClient(second.url);
    const runs = await eventually(
      async () => (await after.runs.list.query({ workflow: "crashy", limit: 500 })).runs,
      (list) => list.every((r) => r.status === "succeeded" || r.status === "suspended"),
      60_000,
    );
    expect(runs).toHaveLength(50);
    expect(runs.filter((r) => r.status === "succeeded").length).toBeGreaterThan(0);

    const calls = recordedCalls();
    for (const runId of runIds) {
      const { events } = await after.runs.history.query({ runId, limit: 1000 });
      const succeeded = events
        .filter((e) => e.event.type === "StepSucceeded")
        .map((e) => e.event.stateId as string);
      const run = runs.find((r) => r.id === runId)!;
      // Each state completed at most once, in order: nothing repeated.
      expect(succeeded).toEqual(["a", "b", "c", "d"].slice(0, succeeded.length));
      if (run.status === "succeeded") expect(succeeded).toEqual(["a", "b", "c", "d"]);
      else {
        // Only an interrupted non-idempotent step may suspend a run.
        const got = await after.runs.get.query({ runId });
        expect(got.run.snapshot).toMatchObject({ suspension: { reason: "outcome_unknown", stateId: "c" } });
      }
      for (const state of succeeded) expect(calls.get(`${runId}:${state}:1`) ?? 0).toBeGreaterThanOrEqual(1);
      // The non-idempotent step ran at most once, whatever happened.
      expect(calls.get(`${runId}:c:1`) ?? 0).toBeLessThanOrEqual(1);
      // Idempotent steps that were not interrupted did not run again.
      for (const state of ["a", "b", "d"]) {
        const before = callsAtKill.get(`${runId}:${state}:1`) ?? 0;
        expect(calls.get(`${runId}:${state}:1`) ?? 0).toBeLessThanOrEqual(before + 1);
      }
    }
    // No invocation of anything but these runs' steps.
    for (const key of calls.keys()) expect(runIds.some((id) => key.startsWith(`${id}:`))).toBe(true);

    second.child.kill("SIGTERM");
    expect(await new Promise((resolve) => second.child.once("exit", resolve))).toBe(0);
  }, 120_000);
});
