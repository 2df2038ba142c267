import type { RunStore } from "@sagaflow/engine";
import { wrapMethods } from "../store/wrap-methods";

/** Store methods that write a run's events and checkpoint in one transaction: the commits to time. */
const COMMITS = new Set<PropertyKey>(["commit", "restore"]);

/**
 * The store as the engine sees it, with each commit timed (sagaflow_store_commit_duration_seconds).
 */
export function instrumentStore(store: RunStore, observe: (seconds: number, ok: boolean) => void): RunStore {
  return wrapMethods(store, (method, property) => {
    if (!COMMITS.has(property)) return method.bind(store);
    return async (...args: unknown[]) => {
      const started = performance.now();
      let ok = false;
      try {
        const result = await method.apply(store, args);
        ok = true;
        return result;
      } finally {
        observe((performance.now() - started) / 1000, ok);
      }
    };
  });
}
