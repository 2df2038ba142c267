/**
 * Keys that JavaScript objects treat specially. `JSON.parse` keeps `"__proto__"` as an own property, but
 * an object spread, `Object.assign` or a zod record would set the prototype instead and drop the key
 * silently, and a lookup of `"constructor"` or `"prototype"` in a plain object finds inherited values.
 * Sagaflow refuses them wherever user keys enter (state ids, branch names, object keys in definitions,
 * run input, signal payloads, operator outputs) with a clear message, rather than lose or confuse them.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

export interface ReservedKeyHit {
  key: string;
  /** The path of the object holding it, as segments (keys and array indexes). */
  path: (string | number)[];
}

/** Every reserved own key in a JSON-like value, depth first; cycles are visited once. */
export function findReservedKeys(value: unknown, limit = 20): ReservedKeyHit[] {
  const hits: ReservedKeyHit[] = [];
  const seen = new Set<object>();
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0 && hits.length < limit) {
    const { value: current, path } = stack.pop() as { value: unknown; path: (string | number)[] };
    if (current === null || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) {
        stack.push({ value: current[index], path: [...path, index] });
      }
      continue;
    }
    const keys = Object.keys(current);
    for (const key of keys) if (RESERVED_KEYS.has(key)) hits.push({ key, path });
    for (let index = keys.length - 1; index >= 0; index--) {
      const key = keys[index] as string;
      stack.push({ value: (current as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return hits;
}

/** One sentence for an API or CLI refusal, e.g. `input.a: the key "__proto__" is reserved…`. */
export function describeReservedKey(hit: ReservedKeyHit, what: string): string {
  const where = [what, ...hit.path.map(String)].join(".");
  return `${where}: the key "${hit.key}" is reserved (__proto__, constructor and prototype cannot be used as keys); rename it`;
}
