import { hostname } from "node:os";
import path from "node:path";
import type { PostgresOptions } from "./postgres/connection";
import { openPostgresStore } from "./postgres/postgres-run-store";
import { openSqliteStore } from "./sqlite/sqlite-run-store";
import type { RunStore } from "./types";

/** What `--db` names: a PostgreSQL URL, or a SQLite file (the embedded default). */
export type StoreLocation = { kind: "postgres"; url: string } | { kind: "sqlite"; path: string };

/** The environment variable that names the database when `--db` is absent (a PostgreSQL URL or a file). */
export const DATABASE_URL_ENV = "DATABASE_URL";

export function parseStoreLocation(urlOrPath: string): StoreLocation {
  if (/^postgres(ql)?:\/\//i.test(urlOrPath)) return { kind: "postgres", url: urlOrPath };
  return { kind: "sqlite", path: urlOrPath };
}

export function isPostgresLocation(urlOrPath: string): boolean {
  return parseStoreLocation(urlOrPath).kind === "postgres";
}

/** A SQLite path made absolute against `cwd`; a PostgreSQL URL as it is. */
export function resolveStoreLocation(urlOrPath: string, cwd: string): string {
  return isPostgresLocation(urlOrPath) ? urlOrPath : path.resolve(cwd, urlOrPath);
}

/**
 * The one way the server and the command line open a store: `--db` (or DATABASE_URL) picks the dialect.
 * A relative SQLite path is the caller's to resolve first. A PostgreSQL store returns at once and connects
 * and migrates in the background: its first call fails with StoreUnavailableError if the server cannot be
 * reached (`connected()` waits for it explicitly).
 */
export function openRunStore(urlOrPath: string, options: { postgres?: PostgresOptions } = {}): RunStore {
  const location = parseStoreLocation(urlOrPath);
  if (location.kind === "postgres") return openPostgresStore(location.url, options.postgres);
  return openSqliteStore(location.path);
}

/**
 * The lease owner of a process that shares its database with others (PostgreSQL): SAGAFLOW_INSTANCE when set
 * (a stable name, so a restarted instance takes its own runs back at once), else host and pid (a restarted
 * process then waits for its old leases to expire, 60 s). One SQLite process keeps the engine's "local".
 */
export function leaseOwnerFor(env: Record<string, string | undefined> = process.env): string {
  return env.SAGAFLOW_INSTANCE || `${hostname()}:${process.pid}`;
}
