import { eventJson, hashLink } from "../history/hash";
import type { EventRecord, StoredEvent } from "./types";

/**
 * The hash chain every store writes (SPEC §3): one implementation, so a run chained by one store verifies
 * in any other.
 */

/** The head of a run's hash chain: its last seq and that event's hash ("" before the first event). */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** A chained event and the JSON text its hash covers: the text the events row stores. */
export interface ChainedEvent {
  stored: StoredEvent;
  json: string;
}

/** Numbers and hash-links new events after `head`, all stamped with the commit time. Pure. */
export function chainEvents(
  runId: string,
  head: ChainHead,
  at: string,
  events: readonly EventRecord[],
): ChainedEvent[] {
  const chained: ChainedEvent[] = [];
  let prevHash = head.hash;
  let seq = head.seq;
  const runIdJson = JSON.stringify(runId);
  const atJson = JSON.stringify(at);
  for (const event of events) {
    if (typeof event.type !== "string" || event.type === "") {
      throw new TypeError(`event ${seq + 1} of run ${runId} has no type`);
    }
    seq += 1;
    const json = eventJson(event);
    const hash = hashLink(prevHash, runIdJson, seq, atJson, json);
    chained.push({ stored: { runId, seq, at, event, prevHash, hash }, json });
    prevHash = hash;
  }
  return chained;
}

export function headAfter(head: ChainHead, chained: readonly ChainedEvent[]): ChainHead {
  const last = chained.at(-1);
  return last ? { seq: last.stored.seq, hash: last.stored.hash } : head;
}
