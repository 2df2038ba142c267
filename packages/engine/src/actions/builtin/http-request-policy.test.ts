import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { invokeAction } from "../invoke";
import { createOutboundPolicy } from "../outbound-policy";
import { createTestContext, type TestContext } from "../testing";
import { createHttpRequestAction } from "./http-request";

/** Two real servers: "target" answers and redirects; "self" stands for the Sagaflow server itself. */
let target: Server;
let self: Server;
let targetPort: number;
let selfPort: number;
let selfHits = 0;
const MiB = 1024 * 1024;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
}

beforeAll(async () => {
  self = createServer((_request, response) => {
    selfHits++;
    response.end("self");
  });
  selfPort = await listen(self);
  target = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://x");
    if (url.pathname === "/redirect") {
      response.writeHead(302, { location: url.searchParams.get("to") ?? "/" });
      response.end();
    } else if (url.pathname === "/big") {
      // Chunked, no Content-Length: the cap must hold while reading.
      response.writeHead(200, { "content-type": "text/plain" });
      const chunk = Buffer.alloc(64 * 1024, 97);
      let sent = 0;
      const write = () => {
        while (sent < 3 * MiB) {
          sent += chunk.length;
          if (!response.write(chunk)) return response.once("drain", write);
        }
        response.end();
      };
      write();
    } else if (url.pathname === "/declared") {
      response.writeHead(200, { "content-length": String(2 * MiB) });
      response.end(Buffer.alloc(2 * MiB));
    } else {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ path: url.pathname, auth: request.headers.authorization ?? null }));
    }
  });
  targetPort = await listen(target);
});

afterAll(async () => {
  for (const server of [target, self]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

let ctx: TestContext;
beforeEach(() => {
  selfHits = 0;
  // No file is touched: any root will do.
  ctx = createTestContext(tmpdir());
});

const action = (options: { allow?: string[]; deny?: string[]; max?: number } = {}) =>
  createHttpRequestAction({
    policy: createOutboundPolicy({
      ...(options.allow ? { allow: options.allow } : {}),
      ...(options.deny ? { deny: options.deny } : {}),
      self: () => ({ host: "127.0.0.1", port: selfPort }),
    }),
    ...(options.max ? { maxResponseBytes: options.max } : {}),
  });

const get = (url: string, options?: Parameters<typeof action>[0]) =>
  invokeAction(action(options), { url, method: "GET" }, ctx);

describe("http.request under the outbound policy", () => {
  it("reaches loopback services on other ports", async () => {
    await expect(get(`http://127.0.0.1:${targetPort}/ok`)).resolves.toMatchObject({ body: { path: "/ok" } });
  });

  it.each([
    ["127.0.0.1", () => `http://127.0.0.1:${selfPort}/trpc/definitions.list`],
    ["localhost (checked on its DNS answer)", () => `http://localhost:${selfPort}/`],
    ["IPv4-mapped IPv6", () => `http://[::ffff:127.0.0.1]:${selfPort}/`],
    ["a redirect hop", () => `http://127.0.0.1:${targetPort}/redirect?to=http://127.0.0.1:${selfPort}/`],
  ])("refuses the server's own address via %s, sending nothing", async (_label, url) => {
    await expect(get(url())).rejects.toMatchObject({
      name: "ForbiddenUrl",
      message: expect.stringContaining(`own address and port ${selfPort}`),
    });
    expect(selfHits).toBe(0);
  });

  it("refuses a redirect to the cloud metadata address", async () => {
    await expect(
      get(`http://127.0.0.1:${targetPort}/redirect?to=http://169.254.169.254/latest/meta-data/`),
    ).rejects.toMatchObject({ name: "ForbiddenUrl", message: expect.stringContaining("169.254.169.254") });
  });

  it("checks the address a name resolves to, not the name alone", async () => {
    await expect(
      get(`http://localhost:${targetPort}/ok`, { allow: ["localhost"], deny: ["127.0.0.0/8", "::1"] }),
    ).rejects.toMatchObject({
      name: "ForbiddenUrl",
      message: expect.stringMatching(/localhost \((127\.0\.0\.1|::1)\)/),
    });
  });

  it("follows allowed redirects and drops credentials on another origin", async () => {
    const url = `http://127.0.0.1:${targetPort}/redirect?to=http://localhost:${targetPort}/landed`;
    const output = await invokeAction(
      action(),
      { url, method: "GET", headers: { Authorization: "Bearer secret" } },
      ctx,
    );
    expect(output).toMatchObject({ status: 200, body: { path: "/landed", auth: null } });
  });

  it("fails past the response limit, naming it, whether or not the size is declared", async () => {
    for (const which of ["big", "declared"]) {
      await expect(get(`http://127.0.0.1:${targetPort}/${which}`)).rejects.toMatchObject({
        name: "ResponseTooLarge",
        message: expect.stringContaining("1 MiB limit (--http-max-response)"),
      });
    }
    await expect(get(`http://127.0.0.1:${targetPort}/big`, { max: 4 * MiB })).resolves.toMatchObject({
      status: 200,
    });
  });
});
