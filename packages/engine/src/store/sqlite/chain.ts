import { hashEvent } from "../../history/hash";
import type { EventRecord, StoredEvent } from "../types";

/** The head of a run's hash chain: its last seq and that event's hash ("" before the first event). */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** Numbers and hash-links new events after `head`, all stamped with the commit time. Pure. */
export function chainEvents(
  runId: string,
  head: ChainHead,
  at: string,
  events: readonly EventRecord[],
): StoredEvent[] {
  const stored: StoredEvent[] = [];
  let prevHash = head.hash;
  let seq = head.seq;
  for (const event of events) {
    if (typeof event.type !== "string" || event.type === "") {
      throw new TypeError(`event ${seq + 1} of run ${runId} has no type`);
    }
    seq += 1;
    const hash = hashEvent(prevHash, { runId, seq, at, event });
    stored.push({ runId, seq, at, event, prevHash, hash });
    prevHash = hash;
  }
  return stored;
}

export function headAfter(head: ChainHead, stored: readonly StoredEvent[]): ChainHead {
  const last = stored.at(-1);
  return last ? { seq: last.seq, hash: last.hash } : head;
}
