import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RunStore } from "@sagaflow/engine";
import { afterAll, describe, expect, it } from "vitest";
import { startSagaflowServer } from "../src/app";
import { silentLogger } from "../src/logger";
import { eventually } from "./helpers";

/**
 * /healthz and /readyz over real HTTP. Recovery is held at a gate (a store whose listing of unfinished runs
 * waits for the test), so "503 until recovery has run" is seen for certain, not by timing luck.
 */

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** The store with `listUnfinishedRunIds` held until `release()` and `getRun` failing while `broken`. */
function gatedStore() {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const state = { broken: false };
  const wrap = (store: RunStore): RunStore =>
    new Proxy(store, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (property === "listUnfinishedRunIds") return () => gate.then(() => target.listUnfinishedRunIds());
        if (property === "getRun" && typeof value === "function") {
          return (...args: unknown[]) =>
            state.broken
              ? Promise.reject(new Error("database is locked"))
              : (value as (...a: unknown[]) => unknown).apply(target, args);
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  return { wrap, release, state };
}

async function probe(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("health endpoints", () => {
  it("/readyz is 503 until recovery has run, then 200; /healthz is 200 throughout", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-health-"));
    dirs.push(dir);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const gated = gatedStore();
    const starting = startSagaflowServer({
      dbPath: path.join(dir, "sagaflow.db"),
      port,
      examplesDir: null,
      logger: silentLogger,
      wrapStore: gated.wrap,
    });
    // Listening, recovery held at the gate.
    const before = await eventually(
      () => probe(`${url}/readyz`).catch(() => ({ status: 0, body: {} })),
      (answer) => answer.status !== 0,
    );
    expect(before).toEqual({
      status: 503,
      body: { status: "not ready", reason: "recovering unfinished runs" },
    });
    expect(await probe(`${url}/healthz`)).toEqual({ status: 200, body: { status: "ok" } });

    gated.release();
    const running = await starting;
    expect(await probe(`${url}/readyz`)).toEqual({ status: 200, body: { status: "ready" } });
    const head = await fetch(`${url}/readyz`, { method: "HEAD" });
    expect(head.status).toBe(200);
    const post = await fetch(`${url}/healthz`, { method: "POST" });
    expect(post.status).toBe(405);

    // The store stops answering: not ready, with the reason; back once it answers.
    gated.state.broken = true;
    expect(await probe(`${url}/readyz`)).toEqual({
      status: 503,
      body: { status: "not ready", reason: "store unreachable: database is locked" },
    });
    expect((await probe(`${url}/healthz`)).status).toBe(200);
    gated.state.broken = false;
    expect((await probe(`${url}/readyz`)).status).toBe(200);
    await running.close();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
