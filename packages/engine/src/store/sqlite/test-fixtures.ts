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

/**
 * The `i`-th commit of a run that grows like a loop's (three events of a few hundred bytes, a snapshot),
 * after `expectedSeq`: for tests that need many commits of a realistic size.
 */
export function growingCommit(runId: string, expectedSeq: number, i: number): Commit {
  return createCommit(runId, {
    expectedSeq,
    create: undefined,
    at: at(i % 60),
    events: events("StepSucceeded", "StateEntered", "StepAttemptStarted").map((event) => ({
      ...event,
      padding: "p".repeat(300),
    })),
    snapshot: { state: `s${i}`, steps: {}, padding: "s".repeat(500) },
  });
}
