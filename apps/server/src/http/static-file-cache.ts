import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

export type Encoding = "br" | "gzip";

export interface StaticFile {
  path: string;
  body: Buffer;
  contentType: string;
  compressible: boolean;
  etag: string;
  lastModified: string;
  /** Compressed copies, made on first request. */
  encoded: Map<Encoding, Promise<Buffer>>;
}

// What a Vite build of the web app emits; anything else is served as bytes.
const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
};
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".json", ".map", ".svg", ".txt", ".wasm"]);
/** Below this, compression saves less than the header costs. */
const MIN_COMPRESS_BYTES = 1024;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** br when the browser takes it (every current one over HTTP/1.1 on localhost does), else gzip. */
export function pickEncoding(acceptEncoding: string | string[] | undefined): Encoding | undefined {
  const accepted = [acceptEncoding ?? ""].flat().join(",");
  if (/\bbr\b/.test(accepted)) return "br";
  if (/\bgzip\b/.test(accepted)) return "gzip";
  return undefined;
}

/**
 * Files read from disk, kept while their size and mtime stay the same (a stat per request, so a rebuild
 * is seen at once). Compressed copies are made once per file version, off the event loop (zlib's
 * thread pool), and shared by the requests that wait for them.
 */
export class StaticFileCache {
  private readonly files = new Map<string, { version: string; file: StaticFile }>();

  async read(absolute: string): Promise<StaticFile | undefined> {
    const stats = await stat(absolute).catch(() => undefined);
    if (!stats?.isFile()) return undefined;
    const version = `${stats.size}-${stats.mtimeMs}`;
    const cached = this.files.get(absolute);
    if (cached?.version === version) return cached.file;
    // A changed file means a rebuild: drop the old build's files (their hashed names are gone).
    if (cached) this.files.clear();
    const extension = path.extname(absolute).toLowerCase();
    const body = await readFile(absolute);
    const file: StaticFile = {
      path: absolute,
      body,
      contentType: CONTENT_TYPES[extension] ?? "application/octet-stream",
      compressible: COMPRESSIBLE.has(extension) && body.byteLength >= MIN_COMPRESS_BYTES,
      etag: `W/"${version}"`,
      lastModified: stats.mtime.toUTCString(),
      encoded: new Map(),
    };
    this.files.set(absolute, { version, file });
    return file;
  }

  compressed(file: StaticFile, encoding: Encoding): Promise<Buffer> {
    let body = file.encoded.get(encoding);
    if (!body) {
      // Brotli quality 9: within a few % of 11 on JS, several times faster to make.
      body =
        encoding === "br"
          ? brotli(file.body, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: 9,
                [constants.BROTLI_PARAM_SIZE_HINT]: file.body.byteLength,
              },
            })
          : gzipAsync(file.body, { level: 9 });
      file.encoded.set(encoding, body);
    }
    return body;
  }
}
