import type { Engine, RunStore } from "@sagaflow/engine";
import {
  isTerminalStatus,
  type RunEvent,
  type RunSnapshot,
  type RunStatus,
  runStatusSchema,
  TERMINAL_STATUSES,
} from "@sagaflow/shared";
import { type RunResult, runResult } from "./run-result";
import { keepAliveWhile } from "./session";

/**
 * How far a command follows a run: to its end; until it waits for anything (`run --no-wait`); or until
 * it waits for a person's signal (`recover`, `signal`: durable timers are short enough to sit through).
 */
export type FollowUntil = "end" | "waiting" | "signal";

export async function followRun(engine: Engine, runId: string, until: FollowUntil): Promise<RunStatus> {
  const stops: RunStatus[] = until === "end" ? [...TERMINAL_STATUSES] : [...TERMINAL_STATUSES, "waiting"];
  const leftWaiting = runStatusSchema.options.filter((status) => status !== "waiting");
  return keepAliveWhile(
    (async () => {
      for (;;) {
        const run = await engine.waitFor(runId, { until: stops });
        if (isTerminalStatus(run.status) || until === "waiting") return run.status;
        if (until === "end" || Object.keys(run.snapshot.awaiting).length > 0) return run.status;
        await engine.waitFor(runId, { until: leftWaiting });
      }
    })(),
  );
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
