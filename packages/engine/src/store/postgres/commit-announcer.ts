import type pg from "pg";
import { COMMITS_CHANNEL } from "./commit-sql";

/** Postgres refuses NOTIFY payloads of 8000 bytes or more; run ids are short, so lines never come near. */
const MAX_PAYLOAD = 7000;

/**
 * Announces committed runs to other processes with NOTIFY, batched: every commit of one turn of the event
 * loop goes out in one notification, after those commits committed. A NOTIFY inside each commit would make
 * Postgres serialise the commits (measured: 1,334 → 169 commits/s with synchronous_commit on). Notices are
 * hints, so a process dying between a commit and its notice costs a listener one live update, not data.
 * Payload: lines "<run id> <last seq>".
 */
export class CommitAnnouncer {
  private pending = new Map<string, number>();
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly pool: Promise<pg.Pool>) {}

  announce(runId: string, lastSeq: number): void {
    if (this.pending.size === 0) setImmediate(() => void this.flush());
    this.pending.set(runId, Math.max(lastSeq, this.pending.get(runId) ?? 0));
  }

  /** Sends what is waiting; resolves once sent (or failed: a lost notice is only a missed hint). */
  flush(): Promise<void> {
    const batch = [...this.pending].map(([runId, seq]) => `${runId} ${seq}`);
    this.pending = new Map();
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.send(batch)).catch(() => undefined);
    return this.flushing;
  }

  private async send(lines: string[]): Promise<void> {
    const pool = await this.pool;
    const payloads: string[] = [];
    for (const line of lines) {
      const last = payloads.at(-1);
      if (last !== undefined && last.length + line.length + 1 < MAX_PAYLOAD)
        payloads[payloads.length - 1] = `${last}\n${line}`;
      else payloads.push(line);
    }
    await pool.query(
      `SELECT pg_notify('${COMMITS_CHANNEL}_' || current_schema(), payload) FROM unnest($1::text[]) AS payload`,
      [payloads],
    );
  }
}
