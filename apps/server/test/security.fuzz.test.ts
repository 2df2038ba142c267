import { request } from "node:http";
import type { SqliteRunStore } from "@sagaflow/engine";
import { rawSqlite } from "@sagaflow/engine/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helloDefinition, startTestServer, type TestServer } from "./helpers";

/**
 * Fuzzing the HTTP surface around the API: random Host names (own, rebinding, malformed), Origins,
 * tokens, content types, extra headers, methods, paths and bodies against a real server with a token.
 * Every answer is below 500; a foreign Host always gets 421 (400 from Node with no Host at all), a /trpc call without the right token
 * 401, and neither reveals any data; the database does not change; the server still serves afterwards.
 */

const TOKEN = "fuzz-token-0123456789abcdef";
const SECRET_NAME = "hello";
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ token: TOKEN });
  await t.client.definitions.save.mutate({ definition: helloDefinition(SECRET_NAME) });
});
afterAll(() => t.stop());

function dumpDatabase(): string {
  const sqlite = rawSqlite(t.server.services.store as SqliteRunStore);
  return JSON.stringify([
    sqlite.prepare("SELECT * FROM definitions ORDER BY id").all(),
    sqlite
      .prepare(
        "SELECT id, status, last_seq, last_hash, (SELECT snapshot FROM snapshots WHERE run_id = runs.id) AS snapshot FROM runs ORDER BY id",
      )
      .all(),
    sqlite.prepare("SELECT * FROM events ORDER BY run_id, seq").all(),
  ]);
}

const port = () => t.server.port;
const PROCEDURES = [
  "definitions.list",
  "definitions.get",
  "definitions.save",
  "definitions.archive",
  "runs.list",
  "runs.get",
  "runs.start",
  "runs.cancel",
  "actions.catalog",
];

type HostKind = "own" | "foreign" | "none";
const host: fc.Arbitrary<{ kind: HostKind; value?: string }> = fc.oneof(
  fc
    .constantFrom("127.0.0.1", "localhost", "[::1]")
    .map((name) => ({ kind: "own" as const, value: `${name}:${port()}` })),
  fc
    .constantFrom(
      "evil.example",
      "localhost.evil.example",
      "127.0.0.1.nip.io",
      "sagaflow.internal",
      "localhost..",
      "localhost:1",
      "127.0.0.1:0",
    )
    .map((name) => ({ kind: "foreign" as const, value: name.includes(":") ? name : `${name}:${port()}` })),
  fc
    .string({ maxLength: 20 })
    .map((text) => ({ kind: "foreign" as const, value: `x${text.replace(/[^\x21-\x7e]/g, "")}` })),
  fc.constant({ kind: "none" as const }),
);
const token = fc.constantFrom<"right" | "wrong" | "none">("right", "wrong", "none");
const headerValue = fc.string({ maxLength: 40 }).map((text) => text.replace(/[^\x20-\x7e]/g, ""));
const extraHeaders = fc.dictionary(
  fc.constantFrom(
    "origin",
    "content-type",
    "x-forwarded-host",
    "forwarded",
    "cookie",
    "x-http-method-override",
  ),
  fc.oneof(headerValue, fc.constantFrom("application/json", "text/plain", "http://evil.example", "null")),
  { maxKeys: 3 },
);
const path = fc.oneof(
  { arbitrary: fc.constantFrom(...PROCEDURES).map((name) => `/trpc/${name}`), weight: 4 },
  fc.constantFrom(
    "/",
    "/index.html",
    "/assets/../../etc/passwd",
    "/trpc/",
    "/trpc/__proto__",
    "/healthz",
    "/metrics",
  ),
  fc.string({ maxLength: 20 }).map((text) => `/${encodeURIComponent(text)}`),
);
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc.constant(JSON.stringify({ name: SECRET_NAME })),
  fc.constant('{"__proto__":{"admin":true},"name":"hello"}'),
  fc.string({ maxLength: 60 }),
);
const requestArbitrary = fc.record({
  host,
  token,
  headers: extraHeaders,
  method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD"),
  path,
  body,
});

function send(input: Sample) {
  const headers: Record<string, string> = { ...input.headers };
  if (input.host.value !== undefined) headers.host = input.host.value;
  // The right token only with reads: no mutation may succeed, so the database must not change.
  const reads = input.method === "GET" || input.method === "HEAD";
  if (input.token === "right" && reads) headers.authorization = `Bearer ${TOKEN}`;
  if (input.token === "wrong") headers.authorization = `Bearer ${TOKEN.slice(0, -1)}x`;
  const withBody = input.method !== "GET" && input.method !== "HEAD";
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: port(),
        method: input.method,
        path: input.path,
        headers,
        setHost: false,
        agent: false,
      },
      (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) => {
      // Node's HTTP parser itself refuses a request with no Host: a 400, or for HEAD a closed socket.
      if (input.host.value === undefined && error.code === "ECONNRESET") resolve({ status: 400, text: "" });
      else reject(error);
    });
    req.end(withBody ? input.body : undefined);
  });
}

type Sample = {
  host: { kind: HostKind; value?: string };
  token: "right" | "wrong" | "none";
  headers: Record<string, string>;
  method: string;
  path: string;
  body: string;
};

/** Cases; bounded so the test takes seconds on the shared machine. */
const CASES = 200;

describe("fuzzing the HTTP surface: hosts, headers, tokens", () => {
  it(`answers ${CASES} random requests below 500, refusing foreign hosts and missing tokens, changing nothing`, {
    timeout: 120_000,
  }, async () => {
    const before = dumpDatabase();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestArbitrary, async (sample) => {
        const answer = await send(sample);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const label = JSON.stringify(sample).slice(0, 300);
        expect(answer.status, label).toBeLessThan(500);
        if (sample.host.kind !== "own") {
          // Node itself answers 400 to a request with no Host at all.
          expect([400, 421], label).toContain(answer.status);
          expect(answer.text, label).not.toContain(SECRET_NAME);
        } else if (sample.path.startsWith("/trpc/") && sample.token !== "right") {
          expect(answer.status, label).toBeGreaterThanOrEqual(400);
          expect(answer.text, label).not.toContain(`"name":"${SECRET_NAME}"`);
        }
      }),
      { numRuns: CASES },
    );
    expect(dumpDatabase()).toBe(before);
    expect(statuses.get(421)).toBeGreaterThan(0);
    expect(statuses.get(401)).toBeGreaterThan(0);
    const list = await t.client.definitions.list.query();
    expect(list.map((definition) => definition.name)).toEqual([SECRET_NAME]);
  });
});
