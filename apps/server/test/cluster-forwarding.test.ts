import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openPostgresStore, type PostgresRunStore } from "@sagaflow/engine";
import { createTestDatabase, stopTestPostgres } from "@sagaflow/engine/postgres-testing";
import { TRPCClientError } from "@trpc/client";
import { afterAll, describe, expect, it } from "vitest";
import { removeDir } from "./cli/cli-process";
import { type ClusterProcess, startServe, startWorker } from "./cluster/cluster-process";
import { approvalDefinition, type Client, createClient, eventually } from "./helpers";

/**
 * Operator calls reach a run wherever it executes (cluster/forwarder.ts): real `serve` and `worker`
 * processes on one PostgreSQL database (embedded, or DATABASE_URL), a 3 s lease. A call sent to an instance
 * that does not hold the run goes to the owner and comes back with the owner's answer, errors included;
 * when the owner is dead, the instance takes the run over once the lease has expired and carries out the call.
 */

const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-forwarding-"));
const processes: ClusterProcess[] = [];
const stores: PostgresRunStore[] = [];
afterAll(async () => {
  for (const process of processes) process.child.kill("SIGKILL");
  await Promise.all(processes.map((process) => process.exited));
  await Promise.all(stores.map((store) => store.close()));
  await stopTestPostgres();
  removeDir(dir);
}, 60_000);

function track(process: ClusterProcess): ClusterProcess {
  processes.push(process);
  return process;
}

async function failureOf(call: Promise<unknown>): Promise<{ code: string | undefined; message: string }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    return { code: (error.data as { code?: string } | undefined)?.code, message: error.message };
  }
  throw new Error("the call succeeded");
}

const statusOf = async (client: Client, runId: string) => (await client.runs.get.query({ runId })).run.status;

