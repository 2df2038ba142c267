import type { RunStore } from "@sagaflow/engine";

/** Store methods that write a run's events and checkpoint in one transaction: the commits to time. */
const COMMITS = new Set<PropertyKey>(["commit", "restore"]);

/**
 * The store as the engine sees it, with each commit timed (sagaflow_store_commit_duration_seconds).
 * A proxy rather than a class listing every method, so methods the store gains later pass through as is.
 */
export function instrumentStore(store: RunStore, observe: (seconds: number, ok: boolean) => void): RunStore {
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!COMMITS.has(property)) return method.bind(target);
      return async (...args: unknown[]) => {
        const started = performance.now();
        let ok = false;
        try {
          const result = await method.apply(target, args);
          ok = true;
          return result;
        } finally {
          observe((performance.now() - started) / 1000, ok);
        }
      };
    },
  });
}
