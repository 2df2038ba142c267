import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { openPostgresStore, type PostgresRunStore, type StoredEvent } from "@sagaflow/engine";
import { createTestDatabase, stopTestPostgres } from "@sagaflow/engine/postgres-testing";
import { afterAll, describe, expect, it } from "vitest";
import { createLedger, LEDGER_FILE, ledgerUndo, ledgerWrite, readLedger } from "../torture/ledger";
import { removeDir, sagaflow } from "./cli/cli-process";
import { type ClusterProcess, startServe } from "./cluster/cluster-process";
import { collectRunEvents, createClient, eventually } from "./helpers";

/**
 * Issue 15's multi-process test: three real `sagaflow serve` on one PostgreSQL database (embedded, or
 * DATABASE_URL), a 3 s lease. 200 runs start through A; A and then B get SIGKILL while the runs wait on
 * their timers. Every run ends as planned, each write lands once per idempotency key (a SQLite ledger the
 * actions write, as the torture's), every history verifies, each timer fires once, an alert is raised
 * (webhook) once across the cluster, and runs.events streams opened on C carry every event of runs A and B
 * executed.
 */

const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-three-"));
const processes: ClusterProcess[] = [];
let store: PostgresRunStore | undefined;
const posts = new Map<string, number>();
const webhook = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => {
    body += String(chunk);
  });
  req.on("end", () => {
    const runId = (JSON.parse(body) as { runId?: string }).runId ?? "?";
    posts.set(runId, (posts.get(runId) ?? 0) + 1);
    res.end("ok");
  });
});
afterAll(async () => {
  for (const process of processes) process.child.kill("SIGKILL");
  await Promise.all(processes.map((process) => process.exited));
  await store?.close();
  webhook.close();
  await stopTestPostgres();
  removeDir(dir);
}, 60_000);

const saga = {
  name: "cluster-saga",
  startAt: "w1",
  states: {
    w1: ledgerWrite("w1", { next: "pause1" }),
    pause1: { type: "wait", duration: "15s", next: "w2" },
    w2: ledgerWrite("w2", { next: "pause2" }),
    pause2: { type: "wait", duration: "5s", next: "check" },
    check: {
      type: "task",
      action: "assert",
      params: { that: "{% $input.ok %}", error: "CheckFailed" },
      idempotent: true,
      next: "w3",
    },
    w3: ledgerWrite("w3", { next: "done" }),
    done: { type: "succeed" },
    undo_w1: ledgerUndo("w1"),
    undo_w2: ledgerUndo("w2"),
    undo_w3: ledgerUndo("w3"),
  },
};

/** Its compensation always fails: the run ends compensation_failed, which raises an alert. */
const doomed = {
  name: "cluster-alert",
  startAt: "w1",
  states: {
    w1: { ...ledgerWrite("w1", { next: "boom" }), compensateWith: "undo_w1" },
    boom: { type: "task", action: "assert", params: { that: false }, idempotent: true, end: true },
    undo_w1: { type: "compensation", action: "flaky", params: { failTimes: 100 }, retry: { maxAttempts: 1 } },
  },
};

const RUNS = 200;

