import { CorruptDatabaseError, StoreUnavailableError } from "../../errors";

/** SQLite result codes that mean the bytes on disk are not a usable database. */
const CORRUPTION_CODES = new Set(["SQLITE_NOTADB", "SQLITE_CORRUPT"]);
/** SQLite result codes that mean the file cannot take writes now (full, read-only, I/O): runs pause. */
const UNAVAILABLE_PREFIXES = ["SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_CANTOPEN"];

function sqliteCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

export function isCorruptionError(error: unknown): boolean {
  const code = sqliteCode(error);
  return code !== undefined && (CORRUPTION_CODES.has(code) || code.startsWith("SQLITE_CORRUPT_"));
}

/** SQLite's damage and refusal reports as the errors of errors.ts, naming the file; others as they are. */
export function namedSqliteError(path: string, error: unknown): unknown {
  if (isCorruptionError(error)) {
    return new CorruptDatabaseError(path, "SQLite reports the database is damaged", { cause: error });
  }
  const code = sqliteCode(error);
  if (code && UNAVAILABLE_PREFIXES.some((prefix) => code.startsWith(prefix))) {
    const what = code.startsWith("SQLITE_FULL")
      ? "full"
      : code.startsWith("SQLITE_READONLY")
        ? "read-only"
        : "failing (I/O error)";
    return new StoreUnavailableError(`the database is ${what}: runs are paused (${code})`, { cause: error });
  }
  return error;
}
