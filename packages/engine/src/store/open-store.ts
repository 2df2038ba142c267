import { InvalidInputError } from "../errors";
import { openSqliteStore } from "./sqlite/sqlite-run-store";
import type { RunStore } from "./types";

/** What `--db` names: a PostgreSQL URL, or a SQLite file (the embedded default). */
export type StoreLocation = { kind: "postgres"; url: string } | { kind: "sqlite"; path: string };

export function parseStoreLocation(urlOrPath: string): StoreLocation {
  if (/^postgres(ql)?:\/\//i.test(urlOrPath)) return { kind: "postgres", url: urlOrPath };
  return { kind: "sqlite", path: urlOrPath };
}

/**
 * The one way the server and the command line open a store: `--db` (or DATABASE_URL) picks the dialect.
 * A relative SQLite path is the caller's to resolve first.
 */
export function openRunStore(urlOrPath: string): RunStore {
  const location = parseStoreLocation(urlOrPath);
  if (location.kind === "postgres") {
    throw new InvalidInputError(
      "PostgreSQL stores are not available in this build yet; use a SQLite file path for --db",
    );
  }
  return openSqliteStore(location.path);
}
