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

/**
 * The token lives for the browser tab's session only (sessionStorage), never in localStorage where any
 * later visitor of the machine would find it. Opening the app as `/?token=…` stores it and removes it
 * from the address bar (and so from the history).
 */
function takeTokenFromAddress(): void {
  if (typeof window === "undefined" || typeof sessionStorage === "undefined") return;
  const url = new URL(window.location.href);
  const given = url.searchParams.get("token");
  if (given === null) return;
  sessionStorage.setItem(TOKEN_KEY, given);
  url.searchParams.delete("token");
  window.history.replaceState(window.history.state, "", url.toString());
}
takeTokenFromAddress();

const token = () => (typeof sessionStorage === "undefined" ? null : sessionStorage.getItem(TOKEN_KEY));
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
