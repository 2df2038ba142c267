import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Encoding, pickEncoding, StaticFileCache } from "./static-file-cache";

/** Where `pnpm --filter @sagaflow/web build` writes the designer (apps/web/dist). */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL("../../../web/dist/", import.meta.url));

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sagaflow</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Sagaflow</h1>
<p>The API is running at <code>/trpc</code>, but the web app is not built.</p>
<p>Build it with <code>pnpm run build</code> (or start with <code>npm start</code>, which builds first), then reload.</p>
</body></html>
`;

/** Vite names everything under assets/ by its content hash: a new build makes new names. */
const HASHED_ASSET = /^\/assets\//;
const IMMUTABLE = "public, max-age=31536000, immutable";

/**
 * The built single-page app with SPA fallback (any unknown path without an extension gets index.html,
 * so deep links work), or a page saying how to build it. Files are looked up on each request, so a
 * rebuilt dist is served without a restart; compressed copies are cached per file version.
 */
export function createWebAppHandler(distDir: string = DEFAULT_WEB_DIST): RequestListener {
  const root = path.resolve(distDir);
  const files = new StaticFileCache();
  return (req, res) => {
    serve(root, files, req, res).catch(() => {
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  };
}

async function serve(root: string, files: StaticFileCache, req: IncomingMessage, res: ServerResponse) {
  if (req.method !== "GET" && req.method !== "HEAD") return notFound(res);
  const pathname = decodePath(req.url ?? "/");
  if (pathname === undefined) return notFound(res);
  const requested = path.join(root, pathname);
  if (requested !== root && !requested.startsWith(root + path.sep)) return notFound(res);

  let file = pathname.endsWith("/") ? undefined : await files.read(requested);
  let urlPath = pathname;
  if (!file) {
    // A path that names a file (has an extension) and is missing is a 404, not the app.
    if (path.extname(pathname) !== "") return notFound(res);
    file = await files.read(path.join(root, "index.html"));
    urlPath = "/index.html";
    if (!file) return serveNotBuiltPage(req, res);
  }

  res.setHeader("Cache-Control", HASHED_ASSET.test(urlPath) ? IMMUTABLE : "no-cache");
  res.setHeader("ETag", file.etag);
  res.setHeader("Last-Modified", file.lastModified);
  res.setHeader("Content-Type", file.contentType);
  res.setHeader("Vary", "Accept-Encoding");
  if (req.headers["if-none-match"] === file.etag) {
    res.statusCode = 304;
    return res.end();
  }
  const encoding: Encoding | undefined = file.compressible
    ? pickEncoding(req.headers["accept-encoding"])
    : undefined;
  const body = encoding ? await files.compressed(file, encoding) : file.body;
  if (encoding) res.setHeader("Content-Encoding", encoding);
  res.setHeader("Content-Length", body.byteLength);
  res.statusCode = 200;
  res.end(req.method === "HEAD" ? undefined : body);
}

function decodePath(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url, "http://localhost").pathname);
  } catch {
    return undefined;
  }
}

function notFound(res: ServerResponse): void {
  res.statusCode = 404;
  res.end("Not found");
}

function serveNotBuiltPage(req: IncomingMessage, res: ServerResponse): void {
  res.statusCode = 200;
  res.setHeader("Content-Type", "text/html; charset=utf-8");
  res.setHeader("Cache-Control", "no-cache");
  res.end(req.method === "HEAD" ? undefined : NOT_BUILT_PAGE);
}
