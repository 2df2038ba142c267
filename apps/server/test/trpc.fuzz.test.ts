import type { SqliteRunStore } from "@sagaflow/engine";
import { rawSqlite } from "@sagaflow/engine/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalDefinition, eventually, helloDefinition, startTestServer, type TestServer } from "./helpers";

/**
 * Fuzzing the API over real HTTP: random procedures (known and unknown), methods, and inputs (random JSON,
 * broken JSON, hostile strings, wrong shapes, batch syntax) against a server holding definitions and runs.
 * The server must answer every request with a client error or a result, never a 5xx, and no request may
 * change the database (no random input names an existing run, so no call may legitimately change it).
 */

let t: TestServer;
let waitingRunId: string;

beforeAll(async () => {
  t = await startTestServer();
  await t.client.definitions.save.mutate({ definition: helloDefinition() });
  await t.client.definitions.save.mutate({ definition: approvalDefinition() });
  const { runId } = await t.client.runs.start.mutate({ name: "hello", input: { who: "ada" } });
  await eventually(
    () => t.client.runs.get.query({ runId }),
    (found) => found.run.status === "succeeded",
  );
  ({ runId: waitingRunId } = await t.client.runs.start.mutate({ name: "wait-for-go" }));
  await eventually(
    () => t.client.runs.get.query({ runId: waitingRunId }),
    (found) => found.run.status === "waiting",
  );
});
afterAll(() => t.stop());

/** Every row that is data (leases are bookkeeping an operator call may touch before it is refused). */
function dumpDatabase(): string {
  const sqlite = rawSqlite(t.server.services.store as SqliteRunStore);
  return JSON.stringify([
    sqlite.prepare("SELECT * FROM definitions ORDER BY id").all(),
    sqlite
      .prepare(
        "SELECT id, workflow, version, status, updated_at, last_seq, last_hash, (SELECT snapshot FROM snapshots WHERE run_id = runs.id) AS snapshot, wake_at FROM runs ORDER BY id",
      )
      .all(),
    sqlite.prepare("SELECT * FROM events ORDER BY run_id, seq").all(),
  ]);
}

const QUERIES = [
  "definitions.list",
  "definitions.get",
  "definitions.versions",
  "definitions.validate",
  "definitions.export",
  "actions.catalog",
  "alerts.list",
  "runs.list",
  "runs.get",
  "runs.history",
];
const MUTATIONS = [
  "definitions.save",
  "definitions.archive",
  "definitions.import",
  "runs.start",
  "runs.cancel",
  "runs.resume",
  "runs.signal",
  "runs.retryCompensation",
  "runs.resolveStep",
  "runs.restore",
];

const hostile = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    "__proto__",
    "constructor",
    "{% $ %}",
    "../../etc/passwd",
    "hello",
    "wait-for-go",
    "a".repeat(3000),
    "\u0000",
    "\ud800",
  ),
);
const fields = fc.dictionary(
  fc.constantFrom(
    "name",
    "version",
    "input",
    "runId",
    "compensate",
    "payload",
    "output",
    "stateId",
    "definition",
    "json",
    "status",
    "cursor",
    "limit",
    "afterSeq",
    "archived",
    "lastEventId",
    "__proto__",
  ),
  fc.oneof(
    hostile,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.jsonValue({ maxDepth: 3 }),
  ),
  { maxKeys: 5 },
);
const input = fc.oneof(fields, fc.jsonValue({ maxDepth: 4 }));
const body = fc.oneof(
  { arbitrary: input.map((value) => JSON.stringify(value)), weight: 5 },
  input.map((value) => JSON.stringify({ 0: value })),
  fc.string({ maxLength: 50 }),
  fc.constantFrom("{", "[", "null", '{"0":', "\u0000", "x".repeat(2_000_000)),
);
const procedure = fc.oneof(
  { arbitrary: fc.constantFrom(...QUERIES, ...MUTATIONS), weight: 8 },
  fc.constantFrom(
    "nope",
    "runs",
    "runs.events.x",
    "runs.get,runs.list",
    "__proto__.x",
    "definitions.save%00",
  ),
  fc.string({ maxLength: 20 }),
);
const request = fc.record({
  path: procedure,
  method: fc.constantFrom("GET", "POST", "PUT", "DELETE"),
  body,
  batch: fc.boolean(),
});

/** Cases; reported in docs/reliability.md. */
export const TRPC_FUZZ_CASES = 600;

describe("API fuzzing over HTTP", () => {
  it(`answers ${TRPC_FUZZ_CASES} random requests with no 5xx and no change to the database`, {
    timeout: 180_000,
  }, async () => {
    const before = dumpDatabase();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ path, method, body, batch }) => {
        const url = new URL(`${t.server.url}/trpc/${encodeURIComponent(path).replaceAll("%2C", ",")}`);
        if (batch) url.searchParams.set("batch", "1");
        const init: RequestInit = { method };
        if (method === "GET") url.searchParams.set("input", body.slice(0, 4000));
        else if (method !== "DELETE") {
          init.body = body;
          init.headers = { "content-type": "application/json" };
        }
        const response = await fetch(url, init);
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, `${method} ${path} ${body.slice(0, 200)}`).toBeLessThan(500);
      }),
      { numRuns: TRPC_FUZZ_CASES },
    );
    expect(dumpDatabase()).toBe(before);
    // The waiting run is still waiting, the server still serves.
    expect((await t.client.runs.get.query({ runId: waitingRunId })).run.status).toBe("waiting");
    expect([...statuses.keys()].some((status) => status >= 400)).toBe(true);
  });

  it("answers well-shaped queries with hostile values (cursors, paging, versions) with no 5xx", {
    timeout: 120_000,
  }, async () => {
    const before = dumpDatabase();
    const cursor = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.base64String({ maxLength: 60 }),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString("base64url")),
    );
    const call = fc.oneof(
      cursor.map((c) => ["runs.list", { cursor: c }] as const),
      cursor.map((c) => ["runs.list", { cursor: c, status: "waiting", workflow: "hello" }] as const),
      fc
        .record({ afterSeq: fc.integer({ min: 0, max: 2 ** 31 }), limit: fc.integer({ min: 1, max: 1000 }) })
        .map((page) => ["runs.history", { runId: waitingRunId, ...page }] as const),
      fc
        .integer({ min: 1, max: 2 ** 31 })
        .map((version) => ["definitions.get", { name: "hello", version }] as const),
      fc.jsonValue({ maxDepth: 4 }).map((definition) => ["definitions.validate", { definition }] as const),
    );
    await fc.assert(
      fc.asyncProperty(call, async ([path, value]) => {
        const url = new URL(`${t.server.url}/trpc/${path}`);
        url.searchParams.set("input", JSON.stringify(value));
        const response = await fetch(url);
        const text = await response.text();
        expect(
          response.status,
          `${path} ${JSON.stringify(value).slice(0, 200)}: ${text.slice(0, 200)}`,
        ).toBeLessThan(500);
      }),
      { numRuns: TRPC_SHAPED_FUZZ_CASES },
    );
    expect(dumpDatabase()).toBe(before);
  });
});

export const TRPC_SHAPED_FUZZ_CASES = 400;
