import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openPostgresStore, type PostgresRunStore, type StoredEvent } from "@sagaflow/engine";
import { createTestDatabase, stopTestPostgres } from "@sagaflow/engine/postgres-testing";
import { afterAll, describe, expect, it } from "vitest";
import { createLedger, LEDGER_FILE, ledgerUndo, ledgerWrite, readLedger } from "../torture/ledger";
import { removeDir, sagaflow } from "./cli/cli-process";
import { type ClusterProcess, startServe, startWorker } from "./cluster/cluster-process";
import { collectRunEvents, createClient, eventually } from "./helpers";

/**
 * Issue 15: workers add capacity. A `serve --no-drive` only takes the API calls; the runs started through
 * it are created with no lease and claimed by two `sagaflow worker` processes (FOR UPDATE SKIP LOCKED,
 * woken by NOTIFY). Every run is executed by a worker (its lease owner, which a terminal commit keeps),
 * both workers take part, each effect lands once (the first step is NOT idempotent: a second execution
 * would show as a second ledger row), every history verifies, and runs.events on the API instance carries
 * the events the workers committed. Then one worker dies with SIGKILL mid-flight: the other finishes its
 * runs once the lease (3 s) runs out.
 */

const TERMINAL = new Set(["succeeded", "compensated", "failed", "canceled", "compensation_failed"]);
const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-workers-"));
const processes: ClusterProcess[] = [];
let store: PostgresRunStore | undefined;
afterAll(async () => {
  for (const process of processes) process.child.kill("SIGKILL");
  await Promise.all(processes.map((process) => process.exited));
  await store?.close();
  await stopTestPostgres();
  removeDir(dir);
}, 60_000);

/** A plain INSERT, no idempotency table: run twice, it writes two rows. */
const { idempotencyTable: _unused, ...plainParams } = ledgerWrite("w1", { next: "hold" }).params;
const plainWrite = { ...ledgerWrite("w1", { next: "hold" }), params: plainParams, idempotent: false };

const saga = (name: string, firstIdempotent: boolean) => ({
  name,
  startAt: "w1",
  states: {
    w1: firstIdempotent ? ledgerWrite("w1", { next: "hold" }) : plainWrite,
    // Holds an action slot for a while: a worker with 4 slots cannot take every run at once.
    hold: {
      type: "task",
      action: "delay",
      params: { duration: "200ms" },
      idempotent: true,
      next: "check",
    },
    check: {
      type: "task",
      action: "assert",
      params: { that: "{% $input.ok %}", error: "CheckFailed" },
      idempotent: true,
      next: "w2",
    },
    w2: ledgerWrite("w2", { next: "done" }),
    done: { type: "succeed" },
    undo_w1: ledgerUndo("w1"),
    undo_w2: ledgerUndo("w2"),
  },
});

