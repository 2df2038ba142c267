import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";
import type { AppRouter } from "../src/router/root";

export type Client = TRPCClient<AppRouter>;

/** One HTTP request per call (no batching), so a call cut off by a kill fails alone. */
export function createClient(url: string): Client {
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/trpc` })] });
}

/** The HTTP status of a tRPC error, when the server answered at all. */
export function httpStatusOf(error: unknown): number | undefined {
  const data = (error as { data?: { httpStatus?: number } } | null)?.data;
  return typeof data?.httpStatus === "number" ? data.httpStatus : undefined;
}
