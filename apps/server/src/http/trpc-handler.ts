import type { IncomingMessage, RequestListener } from "node:http";
import type { AnyTRPCRouter, TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { createTrpcPostHandler } from "./trpc-post-handler";

export interface TrpcHandlerOptions<Ctx> {
  router: AnyTRPCRouter;
  basePath: string;
  maxBodySize: number;
  createContext(options: { req: IncomingMessage }): Ctx;
  onError(options: { error: TRPCError; path: string | undefined }): void;
}

/**
 * The API's handler: POSTed queries and mutations (runs.start, operator calls, the web app's batches)
 * through the light path of trpc-post-handler.ts, everything else (GET queries, SSE subscriptions)
 * through tRPC's standalone adapter, both from the same options.
 */
export function createTrpcHandler<Ctx extends object>(options: TrpcHandlerOptions<Ctx>): RequestListener {
  const standard = createHTTPHandler({
    router: options.router,
    basePath: options.basePath,
    // Queries may come as POST (client `methodOverride: "POST"`): a large definition to validate does not
    // fit in a URL. POST bodies must be JSON, so this opens nothing cross-site.
    allowMethodOverride: true,
    maxBodySize: options.maxBodySize,
    createContext: ({ req }) => options.createContext({ req }),
    onError: ({ error, path }) => options.onError({ error, path }),
  });
  return createTrpcPostHandler({
    router: options.router,
    basePath: options.basePath,
    maxBodySize: options.maxBodySize,
    createContext: (req) => options.createContext({ req }),
    onError: ({ error, path }) => options.onError({ error, path }),
    fallback: standard,
  });
}
