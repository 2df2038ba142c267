import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openPostgresStore } from "@sagaflow/engine";
import { createTestDatabase, stopTestPostgres, tamperPostgresEvent } from "@sagaflow/engine/postgres-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, helloDefinition } from "../helpers";
import { collect, examplesDir, removeDir, sagaflow, startSagaflow } from "./cli-process";

/**
 * The command line and the server on real PostgreSQL (embedded, or DATABASE_URL): `--db postgres://…`, or
 * DATABASE_URL with no --db, selects it for run, status, history, verify, resume, signal, recover and serve.
 */

const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-pg-cli-"));
let db = "";
beforeAll(async () => {
  db = await createTestDatabase();
}, 120_000);
afterAll(async () => {
  await stopTestPostgres();
  removeDir(dir);
}, 60_000);

function definitionFile(name: string, definition: unknown): string {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(definition));
  return file;
}
const runIdOf = (stdout: string) => (JSON.parse(stdout) as { runId: string }).runId;

const failsOnce = definitionFile("fails-once", {
  name: "fails-once",
  startAt: "try_it",
  states: {
    try_it: {
      type: "task",
      action: "flaky",
      params: { failTimes: 1, output: "ok" },
      onError: "abort",
      end: true,
    },
  },
});
const slowWrite = definitionFile("slow-write", {
  name: "slow-write",
  startAt: "write_slowly",
  states: {
    write_slowly: {
      type: "task",
      action: "delay",
      params: { duration: "20s" },
      effect: "write",
      idempotent: false,
      compensateWith: null,
      end: true,
    },
  },
});

describe("sagaflow on PostgreSQL", { timeout: 120_000 }, () => {
  it("run, status, history, resume and verify; verify finds a tampered event (1)", async () => {
    const failed = await sagaflow(dir, "run", failsOnce, "--db", db, "--json");
    expect(failed.code).toBe(1);
    const runId = runIdOf(failed.stdout);
    const status = await sagaflow(dir, "status", runId, "--db", db);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Workflow: fails-once v1 · run ${runId}`);
    const history = await sagaflow(dir, "history", runId, "--db", db);
    expect(history.stdout).toMatch(/^ {3}1 {2}\S+ {2}RunStarted {2}fails-once v1/);
    const resumed = await sagaflow(dir, "resume", runId, "--db", db);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain("[SUCCEEDED]");
    expect((await sagaflow(dir, "verify", "--db", db)).code).toBe(0);

    const store = openPostgresStore(db);
    await tamperPostgresEvent(store, runId, 2, (json) => json.replace("try_it", "try_IT"));
    await store.close();
    const verify = await sagaflow(dir, "verify", "--db", db);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`CORRUPT  ${runId}`);
  });

  it("DATABASE_URL stands for --db; a signal from another process reaches the waiting run", async () => {
    const child = startSagaflow(
      ["run", path.join(examplesDir, "approval.json"), "--input", '{"change":"deploy"}'],
      dir,
      {
        DATABASE_URL: db,
      },
    );
    const outcome = collect(child);
    const runId = await new Promise<string>((resolve) => {
      let seen = "";
      child.stdout?.on("data", (chunk: Buffer | string) => {
        seen += String(chunk);
        const hint = /sagaflow signal (\S+) approval --db/.exec(seen);
        if (hint) resolve(hint[1] as string);
      });
    });
    const payload = '{"decision":"approve","by":"ana"}';
    const signal = startSagaflow(["signal", runId, "approval", "--payload", payload], dir, {
      DATABASE_URL: db,
    });
    expect((await collect(signal)).code).toBe(0);
    expect((await outcome).code).toBe(0);
    const status = await collect(startSagaflow(["status", runId, "--json"], dir, { DATABASE_URL: db }));
    expect(JSON.parse(status.stdout)).toMatchObject({ status: "succeeded", output: { approvedBy: "ana" } });
  });

  it("recover: a non-idempotent step cut off by SIGKILL suspends its run (2)", async () => {
    const child = startSagaflow(["run", slowWrite, "--db", db], dir);
    const outcome = collect(child);
    await new Promise<void>((resolve) => {
      child.stdout?.on("data", (chunk: Buffer | string) => {
        if (String(chunk).includes("[START] → write_slowly")) resolve();
      });
    });
    child.kill("SIGKILL");
    expect((await outcome).signal).toBe("SIGKILL");
    const recovered = await sagaflow(dir, "recover", "--db", db, "--json");
    expect(recovered.code).toBe(2);
    const runs = (JSON.parse(recovered.stdout) as { runs: { status: string }[] }).runs;
    expect(runs.map((run) => run.status)).toEqual(["suspended"]);
  });

  it("serve --db postgres://…: seeds the examples, runs through the API, stops cleanly; the run verifies", async () => {
    // A database of its own: the first test left a tampered run in the shared one.
    const own = await createTestDatabase();
    const server = startSagaflow(["serve", "--port", "0", "--db", own], dir, { SAGAFLOW_TOKEN: "" });
    const exited = collect(server);
    const url = await new Promise<string>((resolve, reject) => {
      let seen = "";
      server.stdout?.on("data", (chunk: Buffer | string) => {
        seen += String(chunk);
        const match = /Sagaflow is running at (http:\/\/\S+)/.exec(seen);
        if (match?.[1]) resolve(match[1]);
      });
      void exited.then((result) => reject(new Error(`serve exited ${result.code}: ${result.stderr}`)));
    });
    const client = createClient(url);
    expect((await client.definitions.list.query()).map((d) => d.name)).toContain("approval");
    await client.definitions.save.mutate({ definition: helloDefinition() });
    const { runId } = await client.runs.start.mutate({ name: "hello", input: { who: "pg" } });
    let status = "";
    for (let tries = 0; tries < 100 && status !== "succeeded"; tries += 1) {
      status = (await client.runs.get.query({ runId })).run.status;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe("succeeded");
    server.kill("SIGTERM");
    expect((await exited).code).toBe(0);
    const verify = await sagaflow(dir, "verify", "--db", own);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(runId);
  });
});
