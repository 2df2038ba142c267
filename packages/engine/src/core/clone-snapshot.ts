import type { RunSnapshot, ScopeSnapshot } from "@sagaflow/shared";

/**
 * A working copy of a snapshot that `applyEvent` may update in place without touching the original.
 *
 * It copies every object `applyEvent` mutates (the snapshot, its maps and arrays, scopes with their
 * progress records, in-flight attempts) and shares everything else: the JSON values that came from
 * events (inputs, outputs, params, items, payloads, errors), timers, awaited signals, state run records
 * and the records of the compensation stack, which the fold only ever replaces, never edits.
 * A decision costs a copy of the snapshot's skeleton instead of a `structuredClone` of all its data.
 * `test/snapshot-sharing.test.ts` folds real histories over deep-frozen snapshots to prove it.
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
  return {
    ...snapshot,
    steps: { ...snapshot.steps },
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
    // Its records are shared: the fold replaces a record it updates (see `stateRun` in fold.ts).
    stateRuns: { ...snapshot.stateRuns },
    trail: [...snapshot.trail],
  };
}

function cloneScope(scope: ScopeSnapshot): ScopeSnapshot {
  const { parallel, map } = scope;
  return {
    ...scope,
    visits: { ...scope.visits },
    task: scope.task && { ...scope.task },
    parallel: parallel && { ...parallel, done: { ...parallel.done } },
    map: map && { ...map, running: { ...map.running }, results: [...map.results] },
  };
}
