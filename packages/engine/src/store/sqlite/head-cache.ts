import type { ChainHead } from "../chain";
import type { CheckpointStats } from "../checkpoint";

/**
 * A run row's chain head, with the status and wake time it holds when known (to skip rewriting them), and
 * what this store wrote of its snapshot (to skip rewriting that: ../checkpoint.ts).
 */
export interface RowHead extends ChainHead {
  status?: string;
  wakeAt?: string | null;
  checkpoint?: CheckpointStats | undefined;
}

/**
 * The last known chain head per run, so a commit needs no SELECT. Only a hint: the commit's UPDATE still
 * checks last_seq and last_hash, so a stale entry (another process wrote) fails safely. Bounded, oldest first out.
 */
export class HeadCache {
  private readonly heads = new Map<string, RowHead>();

  constructor(private readonly capacity = 10_000) {}

  get(runId: string): RowHead | undefined {
    return this.heads.get(runId);
  }

  set(runId: string, head: RowHead): void {
    this.heads.delete(runId);
    this.heads.set(runId, head);
    if (this.heads.size > this.capacity) {
      const oldest = this.heads.keys().next();
      if (!oldest.done) this.heads.delete(oldest.value);
    }
  }

  forget(runId: string): void {
    this.heads.delete(runId);
  }
}
