import { createHash } from "node:crypto";
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

/** The chain link of one event: sha256 of the previous hash and the event's canonical content. */
export function hashEvent(
  prevHash: string,
  entry: { runId: string; seq: number; at: string; event: EventRecord },
): string {
  const content = canonicalJson({ runId: entry.runId, seq: entry.seq, at: entry.at, event: entry.event });
  return createHash("sha256").update(prevHash).update("\n").update(content).digest("hex");
}

export type ChainVerdict =
  | { ok: true; lastSeq: number }
  | { ok: false; lastGoodSeq: number; badSeq: number; reason: string };

/** Checks numbering and hash links of a run's whole history, in order. */
export function verifyChain(events: readonly StoredEvent[]): ChainVerdict {
  let prevHash = "";
  let lastGoodSeq = 0;
  for (const stored of events) {
    const badSeq = stored.seq;
    if (stored.seq !== lastGoodSeq + 1) {
      return { ok: false, lastGoodSeq, badSeq, reason: `event ${badSeq} follows ${lastGoodSeq}: a gap` };
    }
    if (stored.prevHash !== prevHash) {
      return {
        ok: false,
        lastGoodSeq,
        badSeq,
        reason: `event ${badSeq} does not link to event ${lastGoodSeq}`,
      };
    }
    if (hashEvent(prevHash, stored) !== stored.hash) {
      return { ok: false, lastGoodSeq, badSeq, reason: `event ${badSeq} does not match its hash` };
    }
    prevHash = stored.hash;
    lastGoodSeq = stored.seq;
  }
  return { ok: true, lastSeq: lastGoodSeq };
}
