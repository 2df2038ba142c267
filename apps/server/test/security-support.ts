import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { openSqliteStore } from "@sagaflow/engine";
import { rawSqlite } from "@sagaflow/engine/testing";
import { type Client, createClient } from "./helpers";

/** A real `sagaflow serve` child process for the security tests (the attacks go over HTTP). */

const serverDir = fileURLToPath(new URL("..", import.meta.url));

export interface SpawnedServer {
  url: string;
  port: number;
  client: Client;
  stdout: string;
  stop(): Promise<void>;
}

/** Starts `sagaflow serve --port 0` with `args`; resolves once it prints its address. */
export function spawnServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<SpawnedServer> {
  const { SAGAFLOW_TOKEN: _ignored, ...inherited } = process.env;
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "serve", "--port", "0", ...args],
    { cwd: serverDir, env: { ...inherited, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
      const match = /Sagaflow is running at (http:\/\/\S+)\n[^\n]*\n/.exec(stdout);
      if (!match?.[1]) return;
      const url = match[1];
      resolve({
        url,
        port: Number(new URL(url).port),
        client: createClient(url),
        get stdout() {
          return stdout;
        },
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
    child.once("exit", (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
}

/** Runs `sagaflow serve` expecting a refusal: its exit code and what it printed. */
export function serveRefusal(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stderr: string }> {
  const { SAGAFLOW_TOKEN: _ignored, ...inherited } = process.env;
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "serve", "--port", "0", ...args],
    {
      cwd: serverDir,
      env: { ...inherited, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

const TERMINAL = new Set([
  "succeeded",
  "failed",
  "compensated",
  "compensation_failed",
  "canceled",
  "suspended",
]);

/** Saves a one-task definition, starts it, and waits for the run to stop; its status and error. */
export async function runOneTask(
  client: Client,
  name: string,
  task: { action: string; params: Record<string, unknown> },
  input: Record<string, unknown> = {},
): Promise<{
  runId: string;
  status: string;
  error: { error: string; message: string } | null;
  output: unknown;
}> {
  await client.definitions.save.mutate({
    definition: {
      name,
      startAt: "attack",
      states: {
        attack: { type: "task", ...task, effect: "none", next: "done" },
        done: { type: "succeed" },
      },
    },
  });
  const { runId } = await client.runs.start.mutate({ name, input });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { run } = await client.runs.get.query({ runId });
    const snapshot = run.snapshot as { error?: { error: string; message: string } | null; output?: unknown };
    if (TERMINAL.has(run.status)) {
      return { runId, status: run.status, error: snapshot.error ?? null, output: snapshot.output ?? null };
    }
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A SQLite file through the engine's own driver (the server has no dependency on better-sqlite3):
 * `work` gets the connection, and it is closed after.
 */
export async function withSqlite<T>(file: string, work: (db: ReturnType<typeof rawSqlite>) => T): Promise<T> {
  const store = openSqliteStore(file);
  try {
    return work(rawSqlite(store));
  } finally {
    await store.close();
  }
}

/** A run's stored history and record, as a second reader sees them (lease bookkeeping left out). */
export function storedRun(dbPath: string, runId: string): Promise<string> {
  return withSqlite(dbPath, (db) => {
    const events = db.prepare("SELECT * FROM events WHERE run_id = ? ORDER BY seq").all(runId);
    const run = db
      .prepare(
        "SELECT status, last_seq, last_hash, (SELECT snapshot FROM snapshots WHERE run_id = runs.id) AS snapshot FROM runs WHERE id = ?",
      )
      .get(runId);
    return JSON.stringify({ events, run });
  });
}
