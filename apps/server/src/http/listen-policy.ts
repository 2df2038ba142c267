import { randomBytes } from "node:crypto";

/** Off loopback a token is all that stands between the network and the API: it must resist guessing. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Who may reach the server: loopback binds need nothing, any other bind needs a token (SPEC §6).
 * Pure, so the refusal message is testable without opening a socket.
 */

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost", "[::1]"]);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export type ListenPolicy = { ok: true; token: string | undefined } | { ok: false; reason: string };

/** A loopback bind may still use a token (then it is enforced); any other bind must have one. */
export function decideListenPolicy(host: string, token: string | undefined): ListenPolicy {
  const cleanToken = token?.trim() ? token.trim() : undefined;
  if (isLoopbackHost(host)) return { ok: true, token: cleanToken };
  if (!cleanToken) {
    return {
      ok: false,
      reason:
        `refusing to listen on ${host}: a non-loopback address needs a token. ` +
        "Set SAGAFLOW_TOKEN to a long random secret (clients then send `Authorization: Bearer <token>`), " +
        `e.g. SAGAFLOW_TOKEN=${suggestToken()}, or bind to 127.0.0.1.`,
    };
  }
  if (cleanToken.length < MIN_TOKEN_LENGTH) {
    return {
      ok: false,
      reason:
        `refusing to listen on ${host}: SAGAFLOW_TOKEN has ${cleanToken.length} characters, at least ` +
        `${MIN_TOKEN_LENGTH} are needed off loopback. A generated one: SAGAFLOW_TOKEN=${suggestToken()}`,
    };
  }
  return { ok: true, token: cleanToken };
}

/** 32 random bytes, URL-safe: fits a header and a query string as is. */
export function suggestToken(): string {
  return randomBytes(32).toString("base64url");
}
