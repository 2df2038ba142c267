import type { RunEvent, RunSnapshot } from "@sagaflow/shared";
import { foldHistory } from "../core/fold";
import { canonicalJson, verifyChain } from "../history/hash";
import type { RunRecord, StoredEvent } from "../store/types";

export type HistoryVerdict =
  | { ok: true; lastSeq: number }
  | { ok: false; lastGoodSeq: number; badSeq: number | null; reason: string };

/**
 * A history is sound when its hash chain verifies, it ends at the run's lastSeq, and its fold equals the
 * stored snapshot. `lastGoodSeq` names the checkpoint a restore can start from.
 */
export function verifyHistory(record: RunRecord<unknown>, history: readonly StoredEvent[]): HistoryVerdict {
  const chain = verifyChain(history);
  if (!chain.ok)
    return { ok: false, lastGoodSeq: chain.lastGoodSeq, badSeq: chain.badSeq, reason: chain.reason };
  if (chain.lastSeq !== record.lastSeq) {
    return {
      ok: false,
      lastGoodSeq: chain.lastSeq,
      badSeq: null,
      reason: `the run is at event ${record.lastSeq} but its history ends at ${chain.lastSeq}`,
    };
  }
  let folded: RunSnapshot | undefined;
  try {
    folded = foldHistory(history.map((stored) => ({ event: stored.event as RunEvent, at: stored.at })));
  } catch (error) {
    return { ok: false, lastGoodSeq: 0, badSeq: null, reason: `the history does not fold: ${String(error)}` };
  }
  if (!sameJson(folded, record.snapshot)) {
    return {
      ok: false,
      lastGoodSeq: chain.lastSeq,
      badSeq: null,
      reason: `the snapshot is not the fold of its ${chain.lastSeq} events`,
    };
  }
  return { ok: true, lastSeq: chain.lastSeq };
}

/** Equal as JSON values. Plain serialisations usually agree (same key order); only if not, sort the keys. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b) || canonicalJson(a) === canonicalJson(b);
}
