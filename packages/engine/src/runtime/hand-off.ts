import type { Definition } from "@sagaflow/shared";
import { decide } from "../core/decide";
import type { DecideContext, Decision } from "../core/types";

/** What a handed-off run's history says about its first attempts. */
export const HANDED_OFF_REASON = "started by an instance that does not drive runs; for a worker to claim";

/**
 * A run started by a process that does not drive runs (`serve --no-drive` on PostgreSQL) is created with no
 * lease, for any worker to claim. Its first attempts are recorded in the same commit as never begun
 * (StepAttemptAbandoned), so the worker that claims it runs them as after a graceful stop: again with the
 * same idempotency key, whatever their idempotency, and not counted as a crash. No attempt has begun
 * anywhere, so this is the truth, and one attempt per key still holds.
 */
export async function handOffStart(
  definition: Definition,
  started: Decision,
  context: DecideContext,
): Promise<Decision> {
  const attemptIds = Object.keys(started.snapshot.inFlight);
  if (attemptIds.length === 0) return { ...started, commands: [] };
  const abandoned = await decide(
    definition,
    started.snapshot,
    { type: "abandon", attemptIds, reason: HANDED_OFF_REASON },
    context,
  );
  return { events: [...started.events, ...abandoned.events], commands: [], snapshot: abandoned.snapshot };
}
