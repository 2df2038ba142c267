import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const repoRoot = join(import.meta.dirname, "../../../..");

export interface RunningServer {
  url: string;
  port: number;
  dbPath: string;
  /** Its data directory (removed by `stop()` unless `keepData`). */
  dir: string;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * `pnpm sagaflow serve` on a free port with a temporary database, as a user would start it. Passing the
 * `port` and `dir` of a server stopped with `keepData` starts it again on the same database.
 */
export async function startServer(options: { port?: number; dir?: string } = {}): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "sagaflow-e2e-"));
  const dbPath = join(dir, "sagaflow.db");
  const child: ChildProcess = spawn(
    "pnpm",
    ["sagaflow", "serve", "--port", String(port), "--db", dbPath, "--allow-path", dir],
    {
      cwd: repoRoot,
      detached: true, // its own process group, so stop() ends pnpm, tsx and node together
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, SAGAFLOW_TOKEN: "" },
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sagaflow serve exited (${child.exitCode}):\n${output}`);
    try {
      const response = await fetch(`${url}/trpc/definitions.list`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`sagaflow serve did not answer within 60 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    port,
    dbPath,
    dir,
    async stop(stopOptions = {}) {
      const running = () => child.exitCode === null && child.signalCode === null;
      if (running() && child.pid) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        signalGroup(child.pid, "SIGTERM");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (running()) signalGroup(child.pid, "SIGKILL");
      }
      if (!stopOptions.keepData) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signals the server's process group; a group that is already gone (ESRCH) is what we wanted. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
