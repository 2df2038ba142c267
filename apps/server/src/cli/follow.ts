import type { RunStore } from "@sagaflow/engine";
import type { RunEvent, RunSnapshot } from "@sagaflow/shared";
import { type ProgressPrinter, progressEvent } from "./progress/progress-printer";
import type { RunDriver } from "./run-driver";
import { type RunResult, runResult } from "./run-result";

/** Picks up a run that already has a history: its past is replayed silently, so only new events print. */
export async function catchUp(driver: RunDriver, printer: ProgressPrinter, runId: string): Promise<void> {
  const history = await driver.store.getHistory(runId);
  printer.catchUp(runId, history.map(progressEvent));
  driver.seen(runId, history.at(-1)?.seq ?? 0);
}

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
