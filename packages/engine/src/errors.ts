import type { Diagnostic } from "@sagaflow/shared";

/**
 * The one home of the engine's and the stores' errors (after Temporal's `common/src/errors.ts` and DBOS's
 * `error.ts`). Each carries a stable `code`: the server maps codes to HTTP statuses, the command line to
 * exit codes, and a code survives a trip through a worker thread or a process boundary where `instanceof`
 * does not. Pure: no Node imports, so the browser-safe core may throw these too.
 *
 * Errors a definition's actions throw are not here: their `name` is the user's vocabulary (what `catch`
 * and `retryOn` match), see actions/errors.ts.
 */

export const ERROR_CODES = [
  /** No run with that id. */
  "RUN_NOT_FOUND",
  /** No definition with that name (and version). */
  "DEFINITION_NOT_FOUND",
  /** The definition has validation errors; `diagnostics` says which. */
  "INVALID_DEFINITION",
  /** The call does not fit the run's status (e.g. resuming a succeeded run). */
  "INVALID_OPERATION",
  /** Bad input that is not a definition: a run input, a payload, a cursor. */
  "INVALID_INPUT",
  /** Another writer moved the run past the checkpoint this one read. */
  "CONCURRENT_MODIFICATION",
  /** Another worker holds the run's lease. */
  "LEASE_HELD",
  /** The engine is closing or closed. */
  "ENGINE_CLOSED",
  /** The store cannot take writes: full, read-only, I/O errors. Runs pause until it can. */
  "STORE_UNAVAILABLE",
  /** The database file is damaged or not a database. */
  "CORRUPT_DATABASE",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class SagaflowError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class RunNotFoundError extends SagaflowError {
  override name = "RunNotFoundError";
  constructor(readonly runId: string) {
    super("RUN_NOT_FOUND", `No run ${runId}`);
  }
}

export class DefinitionNotFoundError extends SagaflowError {
  override name = "DefinitionNotFoundError";
  constructor(name: string, version?: number) {
    super("DEFINITION_NOT_FOUND", `No definition ${version === undefined ? name : `${name} v${version}`}`);
  }
}

/** A definition with validation errors is never saved or started: its diagnostics say why. */
export class InvalidDefinitionError extends SagaflowError {
  override name = "InvalidDefinitionError";
  constructor(readonly diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === "error");
    super(
      "INVALID_DEFINITION",
      `Invalid definition: ${errors.map((d) => `${d.path ? `${d.path}: ` : ""}${d.message}`).join("; ")}`,
    );
  }
}

export class InvalidOperationError extends SagaflowError {
  override name = "InvalidOperationError";
  constructor(message: string) {
    super("INVALID_OPERATION", message);
  }
}

export class InvalidInputError extends SagaflowError {
  override name = "InvalidInputError";
  constructor(message: string) {
    super("INVALID_INPUT", message);
  }
}

/** A listRuns cursor that this store did not hand out (or that was edited). */
export class InvalidCursorError extends SagaflowError {
  override name = "InvalidCursorError";
  constructor(message: string) {
    super("INVALID_INPUT", message);
  }
}

export class ConcurrentModificationError extends SagaflowError {
  override name = "ConcurrentModificationError";
  constructor(message: string) {
    super("CONCURRENT_MODIFICATION", message);
  }
}

export class LeaseHeldError extends SagaflowError {
  override name = "LeaseHeldError";
  constructor(runId: string) {
    super("LEASE_HELD", `Run ${runId} is driven by another worker`);
  }
}

export class EngineClosedError extends SagaflowError {
  override name = "EngineClosedError";
  constructor() {
    super("ENGINE_CLOSED", "The engine is closed");
  }
}

/** The store refused a write for a reason outside the run: a full disk, a read-only file, an I/O error. */
export class StoreUnavailableError extends SagaflowError {
  override name = "StoreUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("STORE_UNAVAILABLE", message, options);
  }
}

/** The file is not a SQLite database, or SQLite found it damaged. Names the file so a person can act. */
export class CorruptDatabaseError extends SagaflowError {
  override name = "CorruptDatabaseError";
  constructor(
    readonly path: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super("CORRUPT_DATABASE", `${path === ":memory:" ? "the in-memory database" : path}: ${detail}`, options);
  }
}

/** The code of an error from anywhere (a SagaflowError, or one rebuilt from plain data); undefined if none. */
export function errorCodeOf(error: unknown): ErrorCode | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && (ERROR_CODES as readonly string[]).includes(code)
    ? (code as ErrorCode)
    : undefined;
}
