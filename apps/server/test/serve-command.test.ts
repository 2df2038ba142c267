import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createClient, helloDefinition } from "./helpers";

const serverDir = fileURLToPath(new URL("..", import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** `sagaflow serve …` as its own process (tsx, like `pnpm sagaflow`). */
function serve(args: string[], env: Record<string, string | undefined> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-serve-"));
  dirs.push(dir);
  const { SAGAFLOW_TOKEN: _ignored, ...baseEnv } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve", ...args], {
    cwd: serverDir,
    env: { ...baseEnv, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", () => {
      const match = /Sagaflow is running at (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  url.catch(() => {}); // only awaited by tests that expect the server to start
  return { child, dir, exited, url, output: () => ({ stdout, stderr }) };
}

// Each test starts a tsx process, which can take seconds on a loaded machine.
describe("sagaflow serve", { timeout: 60_000 }, () => {
  it("refuses a non-loopback host without SAGAFLOW_TOKEN, at once and non-zero", async () => {
    const proc = serve(["--host", "0.0.0.0", "--port", "0"]);
    const code = await proc.exited;
    expect(code).not.toBe(0);
    expect(proc.output().stderr).toMatch(/SAGAFLOW_TOKEN/);
    expect(proc.output().stdout).not.toMatch(/running at/);
  });

  it("refuses a bad --port as bad usage", async () => {
    const proc = serve(["--port", "http"]);
    expect(await proc.exited).toBe(64);
  });

  it("prints its address, serves the API, seeds examples, and stops cleanly on SIGTERM", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-serve-db-"));
    dirs.push(dir);
    const proc = serve(["--port", "0", "--db", path.join(dir, "data", "sagaflow.db")]);
    const url = await proc.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = createClient(url);
    const seeded = await client.definitions.list.query();
    expect(seeded.map((d) => d.name)).toEqual(
      expect.arrayContaining(["approval", "db-migration", "fan-out", "order-saga", "retry-loop"]),
    );
    await client.definitions.save.mutate({ definition: helloDefinition() });
    proc.child.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  });
});
