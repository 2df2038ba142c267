import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDemoDatabase } from "../../../../examples/db-migration/setup";

/** The real command line in child processes, in scratch directories, as a user runs it. */

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "../../../..");
export const examplesDir = path.join(repoRoot, "examples");
// The built command line, as `pnpm sagaflow` runs it: the launcher builds it first if the sources changed.
const launcher = path.join(repoRoot, "apps/server/bin/sagaflow.mjs");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startSagaflow(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [launcher, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function sagaflow(cwd: string, ...args: string[]): Promise<CliResult> {
  return collect(startSagaflow(args, cwd));
}

/** The temporary databases `run` made under `tmp` (set as the child's TMPDIR). */
export const tempDatabases = (tmp: string) => readdirSync(tmp).filter((name) => name.startsWith("sagaflow-"));

/** A scratch directory holding the db-migration demo database at the path the example inputs name. */
export function migrationWorkspace(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  mkdirSync(path.join(dir, "examples/db-migration"), { recursive: true });
  createDemoDatabase(path.join(dir, "examples/db-migration/demo.db"));
  for (const input of ["good-migration.json", "bad-migration.json"]) {
    cpSync(path.join(examplesDir, "db-migration", input), path.join(dir, input));
  }
  return dir;
}

export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

interface SqliteDatabase {
  prepare(sql: string): { all(): unknown[] };
  exec(sql: string): unknown;
  close(): void;
}
const requireFromEngine = createRequire(path.join(repoRoot, "packages/engine/package.json"));
const Database = requireFromEngine("better-sqlite3") as new (
  file: string,
  options?: { readonly?: boolean },
) => SqliteDatabase;

/** Changes a database behind sagaflow's back, as a person fixing the cause of a failure would. */
export function execSql(file: string, sql: string): void {
  const db = new Database(file);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** Schema and every row of every table, in a stable order: two equal dumps mean two equal databases. */
export function dumpDatabase(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const schema = db
      .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
      .all() as { type: string; name: string; sql: string | null }[];
    const tables = schema.filter((row) => row.type === "table" && !row.name.startsWith("sqlite_"));
    const rows = tables.map((table) => ({
      table: table.name,
      rows: db.prepare(`SELECT * FROM "${table.name}" ORDER BY rowid`).all(),
    }));
    return JSON.stringify({ schema, rows }, null, 1);
  } finally {
    db.close();
  }
}

/** Runs `tasks` with at most `limit` at a time (2 cores: start-up dominates each child). */
export async function inBatches<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
