import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../test/helpers";
import { appRouter } from "../router/root";
import type { Context } from "../trpc";

/**
 * The light POST path against tRPC's own adapter: the same requests sent to the real server (which answers
 * POSTs through trpc-post-handler.ts) and to tRPC's standalone handler on the same services get the same
 * status and the same JSON. Run ids differ (each start makes a run): they are compared by shape.
 */

const MAX_BODY = 4096;
let served: TestServer;
let reference: Server;
let referenceUrl: string;

beforeAll(async () => {
  served = await startTestServer({ maxBodyBytes: MAX_BODY });
  await served.client.definitions.save.mutate({
    definition: {
      name: "greet",
      startAt: "done",
      inputSchema: { type: "object", properties: { who: { type: "string" } }, required: ["who"] },
      states: { done: { type: "succeed" } },
    },
  });
  reference = createServer(
    createHTTPHandler({
      router: appRouter,
      basePath: "/trpc/",
      allowMethodOverride: true,
      maxBodySize: MAX_BODY,
      createContext: (): Context => ({ ...served.server.services, by: "local" }),
    }),
  );
  await new Promise<void>((resolve) => reference.listen(0, "127.0.0.1", resolve));
  referenceUrl = `http://127.0.0.1:${(reference.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => reference.close(resolve));
  await served.stop();
});

interface Answer {
  status: number;
  type: string | undefined;
  json: unknown;
  /** Whether the body came with a Content-Length (the light path) or chunked (tRPC's adapter streams it). */
  sized?: boolean;
}

/** POSTs `body` (a string, or chunks sent without a length) and reads the answer. */
function post(base: string, path: string, body: string | string[]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunked = Array.isArray(body);
    const req = request(
      `${base}/trpc/${path}`,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(chunked ? {} : { "content-length": Buffer.byteLength(body) }),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            type: res.headers["content-type"],
            json: JSON.parse(text),
            sized: res.headers["content-length"] !== undefined,
          }),
        );
      },
    );
    req.on("error", reject);
    if (chunked) {
      for (const chunk of body) req.write(chunk);
      req.end();
    } else req.end(body);
  });
}

/** Run ids are new per start: replaced by a marker so answers compare. */
const normalized = ({ sized: _, ...answer }: Answer): Answer =>
  JSON.parse(JSON.stringify(answer).replace(/"runId":"[^"]+"/g, '"runId":"<id>"')) as Answer;

async function bothAnswer(
  path: string,
  body: string | string[],
): Promise<Answer & { viaLightPath: boolean }> {
  const light = await post(served.server.url, path, body);
  const standard = await post(referenceUrl, path, body);
  expect(normalized(light)).toEqual(normalized(standard));
  expect(standard.sized).toBe(false);
  return { ...light, viaLightPath: light.sized === true };
}

describe("tRPC POSTs through the light path", () => {
  it("starts a run and answers as tRPC does", async () => {
    const answer = await bothAnswer("runs.start", JSON.stringify({ name: "greet", input: { who: "a" } }));
    expect(answer.status).toBe(200);
    expect(answer.viaLightPath).toBe(true);
    expect(answer.type).toBe("application/json");
    const runId = (answer.json as { result: { data: { runId: string } } }).result.data.runId;
    // The run exists: the answer came after its commit.
    expect((await served.client.runs.get.query({ runId })).run.id).toBe(runId);
  });

  it("keeps every error's code, status and details", async () => {
    const cases: [string, string, number][] = [
      ["runs.start", JSON.stringify({ name: "missing" }), 404],
      ["runs.start", JSON.stringify({ name: "greet", input: { who: 1 } }), 400],
      ["runs.start", JSON.stringify({ name: 5 }), 400],
      ["runs.start", "", 400],
      ["runs.start", "{not json", 400],
      ["runs.get", JSON.stringify({ runId: "no-such-run" }), 404],
      ["runs.cancel", JSON.stringify({}), 400],
      ["definitions.validate", JSON.stringify({ definition: { name: "x" } }), 200],
    ];
    for (const [path, body, status] of cases) {
      const answer = await bothAnswer(path, body);
      expect(answer.status, `${path} ${body}`).toBe(status);
      expect(answer.viaLightPath).toBe(true);
    }
  });

  it("answers a batch call by call, 207 when their statuses differ", async () => {
    const body = JSON.stringify({
      0: { name: "greet", input: { who: "b" } },
      1: { name: "missing" },
      2: { name: "greet", input: { who: "c" } },
    });
    const answer = await bothAnswer("runs.start,runs.start,runs.start?batch=1", body);
    expect(answer.status).toBe(207);
    expect(answer.viaLightPath).toBe(true);
    expect((answer.json as unknown[]).length).toBe(3);
    // Queries and mutations in one batch: refused by tRPC's adapter, which this path leaves it to.
    const mixed = await bothAnswer("runs.start,runs.get?batch=1", JSON.stringify({ 1: { runId: "x" } }));
    expect(mixed.status).toBe(400);
    expect(mixed.viaLightPath).toBe(false);
    const same = await bothAnswer("definitions.list,runs.list?batch=1", JSON.stringify({ 1: { limit: 2 } }));
    expect(same.status).toBe(200);
    expect((await bothAnswer("runs.start?batch=1", "[1]")).status).toBe(400);
  });

  it("refuses a body over the limit sent without a length, as tRPC's adapter does", async () => {
    const chunk = `{"name":"greet","input":{"who":"${"x".repeat(MAX_BODY)}"}}`;
    const answer = await bothAnswer("runs.start", [chunk.slice(0, 100), chunk.slice(100)]);
    expect(answer.status).toBe(413);
  });

  it("leaves GET queries, subscriptions and unknown paths to tRPC's adapter", async () => {
    const unknown = await bothAnswer("runs.nothing", "{}");
    expect(unknown.status).toBe(404);
    expect(unknown.viaLightPath).toBe(false);
    const query = await fetch(`${served.server.url}/trpc/definitions.list`);
    expect(query.status).toBe(200);
    const stream = await fetch(`${served.server.url}/trpc/runs.changes`, {
      headers: { accept: "text/event-stream" },
    });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    await stream.body?.cancel();
  });
});
