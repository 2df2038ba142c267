import type { LookupAddress } from "node:dns";
import { lookup as dnsLookup } from "node:dns";
import type { IncomingMessage } from "node:http";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { z } from "zod";
import { ActionError, abortReason, throwIfAborted } from "../errors";
import { createOutboundPolicy, type OutboundPolicy, parseAddress } from "../outbound-policy";
import { defineAction } from "../types";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 5;

export interface HttpRequestOptions {
  policy?: OutboundPolicy;
  /** Responses larger than this fail the attempt (ResponseTooLarge); default 1 MiB. */
  maxResponseBytes?: number;
}

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
function decodeBody(text: string, contentType: string): unknown {
  if (text === "") return null;
  if (!contentType.includes("json")) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function describeBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/** DNS answers are checked as they arrive: the address connected to is the one the policy saw. */
function checkedLookup(policy: OutboundPolicy, port: number): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      try {
        for (const entry of addresses) policy.check(hostname, entry.address, port);
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, "", 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      return first ? callback(null, first.address, first.family) : callback(new Error("no address"), "", 0);
    });
  };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  location?: string;
}

function send(
  url: URL,
  init: { method: string; headers: Record<string, string>; body: string | undefined },
  policy: OutboundPolicy,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Answer> {
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  // An address in the URL is connected to without DNS: check it here.
  if (parseAddress(hostname)) policy.check(hostname, hostname, port);
  const client = url.protocol === "https:" ? https : http;
  return new Promise<Answer>((resolve, reject) => {
    const request = client.request(
      url,
      { method: init.method, headers: init.headers, signal, lookup: checkedLookup(policy, port) },
      (response: IncomingMessage) => {
        const declared = Number(response.headers["content-length"] ?? 0);
        const tooLarge = () =>
          new ActionError(
            "ResponseTooLarge",
            `${init.method} ${url.href} answered more than the ${describeBytes(maxBytes)} limit (--http-max-response)`,
          );
        if (declared > maxBytes) {
          response.destroy();
          return reject(tooLarge());
        }
        const chunks: Buffer[] = [];
        let received = 0;
        response.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxBytes) {
            response.destroy();
            reject(tooLarge());
            return;
          }
          chunks.push(chunk);
        });
        response.on("error", reject);
        response.on("end", () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
          }
          resolve({
            status: response.statusCode ?? 0,
            headers,
            text: Buffer.concat(chunks).toString("utf8"),
            ...(response.headers.location ? { location: response.headers.location } : {}),
          });
        });
      },
    );
    request.on("error", reject);
    request.end(init.body);
  });
}

/** `http.request` with its outbound policy and response cap (the server and CLI pass their flags). */
export function createHttpRequestAction(options: HttpRequestOptions = {}) {
  const policy = options.policy ?? createOutboundPolicy();
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return defineAction({
    name: "http.request",
    description:
      "Sends an HTTP request with the step's idempotency key as the Idempotency-Key header (the same on " +
      "every retry). Fails with HttpStatusError on an unexpected status (default: anything but 2xx). " +
      "Follows up to 5 redirects; every hop and every DNS answer must pass the server's outbound policy " +
      "(ForbiddenUrl), and answers over the response limit fail (ResponseTooLarge). " +
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
      // The called service joins the run's trace, as a child of this attempt's span.
      if (ctx.traceparent && !hasHeader(headers, "traceparent")) headers.traceparent = ctx.traceparent;
      let body = encodeBody(params.body, headers);
      let method: string = params.method;
      let url = new URL(params.url);
      let answer: Answer;
      for (let hop = 0; ; hop++) {
        try {
          answer = await send(url, { method, headers, body }, policy, maxBytes, ctx.signal);
        } catch (error) {
          if (ctx.signal.aborted) throw abortReason(ctx.signal);
          if (error instanceof ActionError || (error as Error).name === "ForbiddenUrl") throw error;
          const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
          throw new ActionError("HttpRequestError", `${method} ${url.href} failed: ${reason}`, {
            cause: error,
          });
        }
        if (answer.location === undefined || ![301, 302, 303, 307, 308].includes(answer.status)) break;
        if (hop >= MAX_REDIRECTS) {
          throw new ActionError("HttpRequestError", `${params.url}: more than ${MAX_REDIRECTS} redirects`);
        }
        const next = new URL(answer.location, url);
        if (next.protocol !== "http:" && next.protocol !== "https:") {
          throw new ActionError("HttpRequestError", `${url.href} redirected to ${next.protocol} (not http)`);
        }
        // As browsers and fetch do: 303 (and 301/302 after a POST) continue as a GET without a body.
        if (
          answer.status === 303 ||
          ((answer.status === 301 || answer.status === 302) && method === "POST")
        ) {
          method = "GET";
          body = undefined;
        }
        // As fetch does: credentials are not carried to another origin.
        if (next.origin !== url.origin) {
          for (const name of Object.keys(headers)) {
            if (["authorization", "cookie", "proxy-authorization"].includes(name.toLowerCase()))
              delete headers[name];
          }
        }
        url = next;
      }
      const responseBody =
        method === "HEAD" ? null : decodeBody(answer.text, answer.headers["content-type"] ?? "");
      if (!statusExpected(answer.status, params.expectStatus)) {
        const expected =
          params.expectStatus === undefined ? "2xx" : [params.expectStatus].flat().join(" or ");
        const snippet = typeof responseBody === "string" ? responseBody : JSON.stringify(responseBody);
        throw new ActionError(
          "HttpStatusError",
          `${params.method} ${params.url} answered ${answer.status}, expected ${expected}` +
            (snippet && snippet !== "null" ? `: ${snippet.slice(0, 200)}` : ""),
        );
      }
      return { status: answer.status, headers: answer.headers, body: responseBody };
    },
  });
}

export const httpRequest = createHttpRequestAction();
