import type pg from "pg";
import { COMMITS_CHANNEL } from "./commit-sql";
import { quoteIdentifier } from "./connection";

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
  let closed = false;
  let client: pg.PoolClient | undefined;
  let retry: NodeJS.Timeout | undefined;

  const onNotification = (message: pg.Notification) => {
    for (const line of (message.payload ?? "").split("\n")) {
      const [runId, seq] = line.split(" ");
      const lastSeq = Number(seq);
      if (runId && Number.isInteger(lastSeq)) onCommit({ runId, lastSeq });
    }
  };
  const lost = (error: unknown) => {
    options.onError?.(error);
    const dropped = client;
    client = undefined;
    dropped?.release(true);
    if (!closed) retry = setTimeout(() => void connect().catch(lost), options.retryMs ?? 1000);
  };
  const connect = async () => {
    const next = await pool.connect();
    next.on("notification", onNotification);
    next.on("error", lost);
    const schema = await next.query<{ schema: string }>("SELECT current_schema() AS schema");
    await next.query(`LISTEN ${quoteIdentifier(`${COMMITS_CHANNEL}_${schema.rows[0]?.schema ?? "public"}`)}`);
    if (closed) next.release(true);
    else client = next;
  };

  await connect();
  return {
    close: async () => {
      closed = true;
      clearTimeout(retry);
      const open = client;
      client = undefined;
      open?.removeListener("notification", onNotification);
      // Released as broken: the pool must not hand out a connection that still LISTENs.
      open?.release(true);
    },
  };
}
