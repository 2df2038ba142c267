import { hash } from "node:crypto";
import type { EventRecord, StoredEvent } from "../store/types";

/** JSON with object keys sorted, so the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== "object" || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort()) sorted[key] = (inner as Record<string, unknown>)[key];
    return sorted;
  });
}

/**
 * The JSON text of an event as stored and hashed. Plain `JSON.stringify`, not canonical: the chain covers
 * the exact text written to the row, so a commit serialises each event once. Re-serialising a parsed row
 * gives the same text back (`JSON.parse` keeps key order), which is how `verifyChain` checks read events.
 */
export function eventJson(event: EventRecord): string {
  return JSON.stringify(event);
}

/**
 * The chain link of one event (chain format 2): sha256 of the previous hash, a newline, and
 * `{"runId":…,"seq":…,"at":…,"event":<eventJson>}`. Format 1 hashed canonicalJson of the same object,
 * which cost a sorted copy of every event plus a second serialisation for the row.
 */
export function hashEventJson(
  prevHash: string,
  runId: string,
  seq: number,
  at: string,
  json: string,
): string {
  return hashLink(prevHash, JSON.stringify(runId), seq, JSON.stringify(at), json);
}

/**
 * `hashEventJson` with the run id and the time already as JSON text: a commit's events share both, so a
 * commit serialises them once instead of once per event.
 */
export function hashLink(
  prevHash: string,
  runIdJson: string,
  seq: number,
  atJson: string,
  json: string,
): string {
  return hash(
    "sha256",
    `${prevHash}\n{"runId":${runIdJson},"seq":${seq},"at":${atJson},"event":${json}}`,
    "hex",
  );
}

export function hashEvent(
  prevHash: string,
  entry: { runId: string; seq: number; at: string; event: EventRecord },
): string {
  return hashEventJson(prevHash, entry.runId, entry.seq, entry.at, eventJson(entry.event));
}

export type ChainVerdict =
  | { ok: true; lastSeq: number }
  | { ok: false; lastGoodSeq: number; badSeq: number; reason: string };

/** Checks numbering and hash links of a run's whole history, in order. */
export function verifyChain(events: readonly StoredEvent[]): ChainVerdict {
  const chain = new ChainCheck();
  for (const stored of events) {
    const broken = chain.next(stored);
    if (broken) return broken;
  }
  return { ok: true, lastSeq: chain.lastGoodSeq };
}

/** The chain checked one event at a time (a history read in pages): where it stands after the last good one. */
export class ChainCheck {
  lastGoodSeq = 0;
  private prevHash = "";

  /** Checks the next event; the break when it does not follow, else undefined. */
  next(stored: StoredEvent): Extract<ChainVerdict, { ok: false }> | undefined {
    const { lastGoodSeq } = this;
    const badSeq = stored.seq;
    if (stored.seq !== lastGoodSeq + 1) {
      return { ok: false, lastGoodSeq, badSeq, reason: `event ${badSeq} follows ${lastGoodSeq}: a gap` };
    }
    if (stored.prevHash !== this.prevHash) {
      return {
        ok: false,
        lastGoodSeq,
        badSeq,
        reason: `event ${badSeq} does not link to event ${lastGoodSeq}`,
      };
    }
    if (hashEvent(this.prevHash, stored) !== stored.hash) {
      return { ok: false, lastGoodSeq, badSeq, reason: `event ${badSeq} does not match its hash` };
    }
    this.prevHash = stored.hash;
    this.lastGoodSeq = stored.seq;
    return undefined;
  }
}
