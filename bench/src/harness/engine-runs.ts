import type { Definition, RunEvent } from "@sagaflow/shared";
import { builtinActions, Engine, foldHistory, type RunStore, wakeAtOf } from "../engine";

/** Starts `runs` runs of `definition` at once and resolves when every one is terminal. */
export async function runToEnd(engine: Engine, definition: Definition, runs = 1): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < runs; i++) ids.push(await engine.start(definition));
  const ended = await Promise.all(ids.map((id) => engine.waitFor(id)));
  const failed = ended.find((run) => run.status !== "succeeded");
  if (failed) {
    throw new Error(
      `run ${failed.id} of ${definition.name} ended ${failed.status}: ${JSON.stringify(failed.snapshot.error)}`,
    );
  }
  return ids;
}

/** The events of one run's history, as the engine emitted them. */
export async function historyEvents(store: RunStore, runId: string): Promise<RunEvent[]> {
  return (await store.getHistory(runId)).map((stored) => stored.event as RunEvent);
}

/**
 * Writes a copy of a run's events as a new run, in one commit, with its snapshot folded from them: a
 * cheap way to fill a database with many runs, or long histories, that verify like engine-made ones.
 */
export async function plantRun(
  store: RunStore,
  events: readonly RunEvent[],
  from: { runId: string; workflow: string; version: number },
  runId: string,
  at = new Date().toISOString(),
): Promise<void> {
  const copied = JSON.parse(JSON.stringify(events).replaceAll(from.runId, runId)) as RunEvent[];
  const snapshot = foldHistory(copied.map((event) => ({ event, at })));
  if (!snapshot) throw new Error("cannot plant a run without events");
  await store.commit({
    runId,
    expectedSeq: 0,
    create: { workflow: from.workflow, version: from.version },
    at,
    events: copied,
    snapshot,
    status: snapshot.status,
    wakeAt: wakeAtOf(snapshot),
  });
}

export function newEngine(store: RunStore): Engine {
  return new Engine({ store, actions: builtinActions });
}