describe("serve --no-drive and two workers on one PostgreSQL database", { timeout: 120_000 }, () => {
  it("the workers execute every run started through the API instance, exactly once", async () => {
    const db = await createTestDatabase();
    const pg = openPostgresStore(db);
    store = pg;
    createLedger(path.join(dir, LEDGER_FILE));
    const api = startServe("api", db, dir, { args: ["--allow-path", dir, "--no-drive"] });
    const worker = (name: string) =>
      startWorker(name, db, dir, { args: ["--allow-path", dir, "--concurrency", "4"] });
    const [w1, w2] = [worker("worker-1"), worker("worker-2")];
    processes.push(api, w1, w2);
    const client = createClient(await api.ready);
    await Promise.all([w1.ready, w2.ready]);
    await client.definitions.save.mutate({ definition: saga("plain-first", false) });
    await client.definitions.save.mutate({ definition: saga("all-idempotent", true) });

    const start = async (name: string, count: number) => {
      const planned = new Map<string, boolean>();
      const oks = Array.from({ length: count }, (_, index) => index % 4 !== 3);
      const started = await Promise.all(oks.map((ok) => client.runs.start.mutate({ name, input: { ok } })));
      for (const [index, { runId }] of started.entries()) planned.set(runId, oks[index] as boolean);
      return planned;
    };
    const ended = (planned: Map<string, boolean>) =>
      eventually(
        async () => {
          const runs = await Promise.all(
            [...planned.keys()].map((runId) => client.runs.get.query({ runId })),
          );
          return runs.filter(({ run }) => run.status !== "succeeded" && run.status !== "compensated").length;
        },
        (left) => left === 0,
        60_000,
      );
    const ownersOf = async (planned: Map<string, boolean>) =>
      Promise.all([...planned.keys()].map(async (runId) => (await pg.leaseOf(runId))?.owner));

    // 1. Forty runs through the API instance, which drives none of them.
    const first = await start("plain-first", 40);
    const streamed = [...first.keys()].slice(0, 4).map((runId) => collectRunEvents(client, { runId }));
    await ended(first);
    for (const [runId, ok] of first) {
      expect((await client.runs.get.query({ runId })).run.status, runId).toBe(
        ok ? "succeeded" : "compensated",
      );
    }
    const owners = await ownersOf(first);
    expect(owners.filter((owner) => owner === "worker-1").length).toBeGreaterThan(0);
    expect(owners.filter((owner) => owner === "worker-2").length).toBeGreaterThan(0);
    expect(owners.filter((owner) => owner !== "worker-1" && owner !== "worker-2")).toEqual([]);

    // Each effect once: the non-idempotent first write included.
    const ledger = readLedger(path.join(dir, LEDGER_FILE));
    for (const [runId, ok] of first) {
      const rows = ledger.get(runId) ?? [];
      expect(
        rows.map((row) => row.state),
        runId,
      ).toEqual(ok ? ["w1", "w2"] : ["w1"]);
      expect(rows.map((row) => row.comp_seq)).toEqual(ok ? [null, null] : [1]);
    }

    // The history says the first attempt was handed off, then run once by the worker.
    const [sample] = first.keys();
    const { events } = await client.runs.history.query({ runId: sample as string, limit: 100 });
    const w1Events = events
      .filter((stored) => "stateId" in stored.event && stored.event.stateId === "w1")
      .map((stored) => stored.event.type);
    expect(w1Events.slice(0, 4)).toEqual([
      "StateEntered",
      "StepAttemptStarted",
      "StepAttemptAbandoned",
      "StepAttemptStarted",
    ]);

    // runs.events on the API instance carried every event the workers committed.
    for (const [index, result] of (await Promise.all(streamed)).entries()) {
      const runId = [...first.keys()][index] as string;
      const { events: history } = await client.runs.history.query({ runId, limit: 100 });
      expect(result.events as StoredEvent[], runId).toEqual(history);
    }

    // 2. A worker dies mid-flight: the other finishes its runs once the 3 s lease ran out.
    const second = await start("all-idempotent", 24);
    await eventually(
      () => ownersOf(second),
      (found) => found.some((owner) => owner === "worker-1"),
      10_000,
    );
    w1.child.kill("SIGKILL");
    await w1.exited;
    const orphaned: string[] = [];
    for (const runId of second.keys()) {
      const run = await pg.getRun(runId);
      if (run?.lastSeq && (await pg.leaseOf(runId))?.owner === "worker-1" && !TERMINAL.has(run.status))
        orphaned.push(runId);
    }
    expect(orphaned.length).toBeGreaterThan(0);
    await ended(second);
    for (const [runId, ok] of second) {
      expect((await client.runs.get.query({ runId })).run.status, runId).toBe(
        ok ? "succeeded" : "compensated",
      );
    }
    const after = readLedger(path.join(dir, LEDGER_FILE));
    for (const [runId, ok] of second) {
      const rows = after.get(runId) ?? [];
      expect(
        rows.map((row) => row.state),
        runId,
      ).toEqual(ok ? ["w1", "w2"] : ["w1"]);
      expect(new Set(rows.map((row) => row.key)).size).toBe(rows.length);
    }
    for (const runId of orphaned) expect((await pg.leaseOf(runId))?.owner, runId).toBe("worker-2");

    const verify = await sagaflow(dir, "verify", "--db", db);
    expect(verify.code, verify.stderr).toBe(0);
    api.child.kill("SIGTERM");
    expect((await api.exited).code).toBe(0);
  });

  it("serve --no-drive refuses a SQLite file: no other process could drive its runs", async () => {
    const refused = await sagaflow(
      dir,
      "serve",
      "--no-drive",
      "--port",
      "0",
      "--db",
      path.join(dir, "one.db"),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--no-drive needs a PostgreSQL database");
  });
});
