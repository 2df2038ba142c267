import { isTerminalStatus, type RunEvent, type RunSnapshot } from "@sagaflow/shared";
import { applyEvent } from "../core/fold";
import type { ChainedEvent } from "./chain";
import { isCorruptJson } from "./sqlite/stored-json";
import type { Commit, StoredEvent } from "./types";

/**
 * When a commit rewrites the run's whole snapshot, and how a read brings an older one up to date.
 *
 * A snapshot holds an entry per state visited and per map item, so writing it at every commit made a step
 * cost more the bigger the run already was (a chain of 4,000 states: 9.6× the cost per step of 400).
 * Instead, every store writes the whole snapshot only once the events appended since the last one weigh
 * as much as it does (and at least MIN_TAIL_BYTES); in between, a commit appends its events and moves the
 * run's head, and the row remembers which seq its snapshot is the fold of. A read folds those few events
 * onto it: `getRun().snapshot` is still exactly the fold of the whole history.
 *
 * The snapshot is rewritten after at most as many bytes of events as it holds itself, so a step pays a
 * constant share of it (amortised), and a read folds at most a snapshot's worth of events: recovery and
 * `verify` stay linear. A new run, a terminal commit and a move to another version always write it, so a
 * finished run reads with no folding at all.
 *
 * This relies on what SPEC §3 demands anyway: a run's snapshot is the fold of its history. A checkpoint
 * that is not a run snapshot (the store contract's tests commit opaque ones) is written at every commit.
 */

/** Below this, the events since the last snapshot are too few to be worth a rewrite. */
export const MIN_TAIL_BYTES = 16 * 1024;

/** What a store knows about a run's stored snapshot, to decide without serialising the new one. */
export interface CheckpointStats {
  /** JSON length of the snapshot the row holds. */
  snapshotBytes: number;
  /** JSON length of the events committed after it. */
  tailBytes: number;
}

/** JSON length of the events of one commit (their text is serialised once, for the hash chain). */
export function eventBytes(chained: readonly ChainedEvent[]): number {
  let bytes = 0;
  for (const entry of chained) bytes += entry.json.length;
  return bytes;
}

/** Whether this commit writes the whole snapshot. `stats` undefined: not known (a fresh cache): write it. */
export function writesSnapshot(
  commit: Commit<unknown>,
  stats: CheckpointStats | undefined,
  bytes: number,
): boolean {
  if (commit.expectedSeq === 0 || stats === undefined) return true;
  // Only a run's snapshot can be brought up to date by folding; other checkpoints are kept as written.
  if (!isSnapshotLike(commit.snapshot)) return true;
  if (isTerminalStatus(commit.status) || commit.version !== undefined) return true;
  return stats.tailBytes + bytes >= Math.max(MIN_TAIL_BYTES, stats.snapshotBytes);
}

/** The stats after a commit: a fresh snapshot of `written` bytes, or a longer tail. */
export function statsAfter(
  stats: CheckpointStats | undefined,
  bytes: number,
  written: number | undefined,
): CheckpointStats | undefined {
  if (written !== undefined) return { snapshotBytes: written, tailBytes: 0 };
  return stats && { snapshotBytes: stats.snapshotBytes, tailBytes: stats.tailBytes + bytes };
}

/**
 * Folds the events committed after a stored snapshot onto it (in place: the snapshot was just parsed).
 * A damaged snapshot comes back as it is (its CorruptJson marker never equals a fold, so `verify` names
 * it); an event that does not fold stops the fold there: the result then differs from the fold of the
 * history, and the hash chain or the snapshot check reports it.
 */
export function foldTail<S>(snapshot: S, tail: readonly StoredEvent[]): S {
  if (tail.length === 0 || isCorruptJson(snapshot) || !isSnapshotLike(snapshot)) return snapshot;
  let folded = snapshot as unknown as RunSnapshot;
  for (const stored of tail) {
    try {
      folded = applyEvent(folded, stored.event as RunEvent, stored.at);
    } catch {
      break;
    }
  }
  return folded as unknown as S;
}

function isSnapshotLike(value: unknown): boolean {
  return typeof value === "object" && value !== null && "scopes" in value && "runId" in value;
}
