import type { RunStore } from "@sagaflow/engine";
import { wrapMethods } from "./wrap-methods";

/**
 * Group commit across requests. The store groups the commits made in one turn of the event loop into one
 * transaction, but each HTTP request and each finished action arrives in a turn of its own, so on a server
 * every commit used to pay for its own transaction and fsync (runs.start's definition read also wrote out
 * the waiting commit early). This wrapper holds commits until the I/O callbacks ready in this loop
 * iteration have all run (setImmediate), then hands them to the store together: every request that came
 * in while the last fsync blocked the thread shares the next transaction. Each commit's promise still
 * resolves only once the store's transaction holding it is durable.
 *
 * Definition calls pass straight through (they never see run commits). Every other call hands the held
 * commits over first, so the store's own rule stands: its reads see every commit made before them.
 */
export function groupCommits(store: RunStore): RunStore {
  let held: { args: unknown[]; resolve: (value: unknown) => void; reject: (error: unknown) => void }[] = [];
  const release = () => {
    const batch = held;
    held = [];
    // One synchronous loop: the store queues them all in the same tick, so one flush writes them.
    for (const entry of batch) {
      (store.commit as (...args: unknown[]) => Promise<unknown>)
        .apply(store, entry.args)
        .then(entry.resolve, entry.reject);
    }
  };
  return wrapMethods(store, (method, property) => {
    if (property === "commit") {
      return (...args: unknown[]) =>
        new Promise((resolve, reject) => {
          held.push({ args, resolve, reject });
          if (held.length === 1) setImmediate(release);
        });
    }
    if (DEFINITION_CALLS.has(property)) return method.bind(store);
    return (...args: unknown[]) => {
      if (held.length > 0) release();
      return method.apply(store, args);
    };
  });
}

/** Calls that touch only the definitions table: they need no run commit written out before them. */
const DEFINITION_CALLS = new Set<PropertyKey>([
  "saveDefinition",
  "getDefinition",
  "listDefinitions",
  "listDefinitionVersions",
  "archiveDefinition",
]);
