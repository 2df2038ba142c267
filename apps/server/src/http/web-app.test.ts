import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ListeningServer, listen } from "./http-server";
import { createWebAppHandler } from "./web-app";

let server: ListeningServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the web app handler", () => {
  it("says how to build the app until it is built, then serves it with SPA fallback", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "sagaflow-web-"));
    server = await listen(createWebAppHandler(dir), 0, "127.0.0.1");
    const before = await fetch(`${server.url}/`);
    expect(before.status).toBe(200);
    expect(await before.text()).toContain("the web app is not built");

    mkdirSync(path.join(dir, "assets"));
    writeFileSync(path.join(dir, "index.html"), "<!doctype html><title>Sagaflow app</title>");
    writeFileSync(path.join(dir, "assets", "app.js"), "console.log(1)");
    expect(await (await fetch(`${server.url}/`)).text()).toContain("Sagaflow app");
    const asset = await fetch(`${server.url}/assets/app.js`);
    expect(asset.headers.get("content-type")).toContain("javascript");
    // A deep link of the single-page app gets index.html.
    expect(await (await fetch(`${server.url}/runs/01ABC`)).text()).toContain("Sagaflow app");
  });
});
