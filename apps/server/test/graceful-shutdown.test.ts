import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { type RunningSagaflow, startSagaflowServer } from "../src/app";
import { silentLogger } from "../src/logger";
import { createClient, eventually } from "./helpers";

/**
 * A graceful shutdown (what SIGTERM does) with a concurrency of 1: runs whose attempts were still waiting
 * for the slot never began, so after a restart they run, exactly once, instead of suspending as
 * "outcome unknown" like attempts a crash interrupts.
 */

const actionsModule = fileURLToPath(new URL("./fixtures/recording-actions.ts", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-graceful-"));
const dbPath = path.join(dir, "sagaflow.db");
const callsLog = path.join(dir, "calls.log");
const servers: RunningSagaflow[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function serve(): Promise<RunningSagaflow> {
  return startSagaflowServer({
    dbPath,
    port: 0,
    concurrency: 1,
    actionsModule,
    // The calls log sits beside the database: its folder is open to actions only when named.
    allowPaths: [dir],
    examplesDir: null,
    webDist: path.join(dir, "no-web-build"),
    logger: silentLogger,
  }).then((server) => {
    servers.push(server);
    return server;
  });
}

/** Two non-idempotent steps, so a run that finishes its first step while shutting down queues its second. */
const definition = {
  name: "charge-twice",
  startAt: "charge",
  states: {
    charge: { type: "task", action: "test.record", params: { file: callsLog, ms: 200 }, next: "ship" },
    ship: { type: "task", action: "test.record", params: { file: callsLog, ms: 20 }, next: "done" },
    done: { type: "succeed" },
  },
};

function recordedKeys(): string[] {
  if (!existsSync(callsLog)) return [];
  return readFileSync(callsLog, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => (JSON.parse(line) as { key: string }).key);
}

describe("graceful shutdown with attempts queued for a slot", () => {
  it("after a restart every run succeeds, no run suspends, and every step ran exactly once", async () => {
    const first = await serve();
    const client = createClient(first.url);
    await client.definitions.save.mutate({ definition });
    const runIds: string[] = [];
    for (let i = 0; i < 4; i += 1)
      runIds.push((await client.runs.start.mutate({ name: "charge-twice" })).runId);
    // One handler runs; the other runs' attempts are committed and wait for the slot.
    await eventually(
      async () => recordedKeys().length,
      (count) => count >= 1,
    );
    await first.close();
    servers.splice(servers.indexOf(first), 1);

    const atShutdown = recordedKeys();
    expect(atShutdown.length).toBeLessThan(runIds.length * 2); // some attempts never began

    const second = await serve();
    const after = createClient(second.url);
    const runs = await eventually(
      async () => (await after.runs.list.query({ workflow: "charge-twice", limit: 50 })).runs,
      (list) => list.length === runIds.length && list.every((run) => run.status === "succeeded"),
    );
    expect(runs.map((run) => run.status)).toEqual(runIds.map(() => "succeeded"));

    let abandoned = 0;
    for (const runId of runIds) {
      const { events } = await after.runs.history.query({ runId, limit: 1000 });
      const types = events.map((stored) => stored.event.type);
      expect(types).not.toContain("RunSuspended");
      abandoned += types.filter((type) => type === "StepAttemptAbandoned").length;
      expect((await second.services.engine.verify(runId)).ok).toBe(true);
    }
    expect(abandoned).toBeGreaterThan(0);

    const expected = runIds.flatMap((runId) => [`${runId}:charge:1`, `${runId}:ship:1`]);
    expect(recordedKeys().sort()).toEqual(expected.sort());
  }, 60_000);
});
