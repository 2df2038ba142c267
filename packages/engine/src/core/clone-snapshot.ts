import type { RunSnapshot, ScopeSnapshot } from "@sagaflow/shared";
import { handOver } from "./shared-maps";

/**
 * A working copy of a snapshot that `applyEvent` may update in place without changing what the original
 * reads.
 *
 * It copies the small objects `applyEvent` mutates (the snapshot, its small maps and arrays, scopes with
 * their progress records) and shares everything else: the JSON values that came from events (inputs,
 * outputs, params, items, payloads, errors), in-flight attempts, timers, awaited signals, state run
 * records and the records of the compensation stack, which the fold only ever replaces, never edits. The maps
 * that grow with the number of states (`steps`, `stateRuns`, each scope's `visits`) are handed over, not
 * copied (shared-maps.ts): a decision's cost does not depend on how many states the run visited.
 * `test/snapshot-sharing.test.ts` folds real histories over deep-frozen snapshots to prove the rest, and
 * `clone-snapshot.test.ts` that an input keeps reading as it was.
 */
export function cloneSnapshot(snapshot: RunSnapshot): RunSnapshot {
  const scopes = { ...snapshot.scopes };
  for (const id in scopes) {
    const scope = scopes[id];
    if (scope) scopes[id] = cloneScope(scope);
  }
  const compensation = snapshot.compensation;
  // A spread, then its fields replaced (they keep their place): each decision makes one of these, and a
  // literal mixing a spread with new keys was measured slower than one clone and a few plain stores.
  const copy: RunSnapshot = { ...snapshot };
  copy.scopes = scopes;
  copy.inFlight = { ...snapshot.inFlight };
  copy.timers = { ...snapshot.timers };
  copy.awaiting = { ...snapshot.awaiting };
  copy.bufferedSignals = [...snapshot.bufferedSignals];
  copy.compensationStack = [...snapshot.compensationStack];
  copy.compensation = compensation && {
    ...compensation,
    exec: compensation.exec && { ...compensation.exec },
  };
  copy.compensated = [...snapshot.compensated];
  copy.trail = snapshot.trail.slice();
  // Every field is read before the big maps are handed over: after that, the input's are getters.
  copy.steps = handOver(snapshot, "steps");
  // Its records are shared too: the fold replaces a record it updates (see `stateRun` in fold.ts).
  copy.stateRuns = handOver(snapshot, "stateRuns");
  return copy;
}

function cloneScope(scope: ScopeSnapshot): ScopeSnapshot {
  const { parallel, map, task } = scope;
  const copy: ScopeSnapshot = { ...scope };
  if (task) copy.task = { ...task };
  if (parallel) copy.parallel = { ...parallel, done: { ...parallel.done } };
  if (map) copy.map = { ...map, running: { ...map.running }, results: [...map.results] };
  copy.visits = handOver(scope, "visits");
  return copy;
}
