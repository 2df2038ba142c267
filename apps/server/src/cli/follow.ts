import type { RunStore } from "@sagaflow/engine";
import type { RunEvent, RunSnapshot } from "@sagaflow/shared";
import { type RunResult, runResult } from "./run-result";

/** The `--json` result of a run, read back from the store: what is committed is what is reported. */
export async function storedResult(store: RunStore, runId: string): Promise<RunResult> {
  const run = await store.getRun<RunSnapshot>(runId);
  if (!run) throw new Error(`run ${runId} vanished from the database`);
  const history = await store.getHistory(runId);
  return runResult(
    run.snapshot,
    history.map((stored) => stored.event as RunEvent),
  );
}
