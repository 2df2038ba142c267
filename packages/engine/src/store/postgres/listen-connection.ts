import type pg from "pg";
import { quoteIdentifier } from "./connection";

export interface Listening {
  close(): Promise<void>;
}

/**
 * LISTENs on a connection of its own (LISTEN holds it) and re-opens it `retryMs` after it drops; notices sent
 * meanwhile are lost, so what listens must treat them as hints or time out. `channel` is asked again on every
 * (re)connect, with that connection. `onLost` runs before the retry (to drop half-received state).
 */
export async function listenOnOwnConnection(
  pool: pg.Pool,
  channel: (client: pg.PoolClient) => Promise<string>,
  onNotification: (notification: pg.Notification) => void,
  options: { retryMs?: number; onError?: (error: unknown) => void; onLost?: () => void } = {},
): Promise<Listening> {
  let closed = false;
  let client: pg.PoolClient | undefined;
  let retry: NodeJS.Timeout | undefined;

  const lost = (error: unknown) => {
    options.onError?.(error);
    const dropped = client;
    client = undefined;
    options.onLost?.();
    dropped?.release(true);
    if (!closed) retry = setTimeout(() => void connect().catch(lost), options.retryMs ?? 1000);
  };
  const connect = async () => {
    const next = await pool.connect();
    next.on("notification", onNotification);
    next.on("error", lost);
    await next.query(`LISTEN ${quoteIdentifier(await channel(next))}`);
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
