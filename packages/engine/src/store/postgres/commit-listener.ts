import type pg from "pg";
import { COMMITS_CHANNEL } from "./commit-sql";
import { listenOnOwnConnection } from "./listen-connection";

/** A commit another process (or this one) announced: the run and its new last seq. */
export interface CommitNotice {
  runId: string;
  lastSeq: number;
}

export interface CommitListener {
  close(): Promise<void>;
}

/**
 * Listens for commits announced by stores opened with `notifyCommits` (commit-announcer.ts) on the same
 * database and schema, on a connection of its own (LISTEN holds it). Notices are hints: read the run's events after the seq you know
 * (this process's own commits come back too, and a notice lost while reconnecting is not replayed).
 * A dropped connection is re-opened after `retryMs`.
 */
export async function listenCommits(
  pool: pg.Pool,
  onCommit: (notice: CommitNotice) => void,
  options: { retryMs?: number; onError?: (error: unknown) => void } = {},
): Promise<CommitListener> {
  return listenOnOwnConnection(
    pool,
    async (client) => {
      const schema = await client.query<{ schema: string }>("SELECT current_schema() AS schema");
      return `${COMMITS_CHANNEL}_${schema.rows[0]?.schema ?? "public"}`;
    },
    (message) => {
      for (const line of (message.payload ?? "").split("\n")) {
        const [runId, seq] = line.split(" ");
        const lastSeq = Number(seq);
        if (runId && Number.isInteger(lastSeq)) onCommit({ runId, lastSeq });
      }
    },
    options,
  );
}
