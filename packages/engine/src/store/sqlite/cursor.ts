import { InvalidCursorError } from "../../errors";

/** Position in the newest-first run list: the last run of a page. Stable under inserts of newer runs. */
export interface RunCursor {
  createdAt: string;
  id: string;
}

export function encodeRunCursor(cursor: RunCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString("base64url");
}

export function decodeRunCursor(text: string): RunCursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError(`invalid run list cursor: ${JSON.stringify(text)}`);
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    typeof decoded[0] !== "string" ||
    typeof decoded[1] !== "string"
  ) {
    throw new InvalidCursorError(`invalid run list cursor: ${JSON.stringify(text)}`);
  }
  return { createdAt: decoded[0], id: decoded[1] };
}
