import type { RunEvent, RunSnapshot } from "@sagaflow/shared";
import { applyEvent } from "../core/fold";
import { ChainCheck, canonicalJson } from "../history/hash";
import type { RunRecord, StoredEvent } from "../store/types";

export type HistoryVerdict =
  | { ok: true; lastSeq: number }
  | { ok: false; lastGoodSeq: number; badSeq: number | null; reason: string };

/**
 * A history is sound when its hash chain verifies, it ends at the run's lastSeq, and its fold equals the
 * stored snapshot. `lastGoodSeq` names the checkpoint a restore can start from.
 */
export function verifyHistory(record: RunRecord<unknown>, history: readonly StoredEvent[]): HistoryVerdict {
  const verifier = new HistoryVerifier();
  verifier.add(history);
  return verifier.verdict(record);
}

/**
 * `verifyHistory` fed in pages, in order: each event is checked and folded as it comes, so a page can be
 * dropped once added and a long history is verified in bounded memory (the whole of a 100,000-event
 * history held at once made each event dearer: its collection costs grew with it). Verdicts are those of
 * `verifyHistory`: a break in the chain first, then the length, then the fold.
 */
export class HistoryVerifier {
  private readonly chain = new ChainCheck();
  private broken: Extract<HistoryVerdict, { ok: false }> | undefined;
  private snapshot: RunSnapshot | undefined;
  private foldError: unknown;
  private folding = true;

  /** The next events; false once the chain is broken (later pages change nothing). */
  add(events: readonly StoredEvent[]): boolean {
    if (this.broken) return false;
    for (const stored of events) {
      const broken = this.chain.next(stored);
      if (broken) {
        this.broken = broken;
        return false;
      }
      if (!this.folding) continue;
      try {
        this.snapshot = applyEvent(this.snapshot, stored.event as RunEvent, stored.at);
      } catch (error) {
        this.foldError = error;
        this.folding = false;
      }
    }
    return true;
  }

  verdict(record: RunRecord<unknown>): HistoryVerdict {
    if (this.broken) return this.broken;
    const lastSeq = this.chain.lastGoodSeq;
    if (lastSeq !== record.lastSeq) {
      return {
        ok: false,
        lastGoodSeq: lastSeq,
        badSeq: null,
        reason: `the run is at event ${record.lastSeq} but its history ends at ${lastSeq}`,
      };
    }
    if (!this.folding) {
      return {
        ok: false,
        lastGoodSeq: 0,
        badSeq: null,
        reason: `the history does not fold: ${String(this.foldError)}`,
      };
    }
    if (!sameJson(this.snapshot, record.snapshot)) {
      return {
        ok: false,
        lastGoodSeq: lastSeq,
        badSeq: null,
        reason: `the snapshot is not the fold of its ${lastSeq} events`,
      };
    }
    return { ok: true, lastSeq };
  }
}

/** Equal as JSON values. Plain serialisations usually agree (same key order); only if not, sort the keys. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b) || canonicalJson(a) === canonicalJson(b);
}
