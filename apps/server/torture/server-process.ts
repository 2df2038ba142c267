import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The real `sagaflow serve` in a child process, as an operator runs it; killed with SIGKILL at will. */

const here = path.dirname(fileURLToPath(import.meta.url));
const mainFile = path.resolve(here, "../src/cli/main.ts");
/** The torture's own actions (the late write of the cancel race), loaded as an operator's --actions module. */
const actionsFile = path.resolve(here, "actions.ts");
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const START_TIMEOUT_MS = 60_000;

export interface ServerProcess {
  url: string;
  pid: number;
  /** SIGKILL: no shutdown code runs, as in a power cut of the process. */
  kill(): Promise<void>;
  /** SIGTERM: the graceful stop. */
  stop(): Promise<void>;
}

export async function startServer(options: {
  dir: string;
  /** A SQLite file, or a PostgreSQL URL shared by several processes. */
  dbPath: string;
  logFile: string;
  /** `worker`: no HTTP (url is ""), it only drives runs. Default `serve`. */
  command?: "serve" | "worker";
  env?: NodeJS.ProcessEnv;
  /** More flags (e.g. `--no-drive`, a `--concurrency` that replaces 256: the last one counts). */
  args?: string[];
}): Promise<ServerProcess> {
  const command = options.command ?? "serve";
  const child = spawn(
    process.execPath,
    [
      "--import",
      tsxLoader,
      mainFile,
      command,
      ...(command === "serve" ? ["--port", "0"] : []),
      "--db",
      options.dbPath,
      "--concurrency",
      "256",
      "--actions",
      actionsFile,
      // The ledger lives beside the database; the database's folder is open to actions only when named.
      "--allow-path",
      options.dir,
      ...(options.args ?? []),
    ],
    {
      cwd: options.dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: withoutToken({ ...process.env, ...options.env }),
    },
  );
  // "close", not "exit": stderr may still deliver data after the exit, into a log its caller then removes.
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => appendFileSync(options.logFile, chunk));
  const url = await new Promise<string>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the server did not start in ${START_TIMEOUT_MS} ms: ${seen}`));
    }, START_TIMEOUT_MS);
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      seen += chunk;
      const match = /Sagaflow is running at (\S+)|Sagaflow worker \S+ is running/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? "");
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited before it listened (${code ?? signal}); see ${options.logFile}`));
    });
  });
  const signalAndWait = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    url,
    pid: child.pid ?? -1,
    kill: () => signalAndWait("SIGKILL"),
    stop: () => signalAndWait("SIGTERM"),
  };
}

/** The harness talks to a loopback server without a token, whatever the caller's environment holds. */
function withoutToken(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { SAGAFLOW_TOKEN: _token, SAGAFLOW_ALERT_WEBHOOK: _webhook, ...rest } = env;
  return rest;
}
