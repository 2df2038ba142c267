import { existsSync } from "node:fs";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import sirv from "sirv";

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

/**
 * The built single-page app with SPA fallback (any unknown path gets index.html, so deep links work),
 * or a page saying how to build it.
 */
export function createWebAppHandler(distDir: string = DEFAULT_WEB_DIST): RequestListener {
  let serve: ReturnType<typeof sirv> | undefined;
  return (req: IncomingMessage, res: ServerResponse) => {
    // Looked up until found, so a build made while the server runs is picked up without a restart.
    if (!serve && existsSync(`${distDir}/index.html`)) {
      serve = sirv(distDir, { single: true, etag: true, gzip: false, brotli: false });
    }
    if (!serve) return serveNotBuiltPage(req, res);
    serve(req, res, () => {
      res.statusCode = 404;
      res.end("Not found");
    });
  };
}

function serveNotBuiltPage(req: IncomingMessage, res: ServerResponse): void {
  res.statusCode = 200;
  res.setHeader("Content-Type", "text/html; charset=utf-8");
  res.end(req.method === "HEAD" ? undefined : NOT_BUILT_PAGE);
}
