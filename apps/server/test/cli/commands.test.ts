import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openSqliteStore } from "@sagaflow/engine";
import { tamperEvent } from "@sagaflow/engine/testing";
import { afterAll, describe, expect, it } from "vitest";
import { collect, examplesDir, removeDir, sagaflow, startSagaflow } from "./cli-process";

/** Every command's exit codes (SPEC §5), through the real command line in child processes. */

const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-cli-"));
afterAll(() => removeDir(dir));

let files = 0;
function definitionFile(definition: unknown): string {
  files += 1;
  const file = path.join(dir, `definition-${files}.json`);
  writeFileSync(file, JSON.stringify(definition));
  return file;
}
const freshDb = () => {
  files += 1;
  return `runs-${files}.db`;
};
const runIdOf = (stdout: string) => (JSON.parse(stdout) as { runId: string }).runId;

const abortAtOnce = definitionFile({
  name: "abort-at-once",
  startAt: "stop",
  states: { stop: { type: "fail", error: "Nope", message: "stopped on purpose", compensate: false } },
});
const undoFails = definitionFile({
  name: "undo-fails",
  startAt: "book",
  states: {
    book: { type: "task", action: "transform", params: { value: 1 }, compensateWith: "unbook", next: "stop" },
    stop: { type: "fail", error: "Nope", message: "stopped on purpose" },
    unbook: { type: "compensation", action: "flaky", params: { failTimes: 99 }, retry: { maxAttempts: 1 } },
  },
});
const failsOnce = definitionFile({
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
const slowWrite = definitionFile({
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
const approval = path.join(examplesDir, "approval.json");

describe("sagaflow commands", { timeout: 120_000 }, () => {
  it.concurrent("run: 1 when the run fails, 2 when a compensation fails; resume retries it (2 again)", async () => {
    const db = freshDb();
    const failed = await sagaflow(dir, "run", abortAtOnce, "--db", db, "--json");
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ status: "failed", error: { error: "Nope" } });
    expect(failed.stderr).toContain("[FAILED] Workflow ended at stop");

    const stuck = await sagaflow(dir, "run", undoFails, "--db", db);
    expect(stuck.code).toBe(2);
    expect(stuck.stdout).toContain("[COMPENSATION FAILED] unbook could not undo book");
    const runId = /sagaflow resume (\S+)/.exec(stuck.stdout)?.[1] as string;
    const retried = await sagaflow(dir, "resume", runId, "--db", db, "--json");
    expect(retried.code).toBe(2);
    expect(JSON.parse(retried.stdout)).toMatchObject({ runId, status: "compensation_failed" });
    expect(retried.stderr).toContain("[COMPENSATING] retrying the failed compensation");
  });

  it.concurrent("resume redrives a failed run from the failed step (0), and refuses a finished one (64)", async () => {
    const db = freshDb();
    const failed = await sagaflow(dir, "run", failsOnce, "--db", db, "--json");
    expect(failed.code).toBe(1);
    const runId = runIdOf(failed.stdout);
    const resumed = await sagaflow(dir, "resume", runId, "--db", db);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain("[RESUMED] from failed");
    expect(resumed.stdout).toContain("[SUCCEEDED]");
    const again = await sagaflow(dir, "resume", runId, "--db", db);
    expect(again.code).toBe(64);
    expect(again.stderr.trim().split("\n")).toHaveLength(1);
  });

  it.concurrent("a run waiting for a signal follows it to the end when another process sends it (0)", async () => {
    const db = freshDb();
    const child = startSagaflow(["run", approval, "--input", '{"change":"deploy"}', "--db", db], dir);
    const outcome = collect(child);
    const runId = await new Promise<string>((resolve) => {
      let seen = "";
      child.stdout?.on("data", (chunk: Buffer | string) => {
        seen += String(chunk);
        const hint = /sagaflow signal (\S+) approval --db/.exec(seen);
        if (hint) resolve(hint[1] as string);
      });
    });
    const unknownName = await sagaflow(dir, "signal", runId, "approve-it", "--db", db);
    expect(unknownName.code).toBe(64);
    expect(unknownName.stderr).toContain('never waits for a signal "approve-it"');
    const payload = '{"decision":"approve","by":"ana"}';
    const delivered = await sagaflow(dir, "signal", runId, "approval", "--payload", payload, "--db", db);
    expect(delivered.code).toBe(0);
    expect(delivered.stdout).toContain("[SUCCEEDED]");
    const run = await outcome;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✉ wait_for_approval: signal "approval" received from cli');
    expect(run.stdout).toContain("[SUCCEEDED] Workflow completed at approved");
    const status = await sagaflow(dir, "status", runId, "--db", db, "--json");
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      status: "succeeded",
      output: { change: "deploy", approvedBy: "ana" },
      history: ["request_approval", "wait_for_approval", "check_decision", "apply_change", "approved"],
    });
  });

  it.concurrent("status and history show a run (0); verify: 0, then 1 once an event is tampered with", async () => {
    const db = freshDb();
    const run = await sagaflow(dir, "run", failsOnce, "--db", db, "--json");
    const runId = runIdOf(run.stdout);
    const status = await sagaflow(dir, "status", runId, "--db", db);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Workflow: fails-once v1 · run ${runId}`);
    const history = await sagaflow(dir, "history", runId, "--db", db);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/^ {3}1 {2}\S+ {2}RunStarted {2}fails-once v1/);

    expect((await sagaflow(dir, "verify", "--db", db)).code).toBe(0);
    const store = openSqliteStore(path.join(dir, db));
    tamperEvent(store, runId, 2, (json) => json.replace("try_it", "try_IT"));
    await store.close();
    const verify = await sagaflow(dir, "verify", "--db", db);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`CORRUPT  ${runId}`);
  });

  it.concurrent("recover: 0 with nothing to do; a non-idempotent step cut off suspends its run (2)", async () => {
    const db = freshDb();
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
    const [run] = (JSON.parse(recovered.stdout) as { runs: { runId: string; status: string }[] }).runs;
    expect(run?.status).toBe("suspended");
    expect(recovered.stderr).toContain("[SUSPENDED] Workflow stopped at write_slowly");
    const nothing = await sagaflow(dir, "recover", "--db", db);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain("Nothing to recover");
  });

  it.concurrent("an invalid definition: 64 from the real process, diagnostics on stderr, nothing run", async () => {
    const invalid = definitionFile({ name: "broken", startAt: "ghost", states: {} });
    const result = await sagaflow(dir, "run", invalid, "--db", "never.db");
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/ghost/);
    expect(result.stderr).toContain("Nothing was run.");
    expect(result.stdout).toBe("");
    expect(existsSync(path.join(dir, "never.db"))).toBe(false);
  });
});
