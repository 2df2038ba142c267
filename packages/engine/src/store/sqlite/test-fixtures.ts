import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Commit, EventRecord } from "../types";

/** A fresh temp directory per test; call the returned cleanup in afterEach. */
export function makeTempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "sagaflow-store-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function at(second: number): string {
  return new Date(Date.UTC(2025, 0, 1, 0, 0, second)).toISOString();
}

export function events(...types: string[]): EventRecord[] {
  return types.map((type, index) => ({ type, index, detail: { note: `${type}-${index}` } }));
}

export function createCommit(runId: string, overrides: Partial<Commit> = {}): Commit {
  return {
    runId,
    expectedSeq: 0,
    create: { workflow: "db-migration", version: 1 },
    at: at(0),
    events: events("RunStarted", "StateEntered"),
    snapshot: { state: "backup_database", steps: {} },
    status: "running",
    wakeAt: null,
    ...overrides,
  };
}
