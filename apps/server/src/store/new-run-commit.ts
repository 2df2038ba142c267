import type { Commit } from "@sagaflow/engine";

/** The commit that creates a minimal run: what the store tests of this folder write. */
export const newRunCommit = (runId: string): Commit => ({
  runId,
  expectedSeq: 0,
  create: { workflow: "w", version: 1 },
  at: new Date().toISOString(),
  events: [{ type: "RunStarted" }],
  snapshot: { status: "running" },
  status: "running",
  wakeAt: null,
});
