import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  collect,
  dumpDatabase,
  examplesDir,
  execSql,
  migrationWorkspace,
  removeDir,
  sagaflow,
  startSagaflow,
  tempDatabases,
} from "./cli-process";

/** SPEC §7's seed example, run for real by `sagaflow run` against a SQLite file. */

const definition = path.join(examplesDir, "db-migration.json");
const demoDb = "examples/db-migration/demo.db";
const workspaces: string[] = [];
const workspace = () => {
  const dir = migrationWorkspace("sagaflow-migration-");
  workspaces.push(dir);
  return dir;
};
afterAll(() => workspaces.forEach(removeDir));

const backups = (dir: string) =>
  readdirSync(path.join(dir, "examples/db-migration")).filter((name) => name.endsWith(".backup"));

describe("sagaflow run examples/db-migration.json", { timeout: 90_000 }, () => {
  it("applies the good migration: succeeded, the schema changed, the backup removed", async () => {
    const dir = workspace();
    const before = dumpDatabase(path.join(dir, demoDb));
    const result = await sagaflow(
      dir,
      "run",
      definition,
      "--input-file",
      "good-migration.json",
      "--db",
      "runs.db",
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("[SUCCEEDED] Workflow completed at migrated");
    const after = dumpDatabase(path.join(dir, demoDb));
    expect(after).not.toBe(before);
    expect(after).toContain("last_login_at TEXT");
    expect(after).toContain("CREATE INDEX users_organization_id");
    expect(backups(dir)).toEqual([]);
  });

  it("undoes the bad migration: compensated, schema and rows identical, progress as in SPEC §5", async () => {
    const dir = workspace();
    const before = dumpDatabase(path.join(dir, demoDb));
    const result = await sagaflow(
      dir,
      "run",
      definition,
      "--input-file",
      "bad-migration.json",
      "--db",
      "runs.db",
    );
    expect(result.code).toBe(1);
    expect(dumpDatabase(path.join(dir, demoDb))).toBe(before);
    const lines = result.stdout.trimEnd().split("\n");
    const runId = /sagaflow resume (\S+) --db runs\.db/.exec(result.stdout)?.[1];
    expect(runId).toMatch(/^[0-9A-Z]{26}$/);
    const expected = [
      /^\[START\] → backup_database$/,
      /^ {2}✓ backup_database \(\d+ ms\) · checkpoint \d+$/,
      /^\[backup_database\] → apply_migration$/,
      /^ {2}✓ apply_migration \(\d+ ms\) · checkpoint \d+$/,
      /^\[apply_migration\] → validate_data$/,
      /^ {2}✗ validate_data: ValidationError: 2 foreign key violations$/,
      /^\[COMPENSATING\]$/,
      /^ {2}↩ apply_migration → restore_backup ✓$/,
      /^\[COMPENSATED\] Workflow ended at validate_data$/,
      /^Reason: ValidationError: 2 foreign key violations$/,
      new RegExp(`^Recovery: fix the cause, then \`sagaflow resume ${runId} --db runs\\.db\`$`),
    ];
    expect(lines).toHaveLength(expected.length);
    lines.forEach((line, index) => {
      expect(line).toMatch(expected[index] as RegExp);
    });
    // The backup is kept after a failure, for inspection.
    expect(backups(dir)).toHaveLength(1);

    // Fix the cause (Initech moves to a plan the migration keeps), then do what the Recovery line says.
    execSql(path.join(dir, demoDb), "UPDATE organizations SET plan = 'pro' WHERE name = 'Initech'");
    const resumed = await sagaflow(dir, "resume", runId as string, "--db", "runs.db", "--json");
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`[RESTART] run ${runId} was compensated`);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: "succeeded", compensated: [] });
    expect(dumpDatabase(path.join(dir, demoDb))).toContain("CHECK (plan IN ('free', 'pro'))");
  });

  it("prints one JSON object on stdout with --json, and the progress on stderr", async () => {
    const dir = workspace();
    const result = await sagaflow(dir, "run", definition, "--input-file", "bad-migration.json", "--json");
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
    const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      status: "compensated",
      output: null,
      error: { error: "ValidationError", message: "2 foreign key violations" },
      history: ["backup_database", "apply_migration", "validate_data"],
      compensated: ["apply_migration"],
    });
    expect(Object.keys(parsed).sort()).toEqual([
      "compensated",
      "error",
      "history",
      "output",
      "runId",
      "status",
    ]);
    expect(result.stderr).toContain("[COMPENSATED] Workflow ended at validate_data");
    // Without --db the run used a temporary database; a run that did not succeed keeps it for `resume`.
    const kept = /The runs database is kept at (\S+)/.exec(result.stderr)?.[1];
    expect(kept && existsSync(kept)).toBe(true);
  });

  it("removes the temporary database of a run that succeeded", async () => {
    const dir = workspace();
    const tmp = path.join(dir, "tmp");
    mkdirSync(tmp);
    const child = startSagaflow(["run", definition, "--input-file", "good-migration.json", "--json"], dir, {
      TMPDIR: tmp,
    });
    const result = await collect(child);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: "succeeded",
      history: ["backup_database", "apply_migration", "validate_data", "cleanup_backup", "migrated"],
      compensated: [],
    });
    expect(tempDatabases(tmp)).toEqual([]);
  });
});
