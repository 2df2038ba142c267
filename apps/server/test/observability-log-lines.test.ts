import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createClient, eventually } from "./helpers";

/**
 * The default (human) log of `sagaflow serve`, whose lines go to stderr once per event-loop turn
 * (src/log-lines.ts): a run's lines arrive while the server runs, not only when it stops, and in the order
 * they were logged, the run's own action lines between its start and its end.
 */

const serverDir = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-log-lines-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function serve(): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  const { SAGAFLOW_TOKEN: _token, SAGAFLOW_LOG_FORMAT: _format, ...env } = process.env;
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "serve", "--port", "0", "--db", path.join(dir, "sagaflow.db")],
    { cwd: serverDir, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => (stdout += chunk));
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

describe("the human log of sagaflow serve", () => {
  it("shows a run's lines while it serves, in the order they were logged", async () => {
    const server = serve();
    const exited = new Promise<number | null>((resolve) => server.child.once("exit", resolve));
    const url = await eventually(
      async () => /Sagaflow is running at (http:\/\/[0-9.:]+)/.exec(server.stdout())?.[1],
      (found) => found !== undefined || server.child.exitCode !== null,
    );
    const client = createClient(url as string);
    const { runId } = await client.runs.start.mutate({
      name: "order-saga",
      input: { orderId: "o-9", sku: "sku", quantity: 1, amount: 5, failAt: "ship_order" },
    });
    // Still serving: the lines are on stderr without a stop to write them out.
    const linesOfRun = (text: string) => text.split("\n").filter((line) => line.includes(runId));
    const lines = await eventually(
      async () => linesOfRun(server.stderr()),
      (found) => found.some((line) => line.includes("run compensated")),
    );
    expect(server.child.exitCode).toBeNull();
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    expect(at(/INFO {2}run started /)).toBe(0);
    expect(at(/Refunded 5 \(payment P-o-9\)/)).toBeGreaterThan(0);
    expect(at(/Released reservation R-o-9/)).toBeGreaterThan(at(/Refunded 5/));
    expect(at(/INFO {2}run compensated /)).toBe(lines.length - 1);

    server.child.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 60_000);
});
