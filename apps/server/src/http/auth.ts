import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/**
 * The bearer token a request presents: the `Authorization` header, or, because a browser's EventSource
 * (the SSE subscriptions) cannot set headers, `?token=` or tRPC's `connectionParams` `{ token }`
 * (httpSubscriptionLink's `connectionParams` option, sent in the query string).
 */
export function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    return match?.[1]?.trim();
  }
  return url.searchParams.get("token") ?? connectionParamsToken(url.searchParams.get("connectionParams"));
}

function connectionParamsToken(text: string | null): string | undefined {
  if (!text) return undefined;
  try {
    const params: unknown = JSON.parse(text);
    const token = (params as { token?: unknown } | null)?.token;
    return typeof token === "string" && token !== "" ? token : undefined;
  } catch {
    return undefined;
  }
}

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/**
 * Constant-time comparison of SHA-256 digests: both sides are 32 bytes whatever the token, so response
 * times tell neither its bytes nor its length.
 */
export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(digest(expected), digest(presented));
}
