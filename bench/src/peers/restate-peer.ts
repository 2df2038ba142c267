import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Context } from "@restatedev/restate-sdk";
import type { Peer, PeerOptions } from "./peer";

/**
 * Restate: its server (the binary the `@restatedev/restate-server` package ships) keeps every
 * invocation's journal; the service runs in this process behind the SDK's HTTP/2 endpoint. fsync on is
 * the server's default; off sets `rocksdb-disable-wal-fsync` for its log server and local loglet.
 *
 * The server checks for updates at start: the bench runs this peer in a network namespace with only
 * loopback (`unshare -n`, see peers.ts), where that check fails at once; telemetry is off too.
 */

const INGRESS = "http://127.0.0.1:8080";
const ADMIN = "http://127.0.0.1:9070";
const SERVICE_PORT = 9080;

/** The SDK uses Promise.withResolvers (Node 22+); Node 20 lacks it. */
function polyfillWithResolvers(): void {
  const promise = Promise as unknown as { withResolvers?: () => unknown };
  promise.withResolvers ??= () => {
    let resolve: (value: unknown) => void = () => {};
    let reject: (reason?: unknown) => void = () => {};
    const created = new Promise((yes, no) => {
      resolve = yes;
      reject = no;
    });
    return { promise: created, resolve, reject };
  };
}

function serverBinary(): string {
  const require = createRequire(import.meta.url);
  const wrapper = require.resolve("@restatedev/restate-server/package.json");
  // The wrapper package resolves its platform package the same way (lib/index.js).
  return createRequire(wrapper).resolve(
    `@restatedev/restate-server-${process.platform}-${process.arch}/bin/restate-server`,
  );
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`Restate: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function startServer(options: PeerOptions): { child: ChildProcess; output: () => string } {
  const config = join(options.dir, "restate.toml");
  const noFsync = options.fsync ? "" : "rocksdb-disable-wal-fsync = true\n";
  writeFileSync(config, `disable-telemetry = true\n\n[bifrost.local]\n${noFsync}\n[log-server]\n${noFsync}`);
  const child = spawn(serverBinary(), ["--config-file", config, "--base-dir", options.dir, "--no-logo"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  return { child, output: () => output };
}

async function post(path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${INGRESS}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`Restate ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function openRestatePeer(options: PeerOptions): Promise<Peer> {
  polyfillWithResolvers();
  // The SDK logs every invocation at INFO by default: that is I/O inside the measurement.
  process.env.RESTATE_LOGGING ??= "ERROR";
  const restate = await import("@restatedev/restate-sdk");
  const trivial = (value: number) => async () => value;
  const service = restate.service({
    name: "peer",
    handlers: {
      sequential: async (ctx: Context, steps: number) => {
        let value = 0;
        for (let i = 0; i < steps; i += 1) value = await ctx.run(`s${i}`, trivial(value + 1));
        return value;
      },
      saga: async (ctx: Context) => {
        const done: number[] = [];
        const compensated: string[] = [];
        try {
          for (const i of [1, 2, 3, 4]) {
            await ctx.run(`t${i}`, trivial(i));
            done.push(i);
          }
          await ctx.run("t5", async () => {
            // A terminal error is not retried: the saga compensates at once, as in the other peers.
            throw new restate.TerminalError("t5 fails");
          });
        } catch (error) {
          if (!(error instanceof restate.TerminalError)) throw error;
          for (const i of done.reverse()) {
            await ctx.run(`c${i}`, trivial(-i));
            compensated.push(`t${i}`);
          }
        }
        return compensated;
      },
    },
  });
  await restate.serve({ services: [service], port: SERVICE_PORT });
  const server = startServer(options);
  try {
    await until("the admin API", async () => (await fetch(`${ADMIN}/health`)).ok);
    const registered = await fetch(`${ADMIN}/deployments`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ uri: `http://127.0.0.1:${SERVICE_PORT}` }),
    });
    if (!registered.ok) throw new Error(`registering the service: ${await registered.text()}`);
    await until("the ingress", async () => (await fetch(`${INGRESS}/restate/health`)).ok);
  } catch (error) {
    server.child.kill("SIGKILL");
    throw new Error(`${String(error)}\n${server.output().slice(-3000)}`);
  }
  const run = async (steps: number) => {
    const value = await post("/peer/sequential", steps);
    if (value !== steps) throw new Error(`Restate counted ${String(value)} steps, not ${steps}`);
  };
  return {
    sequential: run,
    async concurrent(runs, steps) {
      await Promise.all(Array.from({ length: runs }, () => run(steps)));
    },
    saga: async () => (await post("/peer/saga", null)) as string[],
    oneStep: () => run(1),
    async close() {
      const exited = new Promise((resolve) => server.child.once("exit", resolve));
      server.child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      server.child.kill("SIGKILL");
    },
  };
}
