import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openSqliteStore } from "@sagaflow/engine";
import type { RunSnapshot } from "@sagaflow/shared";
import { afterAll, describe, expect, it } from "vitest";
import { createDemoDatabase } from "../../../examples/db-migration/setup";
import {
  collect,
  dumpDatabase,
  examplesDir,
  inBatches,
  removeDir,
  sagaflow,
  startSagaflow,
} from "./cli/cli-process";

/**
 * Crash safety end to end: `sagaflow run … --db F` is killed with SIGKILL at random moments (many of them in
 * the middle of an action), then `sagaflow recover --db F` must end every run in the status, and leave
 * every migrated database with the contents, of a run that was never interrupted; `verify` must pass.
 */

const TRIALS = 20;
/** Kill moments are drawn from [0, KILL_WINDOW_MS) after the run's first state is entered. */
const KILL_WINDOW_MS = 1100;

const root = mkdtempSync(path.join(tmpdir(), "sagaflow-kill-"));
afterAll(() => removeDir(root));

/** The db-migration saga with pauses between its steps (idempotent delays), so kills land mid-action. */
function slowMigration(): string {
  const definition = JSON.parse(readFileSync(path.join(examplesDir, "db-migration.json"), "utf8"));
  const pause = (next: string) => ({
    type: "task",
    action: "delay",
    params: { duration: "250ms" },
    idempotent: true,
    next,
  });
  definition.name = "db-migration-slow";
  definition.states.backup_database.next = "pause_after_backup";
  definition.states.pause_after_backup = pause("apply_migration");
  definition.states.apply_migration.next = "pause_after_migration";
  definition.states.pause_after_migration = pause("validate_data");
  definition.states.validate_data.next = "pause_before_cleanup";
  definition.states.pause_before_cleanup = pause("cleanup_backup");
  const file = path.join(root, "db-migration-slow.json");
  writeFileSync(file, JSON.stringify(definition));
  return file;
}

const migrations = {
  good: JSON.parse(readFileSync(path.join(examplesDir, "db-migration/good-migration.json"), "utf8"))
    .migration,
  bad: JSON.parse(readFileSync(path.join(examplesDir, "db-migration/bad-migration.json"), "utf8")).migration,
};
type Kind = keyof typeof migrations;
const expectedStatus: Record<Kind, string> = { good: "succeeded", bad: "compensated" };

/** A fresh demo database in its own directory, and the run input that migrates it. */
function target(name: string, kind: Kind) {
  mkdirSync(path.join(root, name));
  createDemoDatabase(path.join(root, name, "demo.db"));
  return {
    dir: path.join(root, name),
    input: JSON.stringify({ database: `${name}/demo.db`, migration: migrations[kind] }),
  };
}

/**
 * The demo database's schema and rows. The migration ledger's rows carry the run id and a time; what must
 * match across runs is which steps were recorded and their changes.
 */
function contents(dir: string): string {
  return dumpDatabase(path.join(dir, "demo.db")).replace(
    /"idempotency_key": "[0-9A-Z]{26}:([^"]*)",\s*"changes": (\d+),\s*"applied_at": "[^"]*"/g,
    '"step": "$1", "changes": $2',
  );
}
const backups = (dir: string) => readdirSync(dir).filter((name) => name.endsWith(".backup")).length;

function killAfterStart(child: ChildProcess, delayMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let seen = "";
    const onData = (chunk: Buffer | string) => {
      seen += String(chunk);
      if (!seen.includes("[START]")) return;
      child.stdout?.off("data", onData);
      setTimeout(() => resolve(child.kill("SIGKILL")), delayMs);
    };
    child.stdout?.on("data", onData);
    child.on("close", () => resolve(false));
  });
}

describe("SIGKILL at random moments, then sagaflow recover", () => {
  it(`ends ${TRIALS} interrupted runs exactly like uninterrupted ones`, { timeout: 240_000 }, async () => {
    const definition = slowMigration();
    const db = "runs.db";

    const baselines = await inBatches(
      (["good", "bad"] as Kind[]).map((kind) => async () => {
        const { dir, input } = target(`baseline-${kind}`, kind);
        const result = await sagaflow(root, "run", definition, "--input", input, "--db", "baseline.db");
        expect(result.code, result.stderr).toBe(kind === "good" ? 0 : 1);
        return { kind, contents: contents(dir), backups: backups(dir) };
      }),
      2,
    );
    const baseline = Object.fromEntries(baselines.map((b) => [b.kind, b])) as Record<
      Kind,
      (typeof baselines)[0]
    >;
    expect(baseline.good.contents).not.toBe(baseline.bad.contents);

    const trials = Array.from({ length: TRIALS }, (_, index) => {
      const kind: Kind = index % 2 === 0 ? "good" : "bad";
      return {
        name: `trial-${index}`,
        kind,
        killAtMs: Math.floor(Math.random() * KILL_WINDOW_MS),
        ...target(`trial-${index}`, kind),
      };
    });
    const killed = await inBatches(
      trials.map((trial) => async () => {
        const child = startSagaflow(["run", definition, "--input", trial.input, "--db", db], root);
        const [wasKilled, result] = await Promise.all([
          killAfterStart(child, trial.killAtMs),
          collect(child),
        ]);
        if (!wasKilled) expect(result.code, result.stderr).toBe(trial.kind === "good" ? 0 : 1);
        return wasKilled;
      }),
      2,
    );
    expect(killed.filter(Boolean).length).toBeGreaterThanOrEqual(TRIALS / 2);

    // What the kills left behind: unfinished runs, many with an action cut off in the middle.
    const store = openSqliteStore(path.join(root, db));
    const unfinished = await store.listUnfinishedRunIds();
    let midAction = 0;
    for (const runId of unfinished) {
      const run = await store.getRun<RunSnapshot>(runId);
      if (run && Object.keys(run.snapshot.inFlight).length > 0) midAction += 1;
    }
    await store.close();
    expect(unfinished.length).toBeGreaterThanOrEqual(TRIALS / 2);
    expect(midAction).toBeGreaterThanOrEqual(3);

    const recovered = await sagaflow(root, "recover", "--db", db, "--json");
    expect([0, 1], recovered.stderr).toContain(recovered.code);
    const report = JSON.parse(recovered.stdout) as { runs: { runId: string; status: string }[] };
    expect(report.runs.map((run) => run.runId).sort()).toEqual([...unfinished].sort());

    const after = openSqliteStore(path.join(root, db));
    const runs = (await after.listRuns<RunSnapshot>({ limit: 100 })).runs;
    await after.close();
    for (const trial of trials) {
      const run = runs.find((candidate) =>
        JSON.stringify(candidate.snapshot.input).includes(`"${trial.name}/demo.db"`),
      );
      const where = `${trial.name} (${trial.kind}, killed ${trial.killAtMs} ms after start)`;
      expect(run?.status, where).toBe(expectedStatus[trial.kind]);
      expect(contents(trial.dir), where).toBe(baseline[trial.kind].contents);
      expect(backups(trial.dir), where).toBe(baseline[trial.kind].backups);
    }

    const verify = await sagaflow(root, "verify", "--db", db);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toContain(`${TRIALS} runs verified`);
  });
});
