import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase, stopTestPostgres } from "@sagaflow/engine/postgres-testing";
import { afterAll, describe, expect, it } from "vitest";
import { collect, removeDir, sagaflow, startSagaflow } from "./cli/cli-process";
import { collectRunEvents, createClient } from "./helpers";

/**
 * Two real `sagaflow serve` processes on one PostgreSQL database (embedded, or DATABASE_URL). Instance A
 * starts runs and is killed with SIGKILL; instance B takes them over once A's leases expire (a 3 s lease
 * here, SAGAFLOW_LEASE_MS) and finishes them. Every history verifies.
 */

const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-pg-takeover-"));
afterAll(async () => {
  await stopTestPostgres();
  removeDir(dir);
}, 60_000);

function serve(name: string, db: string) {
  const child = startSagaflow(["serve", "--port", "0", "--db", db], dir, {
    SAGAFLOW_TOKEN: "",
    SAGAFLOW_INSTANCE: name,
    SAGAFLOW_LEASE_MS: "3000",
  });
  const exited = collect(child);
  const url = new Promise<string>((resolve, reject) => {
    let seen = "";
    child.stdout?.on("data", (chunk: Buffer | string) => {
      seen += String(chunk);
      const match = /Sagaflow is running at (http:\/\/\S+)/.exec(seen);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then((result) => reject(new Error(`serve ${name} exited ${result.code}: ${result.stderr}`)));
  });
  return { child, exited, url };
}

const pauses = {
  name: "pauses",
  startAt: "first",
  states: {
    // Idempotent: a step cut off by the SIGKILL runs again in B (a non-idempotent one would suspend its run).
    first: { type: "task", action: "transform", params: { value: 1 }, idempotent: true, next: "pause" },
    pause: { type: "wait", duration: "5s", next: "done" },
    done: { type: "succeed" },
  },
};

describe("two sagaflow serve on one PostgreSQL database", { timeout: 180_000 }, () => {
  it("runs of an instance killed with SIGKILL are taken over by the other once its leases expire", async () => {
    const db = await createTestDatabase();
    const a = serve("instance-a", db);
    const b = serve("instance-b", db);
    const [urlA, urlB] = await Promise.all([a.url, b.url]);
    const clientA = createClient(urlA);
    const clientB = createClient(urlB);
    await clientA.definitions.save.mutate({ definition: pauses });
    const runIds: string[] = [];
    for (let index = 0; index < 10; index += 1) {
      runIds.push((await clientA.runs.start.mutate({ name: "pauses", input: {} })).runId);
    }
    a.child.kill("SIGKILL");
    expect((await a.exited).signal).toBe("SIGKILL");

    // B sees A's runs at once, unfinished (they wait 5 s). B started before they existed: only its periodic
    // takeover (every lease/3) can finish them, once A's leases (3 s) expired.
    const early = await clientB.runs.get.query({ runId: runIds.at(-1) as string });
    expect(early.run.status).not.toBe("succeeded");
    const deadline = Date.now() + 60_000;
    const statuses = new Map<string, string>();
    while (Date.now() < deadline) {
      for (const runId of runIds) statuses.set(runId, (await clientB.runs.get.query({ runId })).run.status);
      if ([...statuses.values()].every((status) => status === "succeeded")) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect([...statuses.values()]).toEqual(runIds.map(() => "succeeded"));
    b.child.kill("SIGTERM");
    expect((await b.exited).code).toBe(0);

    const verify = await sagaflow(dir, "verify", "--db", db);
    expect(verify.code).toBe(0);
    for (const runId of runIds) expect(verify.stdout).toContain(runId);
  });

  it("a runs.events stream opened on instance C carries every event of a run instance A drives (LISTEN/NOTIFY)", async () => {
    const db = await createTestDatabase();
    const a = serve("instance-a", db);
    const c = serve("instance-c", db);
    const [urlA, urlC] = await Promise.all([a.url, c.url]);
    const clientA = createClient(urlA);
    const clientC = createClient(urlC);
    await clientA.definitions.save.mutate({ definition: pauses });
    const { runId } = await clientA.runs.start.mutate({ name: "pauses", input: {} });
    // Opened while the run waits (5 s) in A: its last events can only reach C through A's notices.
    const { events } = await collectRunEvents(clientC, { runId }, undefined, 60_000);
    expect(events.map((stored) => stored.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.at(-1)?.event.type).toBe("RunSucceeded");
    expect((await clientC.runs.history.query({ runId })).events).toEqual(events);
    a.child.kill("SIGTERM");
    c.child.kill("SIGTERM");
    expect((await a.exited).code).toBe(0);
    expect((await c.exited).code).toBe(0);
  });
});