describe("operator calls on a cluster", { timeout: 240_000 }, () => {
  it("reach the instance that drives the run, with the same answers as a local call", async () => {
    const db = await createTestDatabase();
    const store = openPostgresStore(db);
    stores.push(store);
    const a = track(startServe("fwd-a", db, dir));
    const b = track(startServe("fwd-b", db, dir));
    const clientA = createClient(await a.ready);
    const clientB = createClient(await b.ready);
    await clientA.definitions.save.mutate({ definition: approvalDefinition("approve") });
    const start = async () => (await clientA.runs.start.mutate({ name: "approve", input: {} })).runId;
    const [signaled, large, canceled, refused] = [await start(), await start(), await start(), await start()];
    for (const runId of [signaled, large, canceled, refused]) {
      await eventually(
        () => statusOf(clientA, runId),
        (status) => status === "waiting",
      );
      expect((await store.leaseOf(runId))?.owner).toBe("fwd-a");
    }

    await clientB.runs.signal.mutate({ runId: signaled, name: "go", payload: { ok: 1 } });
    // A payload far over one NOTIFY (8000 bytes): the forwarded call travels in parts.
    const text = "x".repeat(100_000);
    await clientB.runs.signal.mutate({ runId: large, name: "go", payload: { text } });
    await clientB.runs.cancel.mutate({ runId: canceled, compensate: false });
    for (const runId of [signaled, large]) {
      await eventually(
        () => statusOf(clientB, runId),
        (status) => status === "succeeded",
      );
    }
    expect(await statusOf(clientA, canceled)).toBe("canceled");
    const history = (await clientB.runs.history.query({ runId: large })).events.map((stored) => stored.event);
    expect(history).toContainEqual(expect.objectContaining({ type: "SignalReceived", payload: { text } }));
    // The runs never left A: B forwarded, it did not take them.
    expect((await store.leaseOf(signaled))?.owner).toBe("fwd-a");

    // An error is the owner's, with the same code and message as when the call is sent to the owner itself.
    const local = await failureOf(clientA.runs.resume.mutate({ runId: refused }));
    const forwarded = await failureOf(clientB.runs.resume.mutate({ runId: refused }));
    expect(local.code).toBe("CONFLICT");
    expect(forwarded).toEqual(local);
    expect(await failureOf(clientB.runs.signal.mutate({ runId: "no-such-run", name: "go" }))).toMatchObject({
      code: "NOT_FOUND",
    });

    a.child.kill("SIGTERM");
    b.child.kill("SIGTERM");
    expect((await a.exited).code).toBe(0);
    expect((await b.exited).code).toBe(0);
  });

  it("reach a worker that took the runs over, and a dead owner's runs once its lease expired", async () => {
    const db = await createTestDatabase();
    const store = openPostgresStore(db);
    stores.push(store);
    const a = track(startServe("own-a", db, dir));
    const worker = track(startWorker("own-w", db, dir));
    const clientA = createClient(await a.ready);
    await worker.ready;
    await clientA.definitions.save.mutate({ definition: approvalDefinition("approve") });
    const runIds: string[] = [];
    for (let index = 0; index < 4; index += 1) {
      runIds.push((await clientA.runs.start.mutate({ name: "approve", input: {} })).runId);
    }
    for (const runId of runIds)
      await eventually(
        () => statusOf(clientA, runId),
        (status) => status === "waiting",
      );
    a.child.kill("SIGKILL");
    await a.exited;
    // The worker, the only live process, takes A's runs over once A's leases (3 s) expire.
    for (const runId of runIds) {
      await eventually(
        async () => (await store.leaseOf(runId))?.owner,
        (owner) => owner === "own-w",
        30_000,
      );
    }

    // B starts after the takeover: the worker holds every run, so B forwards to it.
    const b = track(startServe("own-b", db, dir));
    const clientB = createClient(await b.ready);
    const [first, second, third, fourth] = runIds as [string, string, string, string];
    await clientB.runs.signal.mutate({ runId: first, name: "go" });
    await clientB.runs.cancel.mutate({ runId: second, compensate: false });
    await eventually(
      () => statusOf(clientB, first),
      (status) => status === "succeeded",
    );
    expect(await statusOf(clientB, second)).toBe("canceled");
    expect((await store.leaseOf(third))?.owner).toBe("own-w");

    // The worker dies holding two runs: a call to one of them waits for the lease to expire, then B (or
    // whoever took it first) carries it out.
    worker.child.kill("SIGKILL");
    await worker.exited;
    const began = Date.now();
    await clientB.runs.signal.mutate({ runId: third, name: "go" });
    await clientB.runs.signal.mutate({ runId: fourth, name: "go" });
    expect(Date.now() - began).toBeLessThan(20_000);
    for (const runId of [third, fourth]) {
      await eventually(
        () => statusOf(clientB, runId),
        (status) => status === "succeeded",
        30_000,
      );
    }
    const history = (await clientB.runs.history.query({ runId: third })).events.map((stored) => stored.event);
    expect(history.filter((event) => event.type === "SignalReceived")).toHaveLength(1);
    b.child.kill("SIGTERM");
    expect((await b.exited).code).toBe(0);
  });

  it("a worker stopped with SIGTERM gives its runs back at once", async () => {
    const db = await createTestDatabase();
    const store = openPostgresStore(db);
    stores.push(store);
    const a = track(startServe("term-a", db, dir));
    const worker = track(startWorker("term-w", db, dir));
    const clientA = createClient(await a.ready);
    await worker.ready;
    await clientA.definitions.save.mutate({ definition: approvalDefinition("approve") });
    const { runId } = await clientA.runs.start.mutate({ name: "approve", input: {} });
    await eventually(
      () => statusOf(clientA, runId),
      (status) => status === "waiting",
    );
    a.child.kill("SIGKILL");
    await a.exited;
    await eventually(
      async () => (await store.leaseOf(runId))?.owner,
      (owner) => owner === "term-w",
      30_000,
    );

    worker.child.kill("SIGTERM");
    const stopped = await worker.exited;
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain("SIGTERM, shutting down");
    // Released, not left to expire: the next process may claim the run at once.
    expect((await store.leaseOf(runId))?.owner ?? null).toBeNull();
    expect((await store.getRun(runId))?.status).toBe("waiting");
  });

  it("a worker refuses a SQLite database with a clear message", async () => {
    const worker = startWorker("sqlite-w", path.join(dir, "file.db"), dir);
    const result = await worker.exited;
    expect(result.code).toBe(64);
    expect(result.stderr).toContain("worker needs a PostgreSQL database");
  });
});
