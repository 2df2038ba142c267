import type { ActionSlots } from "@sagaflow/engine";
import { Slots } from "./slots";

/**
 * The process's action slots (`--concurrency`) with an optional limit per workflow
 * (`--workflow-concurrency name=N`): an attempt of a limited workflow first waits for one of its workflow's
 * slots, then for one of the process's, so a busy workflow never holds process slots while it queues.
 * Limits are per process: on a cluster each instance applies its own (docs/deploy.md).
 */
export class WorkflowSlots implements ActionSlots {
  private readonly perWorkflow = new Map<string, Slots>();

  constructor(
    private readonly process: Slots,
    limits: Readonly<Record<string, number>>,
  ) {
    for (const [workflow, limit] of Object.entries(limits)) this.perWorkflow.set(workflow, new Slots(limit));
  }

  async acquire(signal: AbortSignal, workflow?: string): Promise<void> {
    const own = workflow === undefined ? undefined : this.perWorkflow.get(workflow);
    if (own) await own.acquire(signal);
    try {
      await this.process.acquire(signal);
    } catch (error) {
      own?.release();
      throw error;
    }
  }

  release(workflow?: string): void {
    this.process.release();
    if (workflow !== undefined) this.perWorkflow.get(workflow)?.release();
  }

  /** Handlers of `workflow` running now, and waiting for its limit (tests, metrics). */
  load(workflow: string): { running: number; queued: number } | undefined {
    const own = this.perWorkflow.get(workflow);
    return own && { running: own.running, queued: own.queued };
  }
}

/** `name=N` pairs (flags, or SAGAFLOW_WORKFLOW_CONCURRENCY as a comma-separated list) into limits. */
export function parseWorkflowLimits(pairs: readonly string[]): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const pair of pairs) {
    const match = /^([a-z0-9][a-z0-9_-]*)=(\d+)$/.exec(pair.trim());
    const limit = Number(match?.[2]);
    if (!match?.[1] || !Number.isInteger(limit) || limit < 1) {
      throw new Error(`--workflow-concurrency takes name=N (N ≥ 1), got ${JSON.stringify(pair)}`);
    }
    limits[match[1]] = limit;
  }
  return limits;
}
