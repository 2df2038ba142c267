import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { OpsRoute } from "../observability/routes";
import { presentedToken, tokenMatches } from "./auth";
import type { HostAllowList } from "./host-allow-list";

export interface RequestListenerOptions {
  /** The tRPC handler, mounted with basePath `/trpc/`. */
  trpc: RequestListener;
  /** The web app (static files with SPA fallback). */
  web: RequestListener;
  /** The Host names this server answers to (DNS rebinding); checked before any routing. */
  hosts: HostAllowList;
  /** When set, every /trpc call must present it. */
  token: string | undefined;
  /** Larger declared bodies get 413 at once; tRPC enforces the same limit on streamed bodies. */
  maxBodyBytes: number;
  /** /healthz, /readyz, /metrics by path; those with `auth` follow the same token rule as /trpc. */
  ops?: Record<string, OpsRoute>;
}

const TRPC_PREFIX = "/trpc/";

/**
 * One port for everything: `/trpc/*` is the API, anything else the web app. Auth and body limits are
 * checked here, before tRPC parses anything. No CORS headers are ever sent, so browsers on other
 * origins cannot read responses (CORS closed by default).
 */
export function createRequestListener(options: RequestListenerOptions): RequestListener {
  return (req, res) => {
    setSecurityHeaders(res);
    if (!options.hosts.allows(req.headers.host)) {
      return sendError(
        res,
        421,
        "MISDIRECTED_REQUEST",
        `Host ${JSON.stringify(req.headers.host ?? "")} is not one of this server's names ` +
          `(${options.hosts.describe()}); start it with --allowed-host <name> to add one`,
      );
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const ops =
      options.ops && Object.hasOwn(options.ops, url.pathname) ? options.ops[url.pathname] : undefined;
    if (ops) {
      if (req.method !== "GET" && req.method !== "HEAD")
        return sendError(res, 405, "METHOD_NOT_SUPPORTED", "Use GET");
      if (ops.auth && options.token !== undefined && !tokenMatches(options.token, presentedToken(req, url))) {
        return sendError(
          res,
          401,
          "UNAUTHORIZED",
          "Missing or wrong token: send `Authorization: Bearer <token>`",
        );
      }
      return ops.handler(req, res);
    }
    if (!url.pathname.startsWith(TRPC_PREFIX)) {
      if (req.method !== "GET" && req.method !== "HEAD")
        return sendError(res, 405, "METHOD_NOT_SUPPORTED", "Use GET");
      return options.web(req, res);
    }
    if (req.method === "OPTIONS") {
      return sendError(res, 403, "FORBIDDEN", "Cross-origin requests are not allowed");
    }
    const crossSite = crossSiteRefusal(req);
    if (crossSite) return sendError(res, crossSite.status, crossSite.code, crossSite.message);
    if (options.token !== undefined && !tokenMatches(options.token, presentedToken(req, url))) {
      return sendError(
        res,
        401,
        "UNAUTHORIZED",
        "Missing or wrong token: send `Authorization: Bearer <token>`",
      );
    }
    const declaredLength = Number(req.headers["content-length"] ?? 0);
    if (declaredLength > options.maxBodyBytes) {
      // Drain nothing: answer and close, so a huge upload is not read.
      res.setHeader("Connection", "close");
      return sendError(
        res,
        413,
        "PAYLOAD_TOO_LARGE",
        `Request body is ${declaredLength} bytes; the limit is ${options.maxBodyBytes}`,
      );
    }
    return options.trpc(req, res);
  };
}

/**
 * CSRF: without CORS a page on another site cannot read answers, but a "simple" cross-site POST (a form,
 * text/plain) would still run a mutation. Requiring JSON forces a preflight (which is refused), and a
 * browser's Origin naming another host is refused outright.
 */
function crossSiteRefusal(
  req: IncomingMessage,
): { status: number; code: string; message: string } | undefined {
  const origin = req.headers.origin;
  if (origin && origin !== "null") {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    if (originHost !== req.headers.host) {
      return { status: 403, code: "FORBIDDEN", message: "Cross-origin requests are not allowed" };
    }
  } else if (origin === "null") {
    return { status: 403, code: "FORBIDDEN", message: "Cross-origin requests are not allowed" };
  }
  if (req.method === "POST") {
    const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json") {
      return { status: 415, code: "UNSUPPORTED_MEDIA_TYPE", message: "Send the body as application/json" };
    }
  }
  return undefined;
}

function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  // Tokens may travel in `?token=` for SSE: never leak URLs to other sites.
  res.setHeader("Referrer-Policy", "no-referrer");
}

/** JSON in tRPC's error envelope, so the tRPC client reports the code like any other error. */
function sendError(res: ServerResponse, httpStatus: number, code: string, message: string): void {
  const body = { error: { message, code: JSON_RPC_CODES[code] ?? -32600, data: { code, httpStatus } } };
  res.statusCode = httpStatus;
  res.setHeader("Content-Type", "application/json");
  res.end(JSON.stringify(body));
}

const JSON_RPC_CODES: Record<string, number> = {
  UNAUTHORIZED: -32001,
  FORBIDDEN: -32003,
  METHOD_NOT_SUPPORTED: -32005,
  MISDIRECTED_REQUEST: -32021,
  PAYLOAD_TOO_LARGE: -32013,
  UNSUPPORTED_MEDIA_TYPE: -32015,
};
