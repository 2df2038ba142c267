import type { RunSnapshot, ScopeSnapshot } from "@sagaflow/shared";
import { handOver } from "./shared-maps";

/**
 * A working copy of a snapshot that `applyEvent` may update in place without changing what the original
 * reads.
 *
 * It copies the small objects `applyEvent` mutates (the snapshot, its small maps and arrays, scopes with
 * their progress records, in-flight attempts) and shares everything else: the JSON values that came from
 * events (inputs, outputs, params, items, payloads, errors), timers, awaited signals, state run records
 * and the records of the compensation stack, which the fold only ever replaces, never edits. The maps
 * that grow with the number of states (`steps`, `stateRuns`, each scope's `visits`) are handed over, not
 * copied (shared-maps.ts): a decision's cost does not depend on how many states the run visited.
 * `test/snapshot-sharing.test.ts` folds real histories over deep-frozen snapshots to prove the rest, and
 * `clone-snapshot.test.ts` that an input keeps reading as it was.
 */
export function cloneSnapshot(snapshot: RunSnapshot): RunSnapshot {
  const scopes: RunSnapshot["scopes"] = {};
  for (const id in snapshot.scopes) {
    const scope = snapshot.scopes[id];
    if (scope) scopes[id] = cloneScope(scope);
  }
  const inFlight: RunSnapshot["inFlight"] = {};
  for (const id in snapshot.inFlight) {
    const attempt = snapshot.inFlight[id];
    if (attempt) inFlight[id] = { ...attempt };
  }
  const compensation = snapshot.compensation;
  // Every field is read before the big maps are handed over: after that, the input's are getters.
  const copy: RunSnapshot = {
    ...snapshot,
    scopes,
    inFlight,
    timers: { ...snapshot.timers },
    awaiting: { ...snapshot.awaiting },
    bufferedSignals: [...snapshot.bufferedSignals],
    compensationStack: [...snapshot.compensationStack],
    compensation: compensation && {
      ...compensation,
      exec: compensation.exec && { ...compensation.exec },
    },
    compensated: [...snapshot.compensated],
    trail: [...snapshot.trail],
  };
  copy.steps = handOver(snapshot, "steps");
  // Its records are shared too: the fold replaces a record it updates (see `stateRun` in fold.ts).
  copy.stateRuns = handOver(snapshot, "stateRuns");
  return copy;
}

function cloneScope(scope: ScopeSnapshot): ScopeSnapshot {
  const { parallel, map } = scope;
  const copy: ScopeSnapshot = {
    ...scope,
    task: scope.task && { ...scope.task },
    parallel: parallel && { ...parallel, done: { ...parallel.done } },
    map: map && { ...map, running: { ...map.running }, results: [...map.results] },
  };
  copy.visits = handOver(scope, "visits");
  return copy;
}
