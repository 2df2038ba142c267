import type pg from "pg";
import { listenOnOwnConnection } from "./listen-connection";

/**
 * A message channel between the processes that share one database and schema, on LISTEN/NOTIFY: what the
 * cluster forwards operator calls over (apps/server/src/cluster). A NOTIFY payload must stay under 8000
 * bytes, so the sender splits a message into ASCII parts and sends them in one statement: Postgres
 * delivers the notifications of one transaction together and in order, so the receiver joins them back.
 * Like every notice, a message is lost when no one listens at that moment: senders need a timeout.
 */

export interface MessageListener {
  close(): Promise<void>;
}

/** Characters of one part: base64 text, far below Postgres's 8000-byte payload limit with its header. */
const PART_CHARS = 6000;

async function channelOf(client: pg.ClientBase | pg.Pool, name: string): Promise<string> {
  const schema = await client.query<{ schema: string }>("SELECT current_schema() AS schema");
  return `sagaflow_${name}_${schema.rows[0]?.schema ?? "public"}`;
}

/** Sends `message` (any text) to every listener of `name` in this schema. */
export async function sendMessage(pool: pg.Pool, name: string, message: string): Promise<void> {
  const body = Buffer.from(message, "utf8").toString("base64");
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  const count = Math.max(1, Math.ceil(body.length / PART_CHARS));
  const parts: string[] = [];
  for (let index = 0; index < count; index += 1) {
    parts.push(`${id} ${index} ${count} ${body.slice(index * PART_CHARS, (index + 1) * PART_CHARS)}`);
  }
  const channel = await channelOf(pool, name);
  await pool.query(
    "SELECT pg_notify($1, part) FROM unnest($2::text[]) WITH ORDINALITY AS p(part, n) ORDER BY n",
    [channel, parts],
  );
}

/**
 * Listens on `name` on a connection of its own; `onMessage` gets each whole message. A dropped connection is
 * re-opened after `retryMs` (messages sent meanwhile are lost).
 */
export async function listenMessages(
  pool: pg.Pool,
  name: string,
  onMessage: (message: string) => void,
  options: { retryMs?: number; onError?: (error: unknown) => void } = {},
): Promise<MessageListener> {
  const partial = new Map<string, string[]>();
  const onNotification = (notification: pg.Notification) => {
    const [id, index, count, body] = (notification.payload ?? "").split(" ");
    const total = Number(count);
    if (!id || body === undefined || !Number.isInteger(total) || total < 1) return;
    const parts = partial.get(id) ?? [];
    parts[Number(index)] = body;
    if (parts.filter((part) => part !== undefined).length < total) {
      partial.set(id, parts);
      return;
    }
    partial.delete(id);
    onMessage(Buffer.from(parts.join(""), "base64").toString("utf8"));
  };
  return listenOnOwnConnection(pool, (client) => channelOf(client, name), onNotification, {
    ...options,
    onLost: () => partial.clear(),
  });
}
