import { ConcurrentModificationError, StoreUnavailableError } from "../../errors";

/**
 * Postgres's refusals as the errors of errors.ts. A lost or refused connection, a server shutting down or out
 * of disk, a read-only standby: the store is unavailable and runs pause until it comes back. A unique
 * violation or serialization failure: another writer got there first.
 */
const UNAVAILABLE_CLASSES = ["08", "53", "57", "58"];
const READ_ONLY = "25006";
const CONCURRENT = new Set(["23505", "40001", "40P01"]);
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
]);

function codeOf(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

export function namedPostgresError(error: unknown): unknown {
  const code = codeOf(error);
  if (code && CONCURRENT.has(code)) {
    return new ConcurrentModificationError(`another writer got there first (${(error as Error).message})`);
  }
  const lost =
    (code !== undefined &&
      (NETWORK_CODES.has(code) || code === READ_ONLY || UNAVAILABLE_CLASSES.includes(code.slice(0, 2)))) ||
    (error instanceof Error && /Connection terminated|not queryable|connection timeout/i.test(error.message));
  if (lost) {
    const detail = error instanceof Error ? error.message : String(error);
    return new StoreUnavailableError(`PostgreSQL is unavailable: runs are paused (${detail})`, {
      cause: error,
    });
  }
  return error;
}
