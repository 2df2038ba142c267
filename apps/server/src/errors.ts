import { type ErrorCode, errorCodeOf } from "@sagaflow/engine";
import { TRPCError } from "@trpc/server";

/**
 * The engine's and the stores' errors carry a stable `code` (packages/engine/src/errors.ts); each maps to
 * one tRPC code here, so routers need no try/catch and no pre-reads.
 */
const TRPC_CODE: Record<ErrorCode, TRPCError["code"]> = {
  RUN_NOT_FOUND: "NOT_FOUND",
  DEFINITION_NOT_FOUND: "NOT_FOUND",
  INVALID_DEFINITION: "BAD_REQUEST",
  INVALID_INPUT: "BAD_REQUEST",
  INVALID_OPERATION: "CONFLICT",
  CONCURRENT_MODIFICATION: "CONFLICT",
  LEASE_HELD: "CONFLICT",
  ENGINE_CLOSED: "SERVICE_UNAVAILABLE",
  STORE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  CORRUPT_DATABASE: "SERVICE_UNAVAILABLE",
};

export function toTRPCError(error: unknown): TRPCError | undefined {
  if (error instanceof TRPCError || !(error instanceof Error)) return undefined;
  const code = errorCodeOf(error);
  return code ? new TRPCError({ code: TRPC_CODE[code], message: error.message, cause: error }) : undefined;
}
