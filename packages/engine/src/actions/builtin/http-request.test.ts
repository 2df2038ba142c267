import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { invokeAction } from "../invoke";
import { createTestContext, type TestContext } from "../testing";
import { httpRequest } from "./http-request";

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let base: string;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body });
      if (request.url === "/charge") {
        response.writeHead(201, { "content-type": "application/json" });
        response.end(JSON.stringify({ charged: JSON.parse(body || "null") }));
      } else if (request.url === "/broken") {
        response.writeHead(503, { "content-type": "text/plain" });
        response.end("down for maintenance");
      } else if (request.url === "/slow") {
        setTimeout(() => response.end("late"), 5_000).unref();
      } else {
        response.writeHead(200, { "content-type": "text/plain", "x-demo": "1" });
        response.end("hello");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let root: string;
let ctx: TestContext;
beforeEach(() => {
  received.length = 0;
  root = mkdtempSync(path.join(tmpdir(), "sagaflow-http-"));
  ctx = createTestContext(root, { idempotencyKey: "run-9:charge_payment:1" });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("http.request", () => {
  it("sends JSON with the Idempotency-Key header and parses a JSON answer", async () => {
    const output = await invokeAction(
      httpRequest,
      { url: `${base}/charge`, method: "POST", body: { amount: 42 }, expectStatus: 201 },
      ctx,
    );
    expect(output).toMatchObject({ status: 201, body: { charged: { amount: 42 } } });
    expect(received[0]).toMatchObject({ method: "POST", body: '{"amount":42}' });
    expect(received[0]?.headers["idempotency-key"]).toBe("run-9:charge_payment:1");
    expect(received[0]?.headers["content-type"]).toBe("application/json");
  });

  it("sends the same key on every attempt of a step", async () => {
    for (const attempt of [1, 2]) {
      await invokeAction(
        httpRequest,
        { url: `${base}/hello`, method: "PUT", body: "raw" },
        { ...ctx, attempt },
      );
    }
    expect(received.map((r) => r.headers["idempotency-key"])).toEqual([
      "run-9:charge_payment:1",
      "run-9:charge_payment:1",
    ]);
    expect(received[0]?.body).toBe("raw");
  });

  it("returns text bodies and response headers; HEAD has no body", async () => {
    const output = await invokeAction(
      httpRequest,
      { url: `${base}/hello`, method: "GET", headers: { "x-a": "b" } },
      ctx,
    );
    expect(output).toMatchObject({ status: 200, body: "hello", headers: { "x-demo": "1" } });
    expect(received[0]?.headers["x-a"]).toBe("b");
    await expect(
      invokeAction(httpRequest, { url: `${base}/hello`, method: "HEAD" }, ctx),
    ).resolves.toMatchObject({
      status: 200,
      body: null,
    });
  });

  it("fails with HttpStatusError on an unexpected status, quoting the answer", async () => {
    await expect(
      invokeAction(httpRequest, { url: `${base}/broken`, method: "GET" }, ctx),
    ).rejects.toMatchObject({
      name: "HttpStatusError",
      message: expect.stringMatching(/answered 503, expected 2xx: down for maintenance/),
    });
    await expect(
      invokeAction(httpRequest, { url: `${base}/hello`, method: "GET", expectStatus: [201, 202] }, ctx),
    ).rejects.toMatchObject({
      name: "HttpStatusError",
      message: expect.stringContaining("expected 201 or 202"),
    });
    await expect(
      invokeAction(httpRequest, { url: `${base}/broken`, method: "GET", expectStatus: 503 }, ctx),
    ).resolves.toMatchObject({ status: 503 });
  });

  it("fails with HttpRequestError when nothing answers", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      invokeAction(httpRequest, { url: `http://127.0.0.1:${port}/`, method: "GET" }, ctx),
    ).rejects.toMatchObject({
      name: "HttpRequestError",
      message: expect.stringContaining("ECONNREFUSED"),
    });
  });

  it("stops with the abort reason when the step times out", async () => {
    const pending = invokeAction(httpRequest, { url: `${base}/slow`, method: "GET" }, ctx);
    const reason = Object.assign(new Error("step timed out"), { name: "TimeoutError" });
    setTimeout(() => ctx.controller.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);
  });

  it("refuses URLs that are not http(s)", async () => {
    await expect(
      invokeAction(httpRequest, { url: "file:///etc/passwd", method: "GET" }, ctx),
    ).rejects.toMatchObject({
      name: "InvalidParams",
    });
  });
});
