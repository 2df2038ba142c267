import { z } from "zod";
import { ActionError, abortReason, throwIfAborted } from "../errors";
import { defineAction } from "../types";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

function statusExpected(status: number, expect: number | number[] | undefined): boolean {
  if (expect === undefined) return status >= 200 && status < 300;
  return Array.isArray(expect) ? expect.includes(status) : status === expect;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name.toLowerCase());
}

/** A string body goes as is; anything else as JSON. */
function encodeBody(body: unknown, headers: Record<string, string>): string | undefined {
  if (body === undefined) return undefined;
  if (typeof body === "string") return body;
  if (!hasHeader(headers, "content-type")) headers["content-type"] = "application/json";
  return JSON.stringify(body);
}

/** JSON responses are parsed; others are returned as text. */
async function decodeBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return null;
  if (!(response.headers.get("content-type") ?? "").includes("json")) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export const httpRequest = defineAction({
  name: "http.request",
  description:
    "Sends an HTTP request with the step's idempotency key as the Idempotency-Key header (the same on " +
    "every retry). Fails with HttpStatusError on an unexpected status (default: anything but 2xx). " +
    "Output: {status, headers, body}.",
  effect: "write",
  readOnlyWhen: { param: "method", values: ["GET", "HEAD"] },
  params: z.strictObject({
    url: z.url({ protocol: /^https?$/ }).describe("http:// or https:// URL"),
    method: z.enum(METHODS).describe("HTTP method; GET and HEAD are treated as read-only"),
    headers: z.record(z.string(), z.string()).optional().describe("Request headers"),
    body: z.unknown().optional().describe("Request body: a string as is, any other value as JSON"),
    expectStatus: z
      .union([z.number().int(), z.array(z.number().int()).min(1)])
      .optional()
      .describe("Accepted status code(s); default any 2xx"),
  }),
  async handler(params, ctx) {
    throwIfAborted(ctx.signal);
    const headers: Record<string, string> = { ...params.headers };
    if (!hasHeader(headers, "idempotency-key")) headers["Idempotency-Key"] = ctx.idempotencyKey;
    const body = encodeBody(params.body, headers);
    let response: Response;
    try {
      response = await fetch(params.url, { method: params.method, headers, body, signal: ctx.signal });
    } catch (error) {
      if (ctx.signal.aborted) throw abortReason(ctx.signal);
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new ActionError("HttpRequestError", `${params.method} ${params.url} failed: ${reason}`, {
        cause: error,
      });
    }
    const responseBody = params.method === "HEAD" ? null : await decodeBody(response);
    if (!statusExpected(response.status, params.expectStatus)) {
      const expected = params.expectStatus === undefined ? "2xx" : [params.expectStatus].flat().join(" or ");
      const snippet = typeof responseBody === "string" ? responseBody : JSON.stringify(responseBody);
      throw new ActionError(
        "HttpStatusError",
        `${params.method} ${params.url} answered ${response.status}, expected ${expected}` +
          (snippet && snippet !== "null" ? `: ${snippet.slice(0, 200)}` : ""),
      );
    }
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      body: responseBody,
    };
  },
});
