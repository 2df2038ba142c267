import type { RunStore, StoredDefinition } from "@sagaflow/engine";
import { wrapMethods } from "./wrap-methods";

/** Distinct (workflow, version) reads kept; oldest out. */
const CAPACITY = 256;

/**
 * Every `runs.start` reads its definition: on a served SQLite file that is a query, a JSON parse and the
 * WAL-sync wrapper per start, for a value that does not change. A version's content is immutable; what
 * can change is which version is the latest and the name's `archived` flag, and on SQLite only this
 * process writes them (the file is locked to it: cluster/sqlite-file-lock.ts), through `saveDefinition` and
 * `archiveDefinition`. So reads are kept by (name, version or latest), and a write drops the name's
 * entries. A read that began before a write of its name is not kept (its answer may predate the write).
 * Only for a store no other process writes: PostgreSQL is shared, so it is never wrapped.
 */
export function cacheDefinitionReads(store: RunStore): RunStore {
  const kept = new Map<string, StoredDefinition>();
  /** Writes per name so far: a read is kept only if none happened while it ran. */
  const writes = new Map<string, number>();
  const keyOf = (name: string, version: number | undefined) => `${version ?? "latest"}@${name}`;
  const wrote = (name: string) => {
    writes.set(name, (writes.get(name) ?? 0) + 1);
    for (const key of kept.keys()) if (key.slice(key.indexOf("@") + 1) === name) kept.delete(key);
  };

  const getDefinition = async (name: string, version?: number) => {
    const key = keyOf(name, version);
    const hit = kept.get(key);
    if (hit) return hit;
    const before = writes.get(name) ?? 0;
    const found = await store.getDefinition(name, version);
    if (found && (writes.get(name) ?? 0) === before) {
      kept.set(key, found);
      if (kept.size > CAPACITY) kept.delete(kept.keys().next().value as string);
    }
    return found;
  };
  const saveDefinition: RunStore["saveDefinition"] = async (definition, at) => {
    wrote(definition.name);
    try {
      return await store.saveDefinition(definition, at);
    } finally {
      wrote(definition.name);
    }
  };
  const archiveDefinition: RunStore["archiveDefinition"] = async (name, archived) => {
    wrote(name);
    try {
      await store.archiveDefinition(name, archived);
    } finally {
      wrote(name);
    }
  };
  const own: Partial<Record<keyof RunStore, unknown>> = { getDefinition, saveDefinition, archiveDefinition };

  return wrapMethods(store, (method, property) =>
    Object.hasOwn(own, property) ? (own[property as keyof RunStore] as typeof method) : method.bind(store),
  );
}
