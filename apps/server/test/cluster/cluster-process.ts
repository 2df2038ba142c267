import type { ChildProcess } from "node:child_process";
import { type CliResult, collect, startSagaflow } from "../cli/cli-process";

/** One real `sagaflow serve` or `sagaflow worker` process of a cluster on one PostgreSQL database. */
export interface ClusterProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<CliResult>;
  /** serve: its base URL; worker: "" once it runs. */
  ready: Promise<string>;
}

/** The environment every process of a test cluster shares: a short lease, so takeovers happen in seconds. */
export function clusterEnv(name: string, leaseMs = 3000): NodeJS.ProcessEnv {
  return { SAGAFLOW_TOKEN: "", SAGAFLOW_INSTANCE: name, SAGAFLOW_LEASE_MS: String(leaseMs) };
}

export function startServe(
  name: string,
  db: string,
  dir: string,
  options: { args?: string[]; env?: NodeJS.ProcessEnv } = {},
): ClusterProcess {
  const child = startSagaflow(["serve", "--port", "0", "--db", db, ...(options.args ?? [])], dir, {
    ...clusterEnv(name),
    ...options.env,
  });
  return follow(name, child, /Sagaflow is running at (http:\/\/\S+)/);
}

export function startWorker(
  name: string,
  db: string,
  dir: string,
  options: { args?: string[]; env?: NodeJS.ProcessEnv } = {},
): ClusterProcess {
  const child = startSagaflow(["worker", "--db", db, ...(options.args ?? [])], dir, {
    ...clusterEnv(name),
    ...options.env,
  });
  return follow(name, child, /Sagaflow worker \S+ is running()/);
}

function follow(name: string, child: ChildProcess, readyLine: RegExp): ClusterProcess {
  const exited = collect(child);
  const ready = new Promise<string>((resolve, reject) => {
    let seen = "";
    child.stdout?.on("data", (chunk: Buffer | string) => {
      seen += String(chunk);
      const match = readyLine.exec(seen);
      if (match) resolve(match[1] ?? "");
    });
    void exited.then((result) => reject(new Error(`${name} exited ${result.code}: ${result.stderr}`)));
  });
  // A process expected to refuse (a test awaits `exited`) leaves `ready` rejected and unread.
  ready.catch(() => undefined);
  return { name, child, exited, ready };
}
