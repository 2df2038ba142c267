import { fold, openSqliteStore } from "@sagaflow/engine";
import type { RunEvent, RunSnapshot } from "@sagaflow/shared";

/**
 * A run with a long history, written straight into a database (a valid hash chain and checkpoint, as the
 * engine would have left it) for `sagaflow serve` to open: a polling loop (task → choice → back) of
 * `visits` rounds, five events each. The run-view test and the bench share it.
 */

export const LONG_RUN_ID = "01LONGLOOP0000000000000000";

export const loopDefinition = (visits: number) => ({
  name: "long-loop",
  startAt: "tick",
  states: {
    tick: {
      type: "task" as const,
      action: "transform",
      params: { value: { n: "{% $exists($steps.tick.n) ? $steps.tick.n + 1 : 1 %}" } },
      idempotent: true,
      maxVisits: visits + 1,
      next: "check",
    },
    check: {
      type: "choice" as const,
      maxVisits: visits + 1,
      choices: [{ when: `{% $steps.tick.n >= ${visits} %}`, next: "done", label: "done" }],
      otherwise: "tick",
    },
    done: { type: "succeed" as const },
  },
  layout: { tick: { x: 0, y: 0 }, check: { x: 312, y: 0 }, done: { x: 624, y: 0 } },
});

export function* loopEvents(runId: string, visits: number): Generator<RunEvent> {
  yield { type: "RunStarted", runId, workflow: "long-loop", version: 1, input: {}, deadlineAt: null };
  for (let visit = 1; visit <= visits; visit++) {
    const idempotencyKey = `${runId}:tick:${visit}`;
    const base = { scope: "", stateId: "tick", visit };
    yield { type: "StateEntered", ...base, stateType: "task" };
    yield {
      ...base,
      type: "StepAttemptStarted",
      attempt: 1,
      idempotencyKey,
      action: "transform",
      params: { value: { n: visit } },
      timeoutMs: 60_000,
    };
    yield { ...base, type: "StepSucceeded", attempt: 1, idempotencyKey, output: { n: visit }, durationMs: 1 };
    yield { type: "StateEntered", scope: "", stateId: "check", visit, stateType: "choice" };
    const last = visit === visits;
    yield {
      type: "ChoiceTaken",
      scope: "",
      stateId: "check",
      visit,
      next: last ? "done" : "tick",
      rule: last ? 0 : null,
      ...(last ? { label: "done" } : {}),
    };
  }
  yield { type: "StateEntered", scope: "", stateId: "done", visit: 1, stateType: "succeed" };
  yield { type: "RunSucceeded", output: { n: visits } };
}

/** Seq of the first event of visit `visit` (its StateEntered of tick): RunStarted, then five per visit. */
export const seqOfVisit = (visit: number) => 2 + 5 * (visit - 1);

/** Writes the run's history in commits of 1,000 events, each with the checkpoint folded so far. */
export async function writeLongRun(
  dbPath: string,
  visits: number,
): Promise<{ runId: string; events: number }> {
  const store = openSqliteStore(dbPath);
  const runId = LONG_RUN_ID;
  try {
    await store.saveDefinition(loopDefinition(visits), new Date().toISOString());
    let snapshot: RunSnapshot | undefined;
    let batch: RunEvent[] = [];
    let seq = 0;
    const start = Date.now() - visits * 10;
    const flush = async () => {
      if (!snapshot || batch.length === 0) return;
      await store.commit({
        runId,
        expectedSeq: seq,
        ...(seq === 0 ? { create: { workflow: "long-loop", version: 1 } } : {}),
        at: new Date(start + seq * 2).toISOString(),
        events: batch as never,
        snapshot,
        status: snapshot.status,
        wakeAt: null,
      });
      seq += batch.length;
      batch = [];
    };
    for (const event of loopEvents(runId, visits)) {
      snapshot = fold(snapshot, event, new Date(start + (seq + batch.length) * 2).toISOString());
      batch.push(event);
      if (batch.length === 1000) await flush();
    }
    await flush();
    return { runId, events: seq };
  } finally {
    await store.close();
  }
}
