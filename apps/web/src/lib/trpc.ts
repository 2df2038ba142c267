import type { AppRouter, RouterOutputs } from "@sagaflow/server/router";
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from "@trpc/client";

/** The one API client: batched queries and mutations, subscriptions over SSE. Types only from the server. */

const TOKEN_KEY = "sagaflow.token";
const token = () => (typeof localStorage === "undefined" ? null : localStorage.getItem(TOKEN_KEY));
const url = "/trpc";

export const api = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === "subscription",
      true: httpSubscriptionLink({ url, connectionParams: () => ({ token: token() ?? "" }) }),
      false: httpBatchLink({
        url,
        headers: () => {
          const value = token();
          return value ? { authorization: `Bearer ${value}` } : {};
        },
      }),
    }),
  ],
});

export type DefinitionSummary = RouterOutputs["definitions"]["list"][number];
export type StoredDefinition = RouterOutputs["definitions"]["get"];
export type ActionCatalogOutput = RouterOutputs["actions"]["catalog"];

/** A readable message for any error the client throws; invalid definitions carry their diagnostics. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function errorDiagnostics(error: unknown) {
  if (error instanceof TRPCClientError) {
    const data = error.data as { diagnostics?: unknown } | undefined;
    if (Array.isArray(data?.diagnostics))
      return data.diagnostics as RouterOutputs["definitions"]["validate"]["diagnostics"];
  }
  return undefined;
}