describe("three serve instances on one PostgreSQL database", { timeout: 300_000 }, () => {
  it("finish 200 runs exactly once while A and then B are killed", async () => {
    const db = await createTestDatabase();
    store = openPostgresStore(db);
    createLedger(path.join(dir, LEDGER_FILE));
    await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
    const hook = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/alerts`;
    const serve = (name: string) => {
      const started = startServe(name, db, dir, {
        args: ["--allow-path", dir, "--concurrency", "64"],
        env: { SAGAFLOW_ALERT_WEBHOOK: hook },
      });
      processes.push(started);
      return started;
    };
    const [a, b, c] = [serve("three-a"), serve("three-b"), serve("three-c")];
    const [clientA, , clientC] = [
      createClient(await a.ready),
      createClient(await b.ready),
      createClient(await c.ready),
    ];
    await clientA.definitions.save.mutate({ definition: saga });
    await clientA.definitions.save.mutate({ definition: doomed });

    // Alerts first, while all three live: raised by A alone, shown on C too.
    const alertRuns: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      alertRuns.push((await clientA.runs.start.mutate({ name: "cluster-alert", input: {} })).runId);
    }
    for (const runId of alertRuns) {
      await eventually(
        async () => (await clientA.runs.get.query({ runId })).run.status,
        (status) => status === "compensation_failed",
      );
    }
    await eventually(
      () => clientC.alerts.list.query(),
      (alerts) => alerts.length === 3,
    );

    const planned = new Map<string, boolean>();
    const startedAt = Date.now();
    for (let batch = 0; batch < RUNS; batch += 20) {
      const oks = Array.from({ length: 20 }, (_, index) => (batch + index) % 4 !== 3);
      const started = await Promise.all(
        oks.map((ok) => clientA.runs.start.mutate({ name: "cluster-saga", input: { ok } })),
      );
      for (const [index, { runId }] of started.entries()) planned.set(runId, oks[index] as boolean);
    }
    console.info(`started ${RUNS} runs through A in ${Date.now() - startedAt} ms`);
    const runIds = [...planned.keys()];
    // Streams opened on C while A drives every run.
    const watched = runIds.filter((_, index) => index % 10 === 0);
    const streams = watched.map((runId) => collectRunEvents(clientC, { runId }, undefined, 240_000));

    const owners = async () => {
      const found = new Map<string, string | null>();
      for (const runId of runIds) found.set(runId, (await store?.leaseOf(runId))?.owner ?? null);
      return found;
    };
    const unfinished = async () =>
      (await clientC.runs.list.query({ status: ["running", "waiting"], limit: 500 })).runs.length;
    expect(await unfinished()).toBeGreaterThan(RUNS / 2);
    a.child.kill("SIGKILL");
    await a.exited;

    // B and C take A's runs over once A's leases expire; B dies while it holds some, mid-flight.
    const afterA = await eventually(
      owners,
      (found) => [...found.values()].some((owner) => owner === "three-b"),
      60_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const heldByB = new Set(
      [...(await owners())].filter(([, owner]) => owner === "three-b").map(([id]) => id),
    );
    expect(heldByB.size).toBeGreaterThan(0);
    expect([...afterA.values()].filter((owner) => owner === "three-a").length).toBeLessThan(RUNS);
    b.child.kill("SIGKILL");
    await b.exited;

    await eventually(unfinished, (count) => count === 0, 180_000);
    for (const [runId, ok] of planned) {
      const { run } = await clientC.runs.get.query({ runId });
      expect(run.status, runId).toBe(ok ? "succeeded" : "compensated");
    }

    // Each write once per idempotency key; compensations in reverse, once each.
    const ledger = readLedger(path.join(dir, LEDGER_FILE));
    for (const [runId, ok] of planned) {
      const rows = ledger.get(runId) ?? [];
      expect(
        rows.map((row) => row.state),
        runId,
      ).toEqual(ok ? ["w1", "w2", "w3"] : ["w1", "w2"]);
      expect(new Set(rows.map((row) => row.key)).size).toBe(rows.length);
      expect(rows.map((row) => row.comp_seq)).toEqual(ok ? [null, null, null] : [2, 1]);
    }

    // Each durable timer fires once; histories verify (the command line, on the same database).
    for (const runId of runIds) {
      const { events } = await clientC.runs.history.query({ runId, limit: 1000 });
      const types = events.map((stored) => stored.event.type);
      expect(
        types.filter((type) => type === "TimerStarted"),
        runId,
      ).toHaveLength(2);
      expect(
        types.filter((type) => type === "TimerFired"),
        runId,
      ).toHaveLength(2);
    }
    const verify = await sagaflow(dir, "verify", "--db", db);
    expect(verify.code, verify.stderr).toBe(0);

    // One webhook POST per alert across the three instances, kills and takeovers included.
    expect(alertRuns.map((runId) => posts.get(runId) ?? 0)).toEqual([1, 1, 1]);
    expect([...posts.keys()].sort()).toEqual([...alertRuns].sort());

    // C's streams carried every event, those A and B committed included.
    const streamed = await Promise.all(streams);
    const crossed = watched.filter((runId) => heldByB.has(runId));
    expect(crossed.length).toBeGreaterThan(0);
    for (const [index, runId] of watched.entries()) {
      const events = streamed[index]?.events as StoredEvent[];
      const { events: history } = await clientC.runs.history.query({ runId, limit: 1000 });
      expect(events, runId).toEqual(history);
      expect(events.at(-1)?.event.type).toBe(planned.get(runId) ? "RunSucceeded" : "RunCompensated");
    }

    c.child.kill("SIGTERM");
    expect((await c.exited).code).toBe(0);
  });
});
