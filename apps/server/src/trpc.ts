import { InvalidDefinitionError } from "@sagaflow/engine";
import { initTRPC } from "@trpc/server";
import { z } from "zod";
import { toTRPCError } from "./errors";
import type { ServerServices } from "./services";

/**
 * The tRPC setup (create-t3-turbo style): the context every procedure sees, the error shape clients get,
 * and the procedure builders. Routers stay thin: they check input, call the engine or the store, and
 * map errors.
 */

export interface Context extends ServerServices {
  /** Who is calling, recorded on operator actions: the token's user, or "local". */
  by: string;
  /** The request's W3C `traceparent` header (an instrumented HTTP client sends it): runs.start continues it. */
  traceparent?: string | undefined;
}

const t = initTRPC.context<Context>().create({
  // Never send stack traces, whatever NODE_ENV says.
  isDev: false,
  sse: {
    // Keep idle streams alive through proxies, and let the client reconnect (with lastEventId) if one dies.
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 30_000 },
  },
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      message: error.code === "INTERNAL_SERVER_ERROR" ? "Internal server error" : shape.message,
      code: shape.code,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        zodError: cause instanceof z.ZodError ? z.flattenError(cause) : null,
        diagnostics: cause instanceof InvalidDefinitionError ? cause.diagnostics : null,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Known domain errors become their tRPC code; anything else stays an opaque internal error. */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped) throw mapped;
  }
  return result;
});

/** Every procedure is public at this layer: the HTTP layer has already checked the token. */
export const publicProcedure = t.procedure.use(mapDomainErrors);
