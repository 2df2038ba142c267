/**
 * Structural sharing for the snapshot's big maps (`steps`, `stateRuns`, each scope's `visits`): they hold
 * an entry per state a run visited, so copying them for every decision made a step cost more the longer
 * the run (a chain of 4,000 states spent milliseconds per step copying them).
 *
 * A decision's working copy takes the input's map itself instead (`handOver`), and the fold writes into it
 * through `writeEntry`, which records what each write replaced. The input keeps reading as it was: its
 * field becomes a getter that, on first read, copies the map and undoes the writes made since, then keeps
 * that copy. Nobody reads a superseded snapshot on the hot path (the engine moves on to the new one), so
 * the copy is almost never made; when it is (a decision that threw, a test comparing before and after),
 * it is exactly the old value. A frozen input (the sharing tests freeze theirs) is copied as before.
 */

type Entries = Record<string, unknown>;

/**
 * Maps with at most this many entries are copied as before: a copy of a few entries costs less than the
 * bookkeeping of a hand-over (measured on the 10,000-step loop: 164 µs/step copying its three tiny maps,
 * 191 µs handing them over).
 */
const SHARE_FROM = 64;

/** The writes made to one map after a holder handed it over, oldest first, then those of later hand-overs. */
interface WriteLog {
  undo: { key: string; had: boolean; value: unknown }[];
  next: WriteLog | undefined;
}

/** The log each shared map's writes go to now (the latest hand-over's). */
const logs = new WeakMap<object, WriteLog>();

/** `map[key] = value`, remembering what it replaced if the map is shared with a superseded snapshot. */
export function writeEntry<T>(map: Record<string, T>, key: string, value: T): void {
  const log = logs.get(map);
  if (log) {
    const had = Object.hasOwn(map, key);
    log.undo.push({ key, had, value: had ? map[key] : undefined });
  }
  map[key] = value;
}

/**
 * The map in `holder[field]`, for a successor to write into; `holder` keeps reading the map as it is now.
 * Falls back to a copy when `holder` or the map is frozen.
 */
export function handOver<H extends object, K extends keyof H & string>(holder: H, field: K): H[K] {
  const map = holder[field] as Entries;
  if (Object.isFrozen(map) || !Object.isExtensible(holder)) return { ...map } as H[K];
  const previous = logs.get(map);
  // A map handed over once stays big (maps only grow): it is not counted again.
  if (previous === undefined && fewEntries(map)) return { ...map } as H[K];
  const log: WriteLog = { undo: [], next: undefined };
  if (previous) previous.next = log;
  logs.set(map, log);
  const settle = (value: unknown) =>
    Object.defineProperty(holder, field, { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(holder, field, {
    enumerable: true,
    configurable: true,
    get() {
      const value = asItWas(map, log);
      settle(value);
      return value;
    },
    set: settle,
  });
  return map as H[K];
}

function fewEntries(map: Entries): boolean {
  let count = 0;
  for (const _key in map) if (++count > SHARE_FROM) return false;
  return true;
}

/** A copy of `map` with every write logged from `log` on undone, newest first. */
function asItWas(map: Entries, log: WriteLog): Entries {
  const copy = { ...map };
  const chain: WriteLog[] = [];
  for (let at: WriteLog | undefined = log; at; at = at.next) chain.push(at);
  for (let i = chain.length - 1; i >= 0; i -= 1) {
    const { undo } = chain[i] as WriteLog;
    for (let j = undo.length - 1; j >= 0; j -= 1) {
      const entry = undo[j];
      if (!entry) continue;
      if (entry.had) copy[entry.key] = entry.value;
      else delete copy[entry.key];
    }
  }
  return copy;
}
