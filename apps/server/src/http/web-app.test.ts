import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { type ListeningServer, listen } from "./http-server";
import { createWebAppHandler } from "./web-app";

let server: ListeningServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A GET that shows the bytes on the wire (fetch would decompress them). */
function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  }>((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

async function serveDir() {
  dir = mkdtempSync(path.join(tmpdir(), "sagaflow-web-"));
  server = await listen(createWebAppHandler(dir), 0, "127.0.0.1");
  return { dir, url: server.url };
}

const BIG_JS = `console.log(${JSON.stringify("sagaflow ".repeat(2000))});`;

describe("the web app handler", () => {
  it("says how to build the app until it is built, then serves it with SPA fallback", async () => {
    const { dir, url } = await serveDir();
    const before = await fetch(`${url}/`);
    expect(before.status).toBe(200);
    expect(await before.text()).toContain("the web app is not built");

    mkdirSync(path.join(dir, "assets"));
    writeFileSync(path.join(dir, "index.html"), "<!doctype html><title>Sagaflow app</title>");
    writeFileSync(path.join(dir, "assets", "app.js"), "console.log(1)");
    expect(await (await fetch(`${url}/`)).text()).toContain("Sagaflow app");
    const asset = await fetch(`${url}/assets/app.js`);
    expect(asset.headers.get("content-type")).toContain("javascript");
    // A deep link of the single-page app gets index.html; a missing file is a 404.
    expect(await (await fetch(`${url}/runs/01ABC`)).text()).toContain("Sagaflow app");
    expect((await fetch(`${url}/assets/gone-1234.js`)).status).toBe(404);
    // Nothing outside dist.
    expect((await get(`${url}/..%2f..%2f..%2fetc%2fhosts`)).status).toBe(404);
  });

  it("compresses with brotli or gzip as the browser accepts, and caches hashed assets for good", async () => {
    const { dir, url } = await serveDir();
    mkdirSync(path.join(dir, "assets"));
    writeFileSync(path.join(dir, "index.html"), "<!doctype html><title>Sagaflow app</title>");
    writeFileSync(path.join(dir, "assets", "index-abc123.js"), BIG_JS);

    const br = await get(`${url}/assets/index-abc123.js`, { "accept-encoding": "gzip, deflate, br" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.body.byteLength).toBeLessThan(BIG_JS.length / 10);
    expect(brotliDecompressSync(br.body).toString()).toBe(BIG_JS);
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(br.headers.vary).toBe("Accept-Encoding");

    const gz = await get(`${url}/assets/index-abc123.js`, { "accept-encoding": "gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.body).toString()).toBe(BIG_JS);

    const plain = await get(`${url}/assets/index-abc123.js`);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.toString()).toBe(BIG_JS);

    // index.html must be asked for again each time: it names the current build's assets.
    const index = await get(`${url}/`);
    expect(index.headers["cache-control"]).toBe("no-cache");
    const again = await get(`${url}/`, { "if-none-match": String(index.headers.etag) });
    expect(again.status).toBe(304);
  });

  it("serves a rebuilt dist without a restart", async () => {
    const { dir, url } = await serveDir();
    writeFileSync(path.join(dir, "index.html"), `<script src="/assets/index-old.js"></script>`);
    expect((await get(`${url}/`)).body.toString()).toContain("index-old.js");

    // A rebuild writes a new index.html (same size here; only the mtime tells) naming new assets.
    writeFileSync(path.join(dir, "index.html"), `<script src="/assets/index-new.js"></script>`);
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(dir, "index.html"), later, later);
    expect((await get(`${url}/runs`)).body.toString()).toContain("index-new.js");
  });
});
