/** The file is not a SQLite database, or SQLite found it damaged. Names the file so a person can act. */
export class CorruptDatabaseError extends Error {
  override name = "CorruptDatabaseError";
  constructor(
    readonly path: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${path === ":memory:" ? "the in-memory database" : path}: ${detail}`, options);
  }
}

/** A listRuns cursor that this store did not hand out (or that was edited). */
export class InvalidCursorError extends Error {
  override name = "InvalidCursorError";
}

/** SQLite result codes that mean the bytes on disk are not a usable database. */
const CORRUPTION_CODES = new Set(["SQLITE_NOTADB", "SQLITE_CORRUPT"]);

export function isCorruptionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === "string" && (CORRUPTION_CODES.has(code) || code.startsWith("SQLITE_CORRUPT_"));
}
