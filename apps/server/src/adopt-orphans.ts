import { type Engine, LeaseHeldError } from "@sagaflow/engine";

/** The engine's lease when SAGAFLOW_LEASE_MS does not say otherwise (packages/engine runtime default). */
export const DEFAULT_LEASE_MS = 60_000;

/** SAGAFLOW_LEASE_MS (at least 1000), else the default: how long a dead instance's runs wait to be taken over. */
export function leaseMsFrom(env: Record<string, string | undefined>): number {
  const value = Number(env.SAGAFLOW_LEASE_MS);
  return Number.isInteger(value) && value >= 1000 ? value : DEFAULT_LEASE_MS;
}

/**
 * At the start of a process on a database shared with others (PostgreSQL): it takes back the unfinished runs
 * leased under its own name (SAGAFLOW_INSTANCE), as a restart after a crash, at once and whatever its free
 * capacity, since no other process may have them before that lease expires. Every other run (handed off by
 * `serve --no-drive`, or whose owner's lease expired) is claimed by the free-run puller as free capacity
 * allows (cluster/free-runs.ts), so a process that starts does not grab a whole backlog the way a full
 * recovery would.
 */
export async function takeBackOwnRuns(
  engine: Pick<Engine, "continueRun">,
  store: { listRunsLeasedTo(owner: string): Promise<string[]> },
  owner: string,
): Promise<{ continued: string[]; suspended: string[] }> {
  const continued: string[] = [];
  const suspended: string[] = [];
  for (const runId of await store.listRunsLeasedTo(owner)) {
    const run = await engine.continueRun(runId).catch((error: unknown) => {
      // Taken by another process meanwhile (our lease had expired): it is theirs now.
      if (error instanceof LeaseHeldError) return undefined;
      throw error;
    });
    if (!run) continue;
    if (run.status === "suspended") suspended.push(runId);
    else continued.push(runId);
  }
  return { continued, suspended };
}
