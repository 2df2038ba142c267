import { TRPCError } from "@trpc/server";

/**
 * Maps the engine's and the store's named errors to tRPC codes, so routers need no try/catch.
 * Matched by `error.name` (the same convention actions use), which keeps the server free of engine internals.
 */
const CODE_BY_NAME: Record<string, TRPCError["code"]> = {
  // An operator call that does not fit the run's status, e.g. resuming a succeeded run.
  InvalidOperation: "CONFLICT",
  InvalidOperationError: "CONFLICT",
  ConcurrentModificationError: "CONFLICT",
  InvalidCursorError: "BAD_REQUEST",
  RunNotFound: "NOT_FOUND",
  RunNotFoundError: "NOT_FOUND",
  DefinitionNotFound: "NOT_FOUND",
  DefinitionNotFoundError: "NOT_FOUND",
  EngineClosed: "SERVICE_UNAVAILABLE",
  EngineClosedError: "SERVICE_UNAVAILABLE",
};

export function toTRPCError(error: unknown): TRPCError | undefined {
  if (error instanceof TRPCError || !(error instanceof Error)) return undefined;
  const code = CODE_BY_NAME[error.name];
  return code ? new TRPCError({ code, message: error.message, cause: error }) : undefined;
}
